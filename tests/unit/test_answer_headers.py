"""Every answer of the API carries `X-Content-Type-Options: nosniff` and `Cache-Control: no-store` (unless
its route chose its own caching): the answers of routes, of error handlers (the unexpected error's 500
included) and of the token check alike."""

import pytest
from fastapi import APIRouter, Response
from fastapi.testclient import TestClient

from recordengine.api.app import create_app
from recordengine.errors import NotFound
from recordengine.tokens import ALL_SCOPES, TokenInfo


@pytest.fixture
def client():
    router = APIRouter()

    @router.get("/api/thing")
    def thing() -> dict[str, int]:
        return {"id": 1}

    @router.get("/api/missing")
    def missing() -> dict[str, int]:
        raise NotFound("No such thing.")

    @router.get("/api/broken")
    def broken() -> dict[str, int]:
        raise RuntimeError("a bug")

    @router.get("/api/cached")
    def cached() -> Response:
        return Response(b"{}", media_type="application/json", headers={"Cache-Control": "max-age=60"})

    @router.delete("/api/thing", status_code=204)
    def delete() -> Response:
        return Response(status_code=204)

    @router.post("/api/things")
    def create(body: dict[str, int]) -> dict[str, int]:
        return body

    holder = TokenInfo("k", "tests", "2025-01-01T00:00:00Z", scopes=ALL_SCOPES)
    app = create_app(router, authenticate=lambda token: holder if token == "good" else None)
    return TestClient(app, raise_server_exceptions=False, headers={"Authorization": "Bearer good"})


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("GET", "/api/thing", {}, 200),
        ("GET", "/api/missing", {}, 404),
        ("GET", "/api/broken", {}, 500),
        ("POST", "/api/things", {"Content-Type": "application/json"}, 422),
        ("GET", "/api/thing", {"Authorization": "Bearer wrong"}, 401),
        ("DELETE", "/api/thing", {}, 204),
        ("PUT", "/api/thing", {}, 405),
    ],
)
def test_answers_are_neither_stored_nor_sniffed(client, method, path, headers, status):
    r = client.request(method, path, headers=headers, content=b"{not json")
    assert r.status_code == status, r.text
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_a_route_that_chooses_its_own_caching_keeps_it(client):
    r = client.get("/api/cached")
    assert r.headers["cache-control"] == "max-age=60"
    assert r.headers["x-content-type-options"] == "nosniff"
