"""The sender against loopback sockets: the whole exchange is bounded, redirects are answers, not hops."""

import contextlib
import queue
import socket
import threading
import time

import pytest

from recordengine.webhooks.sender import send
from recordengine.webhooks.ssrf import Target


def serve_once(reply):
    """A one-connection server on loopback; `reply(conn)` answers after the request is read."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    received = []

    def run():
        conn, _ = server.accept()
        with conn:
            conn.settimeout(5)
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(4096)
            received.append(data)
            with contextlib.suppress(OSError):
                reply(conn)
        server.close()

    threading.Thread(target=run, daemon=True).start()
    return server.getsockname()[1], received


def target(port, host="receiver.test"):
    return Target(scheme="http", host=host, port=port, path="/hook?a=1", address="127.0.0.1")


def test_a_receiver_that_drips_its_answer_is_cut_off_at_the_timeout():
    def drip(conn):
        for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n":
            conn.sendall(bytes([byte]))
            time.sleep(0.1)

    port, _ = serve_once(drip)
    started = time.monotonic()
    result = send(target(port), {}, b"{}", timeout=0.5)
    assert not result.ok and "timed out" in (result.error or "")
    assert time.monotonic() - started < 1.5


def test_a_redirect_is_a_failed_answer_and_the_request_names_the_host():
    port, received = serve_once(
        lambda conn: conn.sendall(
            b"HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/\r\nContent-Length: 0\r\n\r\n"
        )
    )
    result = send(target(port), {"webhook-id": "msg_1"}, b'{"a":1}', timeout=2)
    assert result.status_code == 302 and not result.ok
    request = received[0].decode()
    assert request.startswith("POST /hook?a=1 HTTP/1.1\r\n")
    assert f"Host: receiver.test:{port}\r\n" in request and "webhook-id: msg_1\r\n" in request


def test_a_refused_connection_is_a_result():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = send(target(port), {}, b"{}", timeout=1)
    assert result.status_code is None and result.error


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_connection_made_after_the_deadline_carries_nothing(monkeypatch, scheme):
    """The watchdog fires while the connection is being made (it knows no socket yet): the connection that
    comes after it is not used, where it used to get a whole timeout more for the TLS handshake, the request
    and the answer."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = queue.SimpleQueue()
    threading.Thread(target=lambda: accepted.put(listener.accept()[0]), daemon=True).start()
    connect = socket.create_connection

    def slow_connect(address, timeout):
        time.sleep(0.8)  # the watchdog fires at 0.5 s, during the connection
        return connect(address, timeout)

    monkeypatch.setattr(socket, "create_connection", slow_connect)
    late = Target(scheme=scheme, host="receiver.test", port=listener.getsockname()[1], path="/", address="127.0.0.1")
    try:
        result = send(late, {}, b"{}", timeout=0.5)
        assert result.error == "timed out after 0.5 s"
        with accepted.get(timeout=5) as connection:
            connection.settimeout(5)
            assert connection.recv(65536) == b"", "the handshake or the request went out after the deadline"
    finally:
        listener.close()
