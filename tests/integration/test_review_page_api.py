"""What the review page needs from the API, through the real handlers on moto: who the token is (GET /api/me),
the file as JSON for a page that cannot read a redirect (and shown inline), and CORS on the documents bucket
for the browser's presigned upload and its image previews."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests

from local.cfn import Template
from recordengine.api.documents.file import prefers_json
from recordengine.tokens import TokenScope, TokenStore
from tests.support.aws_stack import ROOT
from tests.support.documents import invoice_pdf

# ---------------------------------------------------------------- GET /api/me


def test_me_names_the_token_and_its_scopes(stack):
    r = stack.request("GET", "/api/me")
    assert r.status == 200, r.body
    assert r.json() == {"name": "tests", "scopes": sorted(scope.value for scope in TokenScope)}


def test_me_of_a_read_only_token_has_only_its_scope(stack):
    reader = TokenStore(stack.table).create("Reviewer (read only)", scopes=[TokenScope.DOCUMENTS_READ]).token
    r = stack.request("GET", "/api/me", token=reader)
    assert r.status == 200, r.body
    assert r.json() == {"name": "Reviewer (read only)", "scopes": ["documents:read"]}


def test_me_of_a_token_without_any_document_scope_is_still_answered(stack):
    admin = TokenStore(stack.table).create("rules admin", scopes=[TokenScope.ADMIN]).token
    assert stack.request("GET", "/api/me", token=admin).json() == {"name": "rules admin", "scopes": ["admin"]}


@pytest.mark.parametrize("token", [None, "re_000000000000_" + "x" * 43, "not a token"])
def test_me_without_a_valid_token_is_401(stack, token):
    r = stack.request("GET", "/api/me", token=token)
    assert r.status == 401, r.body
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.json()["detail"]


def test_me_of_a_revoked_token_is_401(stack):
    store = TokenStore(stack.table)
    created = store.create("leaving")
    store.revoke(created.key_id)
    assert stack.request("GET", "/api/me", token=created.token).status == 401


# ---------------------------------------------------------------- GET /api/documents/{id}/file


@pytest.fixture
def uploaded(stack, contact, folder) -> dict[str, Any]:
    content = invoice_pdf()
    r = stack.upload(
        content, filename="Northwind INV-1147.pdf", fields={"contact_id": contact["id"], "folder_id": folder["id"]}
    )
    assert r.status == 201, r.body
    return {**r.json(), "content": content}


def _disposition(url: str) -> str:
    return parse_qs(urlsplit(url).query)["response-content-disposition"][0]


def test_the_file_as_json_for_a_page(stack, uploaded):
    r = stack.request("GET", f"/api/documents/{uploaded['id']}/file", headers={"accept": "application/json"})
    assert r.status == 200, r.body
    link = r.json()
    assert set(link) == {"url", "filename", "content_type", "expires_in"}
    assert link["filename"] == "Northwind INV-1147.pdf"
    assert link["content_type"] == "application/pdf"
    assert link["expires_in"] == 300
    assert r.headers["cache-control"] == "no-store"
    assert "accept" in r.headers["vary"].lower()
    assert _disposition(link["url"]).startswith("attachment;")
    download = requests.get(link["url"], timeout=10)
    assert download.status_code == 200 and download.content == uploaded["content"]


def test_the_file_inline_is_shown_by_a_browser_under_its_name(stack, uploaded):
    r = stack.request(
        "GET",
        f"/api/documents/{uploaded['id']}/file",
        params={"disposition": "inline"},
        headers={"accept": "application/json"},
    )
    assert r.status == 200, r.body
    url = r.json()["url"]
    assert _disposition(url) == (
        "inline; filename=\"Northwind INV-1147.pdf\"; filename*=UTF-8''Northwind%20INV-1147.pdf"
    )
    download = requests.get(url, timeout=10)
    assert download.headers["content-disposition"].startswith("inline;")
    assert download.headers["content-type"] == "application/pdf"


def test_the_file_inline_redirects_too(stack, uploaded):
    r = stack.request("GET", f"/api/documents/{uploaded['id']}/file", params={"disposition": "inline"})
    assert r.status == 302, r.body
    assert _disposition(r.headers["location"]).startswith("inline;")


def test_the_file_redirects_by_default_and_for_a_browser_navigation_or_any_type(stack, uploaded):
    path = f"/api/documents/{uploaded['id']}/file"
    for accept in (None, "*/*", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"):
        r = stack.request("GET", path, headers={"accept": accept} if accept else None)
        assert r.status == 302, (accept, r.body)
        assert _disposition(r.headers["location"]).startswith("attachment;")


def test_an_unknown_disposition_is_422(stack, uploaded):
    r = stack.request("GET", f"/api/documents/{uploaded['id']}/file", params={"disposition": "download"})
    assert r.status == 422, r.body
    assert r.json()["detail"]


def test_the_file_as_json_keeps_the_file_answers_errors(stack, contact, folder):
    r = stack.request("GET", "/api/documents/999/file", headers={"accept": "application/json"})
    assert r.status == 404, r.body
    r = stack.request(
        "POST",
        "/api/documents/uploads",
        json_body={"contact_id": contact["id"], "folder_id": folder["id"], "filename": "later.pdf"},
    )
    r = stack.request("GET", f"/api/documents/{r.json()['id']}/file", headers={"accept": "application/json"})
    assert r.status == 409, r.body


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/json", True),
        ("application/json, text/plain, */*", True),
        ("application/json;q=0.9, */*;q=0.1", True),
        ("Application/JSON", True),
        (None, False),
        ("", False),
        ("*/*", False),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", False),
        ("text/html, application/json;q=0.5", False),
        ("application/json;q=0", False),
        ("application/json;q=oops", False),
    ],
)
def test_prefers_json(accept, expected):
    assert prefers_json(accept) is expected


# ---------------------------------------------------------------- CORS on the documents bucket


def test_the_documents_bucket_has_the_templates_cors_rules(stack):
    rules = boto3.client("s3").get_bucket_cors(Bucket=stack.bucket)["CORSRules"]
    template_rules = Template.load(ROOT / "template.yaml").properties("DocumentsBucket")["CorsConfiguration"]
    assert len(rules) == len(template_rules["CorsRules"]) == 1
    rule = rules[0]
    assert set(rule["AllowedMethods"]) >= {"PUT", "POST", "GET", "HEAD"}
    assert "DELETE" not in rule["AllowedMethods"]
    assert rule["AllowedOrigins"] == ["*"]
    assert rule["ExposeHeaders"] == ["ETag"]
