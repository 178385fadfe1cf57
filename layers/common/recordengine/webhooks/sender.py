"""Sends one webhook request: POST to the vetted address, no redirects, a bounded time, a bounded answer.

The connection goes to the address that was checked (never a fresh resolution of the name, which a DNS
rebinding attack would answer differently), while the request carries the URL's host in `Host` and, for
https, in SNI and the certificate check.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass

from .ssrf import Target

USER_AGENT = "RecordEngine-Webhooks/1"
MAX_RESPONSE_BYTES = 4096


@dataclass(frozen=True)
class SendResult:
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float, expired: threading.Event) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address
        self._expired = expired

    def _open(self) -> socket.socket:
        """The TCP connection to the vetted address, known to the watchdog before anything goes over it.

        The watchdog can only cut off a socket it knows: one that connected just before the deadline would
        otherwise have a whole timeout more for each operation after it.
        """
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = sock
        if self._expired.is_set():
            raise TimeoutError
        return sock

    def connect(self) -> None:
        self._open().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    def __init__(self, target: Target, timeout: float, expired: threading.Event, context: ssl.SSLContext) -> None:
        super().__init__(target, timeout, expired)
        self._tls = context

    def connect(self) -> None:
        # The handshake runs on a socket the watchdog knows, so a receiver that sends its handshake one byte
        # at a time is cut off at the deadline too.
        self.sock = self._tls.wrap_socket(self._open(), server_hostname=self.host)


def send(target: Target, headers: dict[str, str], body: bytes, timeout: float) -> SendResult:
    """POSTs `body`; any answer is a result (only 2xx is success), network failures are results too."""
    started = time.monotonic()
    # The timeout bounds each socket operation; the watchdog bounds the whole exchange, so a receiver that
    # answers one byte at a time cannot hold the sender past it.
    expired = threading.Event()
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = _PinnedHTTPSConnection(target, timeout, expired, ssl.create_default_context())
    else:
        connection = _PinnedHTTPConnection(target, timeout, expired)

    def cut_off() -> None:
        expired.set()
        if connection.sock is not None:
            with contextlib.suppress(OSError):
                connection.sock.shutdown(socket.SHUT_RDWR)

    watchdog = threading.Timer(timeout, cut_off)
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.putrequest("POST", target.path, skip_host=True, skip_accept_encoding=True)
        all_headers = {
            "Host": target.host_header,
            "Content-Type": "application/json",
            "Content-Length": str(len(body)),
            "User-Agent": USER_AGENT,
            **headers,
        }
        for name, value in all_headers.items():
            connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        response.read(MAX_RESPONSE_BYTES)
        return SendResult(response.status, None, _elapsed_ms(started))
    except TimeoutError:
        return SendResult(None, f"timed out after {timeout:g} s", _elapsed_ms(started))
    except (OSError, http.client.HTTPException) as error:
        if expired.is_set():
            return SendResult(None, f"timed out after {timeout:g} s", _elapsed_ms(started))
        return SendResult(None, f"{type(error).__name__}: {error}"[:300], _elapsed_ms(started))
    finally:
        watchdog.cancel()
        connection.close()


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
