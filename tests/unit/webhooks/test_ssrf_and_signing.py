"""Address vetting (no network: literal addresses only) and Standard Webhooks signing."""

import base64
import ipaddress
import time

import pytest
from standardwebhooks import Webhook as StandardWebhook

from recordengine.webhooks import signing
from recordengine.webhooks.delivery import event_id_for, parse_schedule
from recordengine.webhooks.ssrf import UnsafeUrl, refusal, vet


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.255.255.254",
        "10.0.0.1",
        "172.31.255.255",
        "192.168.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.251",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.1",
        "198.18.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd00:ec2::254",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "::ffff:10.0.0.1",
        "::127.0.0.1",
        "2002:7f00:1::",
        "2002:c0a8:101::1",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b:1::a00:1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo whose client is 192.0.2.45
        "2001:db8::1",
        # Special-purpose blocks that the ipaddress module calls global (on some Python versions).
        "fec0::1",
        "feff:ffff::1",
        "3fff::1",
        "5f00::1",
        "100::1",
        "2001:2::1",
        "::ffff:0:7f00:1",
        "::ffff:0:808:808",
        "192.0.0.8",
        "192.0.0.9",
        "192.88.99.1",
        "ff0e::1",
    ],
)
def test_internal_addresses_are_refused(address):
    assert refusal(ipaddress.ip_address(address), allow_loopback=False)


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_are_allowed(address):
    assert refusal(ipaddress.ip_address(address), allow_loopback=False) is None


def test_loopback_only_is_allowed_by_the_setting():
    assert refusal(ipaddress.ip_address("127.0.0.1"), allow_loopback=True) is None
    assert refusal(ipaddress.ip_address("::ffff:127.0.0.1"), allow_loopback=True) is None
    assert refusal(ipaddress.ip_address("10.0.0.1"), allow_loopback=True)
    assert refusal(ipaddress.ip_address("169.254.169.254"), allow_loopback=True)


@pytest.mark.parametrize(
    "url", ["http://2130706433/", "http://0x7f.1/", "http://0177.0.0.1/", "http://127.1/", "http://[::ffff:7f00:1]/"]
)
def test_other_ipv4_notations_are_judged_by_the_address_they_reach(url):
    with pytest.raises(UnsafeUrl, match="loopback"):
        vet(url, allow_loopback=False)


@pytest.mark.parametrize(
    "url",
    ["http://8.8.8.8:0/", "http://8.8.8.8:000/", "https://8.8.8.8:65536/", "http://8.8.8.8:+80/", "http://[fec0::1]/"],
)
def test_invalid_ports_and_site_local_addresses_are_refused(url):
    with pytest.raises(UnsafeUrl):
        vet(url, allow_loopback=False)


def test_a_vetted_target_keeps_the_name_for_host_and_the_address_for_the_connection():
    target = vet("https://8.8.8.8:8443/hooks?x=1", allow_loopback=False)
    assert (target.scheme, target.address, target.port, target.path) == ("https", "8.8.8.8", 8443, "/hooks?x=1")
    assert target.host_header == "8.8.8.8:8443"


def test_signatures_verify_with_the_official_library():
    secret = signing.new_secret()
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) >= 24
    body = b'{"type":"document.exported","data":{"id":1}}'
    now = int(time.time())
    headers = signing.headers(secret, "msg_doc1_42", now, body)
    assert StandardWebhook(secret).verify(body, headers) == {"type": "document.exported", "data": {"id": 1}}
    with pytest.raises(Exception):  # noqa: B017, PT011 - the library's own error type
        StandardWebhook(secret).verify(body + b" ", headers)


def test_schedule_and_event_ids():
    assert parse_schedule("5, 300,1800") == (5, 300, 1800)
    assert parse_schedule("") == ()
    with pytest.raises(ValueError, match="seconds"):
        parse_schedule("5s")
    assert event_id_for(7, "1100000000017454423009") == "msg_doc7_1100000000017454423009"
