"""Token scopes: documents:read, documents:write, admin. A token without the scope a route needs gets 403;
tokens stored before scopes existed keep every scope. And the idempotency scope is the token itself."""

import boto3
import pytest

from recordengine.cli import main as cli
from recordengine.tokens import TokenScope, TokenStore
from tests.support.documents import invoice_pdf

READ, WRITE, ADMIN = TokenScope.DOCUMENTS_READ, TokenScope.DOCUMENTS_WRITE, TokenScope.ADMIN
RULE = {
    "name": "r",
    "conditions": [{"field": "status", "op": "exists"}],
    "actions": [{"type": "add_note", "value": "x"}],
}

# (method, path, body, the scope it needs)
ROUTES = [
    ("GET", "/api/documents", None, READ),
    ("GET", "/api/documents/1", None, READ),
    ("PATCH", "/api/documents/1/status", {"status": "Approved"}, WRITE),
    ("POST", "/api/documents/uploads", {"contact_id": 1, "folder_id": 1, "filename": "a.pdf"}, WRITE),
    ("GET", "/api/contacts", None, READ),
    ("GET", "/api/contacts/1", None, READ),
    ("POST", "/api/contacts", {"name": "Other"}, WRITE),
    ("GET", "/api/folders", None, READ),
    ("GET", "/api/folders/1", None, READ),
    ("POST", "/api/folders", {"name": "Other"}, WRITE),
    ("GET", "/api/profiles", None, READ),
    ("GET", "/api/profiles/1", None, READ),
    ("POST", "/api/profiles", {"name": "P", "fields": [{"name": "total"}]}, WRITE),
    ("GET", "/api/rules", None, ADMIN),
    ("POST", "/api/rules", RULE, ADMIN),
    ("GET", "/api/rules/1", None, ADMIN),
    ("PUT", "/api/rules/1", RULE, ADMIN),
    ("POST", "/api/rules/1/test", {"document_id": 1}, ADMIN),
    ("DELETE", "/api/rules/1", None, ADMIN),
    ("GET", "/api/webhooks", None, ADMIN),
    ("POST", "/api/webhooks", {"url": "https://93.184.215.14/hook"}, ADMIN),
    ("GET", "/api/webhooks/1/deliveries", None, ADMIN),
    ("DELETE", "/api/webhooks/1", None, ADMIN),
]


@pytest.fixture
def seeded(stack, contact, folder):
    """Document 1 (in contact 1, folder 1) and rule 1, made with the stack's full-scope token."""
    assert stack.upload(invoice_pdf(), fields={"contact_id": 1, "folder_id": 1}).status == 201
    assert stack.request("POST", "/api/rules", json_body=RULE).status == 201
    return stack


@pytest.mark.parametrize("scope", [READ, WRITE, ADMIN])
def test_each_route_needs_its_scope_and_only_it(seeded, scope):
    token = TokenStore(seeded.table).create(f"only {scope}", scopes=[scope]).token
    for method, path, body, needed in ROUTES:
        r = seeded.request(method, path, json_body=body, token=token)
        if needed is scope:
            assert r.status < 400, (scope, method, path, r.status, r.body[:300])
        else:
            assert r.status == 403, (scope, method, path, r.status, r.body[:300])
            assert needed.value in r.json()["detail"]
    upload = seeded.upload(invoice_pdf(), fields={"contact_id": 1, "folder_id": 1}, headers=bearer(token))
    assert upload.status == (201 if scope is WRITE else 403), upload.body


def test_a_token_without_the_scope_changes_nothing(seeded):
    token = TokenStore(seeded.table).create("reader", scopes=[READ]).token
    assert (
        seeded.request("POST", "/api/webhooks", json_body={"url": "https://93.184.215.14/"}, token=token).status == 403
    )
    assert seeded.request("PATCH", "/api/documents/1/status", json_body={"status": "Export"}, token=token).status == 403
    assert seeded.request("GET", "/api/webhooks").json()["total"] == 0
    assert seeded.document(1)["status"] == "New"


def test_a_token_stored_before_scopes_existed_keeps_every_scope(seeded):
    issued = TokenStore(seeded.table).create("old connector")
    boto3.client("dynamodb").update_item(
        TableName=seeded.table,
        Key={"pk": {"S": f"TOKEN#{issued.key_id}"}, "sk": {"S": "TOKEN"}},
        UpdateExpression="REMOVE scopes",
    )
    for method, path, body, _ in ROUTES:
        r = seeded.request(method, path, json_body=body, token=issued.token)
        assert r.status != 403, (method, path, r.body[:300])


def test_health_and_unknown_routes_need_no_scope(seeded):
    token = TokenStore(seeded.table).create("reader", scopes=[READ]).token
    assert seeded.request("GET", "/api/health", token=None).status == 200
    assert seeded.request("GET", "/api/nothing", token=token).status == 404


def bearer(token, scheme="Bearer", gap=" "):
    return {"authorization": f"{scheme}{gap}{token}"}


def test_the_idempotency_scope_is_the_token_not_the_header_spelling(stack, contact, folder):
    ids = {"contact_id": contact["id"], "folder_id": folder["id"]}
    content = invoice_pdf()
    documents = set()
    for scheme, gap in [("Bearer", " "), ("bearer", " "), ("BEARER", " "), ("Bearer", "   "), ("bEaReR", "\t")]:
        r = stack.upload(content, fields=ids, headers={**bearer(stack.token, scheme, gap), "Idempotency-Key": "k1"})
        assert r.status in (200, 201), (scheme, r.status, r.body)
        documents.add(r.json()["id"])
    assert len(documents) == 1
    other = TokenStore(stack.table).create("another client").token
    r = stack.upload(content, fields=ids, headers={**bearer(other), "Idempotency-Key": "k1"})
    assert r.status == 201 and r.json()["id"] not in documents  # another token's keys are its own


def test_the_cli_sets_and_lists_scopes(stack, capsys):
    assert cli(["tokens", "create", "--table", stack.table, "--name", "ops", "--scope", "admin"]) == 0
    admin = capsys.readouterr().out.strip()
    assert stack.request("GET", "/api/rules", token=admin).status == 200
    assert stack.request("GET", "/api/documents", token=admin).status == 403
    assert cli(["tokens", "create", "--table", stack.table, "--name", "crm"]) == 0
    default = capsys.readouterr().out.strip()
    assert stack.request("GET", "/api/documents", token=default).status == 200
    assert stack.request("GET", "/api/rules", token=default).status == 403
    assert cli(["tokens", "create", "--table", stack.table, "--name", "all", "--scope", "documents:read,admin"]) == 0
    both = capsys.readouterr().out.strip()
    assert stack.request("GET", "/api/documents", token=both).status == 200
    assert stack.request("GET", "/api/rules", token=both).status == 200
    assert cli(["tokens", "list", "--table", stack.table]) == 0
    listing = capsys.readouterr().out
    assert "admin  " in listing.replace(",", " ") and "documents:read,documents:write" in listing


def test_the_cli_refuses_unknown_scopes_with_a_message(stack, capsys):
    assert cli(["tokens", "create", "--table", stack.table, "--name", "x", "--scope", "everything"]) == 2
    assert "'everything' is not a scope" in capsys.readouterr().err
