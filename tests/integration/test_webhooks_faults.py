"""Webhook delivery under faults, on moto with loopback receivers only: a receiver failing at random, a
poison record, repeated stream records and SQS messages, and SSRF attempts (no connection may be made)."""

import copy
import itertools
import random
import socket
import threading
import time
from collections import Counter

import pytest
from standardwebhooks import Webhook as StandardWebhook

from local.runtime import ACCOUNT_CONCURRENCY, WorkerPool
from local.sqs_events import SqsPoller
from recordengine import wiring
from recordengine.storage import keys
from tests.support.documents import invoice_pdf
from tests.support.webhooks import Pump, Receiver, SilentReceiver, configure

EXPORTS = 40


def new_documents(stack, contact, folder, count):
    content = invoice_pdf()
    ids = []
    for _ in range(count):
        r = stack.upload(content, fields={"contact_id": contact["id"], "folder_id": folder["id"]})
        assert r.status == 201, r.body
        ids.append(r.json()["id"])
    stack.deliver_s3_events()  # only an extracted document may go to Export
    return ids


def set_status(stack, doc_id, status):
    assert stack.request("PATCH", f"/api/documents/{doc_id}/status", json_body={"status": status}).status == 200


def export_to_receivers(stack, contact, folder, urls, pool, stop):
    """Registers a webhook per URL, exports three documents and starts send_webhook's SQS event source as Lambda
    runs it (the local stack's poller); the time it started."""
    for url in urls:
        assert stack.request("POST", "/api/webhooks", json_body={"url": url}).status == 201
    pump = Pump(stack)
    for doc_id in new_documents(stack, contact, folder, 3):
        set_status(stack, doc_id, "Export")
    assert not pump.queue_jobs(pump.stream_records())
    sender = stack.function("send_webhook")
    poller = SqsPoller(
        sender.spec.sqs_triggers[0], sender, pump.jobs_url, "arn:aws:sqs:us-east-1:123456789012:jobs.fifo",
        pump.sqs, pool, stop, region="us-east-1",
    )  # fmt: skip
    started = time.monotonic()
    poller.start()
    return started


def test_a_receiver_failing_at_random_still_acknowledges_every_export_once(stack, contact, folder, monkeypatch):
    # Ten retries at once: with 30% failures, 11 failures in a row (1 in 5.6 million) would be needed to
    # dead-letter an event.
    configure(monkeypatch, WEBHOOK_RETRY_SCHEDULE=",".join(["0"] * 10), WEBHOOK_TIMEOUT_SECONDS="0.3")
    chance = random.Random(20251115)
    secrets: dict[str, str] = {}
    verified = Counter()

    def behaviour(n, headers, body):
        StandardWebhook(secrets["secret"]).verify(body, headers)  # raises on a bad signature
        verified[headers["webhook-id"]] += 1
        roll = chance.random()
        if roll < 0.15:
            return 500
        if roll < 0.30:
            return "timeout"
        return 200

    receiver = Receiver(behaviour, hang_seconds=0.6)
    try:
        r = stack.request("POST", "/api/webhooks", json_body={"url": receiver.url})
        secrets["secret"] = r.json()["secret"]
        pump = Pump(stack)
        ids = new_documents(stack, contact, folder, EXPORTS)
        # Two more transitions of the first document: out of Export and back in is a second event.
        for doc_id in ids:
            set_status(stack, doc_id, "Export")
        set_status(stack, ids[0], "Approved")
        set_status(stack, ids[0], "Export")
        records = pump.stream_records()
        assert len(records) == EXPORTS + 1
        # Lambda may deliver a batch again (a retry after a timeout): every batch comes twice here.
        assert not pump.deliver(records)
        assert not pump.deliver(records)
        pump.drain_retries()
        dead = pump.dead_letters()

        events = {r.webhook_id for r in receiver.requests}
        acknowledged = {r.webhook_id for r in receiver.requests if r.answer == 200}
        acks = Counter(r.webhook_id for r in receiver.requests if r.answer == 200)
        figures = {
            "exports": EXPORTS + 1,
            "events": len(events),
            "attempts": len(receiver.requests),
            "failed_500": sum(1 for r in receiver.requests if r.answer == 500),
            "timeouts": sum(1 for r in receiver.requests if r.answer == "timeout"),
            "acknowledged": len(acknowledged),
            "dead_lettered": len(dead),
            "duplicate_acks": sum(n - 1 for n in acks.values()),
            "retry_messages": pump.retry_messages,
            "signatures_verified": sum(verified.values()),
        }
        print("\nwebhook fault test figures:", figures)
        assert figures["events"] == EXPORTS + 1, "one webhook-id per Export transition"
        assert figures["acknowledged"] == EXPORTS + 1, "every Export acknowledged"
        assert figures["dead_lettered"] == 0 and figures["duplicate_acks"] == 0
        assert figures["signatures_verified"] == figures["attempts"]
        assert figures["failed_500"] + figures["timeouts"] > 0, "the receiver did fail"
        by_document = Counter(
            (d["document_id"], d["event_id"])
            for page in [stack.request("GET", "/api/webhooks/1/deliveries", params={"limit": 200}).json()]
            for d in page["deliveries"]
        )
        assert len({event for _, event in by_document}) == EXPORTS + 1
        assert sum(by_document.values()) == figures["attempts"], "every attempt is recorded"
    finally:
        receiver.close()


def test_a_receiver_that_never_answers_holds_up_no_other_endpoint(stack, contact, folder, monkeypatch):
    timeout = 2.0
    configure(monkeypatch, WEBHOOK_TIMEOUT_SECONDS=str(timeout), WEBHOOK_RETRY_SCHEDULE="")
    silent, healthy = SilentReceiver(), Receiver()
    stop = threading.Event()
    pool = WorkerPool("senders", 4)
    try:
        started = export_to_receivers(stack, contact, folder, [silent.url, healthy.url], pool, stop)
        while len(healthy.requests) < 3 and time.monotonic() - started < 10:
            time.sleep(0.02)
        healthy_seconds = time.monotonic() - started
        while len([c for c in silent.connections if "closed" in c]) < 3 and time.monotonic() - started < 20:
            time.sleep(0.05)
        print(f"\nthe healthy endpoint had its 3 events {healthy_seconds:.2f} s after the jobs were queued")
        assert len(healthy.requests) == 3
        # All three before the first attempt to the silent receiver even timed out.
        assert healthy_seconds < timeout
        # The silent endpoint had its attempts one at a time, each cut off at the timeout.
        assert len(silent.connections) == 3
        for earlier, later in itertools.pairwise(silent.connections):
            assert earlier["closed"] <= later["opened"]
        deliveries = stack.request("GET", "/api/webhooks/1/deliveries").json()["deliveries"]
        assert sorted(d["error"] for d in deliveries) == [f"timed out after {timeout:g} s"] * 3
        # Each endpoint had the events in the order the documents entered Export.
        assert [r.webhook_id for r in healthy.requests] == [d["event_id"] for d in reversed(deliveries)]
    finally:
        stop.set()
        pool.shutdown()
        silent.close()
        healthy.close()


def test_receivers_that_never_answer_hold_up_no_healthy_endpoint_however_many(stack, contact, folder, monkeypatch):
    """More silent receivers than a standard queue's five batches: each endpoint's message group has its own
    batch in flight, as Lambda scales a FIFO source, so the healthy endpoint has every event before any
    attempt to a silent one has timed out."""
    # Long enough for the healthy endpoint's three deliveries however busy the machine: the test is about order.
    timeout = 5.0
    configure(monkeypatch, WEBHOOK_TIMEOUT_SECONDS=str(timeout), WEBHOOK_RETRY_SCHEDULE="")
    silent = [SilentReceiver() for _ in range(6)]
    healthy = Receiver()
    stop = threading.Event()
    # As many executions as the account allows, as the local stack gives a function with no reservation:
    # only the event source bounds the batches in flight.
    pool = WorkerPool("senders", ACCOUNT_CONCURRENCY)
    try:
        started = export_to_receivers(stack, contact, folder, [*(r.url for r in silent), healthy.url], pool, stop)
        while len(healthy.requests) < 3 and time.monotonic() - started < 30:
            time.sleep(0.02)
        healthy_done = time.monotonic()
        print(f"\nthe healthy endpoint had its 3 events {healthy_done - started:.2f} s after the jobs were queued")
        assert len(healthy.requests) == 3
        first_attempts = [receiver.connections[:1] for receiver in silent]
        while not all(c and "closed" in c[0] for c in first_attempts) and time.monotonic() - started < 30:
            time.sleep(0.05)
            first_attempts = [receiver.connections[:1] for receiver in silent]
        # Every silent endpoint had its first attempt cut off at the timeout, each after the healthy one was done.
        assert all(c and healthy_done < c[0]["closed"] for c in first_attempts)
    finally:
        stop.set()
        pool.shutdown()
        for receiver in silent:
            receiver.close()
        healthy.close()


def test_exports_after_a_failed_transaction_are_still_delivered(stack, contact, folder, monkeypatch):
    """moto rolls a failed transaction back by swapping in a copy of the table (and of its stream shard)."""
    configure(monkeypatch)
    receiver = Receiver()
    try:
        stack.request("POST", "/api/webhooks", json_body={"url": receiver.url})
        pump = Pump(stack)  # reads the stream from before the failure
        (first, second) = new_documents(stack, contact, folder, 2)
        set_status(stack, first, "Export")
        client = wiring.table().client
        key = keys.item_key(keys.DOCUMENT, first)
        assert "Item" in client.get_item(TableName=stack.table, Key=key), "the key of a stored document"
        with pytest.raises(client.exceptions.TransactionCanceledException):
            client.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": stack.table, "Item": {"pk": {"S": "ROLLED#BACK"}, "sk": {"S": "X"}}}},
                    {"Put": {"TableName": stack.table, "Item": key, "ConditionExpression": "attribute_not_exists(pk)"}},
                ]
            )
        set_status(stack, second, "Export")
        pump.run()
        assert [r.webhook_id.split("_")[1] for r in receiver.requests] == [f"doc{first}", f"doc{second}"]
    finally:
        receiver.close()


def test_a_poison_record_fails_alone(stack, contact, folder, monkeypatch):
    configure(monkeypatch)
    receiver = Receiver()
    try:
        stack.request("POST", "/api/webhooks", json_body={"url": receiver.url})
        pump = Pump(stack)
        for doc_id in new_documents(stack, contact, folder, 3):
            set_status(stack, doc_id, "Export")
        records = pump.stream_records()
        assert len(records) == 3
        poison = copy.deepcopy(records[1])
        del poison["dynamodb"]["NewImage"]["filename"]  # not a document record any more
        poison["dynamodb"]["SequenceNumber"] = "9" * 21
        failures = pump.deliver([records[0], poison, records[2]])
        assert failures == [{"itemIdentifier": "9" * 21}]
        assert len(receiver.requests) == 2
        # Bisecting or retrying the rest never sends the good records twice.
        assert pump.deliver([records[0], poison]) == [{"itemIdentifier": "9" * 21}]
        assert len(receiver.requests) == 2
    finally:
        receiver.close()


def test_repeated_stream_records_make_no_second_event(stack, contact, folder, monkeypatch):
    configure(monkeypatch)
    receiver = Receiver()
    try:
        stack.request("POST", "/api/webhooks", json_body={"url": receiver.url})
        pump = Pump(stack)
        (doc_id,) = new_documents(stack, contact, folder, 1)
        set_status(stack, doc_id, "Export")
        (record,) = pump.stream_records()
        assert not pump.deliver([record, record, copy.deepcopy(record)])
        assert not pump.deliver([record])
        pump.drain_retries()
        assert len(receiver.requests) == 1
        assert stack.request("GET", "/api/webhooks/1/deliveries").json()["total"] == 1
    finally:
        receiver.close()


def test_repeated_retry_messages_make_no_second_attempt(stack, contact, folder, monkeypatch):
    configure(monkeypatch, WEBHOOK_RETRY_SCHEDULE="0,0,0")
    receiver = Receiver(lambda n, h, b: 500 if n == 0 else 200)
    try:
        stack.request("POST", "/api/webhooks", json_body={"url": receiver.url})
        pump = Pump(stack)
        (doc_id,) = new_documents(stack, contact, folder, 1)
        set_status(stack, doc_id, "Export")
        assert not pump.deliver(pump.stream_records())
        message = pump.sqs.receive_message(QueueUrl=pump.queue_url, MaxNumberOfMessages=10)["Messages"]
        assert len(message) == 1
        # The same message delivered twice (SQS is at-least-once).
        for _ in range(2):
            pump.sqs.send_message(QueueUrl=pump.queue_url, MessageBody=message[0]["Body"])
        pump.sqs.delete_message(QueueUrl=pump.queue_url, ReceiptHandle=message[0]["ReceiptHandle"])
        pump.drain_retries()
        assert [r.answer for r in receiver.requests] == [500, 200]
    finally:
        receiver.close()


def test_a_long_wait_is_a_chain_of_sqs_hops(stack, contact, folder, monkeypatch):
    configure(monkeypatch, WEBHOOK_RETRY_SCHEDULE="2000")
    sent = []
    monkeypatch.setattr(
        "recordengine.webhooks.delivery.DeliveryQueues.schedule",
        lambda self, message, delay: sent.append((message, delay)),
    )
    receiver = Receiver(lambda n, h, b: 500 if n == 0 else 200)
    try:
        stack.request("POST", "/api/webhooks", json_body={"url": receiver.url})
        pump = Pump(stack)
        (doc_id,) = new_documents(stack, contact, folder, 1)
        set_status(stack, doc_id, "Export")
        assert not pump.deliver(pump.stream_records())
        (message, delay) = sent[-1]
        assert delay == 2000 and message["attempts"] == 1
        dispatcher = wiring.webhook_dispatcher()
        now = message["due_at"] - 2000
        dispatcher.clock = lambda: now + 900  # the first hop ends: 1100 s to go
        assert dispatcher.handle_retry_message(message) == "waiting"
        assert sent[-1] == (message, 1100) and len(receiver.requests) == 1
        dispatcher.clock = lambda: now + 2000
        assert dispatcher.handle_retry_message(message) == "queued"
        pump.send_jobs()
        assert [r.answer for r in receiver.requests] == [500, 200]
    finally:
        receiver.close()


# ---------------------------------------------------------------------------------------------- SSRF
# The OWASP SSRF Prevention Cheat Sheet's cases: schemes, loopback in every notation, private and
# link-local (cloud metadata) addresses, IPv6 forms of them, credentials and fragments that confuse parsers,
# and names that resolve to internal addresses (given here by a fake resolver, like DNS would).
def ssrf_urls(port):
    return [
        f"http://127.0.0.1:{port}/",
        f"http://localhost:{port}/",
        f"http://127.1:{port}/",
        f"http://127.000.000.001:{port}/",
        f"http://2130706433:{port}/",
        f"http://017700000001:{port}/",
        f"http://0177.0.0.1:{port}/",
        f"http://0x7f000001:{port}/",
        f"http://0x7f.0x0.0x0.0x1:{port}/",
        f"http://0:{port}/",
        f"http://0.0.0.0:{port}/",
        f"http://[::1]:{port}/",
        f"http://[::]:{port}/",
        f"http://[::ffff:127.0.0.1]:{port}/",
        f"http://[::ffff:7f00:1]:{port}/",
        f"http://[0:0:0:0:0:ffff:127.0.0.1]:{port}/",
        f"http://[::127.0.0.1]:{port}/",
        f"http://[2002:7f00:1::]:{port}/",
        f"http://[64:ff9b::7f00:1]:{port}/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://[2002:a9fe:a9fe::]/",
        "http://2852039166/",
        "http://0xa9fea9fe/",
        "http://10.0.0.1/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://[fc00::1]/",
        "http://[fe80::1]/",
        "http://224.0.0.1/",
        "http://[ff02::1]/",
        "http://255.255.255.255/",
        "http://240.0.0.1/",
        "http://192.0.0.170/",
        f"http://localtest.me:{port}/",
        f"http://127.0.0.1.nip.io:{port}/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://internal.rebind.example/",
        f"http://example.com@127.0.0.1:{port}/",
        f"http://user:pass@127.0.0.1:{port}/",
        f"http://127.0.0.1:{port}#@example.com/",
        f"http://127。0。0。1:{port}/",
        f"http://①②⑦.⓪.⓪.①:{port}/",
        f"http://%31%32%37.0.0.1:{port}/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_INFO",
        "dict://127.0.0.1:11211/stat",
        "ftp://127.0.0.1/",
        "ldap://127.0.0.1/",
        "jar:http://127.0.0.1!/",
        "netdoc:///etc/passwd",
        f"http:\\\\127.0.0.1:{port}\\",
        f" http://127.0.0.1:{port}/",
    ]


FAKE_DNS = {
    "localtest.me": "127.0.0.1",
    "127.0.0.1.nip.io": "127.0.0.1",
    "metadata.google.internal": "169.254.169.254",
    "internal.rebind.example": "10.1.2.3",
}


@pytest.fixture
def no_connections(monkeypatch):
    """Fake DNS for the names above, and a record of every outgoing connection the code tries."""
    connections = []
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        if name in FAKE_DNS:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (FAKE_DNS[name], port or 0))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    def create_connection(address, *args, **kwargs):
        connections.append(address)
        raise AssertionError(f"a connection to {address} was attempted")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return connections


def test_every_owasp_ssrf_case_is_refused_at_registration(stack, monkeypatch, no_connections):
    configure(monkeypatch, WEBHOOK_ALLOW_LOOPBACK="false")
    receiver = Receiver()
    try:
        port = receiver.server.server_address[1]
        accepted = []
        for url in ssrf_urls(port):
            r = stack.request("POST", "/api/webhooks", json_body={"url": url})
            if r.status != 422:
                accepted.append((url, r.status))
        assert not accepted
        assert not no_connections and not receiver.requests
        assert stack.request("GET", "/api/webhooks").json()["total"] == 0
    finally:
        receiver.close()


def test_an_address_that_changes_after_registration_is_refused_at_send(stack, contact, folder, monkeypatch):
    """DNS rebinding: the name resolved to a public address at registration, to an internal one at send."""
    configure(monkeypatch, WEBHOOK_ALLOW_LOOPBACK="false", WEBHOOK_RETRY_SCHEDULE="")
    answers = {"hooks.rebind.example": ["93.184.215.14"]}
    monkeypatch.setattr("recordengine.webhooks.ssrf.resolve", lambda host, port: answers[host])
    connections = []
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: connections.append(address))
    r = stack.request("POST", "/api/webhooks", json_body={"url": "https://hooks.rebind.example/hook"})
    assert r.status == 201, r.body
    for internal in (["127.0.0.1"], ["93.184.215.14", "169.254.169.254"], ["::ffff:10.0.0.1"]):
        answers["hooks.rebind.example"] = internal
        pump = Pump(stack)
        (doc_id,) = new_documents(stack, contact, folder, 1)
        set_status(stack, doc_id, "Export")
        pump.run()
    assert not connections, "no connection to a refused address"
    deliveries = stack.request("GET", "/api/webhooks/1/deliveries").json()["deliveries"]
    assert len(deliveries) == 3 and all(d["status"] == "failed" for d in deliveries)
    assert all("public addresses only" in d["error"] for d in deliveries)


def test_the_sender_connects_to_the_vetted_address(stack, contact, folder, monkeypatch):
    """The name is resolved once per attempt, by the check; the connection goes to the checked address."""
    configure(monkeypatch)
    receiver = Receiver()
    try:
        port = receiver.server.server_address[1]
        calls = []
        real = socket.getaddrinfo

        def getaddrinfo(host, *args, **kwargs):
            calls.append(host)
            return real("127.0.0.1" if host == "receiver.test" else host, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        r = stack.request("POST", "/api/webhooks", json_body={"url": f"http://receiver.test:{port}/hook"})
        assert r.status == 201, r.body
        pump = Pump(stack)
        (doc_id,) = new_documents(stack, contact, folder, 1)
        set_status(stack, doc_id, "Export")
        calls.clear()
        pump.run()
        # The connection looks up only the literal address it was given (numeric: no DNS).
        assert calls == ["receiver.test", "127.0.0.1"], "one resolution of the name (the check)"
        assert receiver.requests[0].headers["host"] == f"receiver.test:{port}"
    finally:
        receiver.close()
