"""JSON bodies are read as written or refused: duplicate keys, numbers a float would change, UTF-16 and UTF-32;
what is not JSON at all is left to the route, and NaN and infinity to the request models."""

import asyncio
import json

import pytest

from recordengine.api.json_body import LaxJson, StrictJsonBodyMiddleware, lax_json_problem, read_json


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"a": 1, "a": 1}', 'key "a" appears twice'),
        ('{"a": {"b": 1, "b": 2}}', 'key "b" appears twice'),
        ('[{"x": 1}, {"y": 1, "y": 1}]', 'key "y" appears twice'),
        ("1e-400", "read as 0.0"),
        ("-1e-400", "read as -0.0"),
        ("5.0000000000000000001", "read as 5.0"),
        ("123456789.123456789", "read as 123456789.12345679"),
        ("9007199254740993.0", "read as 9007199254740992.0"),
    ],
)
def test_json_read_other_than_as_written_is_lax(text, reason):
    with pytest.raises(LaxJson, match=reason):
        read_json(text)
    assert reason in lax_json_problem(text.encode())


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32", "utf-32-be"])
def test_json_that_is_not_utf8_is_lax(encoding):
    data = '{"name": "Zoë"}'.encode(encoding)
    assert json.loads(data) == {"name": "Zoë"}  # what Python alone would accept
    with pytest.raises(LaxJson, match="UTF-8"):
        read_json(data)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.1", 0.1),
        ("1E2", 100.0),
        ("12.50", 12.5),
        ("-0.0", -0.0),
        ("0e7", 0.0),
        ("1.7976931348623157e308", 1.7976931348623157e308),
        ("5e-324", 5e-324),
        ("0.30000000000000004", 0.30000000000000004),
        ("123456789012345678901234567890", 123456789012345678901234567890),
        ('{"a": [1, {"b": null}], "c": "\\u05e9"}', {"a": [1, {"b": None}], "c": "\u05e9"}),
    ],
)
def test_exact_json_reads_as_written(text, value):
    assert read_json(text) == value
    assert read_json(text.encode()) == value
    assert lax_json_problem(text.encode()) is None


def test_nan_and_infinity_are_left_to_the_request_models_which_name_the_field():
    value = read_json('{"a": NaN, "b": Infinity, "c": -1e400}')
    assert value["a"] != value["a"] and value["b"] == float("inf") and value["c"] == float("-inf")


def test_a_utf8_byte_order_mark_is_allowed():
    assert read_json(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}


@pytest.mark.parametrize("data", [b"{not json", b"\xff\xfe\x00garbage", b"[" * 100_000, b'{"a": 1} trailing', b""])
def test_what_is_not_json_is_left_to_the_route(data):
    with pytest.raises((ValueError, RecursionError)):
        read_json(data)
    assert lax_json_problem(data) is None


def _run(middleware, headers, chunks):
    """The answer `middleware` gives (status, body) and the body the app behind it read."""
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    sent: list[dict] = []
    read: list[bytes] = []

    async def app(scope, receive, send):
        while True:
            message = await receive()
            read.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def receive():
        return messages.pop(0)

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/x", "headers": headers}
    asyncio.run(middleware(app)(scope, receive, send))
    status = sent[0]["status"]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return status, body, b"".join(read)


JSON_TYPE = [(b"content-type", b"application/json")]


def test_the_middleware_refuses_lax_json_before_the_app_reads_it():
    status, body, read = _run(StrictJsonBodyMiddleware, JSON_TYPE, [b'{"a": 1, ', b'"a": 2}'])
    assert status == 422 and b"appears twice" in body and read == b""


def test_the_middleware_passes_the_whole_body_on_to_the_app():
    for chunks in ([b'{"a": 1}'], [b'{"a": ', b"1}"], [b"{not json"]):
        status, body, read = _run(StrictJsonBodyMiddleware, JSON_TYPE, chunks)
        assert (status, body, read) == (200, b"ok", b"".join(chunks))


@pytest.mark.parametrize(
    "content_type", [b"text/plain", b"multipart/form-data; boundary=x", b"application/jsonx", b"application/xml"]
)
def test_the_middleware_reads_only_bodies_said_to_be_json(content_type):
    status, _, read = _run(StrictJsonBodyMiddleware, [(b"content-type", content_type)], [b'{"a": 1, "a": 2}'])
    assert (status, read) == (200, b'{"a": 1, "a": 2}')


@pytest.mark.parametrize(
    "content_type", [b"application/json; charset=utf-8", b"APPLICATION/JSON", b"application/problem+json"]
)
def test_every_json_media_type_is_read(content_type):
    status, _, _ = _run(StrictJsonBodyMiddleware, [(b"content-type", content_type)], [b'{"a": 1e-400}'])
    assert status == 422
