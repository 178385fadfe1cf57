"""The review page: GET / and GET /assets/{name} through the gateway, with no token, with security headers."""

import json

import pytest

from recordengine.api.web import DEFAULT_STATIC_DIR


def assert_security_headers(headers: dict[str, str]) -> None:
    csp = headers["content-security-policy"]
    assert csp.startswith("default-src 'none'; script-src 'self'; style-src 'self';")
    assert "frame-ancestors 'none'" in csp and "base-uri 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_index_is_served_with_the_content_security_policy(stack):
    response = stack.request("GET", "/", token=None)
    assert response.status == 200, response.body
    assert response.headers["content-type"].startswith("text/html")
    assert response.body == (DEFAULT_STATIC_DIR / "index.html").read_bytes()
    assert_security_headers(response.headers)
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["etag"].startswith('"')


def test_the_policy_allows_the_origin_presigned_urls_point_at(stack, monkeypatch):
    from recordengine.api.web import content_security_policy
    from recordengine.settings import Settings

    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("BUCKET_NAME", "re-docs")
    csp = content_security_policy(Settings())
    for origin in ("https://re-docs.s3.eu-west-1.amazonaws.com", "https://re-docs.s3.amazonaws.com"):
        assert f"frame-src {origin}" in csp or f" {origin}" in csp.split("frame-src")[1].split(";")[0]
        assert origin in csp.split("connect-src")[1].split(";")[0]
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5000/")
    assert "frame-src http://127.0.0.1:5000;" in content_security_policy(Settings())


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("app.js", "text/javascript"), ("styles.css", "text/css"), ("favicon.svg", "image/svg+xml")],
)
def test_an_asset_is_served_with_its_content_type(stack, name, content_type):
    response = stack.request("GET", f"/assets/{name}", token=None)
    assert response.status == 200, response.body
    assert response.headers["content-type"].startswith(content_type)
    assert response.body == (DEFAULT_STATIC_DIR / name).read_bytes()
    assert_security_headers(response.headers)
    etag = response.headers["etag"]
    again = stack.request("GET", f"/assets/{name}", token=None, headers={"If-None-Match": etag})
    assert again.status == 304 and again.body == b""


def test_an_unknown_asset_is_404_with_a_detail(stack):
    response = stack.request("GET", "/assets/nothing.js", token=None)
    assert response.status == 404
    assert json.loads(response.body)["detail"]
    assert_security_headers(response.headers)


@pytest.mark.parametrize(
    "path",
    [
        "/assets/..%2Fapp.py",
        "/assets/%2E%2E%2Fapp.py",
        "/assets/../app.py",
        "/assets/..%5Capp.py",
        "/assets/.hidden.js",
        "/assets/static%2Fapp.js",
        "/assets/app.py",
        "/assets/%2Fetc%2Fpasswd",
    ],
)
def test_no_path_leaves_the_static_directory(stack, path):
    from local.gateway import HttpRequest

    # Sent as written (the test client would quote the % signs again).
    response, _ = stack.gateway.handle(HttpRequest("GET", path, [("host", "127.0.0.1:3000")], b""))
    assert response.status == 404, (path, response.body)
    assert b"import" not in response.body and b"root:" not in response.body
    assert json.loads(response.body)["detail"]


def test_other_methods_on_the_page_are_405(stack):
    response = stack.request("POST", "/", token=None)
    assert response.status == 405
    assert "GET" in response.headers["allow"]
