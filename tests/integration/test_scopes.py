"""Token scopes: documents:read, documents:write, admin. A token without the scope a route needs gets 403;
tokens stored before scopes existed keep every scope. And the idempotency scope is the token itself."""

import itertools

import boto3
import pytest

from recordengine.api.routes import ROUTES as API_ROUTES
from recordengine.cli import main as cli
from recordengine.storage.senders import DynamoSenderStore
from recordengine.storage.table import Table
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
    ("GET", "/api/documents/export", None, READ),
    ("POST", "/api/documents/batch", {"action": "approve", "ids": [1]}, WRITE),
    ("GET", "/api/documents/1", None, READ),
    ("GET", "/api/documents/1/pages", None, READ),
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


# The scope matrix: every route of the API (api/routes.py's ROUTES) for every set of scopes a token can carry.
# A route answers 403 naming its scope to a token without it, and does its work for a token with it; and no
# answer to a token that may not read documents carries what a document holds (issue: a documents:write token
# read any document through PATCH with {}, an admin token read field values through a rule's test).
VENDOR_MARKER, NOTES_MARKER = "Quillfeather Marker Works", "marker-note-7Q"
SCOPE_SETS = [frozenset(c) for n in (1, 2, 3) for c in itertools.combinations((READ, WRITE, ADMIN), n)]
# Routes that need no token, or any valid token: not part of the matrix.
OPEN_ROUTES = {("GET", "/api/health"), ("GET", "/api/openapi.json"), ("GET", "/"), ("GET", "/assets/{name}")}
MATRIX_RULE = {
    "name": "vendor known",
    "conditions": [{"field": "extracted_fields.vendor", "op": "exists"}],
    "actions": [{"type": "add_note", "value": "x"}],
}
MULTIPART = "multipart"


def _fresh(stack, path, body):
    """A new object (made with the full token) for a route that destroys the one it names: its id."""
    r = stack.request("POST", path, json_body=body) if body is not MULTIPART else None
    if r is None:
        r = stack.upload(invoice_pdf(), fields={"contact_id": 1, "folder_id": 1})
    assert r.status == 201, r.body
    return r.json()["id"]


# (method, path template) -> (scope needed or None for any token, path parameters or a maker of them, body,
# the statuses of a token with the scope)
MATRIX = {
    ("GET", "/api/me"): (None, {}, None, {200}),
    ("POST", "/api/documents/upload"): (WRITE, {}, MULTIPART, {201}),
    ("POST", "/api/documents/uploads"): (
        WRITE,
        {},
        {"contact_id": 1, "folder_id": 1, "filename": "a.pdf"},
        {201},
    ),
    ("GET", "/api/documents"): (READ, {}, None, {200}),
    ("GET", "/api/documents/{document_id}"): (READ, {"document_id": 1}, None, {200}),
    ("PATCH", "/api/documents/{document_id}/status"): (WRITE, {"document_id": 1}, {"status": "Approved"}, {200}),
    ("PATCH", "/api/documents/{document_id}"): (WRITE, {"document_id": 1}, {}, {200}),
    ("GET", "/api/documents/{document_id}/history"): (READ, {"document_id": 1}, None, {200}),
    ("GET", "/api/documents/{document_id}/file"): (READ, {"document_id": 1}, None, {302}),
    ("GET", "/api/documents/export"): (READ, {}, None, {200}),
    ("POST", "/api/documents/batch"): (WRITE, {}, {"action": "archive", "ids": [1]}, {200}),
    ("GET", "/api/documents/{document_id}/pages"): (READ, {"document_id": 1}, None, {200}),
    ("DELETE", "/api/documents/{document_id}"): (
        WRITE,
        lambda stack: {"document_id": _fresh(stack, "/api/documents/upload", MULTIPART)},
        None,
        {204},
    ),
    ("POST", "/api/contacts"): (WRITE, {}, {"name": "Other"}, {201}),
    ("GET", "/api/contacts"): (READ, {}, None, {200}),
    ("GET", "/api/contacts/{contact_id}"): (READ, {"contact_id": 1}, None, {200}),
    ("POST", "/api/folders"): (WRITE, {}, {"name": "Other"}, {201}),
    ("GET", "/api/folders"): (READ, {}, None, {200}),
    ("GET", "/api/folders/{folder_id}"): (READ, {"folder_id": 1}, None, {200}),
    ("POST", "/api/profiles"): (WRITE, {}, {"name": "P", "fields": [{"name": "total"}]}, {201}),
    ("GET", "/api/profiles"): (READ, {}, None, {200}),
    ("GET", "/api/profiles/{profile_id}"): (READ, {"profile_id": 1}, None, {200}),
    ("POST", "/api/rules"): (ADMIN, {}, MATRIX_RULE, {201}),
    ("GET", "/api/rules"): (ADMIN, {}, None, {200}),
    ("GET", "/api/rules/{rule_id}"): (ADMIN, {"rule_id": 1}, None, {200}),
    ("PUT", "/api/rules/{rule_id}"): (ADMIN, {"rule_id": 1}, MATRIX_RULE, {200}),
    ("DELETE", "/api/rules/{rule_id}"): (
        ADMIN,
        lambda stack: {"rule_id": _fresh(stack, "/api/rules", MATRIX_RULE)},
        None,
        {204},
    ),
    ("POST", "/api/rules/{rule_id}/test"): (ADMIN, {"rule_id": 1}, {"document_id": 1}, {200}),
    ("GET", "/api/senders"): (READ, {}, None, {200}),
    ("GET", "/api/senders/{sender_id}"): (READ, {"sender_id": 1}, None, {200}),
    ("PATCH", "/api/senders/{sender_id}"): (ADMIN, {"sender_id": 1}, {"name": "Renamed Supplier"}, {200}),
    ("DELETE", "/api/senders/{sender_id}"): (
        ADMIN,
        lambda stack: {"sender_id": _fresh_sender(stack)},
        None,
        {204},
    ),
    ("POST", "/api/webhooks"): (ADMIN, {}, {"url": "https://93.184.215.14/hook"}, {201}),
    ("GET", "/api/webhooks"): (ADMIN, {}, None, {200}),
    ("DELETE", "/api/webhooks/{webhook_id}"): (
        ADMIN,
        lambda stack: {"webhook_id": _fresh(stack, "/api/webhooks", {"url": "https://93.184.215.14/other"})},
        None,
        {204},
    ),
    ("GET", "/api/webhooks/{webhook_id}/deliveries"): (ADMIN, {"webhook_id": 1}, None, {200}),
    # No delivery exists (nothing was exported): 404, but only once the scope let the request through.
    ("POST", "/api/webhooks/deliveries/{delivery_id}/retry"): (ADMIN, {"delivery_id": 1}, None, {404}),
}


def _fresh_sender(stack):
    """A new sender (as extraction makes them): its id."""
    sender = DynamoSenderStore(Table(stack.table)).create("Larkspur Drafting", [], "2026-03-01T10:00:00Z")
    return sender["id"]


@pytest.fixture
def matrix_stack(stack, contact, folder):
    """Document 1 holding marked content, rule 1 (a condition on the marked field), webhook 1, sender 1."""
    assert stack.upload(invoice_pdf(), fields={"contact_id": 1, "folder_id": 1}).status == 201
    correction = {"extracted_fields": {"vendor": VENDOR_MARKER}, "notes": NOTES_MARKER}
    assert stack.request("PATCH", "/api/documents/1", json_body=correction).status == 200
    assert stack.request("POST", "/api/rules", json_body=MATRIX_RULE).status == 201
    assert stack.request("POST", "/api/webhooks", json_body={"url": "https://93.184.215.14/hook"}).status == 201
    assert _fresh_sender(stack) == 1
    return stack


def _call(stack, token, method, template, parameters, body):
    path = template.format(**(parameters(stack) if callable(parameters) else parameters))
    if body is MULTIPART:
        return stack.upload(invoice_pdf(), fields={"contact_id": 1, "folder_id": 1}, headers=bearer(token))
    return stack.request(method, path, json_body=body, token=token)


def test_the_matrix_covers_every_route():
    assert set(MATRIX) == set(API_ROUTES) - OPEN_ROUTES


@pytest.mark.parametrize("scopes", SCOPE_SETS, ids=lambda scopes: "+".join(sorted(scope.value for scope in scopes)))
def test_every_route_for_every_scope_set(matrix_stack, scopes):
    token = TokenStore(matrix_stack.table).create("matrix", scopes=scopes).token
    for (method, template), (needed, parameters, body, statuses) in MATRIX.items():
        r = _call(matrix_stack, token, method, template, parameters, body)
        where = (sorted(scopes), method, template, r.status, r.body[:300])
        if needed is None or needed in scopes:
            assert r.status in statuses, where
        else:
            assert r.status == 403 and needed.value in r.json()["detail"], where
        if READ not in scopes:
            assert VENDOR_MARKER.encode() not in r.body and NOTES_MARKER.encode() not in r.body, where
        assert r.headers.get("x-content-type-options") == "nosniff", where
        assert r.headers.get("cache-control") == "no-store", where
    if READ in scopes:
        # The marked content is there to be read by a token that may.
        assert VENDOR_MARKER.encode() in _call(matrix_stack, token, "GET", "/api/documents/1", {}, None).body


def test_a_correction_answers_the_record_only_to_a_token_that_may_read_it(matrix_stack):
    writer = TokenStore(matrix_stack.table).create("writer", scopes=[WRITE]).token
    r = matrix_stack.request("PATCH", "/api/documents/1", json_body={"notes": "again"}, token=writer)
    assert r.status == 200 and set(r.json()) == {"id", "updated_at", "version"}, r.body
    assert r.headers["etag"] == f'"{r.json()["version"]}"'
    both = TokenStore(matrix_stack.table).create("reviewer", scopes=[READ, WRITE]).token
    r = matrix_stack.request("PATCH", "/api/documents/1", json_body={}, token=both)
    assert r.status == 200 and r.json()["extracted_fields"]["vendor"] == VENDOR_MARKER and r.json()["notes"] == "again"


def test_a_rule_test_shows_the_documents_values_only_to_a_token_that_may_read_it(matrix_stack):
    for scopes, actual in (([ADMIN], None), ([ADMIN, READ], VENDOR_MARKER)):
        token = TokenStore(matrix_stack.table).create("rules", scopes=scopes).token
        r = matrix_stack.request("POST", "/api/rules/1/test", json_body={"document_id": 1}, token=token)
        assert r.status == 200 and r.json()["matched"] is True, r.body
        assert [c["actual"] for c in r.json()["conditions"]] == [actual]
