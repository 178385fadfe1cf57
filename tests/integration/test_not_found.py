"""What no route takes goes to the template's $default route: 404, or 405 with Allow on a path the API serves
with other methods, with a `detail` like every error (API Gateway's own answer would be {"message": ...})."""

import pytest

from local.model import load_application


def test_the_template_has_one_default_route_to_the_not_found_function(stack):
    defaults = [r for r in load_application(stack.template).routes if r.path == "$default"]
    assert [(r.function, r.method) for r in defaults] == [("NotFoundFunction", "ANY")]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/nothing-here"),
        ("GET", "/api/documents/"),
        ("GET", "/index.html"),
        ("POST", "/api/documents/1/notes"),
        ("BREW", "/api/coffee"),
    ],
)
@pytest.mark.parametrize("token", ["default", None])
def test_unknown_routes_are_404_with_a_detail(stack, method, path, token):
    r = stack.request(method, path, token=token)
    assert r.status == 404, (method, path, r.status, r.body)
    assert set(r.json()) == {"detail"} and path in r.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/api/documents/1/status", "PATCH"),
        ("DELETE", "/api/contacts", "GET, POST"),
        ("POST", "/api/health", "GET"),
        ("PATCH", "/api/rules/5", "DELETE, GET, PUT"),
        ("TRACE", "/api/documents", "GET"),
        ("QUERY", "/api/documents/1", "DELETE, GET, PATCH"),
        # Only the route of the path itself, though /api/documents/{document_id} would take "upload" too.
        ("OPTIONS", "/api/documents/upload", "POST"),
        ("OPTIONS", "/api/documents/uploads", "POST"),
        ("OPTIONS", "/api/webhooks/deliveries/1/retry", "POST"),
    ],
)
def test_a_known_path_with_another_method_is_405_with_allow(stack, method, path, allow):
    r = stack.request(method, path, body=b"{not json", headers={"content-type": "application/json"})
    assert r.status == 405, (method, path, r.status, r.body)
    assert r.headers["allow"] == allow
    assert allow in r.json()["detail"]


def test_a_path_that_is_not_utf8_is_still_answered_briefly(stack):
    from local.gateway import HttpRequest

    target = "/api/%FF%ED%A0%80%E2%80%AE" + "x" * 10_000
    response, _ = stack.gateway.handle(HttpRequest("GET", target, [("host", "127.0.0.1")]))
    assert response.status == 404 and len(response.body) < 1000
    response.body.decode("utf-8")


@pytest.mark.parametrize(
    ("method", "path", "token", "status"),
    [
        ("GET", "/api/nothing", "default", 404),
        ("OPTIONS", "/api/documents/1", None, 405),
        ("GET", "/api/documents", None, 401),
        ("GET", "/api/documents/abc", "default", 404),
        ("GET", "/api/health", None, 200),
        ("GET", "/api/openapi.json", None, 200),
    ],
)
def test_answers_through_the_gateway_are_neither_stored_nor_sniffed(stack, method, path, token, status):
    r = stack.request(method, path, token=token)
    assert r.status == status, r.body
    assert r.headers["cache-control"] == "no-store" and r.headers["x-content-type-options"] == "nosniff"
