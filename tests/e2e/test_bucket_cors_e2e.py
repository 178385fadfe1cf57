"""CORS of the documents bucket as a browser meets it, over HTTP against the local stack's S3 (moto's server):
the preflight of the review page's presigned upload and the answer to its presigned GET."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from .stack import Stack

TIMEOUT = 30
PAGE_ORIGIN = "http://127.0.0.1:3000"


@pytest.fixture
def presigned(stack: Stack, client: requests.Session) -> dict[str, Any]:
    contact = client.post(stack.api("/api/contacts"), json={"name": "CORS"}, timeout=TIMEOUT).json()
    folder = client.post(stack.api("/api/folders"), json={"name": "CORS"}, timeout=TIMEOUT).json()
    r = client.post(
        stack.api("/api/documents/uploads"),
        json={"contact_id": contact["id"], "folder_id": folder["id"], "filename": "big.pdf"},
        timeout=TIMEOUT,
    )
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def preflight(url: str, method: str, headers: str | None = None, origin: str = PAGE_ORIGIN) -> requests.Response:
    sent = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        sent["Access-Control-Request-Headers"] = headers
    return requests.options(url, headers=sent, timeout=TIMEOUT)


@pytest.mark.parametrize("method", ["POST", "PUT", "GET"])
def test_the_preflight_of_a_presigned_request_from_any_origin_is_allowed(presigned, method):
    url = presigned["upload"]["url"]
    for origin in (PAGE_ORIGIN, "https://abc123def4.execute-api.eu-west-1.amazonaws.com"):
        r = preflight(url, method, "content-type", origin)
        assert r.status_code == 200, r.text
        assert r.headers["Access-Control-Allow-Origin"] in {"*", origin}
        assert method in [m.strip() for m in r.headers["Access-Control-Allow-Methods"].split(",")]
        assert "content-type" in r.headers["Access-Control-Allow-Headers"].lower()
        assert "ETag" in r.headers["Access-Control-Expose-Headers"]


def test_the_preflight_of_an_object_url_is_allowed_with_the_headers_asked_for(presigned):
    url = presigned["upload"]["url"].rstrip("/") + "/" + presigned["upload"]["fields"]["key"]
    r = preflight(url, "PUT", "content-type,x-amz-checksum-crc32")
    assert r.status_code == 200, r.text
    allowed = {h.strip().lower() for h in r.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"content-type", "x-amz-checksum-crc32"} <= allowed


def test_a_method_the_rules_do_not_allow_is_refused(presigned):
    r = preflight(presigned["upload"]["url"], "DELETE")
    # A browser fails a preflight whose status is not 2xx (moto's server adds its own CORS headers to it).
    assert r.status_code == 403, r.text


def test_a_header_the_rules_do_not_allow_is_refused(presigned):
    r = preflight(presigned["upload"]["url"], "PUT", "authorization")
    assert r.status_code == 403, r.text


def test_the_browser_upload_and_the_download_carry_the_cors_answer(stack, client, presigned):
    from tests.support.documents import invoice_pdf

    upload = presigned["upload"]
    content = invoice_pdf()
    r = requests.post(
        upload["url"],
        data=upload["fields"],
        files={"file": ("big.pdf", content, "application/pdf")},
        headers={"Origin": PAGE_ORIGIN},
        timeout=TIMEOUT,
    )
    assert r.status_code in (200, 201, 204), r.text
    assert r.headers.get("Access-Control-Allow-Origin") in {"*", PAGE_ORIGIN}
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:  # the S3 event records the file's arrival on the document
        document = client.get(stack.api(f"/api/documents/{presigned['id']}"), timeout=TIMEOUT).json()
        if document.get("size_bytes"):
            break
        time.sleep(0.2)
    link = client.get(
        stack.api(f"/api/documents/{presigned['id']}/file"),
        params={"disposition": "inline"},
        headers={"Accept": "application/json"},
        timeout=TIMEOUT,
    ).json()
    r = requests.get(link["url"], headers={"Origin": PAGE_ORIGIN}, timeout=TIMEOUT)
    assert r.status_code == 200 and r.content == content
    assert r.headers.get("Access-Control-Allow-Origin") in {"*", PAGE_ORIGIN}
    assert r.headers["Content-Disposition"].startswith("inline;")
