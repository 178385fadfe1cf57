"""A presigned upload used twice on the local stack: the second file's real S3 event (moto's notification,
delivered by the stack) is recognised though the key is the same, recorded and reviewed anew."""

from __future__ import annotations

import hashlib
import time
from typing import Any

import requests

from tests.support.documents import invoice_pdf

from .stack import Stack

TIMEOUT = 30


def post_file(upload: dict[str, Any], content: bytes) -> None:
    sent = requests.post(upload["url"], data=upload["fields"], files={"file": ("big.pdf", content)}, timeout=TIMEOUT)
    assert sent.status_code in (200, 204), sent.text


def settled(stack: Stack, client: requests.Session, document_id: int, sha256: str) -> dict[str, Any]:
    """The document once it is out of the pipeline with this file's reading (60 s at most)."""
    deadline = time.monotonic() + 60
    document: dict[str, Any] = {}
    while time.monotonic() < deadline:
        document = client.get(stack.api(f"/api/documents/{document_id}"), timeout=TIMEOUT).json()
        if document["status"] not in ("New", "Processing") and document.get("sha256") == sha256:
            return document
        time.sleep(0.5)
    raise AssertionError(f"document {document_id} is {document.get('status')} with {document.get('sha256')}")


def test_a_second_file_sent_with_a_presigned_upload_is_reviewed_anew(stack: Stack, client: requests.Session) -> None:
    contact = client.post(stack.api("/api/contacts"), json={"name": "Harbour Tools Ltd"}, timeout=TIMEOUT).json()
    folder = client.post(stack.api("/api/folders"), json={"name": "Intake"}, timeout=TIMEOUT).json()
    created = client.post(
        stack.api("/api/documents/uploads"),
        json={"filename": "big.pdf", "contact_id": contact["id"], "folder_id": folder["id"]},
        timeout=TIMEOUT,
    )
    assert created.status_code == 201, created.text
    document_id, upload = created.json()["id"], created.json()["upload"]
    first = invoice_pdf(vendor="Harbour Tools Ltd", number="HT-1001")
    second = invoice_pdf(vendor="Quarry Lane Supplies", number="QL-2002")

    post_file(upload, first)
    settled(stack, client, document_id, hashlib.sha256(first).hexdigest())
    approved = client.patch(stack.api(f"/api/documents/{document_id}/status"), json={"status": "Approved"})
    assert approved.status_code == 200, approved.text

    post_file(upload, second)
    document = settled(stack, client, document_id, hashlib.sha256(second).hexdigest())
    assert document["status"] == "Needs Review"
    assert document["extracted_fields"]["invoice_number"] == "QL-2002"
    entries = client.get(stack.api(f"/api/documents/{document_id}/history"), timeout=TIMEOUT).json()["entries"]
    assert [entry["action"] for entry in entries].count("file_replaced") == 1
