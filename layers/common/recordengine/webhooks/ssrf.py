"""SSRF protection for webhook URLs: only http(s), and only public addresses.

A URL is vetted at registration and again at every send. Every address its host resolves to is checked
(one bad address refuses the URL: a name that resolves to a public and a private address is a DNS
rebinding setup), and the sender then connects to the vetted address itself, never re-resolving the name.
IPv6 forms that carry an IPv4 address (IPv4-mapped, IPv4-compatible, 6to4, NAT64, Teredo) are judged by
the IPv4 address they carry. Decimal, octal and hexadecimal IPv4 notations are what getaddrinfo makes of
them (e.g. 2130706433 and 0x7f.1 are 127.0.0.1), so they are judged as the address they reach.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from recordengine.errors import InvalidInput

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
# The special-purpose blocks of IANA's IPv4 and IPv6 registries that no webhook may reach, written out rather
# than left to the ipaddress module alone: its is_global misses some (fec0::/10, the deprecated site-local
# block that routers still route inside a site; 192.0.0.0/24; 3fff::/20) and changes between Python versions.
_SPECIAL_PURPOSE = tuple(
    ipaddress.ip_network(block)
    for block in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/127",
        "::ffff:0:0:0/96",  # IPv4-translated (SIIT): an IPv4 address behind a translator
        "100::/64",
        "2001::/23",
        "2001:db8::/32",
        "3fff::/20",
        "5f00::/16",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
)
MAX_URL_LENGTH = 2048


class UnsafeUrl(InvalidInput):
    """A webhook URL that is not http(s), or whose host is (or resolves to) a refused address."""


@dataclass(frozen=True)
class Target:
    """A vetted URL: where to connect (`address`) and what to say (`host`, `path`) when connected."""

    scheme: str
    host: str
    port: int
    path: str
    address: str

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        name = f"[{self.host}]" if ":" in self.host else self.host
        return name if self.port == default else f"{name}:{self.port}"


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, 6to4, NAT64, Teredo), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if any(address in network for network in _NAT64) or (
        address in _IPV4_COMPATIBLE and int(address) > 1  # :: and ::1 are judged as IPv6
    ):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal(address: IPAddress, *, allow_loopback: bool) -> str | None:
    """Why an address may not receive webhooks, or None when it may."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return "a scoped IPv6 address"
        carried = embedded_ipv4(address)
        if carried is not None:
            reason = refusal(carried, allow_loopback=allow_loopback)
            return f"{reason} (inside {address})" if reason else None
    if address.is_loopback:
        return None if allow_loopback else "a loopback address"
    checks = (
        ("is_unspecified", "an unspecified address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_private", "a private address"),
        ("is_reserved", "a reserved address"),
    )
    for attribute, reason in checks:
        if getattr(address, attribute):
            return reason
    block = next((network for network in _SPECIAL_PURPOSE if address in network), None)
    if block is not None:
        return f"an address of the special-purpose block {block}"
    if not address.is_global:
        return "an address that is not globally reachable"
    return None


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (a literal address resolves to itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as error:
        raise UnsafeUrl(f"The webhook host '{host}' does not resolve.") from error
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UnsafeUrl(f"The webhook host '{host}' does not resolve.")
    return addresses


def parse_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of an http(s) URL; UnsafeUrl for anything else."""
    if not isinstance(url, str) or len(url) > MAX_URL_LENGTH or url != url.strip() or not url.isprintable():
        raise UnsafeUrl(f"The webhook URL must be an http(s) URL of at most {MAX_URL_LENGTH} characters.")
    if any(c.isspace() or c == "\\" for c in url):
        raise UnsafeUrl("The webhook URL must not contain spaces or backslashes.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeUrl("The webhook URL is not a valid URL (a port is a number between 1 and 65535).") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeUrl("The webhook URL must start with http:// or https://.")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise UnsafeUrl("The webhook URL must not carry credentials.")
    host = parts.hostname
    if not host:
        raise UnsafeUrl("The webhook URL has no host.")
    if port == 0:
        # urlsplit reads any number up to 65535; no service listens on port 0 (connecting to it fails or,
        # on some systems, reaches an arbitrary local port).
        raise UnsafeUrl("The webhook URL's port must be between 1 and 65535.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, host, port or (443 if scheme == "https" else 80), path


def vet(url: str, *, allow_loopback: bool) -> Target:
    """Checks `url` and every address of its host; the Target to connect to, or UnsafeUrl."""
    scheme, host, port, path = parse_url(url)
    addresses = resolve(host, port)
    for text in addresses:
        try:
            address = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            raise UnsafeUrl(f"The webhook host '{host}' resolves to something that is not an address.") from None
        if "%" in text:
            raise UnsafeUrl(f"The webhook host '{host}' resolves to a scoped IPv6 address.")
        reason = refusal(address, allow_loopback=allow_loopback)
        if reason:
            raise UnsafeUrl(f"The webhook host '{host}' resolves to {reason}; webhooks go to public addresses only.")
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])
