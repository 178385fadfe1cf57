"""The local API Gateway: route matching, the payload v2.0 event, and mapping responses back to HTTP."""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import replace
from typing import Any

import pytest

from local.cfn import TemplateError
from local.gateway import (
    LAMBDA_RESPONSE_LIMIT_BYTES,
    Gateway,
    HttpRequest,
    MalformedResponseError,
    Router,
    build_event,
    is_text_content_type,
    map_response,
)
from local.model import HttpRoute
from local.runtime import WorkerPool
from tests.unit.local.test_local_concurrency import function


def route(method: str, path: str, function: str = "Fn") -> HttpRoute:
    return HttpRoute(function=function, event_name=f"{method}{path}", method=method, path=path)


# ---------------------------------------------------------------------------------------------- routing


@pytest.fixture
def router() -> Router:
    return Router(
        [
            route("GET", "/api/documents", "List"),
            route("GET", "/api/documents/{document_id}", "Get"),
            route("PATCH", "/api/documents/{document_id}/status", "Status"),
            route("POST", "/api/documents/upload", "Upload"),
            route("GET", "/api/documents/upload", "UploadInfo"),
            route("ANY", "/api/things/{id}", "AnyThing"),
            route("DELETE", "/api/things/{id}", "DeleteThing"),
            route("GET", "/files/{proxy+}", "Files"),
            route("GET", "/{proxy+}", "CatchAll"),
        ]
    )


@pytest.mark.parametrize(
    ("method", "path", "function", "params"),
    [
        ("GET", "/api/documents", "List", {}),
        ("GET", "/api/documents/847", "Get", {"document_id": "847"}),
        ("PATCH", "/api/documents/847/status", "Status", {"document_id": "847"}),
        # A literal segment wins over a {variable} ...
        ("GET", "/api/documents/upload", "UploadInfo", {}),
        ("POST", "/api/documents/upload", "Upload", {}),
        # ... a method over ANY ...
        ("DELETE", "/api/things/7", "DeleteThing", {"id": "7"}),
        ("PUT", "/api/things/7", "AnyThing", {"id": "7"}),
        # ... and anything over a greedy {proxy+}; the longer literal prefix first.
        ("GET", "/files/a/b/c.pdf", "Files", {"proxy": "a/b/c.pdf"}),
        ("GET", "/somewhere/else", "CatchAll", {"proxy": "somewhere/else"}),
    ],
)
def test_routes_match_like_api_gateway(
    router: Router, method: str, path: str, function: str, params: dict[str, str]
) -> None:
    matched = router.match(method, path)
    assert matched is not None
    assert matched[0].function == function
    assert matched[1] == params


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/documents/847"),  # the path exists, the method doesn't: still 404 in an HTTP API
        ("GET", "/api/documents/847/status"),
        ("GET", "/api/documents/847/status/extra"),
        ("GET", "/api/documents/"),  # an empty {document_id}
        ("PATCH", "/api//status"),
    ],
)
def test_unmatched_requests(method: str, path: str) -> None:
    router = Router(
        [
            route("GET", "/api/documents/{document_id}"),
            route("PATCH", "/api/documents/{document_id}/status"),
        ]
    )
    assert router.match(method, path) is None


def test_greedy_needs_a_segment_and_default_catches_everything() -> None:
    router = Router([route("GET", "/files/{proxy+}", "Files"), route("ANY", "$default", "Default")])
    assert router.match("GET", "/files/x")[0].function == "Files"  # type: ignore[index]
    assert router.match("GET", "/files")[0].function == "Default"  # type: ignore[index]
    assert router.match("POST", "/anything")[0].function == "Default"  # type: ignore[index]


def test_default_takes_only_what_no_route_takes() -> None:
    # As API Gateway: a more specific route always wins; $default gets a known path with another method too.
    router = Router(
        [
            route("GET", "/api/documents", "List"),
            route("PATCH", "/api/documents/{document_id}/status", "Status"),
            route("ANY", "$default", "Default"),
        ]
    )
    assert router.match("GET", "/api/documents")[0].function == "List"  # type: ignore[index]
    assert router.match("PATCH", "/api/documents/7/status")[0].function == "Status"  # type: ignore[index]
    for method, path in [("PUT", "/api/documents/7/status"), ("GET", "/api/documents/"), ("POST", "/api/documents")]:
        assert router.match(method, path)[0].function == "Default"  # type: ignore[index]


def test_duplicate_routes_are_refused() -> None:
    with pytest.raises(TemplateError, match="defined twice"):
        Router([route("GET", "/a", "One"), route("GET", "/a", "Two")])


# ---------------------------------------------------------------------------------------------- events

# The example event of API Gateway's documentation ("Working with AWS Lambda proxy integrations for HTTP
# APIs", payload format 2.0), with the values of the request below; dynamic values are checked separately.
DOCUMENTED_EVENT: dict[str, Any] = {
    "version": "2.0",
    "routeKey": "POST /my/{name}",
    "rawPath": "/my/path",
    "rawQueryString": "parameter1=value1&parameter1=value2&parameter2=value",
    "cookies": ["cookie1", "cookie2"],
    "headers": {
        "header1": "value1",
        "header2": "value1,value2",
        "host": "127.0.0.1:3000",
        "user-agent": "agent",
        "content-type": "application/json",
        "content-length": "17",
        "x-forwarded-for": "192.0.2.1",
        "x-forwarded-port": "3000",
        "x-forwarded-proto": "http",
    },
    "queryStringParameters": {"parameter1": "value1,value2", "parameter2": "value"},
    "requestContext": {
        "accountId": "123456789012",
        "apiId": "api-id",
        "domainName": "127.0.0.1",
        "domainPrefix": "127",
        "http": {
            "method": "POST",
            "path": "/my/path",
            "protocol": "HTTP/1.1",
            "sourceIp": "192.0.2.1",
            "userAgent": "agent",
        },
        "requestId": "JKJaXmPLvHcESHA=",
        "routeKey": "POST /my/{name}",
        "stage": "$default",
        "time": "12/Mar/2020:19:03:58 +0000",
        "timeEpoch": 1584039838390,
    },
    "body": "Hello from Lambda",
    "pathParameters": {"name": "path"},
    "isBase64Encoded": False,
}


def documented_request(**overrides: Any) -> HttpRequest:
    fields: dict[str, Any] = {
        "method": "POST",
        "target": "/my/path?parameter1=value1&parameter1=value2&parameter2=value",
        "headers": [
            ("Header1", "value1"),
            ("Header2", "value1"),
            ("Header2", "value2"),
            ("Host", "127.0.0.1:3000"),
            ("User-Agent", "agent"),
            ("Content-Type", "application/json"),
            ("Content-Length", "17"),
            ("Cookie", "cookie1; cookie2"),
        ],
        "body": b"Hello from Lambda",
        "source_ip": "192.0.2.1",
        "server_port": 3000,
        "received_at": 1584039838.390,
    }
    fields.update(overrides)
    return HttpRequest(**fields)


def test_the_v2_event_matches_api_gateways() -> None:
    event = build_event(
        documented_request(),
        route("POST", "/my/{name}"),
        {"name": "path"},
        api_id="api-id",
        account_id="123456789012",
        request_id="JKJaXmPLvHcESHA=",
    )
    trace_id = event["headers"].pop("x-amzn-trace-id")
    assert trace_id.startswith("Root=1-")
    assert event == DOCUMENTED_EVENT
    # Key order as API Gateway writes it (some tools print events; keep them familiar).
    assert list(event)[:4] == ["version", "routeKey", "rawPath", "rawQueryString"]


def test_optional_keys_are_absent_when_empty() -> None:
    event = build_event(
        HttpRequest(method="GET", target="/api/health", headers=[("Host", "localhost:3000")]),
        route("GET", "/api/health"),
        {},
        api_id="a",
        account_id="1",
    )
    for key in ("cookies", "queryStringParameters", "pathParameters", "body"):
        assert key not in event
    assert event["rawQueryString"] == ""
    assert event["isBase64Encoded"] is False
    assert event["requestContext"]["domainName"] == "localhost"
    assert event["requestContext"]["http"]["userAgent"] == ""


def test_paths_and_parameters_are_decoded_as_in_http_apis() -> None:
    router = Router([route("GET", "/files/{name}")])
    matched = router.match("GET", "/files/a b.pdf")
    assert matched is not None
    event = build_event(
        HttpRequest(method="GET", target="/files/a%20b.pdf?q=x%20y&empty&q=z", headers=[]),
        matched[0],
        matched[1],
        api_id="a",
        account_id="1",
    )
    assert event["rawPath"] == "/files/a b.pdf"
    assert event["requestContext"]["http"]["path"] == "/files/a b.pdf"
    assert event["pathParameters"] == {"name": "a b.pdf"}
    assert event["rawQueryString"] == "q=x%20y&empty&q=z"
    assert event["queryStringParameters"] == {"q": "x y,z", "empty": ""}


def test_binary_and_multipart_bodies_are_base64_encoded() -> None:
    body = b"--b\r\nContent-Disposition: form-data; name=file\r\n\r\n%PDF-1.4\xff\r\n--b--\r\n"
    event = build_event(
        HttpRequest(
            method="POST",
            target="/upload",
            headers=[("Content-Type", "multipart/form-data; boundary=b")],
            body=body,
        ),
        route("POST", "/upload"),
        {},
        api_id="a",
        account_id="1",
    )
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == body
    assert event["headers"]["content-length"] == str(len(body))


@pytest.mark.parametrize(
    ("content_type", "text"),
    [
        ("application/json", True),
        ("application/json; charset=utf-8", True),
        ("text/plain", True),
        ("text/csv", True),
        ("application/problem+json", True),
        ("application/xml", True),
        ("multipart/form-data; boundary=x", False),
        ("application/pdf", False),
        ("application/octet-stream", False),
        ("application/x-www-form-urlencoded", False),
        ("", False),
        (None, False),
    ],
)
def test_which_bodies_are_text(content_type: str | None, text: bool) -> None:
    assert is_text_content_type(content_type) is text


def test_a_forwarded_for_header_is_extended() -> None:
    event = build_event(
        HttpRequest(method="GET", target="/", headers=[("X-Forwarded-For", "203.0.113.9")], source_ip="127.0.0.1"),
        route("ANY", "$default"),
        {},
        api_id="a",
        account_id="1",
    )
    assert event["headers"]["x-forwarded-for"] == "203.0.113.9, 127.0.0.1"
    assert event["routeKey"] == "$default"


# ---------------------------------------------------------------------------------------------- responses


def test_a_structured_response() -> None:
    response = map_response(
        {
            "statusCode": 201,
            "headers": {"content-type": "application/json", "x-n": 1},
            "multiValueHeaders": {"x-multi": ["a", "b"]},
            "cookies": ["a=1; Path=/", "b=2"],
            "body": '{"id": 1}',
            "isBase64Encoded": False,
        }
    )
    assert response.status == 201
    assert response.body == b'{"id": 1}'
    assert ("x-n", "1") in response.headers
    assert [v for k, v in response.headers if k == "x-multi"] == ["a", "b"]
    assert [v for k, v in response.headers if k == "set-cookie"] == ["a=1; Path=/", "b=2"]


def test_a_base64_response_body_is_decoded() -> None:
    response = map_response(
        {"statusCode": 200, "body": base64.b64encode(b"\x00\xff").decode(), "isBase64Encoded": True}
    )
    assert response.body == b"\x00\xff"


@pytest.mark.parametrize("value", [{"message": "hi"}, ["a"], "text", 3, None])
def test_any_other_json_value_is_a_200_json_body(value: Any) -> None:
    response = map_response(value)
    assert response.status == 200
    assert ("content-type", "application/json") in response.headers
    assert json.loads(response.body) == value


@pytest.mark.parametrize(
    "value",
    [
        {"statusCode": "abc"},
        {"statusCode": 99},
        {"statusCode": 200, "body": {"not": "a string"}},
        {"statusCode": 200, "body": "!!", "isBase64Encoded": True},
        {"statusCode": 200, "cookies": "a=1"},
        {"message": object()},
    ],
)
def test_malformed_responses(value: Any) -> None:
    with pytest.raises(MalformedResponseError):
        map_response(value)


# ---------------------------------------------------------------------------------------------- executions


def test_a_request_that_waited_for_a_thread_longer_than_the_timeout_is_still_served() -> None:
    """In AWS each request has an execution at once; here it may wait for one of the pool's threads, and that
    wait must not count against the function's Timeout (a burst of uploads once ended in 500s this way)."""
    first_running = threading.Event()
    release_first = threading.Event()

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if event["rawPath"] == "/slow":
            first_running.set()
            release_first.wait(10)
        return {"statusCode": 200, "body": str(context.get_remaining_time_in_millis())}

    worker = function(handler)
    worker.spec = replace(worker.spec, timeout_seconds=2)
    routes = [
        HttpRoute(function="Worker", event_name="Slow", method="GET", path="/slow"),
        HttpRoute(function="Worker", event_name="Fast", method="GET", path="/fast"),
    ]
    pool = WorkerPool("gateway-test", 1)
    gateway = Gateway(routes, {"Worker": worker}, pool, api_id="api", account_id="123456789012")
    answers: dict[str, Any] = {}

    def call(path: str) -> None:
        answers[path] = gateway.handle(documented_request(method="GET", target=path, body=b""))[0]

    try:
        slow = threading.Thread(target=call, args=("/slow",))
        slow.start()
        assert first_running.wait(10)
        fast = threading.Thread(target=call, args=("/fast",))
        fast.start()
        # The second request waits for the only thread for longer than its function's Timeout.
        time.sleep(2.5)
        release_first.set()
        slow.join(10)
        fast.join(10)
    finally:
        release_first.set()
        pool.shutdown()
    assert answers["/slow"].status == 500  # ran past its Timeout: Lambda would have stopped it
    assert answers["/fast"].status == 200
    assert int(answers["/fast"].body) > 1000  # its remaining time started when a thread took it


def _gateway_answering(body: str) -> Gateway:
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"statusCode": 200, "headers": {"content-type": "text/plain"}, "body": body}

    routes = [HttpRoute(function="Worker", event_name="Big", method="GET", path="/big")]
    return Gateway(
        routes, {"Worker": function(handler)}, WorkerPool("gateway-size-test", 1), api_id="api", account_id="1"
    )


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("a" * (LAMBDA_RESPONSE_LIMIT_BYTES - 200), 200),
        ("a" * LAMBDA_RESPONSE_LIMIT_BYTES, 502),
        # 4.2 MB of UTF-8, but the runtime writes each character as \u00e9: 12.6 MB, as Lambda counts it.
        ("\u00e9" * 2_100_000, 502),
    ],
)
def test_a_response_over_lambdas_6_mb_is_a_502(body: str, status: int) -> None:
    gateway = _gateway_answering(body)
    try:
        response, served_by = gateway.handle(documented_request(method="GET", target="/big", body=b""))
    finally:
        gateway.pool.shutdown()
    assert (response.status, served_by) == (status, "Worker")
    if status == 502:
        assert json.loads(response.body) == {"message": "Internal Server Error"}
    else:
        assert response.body == body.encode()
