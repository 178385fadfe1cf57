import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from recordengine.api.app import create_app
from recordengine.api.auth import bearer_token, requires, token_id
from recordengine.tokens import ALL_SCOPES, TOKEN_PATTERN, TokenInfo, TokenScope, generate_token


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Bearer abc", "abc"),
        ("bearer abc", "abc"),
        ("Bearer   abc  ", "abc"),
        ("BEARER abc", "abc"),
        ("bEaReR\tabc", "abc"),
        ("  Bearer abc", "abc"),
        ("Bearer", None),
        ("bearer ", None),
        ("Basic dXNlcjpwYXNz", None),
        ("", None),
        (None, None),
    ],
)
def test_bearer_token_parsing(header, expected):
    assert bearer_token(header) == expected


def test_generated_tokens_are_well_formed_and_unique():
    tokens = {generate_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(TOKEN_PATTERN.match(t) for t in tokens)


@pytest.fixture
def client():
    router = APIRouter()

    @router.post("/api/things")
    def create(body: dict[str, int]) -> dict[str, int]:
        return body

    @router.get("/api/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    holder = TokenInfo("k", "tests", "2025-01-01T00:00:00Z", scopes=ALL_SCOPES)
    return TestClient(create_app(router, authenticate=lambda token: holder if token == "good" else None))


@pytest.mark.parametrize("header", [None, "Bearer wrong", "Basic dXNlcjpwYXNz", "Bearer", "bearer "])
def test_a_bad_token_gets_401_before_the_body_is_looked_at(client, header):
    headers = {"Authorization": header} if header else {}
    r = client.post("/api/things", content=b"{not json", headers={**headers, "Content-Type": "application/json"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.json()["detail"]


def test_a_good_token_reaches_the_route(client):
    r = client.post("/api/things", json={"a": 1}, headers={"Authorization": "Bearer good"})
    assert r.status_code == 200 and r.json() == {"a": 1}


def test_health_needs_no_token(client):
    assert client.get("/api/health").status_code == 200


def test_a_failing_token_store_is_a_503_not_a_500():
    def broken(token: str) -> TokenInfo:
        raise ConnectionError("DynamoDB unreachable")

    client = TestClient(create_app(APIRouter(), authenticate=broken))
    r = client.get("/api/anything", headers={"Authorization": "Bearer x"})
    assert r.status_code == 503 and r.json()["detail"]


def test_one_token_has_one_id_and_two_tokens_two():
    assert token_id("a") == token_id("a") != token_id("b")
    assert len(token_id("a")) == 16


@pytest.fixture
def scoped_client():
    router = APIRouter()

    @router.post("/api/admin-only", dependencies=[requires(TokenScope.ADMIN)])
    def create(body: dict[str, int]) -> dict[str, int]:
        return body

    grants = {
        name: TokenInfo(name, name, "2025-01-01T00:00:00Z", scopes=frozenset({scope}))
        for name, scope in (("reader", TokenScope.DOCUMENTS_READ), ("admin", TokenScope.ADMIN))
    }
    return TestClient(create_app(router, authenticate=grants.get))


def test_a_token_without_the_scope_gets_403_before_its_body_is_validated(scoped_client):
    r = scoped_client.post("/api/admin-only", json={"a": "not a number"}, headers={"Authorization": "Bearer reader"})
    assert r.status_code == 403 and "'admin'" in r.json()["detail"]
    r = scoped_client.post("/api/admin-only", json={"a": 1}, headers={"Authorization": "Bearer admin"})
    assert r.status_code == 200 and r.json() == {"a": 1}
