"""Bearer tokens end to end: issued, accepted, revoked; every route but health and the OpenAPI document
refuses a bad token, as the document says."""

import pytest

from local.model import load_application
from recordengine.api.openapi import openapi_document
from recordengine.cli import main as cli
from recordengine.tokens import TokenStore


def routes(stack):
    """(method, path with ids filled in, whether the OpenAPI document says it needs no token)."""
    paths = openapi_document()["paths"]
    return [
        (
            r.method,
            r.path.replace("{document_id}", "1")
            .replace("{contact_id}", "1")
            .replace("{folder_id}", "1")
            .replace("{profile_id}", "1"),
            paths[r.path][r.method.lower()]["security"] == [],
        )
        for r in load_application(stack.template).routes
        if r.path != "$default"  # what no route takes: not an endpoint (tests/integration/test_not_found.py)
        # the review page (api/web.py): public, and not part of the API's document (test_web_page.py)
        and r.path not in {"/", "/assets/{name}"}
    ]


@pytest.mark.parametrize("token", [None, "wrong", "re_000000000000_" + "A" * 43])
def test_every_route_the_document_secures_answers_401_to_a_bad_token(stack, token):
    checked, public = 0, []
    for method, path, needs_no_token in routes(stack):
        r = stack.request(method, path, body=b"{not json", headers={"content-type": "application/json"}, token=token)
        if needs_no_token:
            assert r.status == 200, (method, path, r.status)
            public.append(path)
            continue
        assert r.status == 401, (method, path, r.status)
        assert r.headers["www-authenticate"] == "Bearer" and r.json()["detail"]
        checked += 1
    assert checked >= 12
    assert sorted(public) == ["/api/health", "/api/openapi.json"]


def test_a_revoked_token_stops_working(stack):
    store = TokenStore(stack.table)
    issued = store.create("temporary")
    assert stack.request("GET", "/api/documents", token=issued.token).status == 200
    assert store.revoke(issued.key_id)
    assert stack.request("GET", "/api/documents", token=issued.token).status == 401


def test_a_token_with_the_right_key_id_but_another_secret_is_refused(stack):
    key_id = stack.token.split("_")[1]
    forged = f"re_{key_id}_" + "B" * 43
    assert stack.request("GET", "/api/documents", token=forged).status == 401


def test_only_the_hash_of_a_token_is_stored(stack):
    import boto3

    items = boto3.client("dynamodb").scan(TableName=stack.table)["Items"]
    secret = stack.token.split("_", 2)[2]
    assert not any(secret in str(item) for item in items)


def test_the_token_cli_creates_lists_and_revokes(stack, capsys):
    assert cli(["tokens", "create", "--table", stack.table, "--name", "CRM connector"]) == 0
    token = capsys.readouterr().out.strip()
    assert stack.request("GET", "/api/documents", token=token).status == 200
    assert cli(["tokens", "list", "--table", stack.table]) == 0
    listing = capsys.readouterr().out
    key_id = token.split("_")[1]
    assert "CRM connector" in listing and key_id in listing and token not in listing
    assert cli(["tokens", "revoke", key_id, "--table", stack.table]) == 0
    assert stack.request("GET", "/api/documents", token=token).status == 401
    assert cli(["tokens", "revoke", "ffffffffffff", "--table", stack.table]) == 1
