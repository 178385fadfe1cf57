"""A local stand-in for API Gateway (HTTP API): route matching, payload v2.0 events, response mapping.

It answers the way API Gateway does where a client can tell: unknown routes get 404 `{"message":"Not
Found"}`, an event over Lambda's 6 MB invocation limit gets 413 `{"message":"Request Entity Too Large"}`,
a handler that raises (or returns something API Gateway cannot map) gets 500
`{"message":"Internal Server Error"}`, and one whose response is over Lambda's 6 MB gets 502: Lambda turns
that response into a function error (Function.ResponseSizeTooLarge), which API Gateway answers as an
integration failure.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import TimeoutError as FutureTimeoutError
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .cfn import TemplateError
from .model import HttpRoute
from .runtime import LambdaFunction, WorkerPool

log = logging.getLogger("local.gateway")

# Lambda rejects a synchronous invocation whose event is larger than this (6 MB).
LAMBDA_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024
# Lambda refuses a function's response larger than this, measured as the JSON the runtime sends: the number
# its error message gives ("Response payload size exceeded maximum allowed payload size (6291556 bytes)").
LAMBDA_RESPONSE_LIMIT_BYTES = 6_291_556
# API Gateway itself refuses request bodies over 10 MB before any Lambda is involved.
API_GATEWAY_BODY_LIMIT_BYTES = 10 * 1024 * 1024
# Past this, a request body is not even read (drained) before answering 413: the connection is closed.
_DRAIN_LIMIT_BYTES = 64 * 1024 * 1024

NOT_FOUND = (404, {"message": "Not Found"})
TOO_LARGE = (413, {"message": "Request Entity Too Large"})
INTERNAL_ERROR = (500, {"message": "Internal Server Error"})
BAD_GATEWAY = (502, {"message": "Internal Server Error"})
SERVICE_UNAVAILABLE = (503, {"message": "Service Unavailable"})

_TEXT_TYPES = ("application/json", "application/javascript", "application/xml")


# ---------------------------------------------------------------------------------------------- routes


@dataclass(frozen=True)
class _CompiledRoute:
    route: HttpRoute
    segments: tuple[str, ...]

    @property
    def greedy(self) -> bool:
        return bool(self.segments) and self.segments[-1].endswith("+}")

    @property
    def rank(self) -> tuple[int, tuple[int, ...], int]:
        # API Gateway prefers the most specific route: literal segments over {variables}, variables over a
        # greedy {proxy+}, and a route with a method over ANY.
        kinds = tuple(2 if s.endswith("+}") else 1 if s.startswith("{") else 0 for s in self.segments)
        return (int(self.greedy), kinds, int(self.route.method == "ANY"))

    def match(self, method: str, parts: Sequence[str]) -> dict[str, str] | None:
        if self.route.method not in ("ANY", method):
            return None
        params: dict[str, str] = {}
        for index, segment in enumerate(self.segments):
            if segment.endswith("+}"):
                rest = parts[index:]
                if not rest or not all(rest):
                    return None
                params[segment[1:-2]] = "/".join(rest)
                return params
            if index >= len(parts):
                return None
            if segment.startswith("{") and segment.endswith("}"):
                if not parts[index]:
                    return None
                params[segment[1:-1]] = parts[index]
            elif segment != parts[index]:
                return None
        return params if len(parts) == len(self.segments) else None


def _segments(path: str) -> tuple[str, ...]:
    return tuple(path[1:].split("/")) if path not in ("", "/") else ()


class Router:
    def __init__(self, routes: Iterable[HttpRoute]) -> None:
        self.default: HttpRoute | None = None
        compiled: list[_CompiledRoute] = []
        seen: dict[str, HttpRoute] = {}
        for route in routes:
            if route.route_key in seen:
                other = seen[route.route_key]
                raise TemplateError(
                    f"route {route.route_key} is defined twice ({other.function}.{other.event_name} and "
                    f"{route.function}.{route.event_name})"
                )
            seen[route.route_key] = route
            if route.path == "$default":
                self.default = route
            else:
                if not route.path.startswith("/"):
                    raise TemplateError(f"route path {route.path!r} must start with /")
                compiled.append(_CompiledRoute(route, _segments(route.path)))
        self._routes = sorted(compiled, key=lambda c: c.rank)

    def match(self, method: str, path: str) -> tuple[HttpRoute, dict[str, str]] | None:
        parts = _segments(path)
        for candidate in self._routes:
            params = candidate.match(method, parts)
            if params is not None:
                return candidate.route, params
        if self.default is not None:
            return self.default, {}
        return None


# ---------------------------------------------------------------------------------------------- events


def is_text_content_type(content_type: str | None) -> bool:
    """Which bodies API Gateway passes as text; every other body (multipart included) arrives base64-encoded.

    application/x-www-form-urlencoded is not text here: HTTP APIs base64-encode it too.
    """
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media.startswith("text/") or media in _TEXT_TYPES or media.endswith(("+json", "+xml"))


def new_request_id() -> str:
    """API Gateway's request ids look like "JKJaXmPLvHcESHA=": base64 of 11 random bytes."""
    return base64.b64encode(secrets.token_bytes(11)).decode()


def _trace_id(now: float) -> str:
    return f"Root=1-{int(now):08x}-{secrets.token_hex(12)}"


@dataclass
class HttpRequest:
    method: str
    target: str  # the request-target as sent: path and query string, percent-encoded
    headers: Sequence[tuple[str, str]]
    body: bytes = b""
    source_ip: str = "127.0.0.1"
    protocol: str = "HTTP/1.1"
    server_port: int = 80
    received_at: float = field(default_factory=time.time)


def build_event(
    request: HttpRequest,
    route: HttpRoute,
    path_parameters: Mapping[str, str],
    *,
    api_id: str,
    account_id: str,
    request_id: str | None = None,
) -> dict[str, Any]:
    """The API Gateway HTTP API payload format 2.0 event for `request` on `route`."""
    split = urlsplit(request.target)
    # HTTP APIs hand the function the decoded path (rawPath too, despite its name).
    path = unquote(split.path) or "/"
    raw_query = split.query

    headers: dict[str, str] = {}
    for name, value in request.headers:
        key = name.lower()
        headers[key] = f"{headers[key]},{value}" if key in headers else value
    cookie_header = headers.pop("cookie", None)
    host = headers.get("host", f"127.0.0.1:{request.server_port}")
    forwarded_for = headers.get("x-forwarded-for")
    headers["x-forwarded-for"] = f"{forwarded_for}, {request.source_ip}" if forwarded_for else request.source_ip
    headers["x-forwarded-port"] = str(request.server_port)
    headers["x-forwarded-proto"] = "http"
    headers.setdefault("x-amzn-trace-id", _trace_id(request.received_at))
    if request.body and "content-length" not in headers:
        headers["content-length"] = str(len(request.body))

    domain_name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    request_id = request_id or new_request_id()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": path,
        "rawQueryString": raw_query,
    }
    if cookie_header:
        event["cookies"] = [c.strip() for c in cookie_header.split(";") if c.strip()]
    event["headers"] = headers
    if raw_query:
        query: dict[str, str] = {}
        for key, value in parse_qsl(raw_query, keep_blank_values=True):
            query[key] = f"{query[key]},{value}" if key in query else value
        event["queryStringParameters"] = query
    event["requestContext"] = {
        "accountId": account_id,
        "apiId": api_id,
        "domainName": domain_name,
        "domainPrefix": domain_name.split(".", 1)[0],
        "http": {
            "method": request.method,
            "path": path,
            "protocol": request.protocol,
            "sourceIp": request.source_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": request_id,
        "routeKey": route.route_key,
        "stage": "$default",
        "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(request.received_at)),
        "timeEpoch": int(request.received_at * 1000),
    }
    if request.body:
        if is_text_content_type(headers.get("content-type")):
            try:
                event["body"] = request.body.decode("utf-8")
                event["isBase64Encoded"] = False
            except UnicodeDecodeError:
                event["body"] = base64.b64encode(request.body).decode()
                event["isBase64Encoded"] = True
        else:
            event["body"] = base64.b64encode(request.body).decode()
            event["isBase64Encoded"] = True
    else:
        event["isBase64Encoded"] = False
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    return event


# ---------------------------------------------------------------------------------------------- responses


@dataclass
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class MalformedResponseError(ValueError):
    pass


def json_response(status: int, payload: Any, request_id: str | None = None) -> HttpResponse:
    headers = [("content-type", "application/json")]
    if request_id:
        headers.append(("apigw-requestid", request_id))
    return HttpResponse(status, headers, json.dumps(payload, separators=(",", ":")).encode())


def map_response(result: Any) -> HttpResponse:
    """Maps a handler's return value to HTTP as API Gateway does for payload format 2.0."""
    if not (isinstance(result, dict) and "statusCode" in result):
        # Any other JSON value is the body of a 200 application/json response.
        try:
            text = json.dumps(result)
        except (TypeError, ValueError) as exc:
            raise MalformedResponseError(f"the handler returned a value that is not JSON: {exc}") from exc
        return HttpResponse(200, [("content-type", "application/json")], text.encode())

    try:
        status = int(result["statusCode"])
    except (TypeError, ValueError) as exc:
        raise MalformedResponseError(f"statusCode {result['statusCode']!r} is not a number") from exc
    if not 100 <= status <= 599:
        raise MalformedResponseError(f"statusCode {status} is not an HTTP status")

    headers: list[tuple[str, str]] = []
    for name, value in (result.get("headers") or {}).items():
        headers.append((str(name), _header_value(value)))
    for name, values in (result.get("multiValueHeaders") or {}).items():
        if not isinstance(values, list):
            raise MalformedResponseError(f"multiValueHeaders[{name!r}] is not a list")
        headers.extend((str(name), _header_value(value)) for value in values)
    cookies = result.get("cookies") or []
    if not isinstance(cookies, list):
        raise MalformedResponseError("cookies is not a list")
    headers.extend(("set-cookie", str(cookie)) for cookie in cookies)

    body: Any = result.get("body")
    if body is None:
        data = b""
    elif isinstance(body, str):
        if result.get("isBase64Encoded"):
            try:
                data = base64.b64decode(body, validate=True)
            except ValueError as exc:
                raise MalformedResponseError("isBase64Encoded is true but body is not base64") from exc
        else:
            data = body.encode("utf-8")
    else:
        raise MalformedResponseError(f"body must be a string, got {type(body).__name__}")
    return HttpResponse(status, headers, data)


def response_payload_bytes(result: Any) -> int:
    """The size Lambda checks of a handler's result: its JSON as the Python runtime writes it (ASCII only).

    A result that is not JSON counts as 0 here: map_response refuses it.
    """
    try:
        return len(json.dumps(result))
    except (TypeError, ValueError):
        return 0


def _header_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ---------------------------------------------------------------------------------------------- server


class Gateway:
    """Routes a request to its function and maps the result back; independent of the HTTP server."""

    def __init__(
        self,
        routes: Iterable[HttpRoute],
        functions: Mapping[str, LambdaFunction],
        pool: WorkerPool,
        *,
        api_id: str,
        account_id: str,
    ) -> None:
        self.router = Router(routes)
        self.functions = functions
        self.pool = pool
        self.api_id = api_id
        self.account_id = account_id

    def handle(self, request: HttpRequest) -> tuple[HttpResponse, str]:
        """Returns the response and a short description of what served it (for the access log)."""
        request_id = new_request_id()
        if len(request.body) > API_GATEWAY_BODY_LIMIT_BYTES:
            return json_response(*TOO_LARGE, request_id), "-"
        path = unquote(urlsplit(request.target).path) or "/"
        matched = self.router.match(request.method, path)
        if matched is None:
            return json_response(*NOT_FOUND, request_id), "-"
        route, params = matched
        event = build_event(
            request, route, params, api_id=self.api_id, account_id=self.account_id, request_id=request_id
        )
        if len(json.dumps(event, ensure_ascii=False).encode()) > LAMBDA_PAYLOAD_LIMIT_BYTES:
            return json_response(*TOO_LARGE, request_id), route.function
        function = self.functions[route.function]
        future, context = function.start_on(self.pool, event)
        wait = min(function.spec.timeout_seconds, route.timeout_ms / 1000)
        try:
            result = future.result(timeout=wait)
        except FutureTimeoutError:
            if function.spec.timeout_seconds <= route.timeout_ms / 1000:
                log.error(
                    "%s %s Task timed out after %.2f seconds", function.spec.logical_id, context.aws_request_id, wait
                )
                return json_response(*INTERNAL_ERROR, request_id), route.function
            log.error("%s: no response within the integration timeout (%.0f s)", route.route_key, wait)
            return json_response(*SERVICE_UNAVAILABLE, request_id), route.function
        except Exception:
            log.exception("%s raised while handling %s %s", function.spec.logical_id, request.method, path)
            return json_response(*INTERNAL_ERROR, request_id), route.function
        size = response_payload_bytes(result)
        if size > LAMBDA_RESPONSE_LIMIT_BYTES:
            log.error(
                "%s %s Response payload size (%d bytes) exceeded maximum allowed payload size (%d bytes)",
                function.spec.logical_id,
                context.aws_request_id,
                size,
                LAMBDA_RESPONSE_LIMIT_BYTES,
            )
            return json_response(*BAD_GATEWAY, request_id), route.function
        try:
            response = map_response(result)
        except MalformedResponseError as exc:
            log.error("%s returned a response API Gateway cannot map: %s", function.spec.logical_id, exc)
            return json_response(*INTERNAL_ERROR, request_id), route.function
        response.headers.append(("apigw-requestid", request_id))
        return response, route.function


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: GatewayServer

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET  # noqa: N815

    def __getattr__(self, name: str) -> Any:
        # http.server answers a method it has no do_<METHOD> for with its own 501 page. Every method reaches
        # the router instead, as in API Gateway: one no route has goes to $default (or gets the 404).
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def _serve(self) -> None:
        started = time.monotonic()
        try:
            body = self._read_body()
        except _BodyTooLarge:
            self.close_connection = True
            response, served_by = json_response(*TOO_LARGE), "-"
        else:
            request = HttpRequest(
                method=self.command,
                target=self.path,
                headers=list(self.headers.items()),
                body=body,
                source_ip=self.client_address[0],
                protocol=self.request_version,
                server_port=self.server.server_address[1],
            )
            try:
                response, served_by = self.server.gateway.handle(request)
            except Exception:
                log.exception("the local gateway failed on %s %s", self.command, self.path)
                response, served_by = json_response(*INTERNAL_ERROR), "-"
        self._write(response)
        log.info(
            "%s %s -> %d (%s, %.0f ms)",
            self.command,
            self.path,
            response.status,
            served_by,
            (time.monotonic() - started) * 1000,
        )

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        if length > _DRAIN_LIMIT_BYTES:
            raise _BodyTooLarge
        if length > API_GATEWAY_BODY_LIMIT_BYTES:
            # Read it all so that the client, still sending, gets the 413 instead of a reset connection.
            remaining = length
            while remaining:
                chunk = self.rfile.read(min(remaining, 1 << 20))
                if not chunk:
                    break
                remaining -= len(chunk)
            raise _BodyTooLarge
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            size_line = self.rfile.readline(65537)
            size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                break
            total += size
            if total > _DRAIN_LIMIT_BYTES:
                raise _BodyTooLarge
            chunks.append(self.rfile.read(size))
            self.rfile.readline(65537)
        if total > API_GATEWAY_BODY_LIMIT_BYTES:
            raise _BodyTooLarge
        return b"".join(chunks)

    def _write(self, response: HttpResponse) -> None:
        # Status line, headers and body in one write: in two, the body waits for the client's delayed ACK
        # of the headers (Nagle's algorithm), about 40 ms on every keep-alive request.
        reason = self.responses.get(response.status, ("",))[0]
        lines = [f"{self.protocol_version} {response.status} {reason}"]
        names = {name.lower() for name, _ in response.headers}
        for name, value in response.headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding", "date"):
                lines.append(f"{name}: {value}")
        lines.append(f"Date: {formatdate(usegmt=True)}")
        lines.append(f"Content-Length: {len(response.body)}")
        if "content-type" not in names and response.body:
            lines.append("Content-Type: application/json")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "strict")
        self.wfile.write(head if self.command == "HEAD" else head + response.body)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug(format, *args)


class _BodyTooLarge(Exception):
    pass


class GatewayServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 resets connections when a client opens a few dozen at once.
    request_queue_size = 128
    # Several local stacks (tests, with_stack) may start in quick succession on the same port.
    allow_reuse_address = os.name != "nt"

    def __init__(self, address: tuple[str, int], gateway: Gateway) -> None:
        self.gateway = gateway
        super().__init__(address, _RequestHandler)
