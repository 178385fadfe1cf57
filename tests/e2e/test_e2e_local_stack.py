"""The local stack end to end: API Gateway's behaviour, and an upload going through the whole pipeline."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import requests
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests.support import scans
from tests.support.webhooks import Receiver, SilentReceiver

from .stack import Stack

TIMEOUT = 30
ROOT = Path(__file__).resolve().parents[2]


def invoice_pdf() -> bytes:
    """A small one-page invoice with a text layer."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    lines = [
        "INVOICE",
        "Acme Corporation, 1 Main Street, Springfield",
        "Invoice number: INV-2025-1147",
        "Invoice date: 2025-11-15",
        "Due date: 2025-12-15",
        "Consulting services - October 2025    10 x 1,500.00    15,000.00",
        "Subtotal: 15,000.00",
        "Tax: 3,500.00",
        "Total: 18,500.00 CNY",
    ]
    y = 800
    for line in lines:
        pdf.drawString(60, y, line)
        y -= 22
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_health_needs_no_token(stack: Stack) -> None:
    response = requests.get(stack.api("/api/health"), timeout=TIMEOUT)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_the_openapi_document_needs_no_token(stack: Stack) -> None:
    response = requests.get(stack.api("/api/openapi.json"), timeout=TIMEOUT)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    document = response.json()
    assert document["openapi"] == "3.1.0"
    assert document["paths"]["/api/health"]["get"]["security"] == []
    # The document published in the repository is the one the API serves.
    assert response.content == (ROOT / "openapi.json").read_bytes()


def test_an_unknown_route_gets_a_404_with_a_detail(stack: Stack) -> None:
    # The template's $default route answers what no route takes, as every error: {"detail": ...}.
    response = requests.get(stack.api("/api/no-such-route"), timeout=TIMEOUT)
    assert response.status_code == 404
    assert set(response.json()) == {"detail"} and "/api/no-such-route" in response.json()["detail"]


def test_a_known_path_with_another_method_gets_405_and_allow(stack: Stack) -> None:
    response = requests.put(stack.api("/api/documents/1/status"), timeout=TIMEOUT)
    assert response.status_code == 405
    assert response.headers["Allow"] == "PATCH"
    assert "PATCH" in response.json()["detail"]


def test_a_body_over_lambdas_limit_gets_413(stack: Stack, client: requests.Session) -> None:
    body = b"\x00" * (7 * 1024 * 1024)
    response = client.post(
        stack.api("/api/documents/upload"),
        data=body,
        headers={"content-type": "application/octet-stream"},
        timeout=60,
    )
    assert response.status_code == 413
    assert response.json() == {"message": "Request Entity Too Large"}


def test_requests_without_a_token_get_401(stack: Stack) -> None:
    response = requests.get(stack.api("/api/documents"), timeout=TIMEOUT)
    assert response.status_code == 401
    assert response.headers.get("WWW-Authenticate", "").startswith("Bearer")
    assert "detail" in response.json()


def test_an_upload_goes_through_extraction(stack: Stack, client: requests.Session) -> None:
    """Upload -> S3 object-created event -> extraction -> a final status: proves S3 events are delivered."""
    contact = client.post(stack.api("/api/contacts"), json={"name": "Acme Corporation"}, timeout=TIMEOUT)
    assert contact.status_code == 201, contact.text
    folder = client.post(stack.api("/api/folders"), json={"name": "Q4 Invoices"}, timeout=TIMEOUT)
    assert folder.status_code == 201, folder.text

    upload = client.post(
        stack.api("/api/documents/upload"),
        files={"file": ("acme-invoice.pdf", invoice_pdf(), "application/pdf")},
        data={"contact_id": str(contact.json()["id"]), "folder_id": str(folder.json()["id"])},
        timeout=TIMEOUT,
    )
    assert upload.status_code == 201, upload.text
    created = upload.json()
    assert created["status"] == "New"
    assert created["filename"] == "acme-invoice.pdf"

    deadline = time.monotonic() + 30
    document: dict[str, Any] = {}
    while time.monotonic() < deadline:
        response = client.get(stack.api(f"/api/documents/{created['id']}"), timeout=TIMEOUT)
        assert response.status_code == 200, response.text
        document = response.json()
        if document["status"] in ("Needs Review", "Exception"):
            break
        time.sleep(0.5)
    assert document.get("status") in ("Needs Review", "Exception"), f"still {document.get('status')} after 30 s"


def wait_for_review(stack: Stack, client: requests.Session, document_id: int, seconds: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    document: dict[str, Any] = {}
    while time.monotonic() < deadline:
        response = client.get(stack.api(f"/api/documents/{document_id}"), timeout=TIMEOUT)
        assert response.status_code == 200, response.text
        document = response.json()
        if document["status"] not in ("New", "Processing"):
            return document
        time.sleep(0.5)
    raise AssertionError(f"document {document_id} still {document.get('status')} after {seconds:.0f} s")


def test_receipt_photos_and_scans_are_read_by_ocr_with_nothing_installed(
    stack: Stack, client: requests.Session
) -> None:
    """OCR comes from the project's pip requirements: a photo and a scanned PDF, uploaded together, are read."""
    contact = client.post(stack.api("/api/contacts"), json={"name": "Expenses"}, timeout=TIMEOUT).json()
    folder = client.post(stack.api("/api/folders"), json={"name": "Receipts"}, timeout=TIMEOUT).json()
    uploads = {
        "receipt.jpg": (scans.jpeg(scans.receipt_page(scans.RECEIPT_LINES)), "image/jpeg"),
        "scan.pdf": (scans.scanned_pdf(scans.invoice_page()), "application/pdf"),
    }
    created = {}
    for name, (content, media_type) in uploads.items():
        response = client.post(
            stack.api("/api/documents/upload"),
            files={"file": (name, content, media_type)},
            data={"contact_id": str(contact["id"]), "folder_id": str(folder["id"])},
            timeout=TIMEOUT,
        )
        assert response.status_code == 201, response.text
        created[name] = response.json()["id"]

    receipt = wait_for_review(stack, client, created["receipt.jpg"])
    assert receipt["status"] == "Needs Review", receipt.get("error")
    assert receipt["doc_type"] == "Receipt"
    assert receipt["extracted_fields"]["total_amount"] == "13.75"
    assert receipt["extracted_fields"]["vendor"] == "HARBOUR GROCERS LTD"

    scan = wait_for_review(stack, client, created["scan.pdf"])
    assert scan["status"] == "Needs Review", scan.get("error")
    assert scan["extracted_fields"]["invoice_number"] == "LP-30917"
    assert scan["extracted_fields"]["total_amount"] == "240.00"


def reviewed_documents_for_webhooks(
    stack: Stack, client: requests.Session, urls: list[str], hooks: list[int]
) -> list[int]:
    """Registers a webhook per URL (their ids added to `hooks`, for the caller to delete), uploads three invoices
    and waits until each is in review; their ids."""
    for url in urls:
        response = client.post(stack.api("/api/webhooks"), json={"url": url}, timeout=TIMEOUT)
        assert response.status_code == 201, response.text
        hooks.append(response.json()["id"])
    contact = client.post(stack.api("/api/contacts"), json={"name": "Receiving CRM"}, timeout=TIMEOUT).json()
    folder = client.post(stack.api("/api/folders"), json={"name": "Exports"}, timeout=TIMEOUT).json()
    ids = []
    for _ in range(3):
        upload = client.post(
            stack.api("/api/documents/upload"),
            files={"file": ("invoice.pdf", invoice_pdf(), "application/pdf")},
            data={"contact_id": str(contact["id"]), "folder_id": str(folder["id"])},
            timeout=TIMEOUT,
        )
        assert upload.status_code == 201, upload.text
        ids.append(upload.json()["id"])
    for document_id in ids:
        wait_for_review(stack, client, document_id)
    return ids


def test_a_receiver_that_never_answers_holds_up_no_other_endpoint(stack: Stack, client: requests.Session) -> None:
    """A healthy endpoint's three events all arrive while the one attempt to a receiver that never answers
    is still waiting for its answer (the stack's webhook timeout is 15 s): the silent endpoint holds up
    nobody else. Asserted as that order of events, not as a time, so a loaded machine cannot fail it."""
    silent, healthy = SilentReceiver(), Receiver()
    hooks = []
    try:
        ids = reviewed_documents_for_webhooks(stack, client, [silent.url, healthy.url], hooks)
        started = time.monotonic()
        for document_id in ids:
            response = client.patch(
                stack.api(f"/api/documents/{document_id}/status"), json={"status": "Export"}, timeout=TIMEOUT
            )
            assert response.status_code == 200, response.text
        while len(healthy.requests) < 3 and time.monotonic() - started < 30:
            time.sleep(0.05)
        seconds = time.monotonic() - started
        print(f"\nthe healthy endpoint had its 3 events {seconds:.2f} s after the exports")
        assert len(healthy.requests) == 3
        last_healthy = healthy.requests[-1].arrived
        silent_closed = silent.connections[0].get("closed") if silent.connections else None
        assert silent_closed is None or last_healthy < silent_closed, (
            f"the healthy endpoint's last event came {last_healthy - silent_closed:.1f} s after the sender gave up "
            "on the silent one: it waited for it"
        )
        # In the order the documents entered Export; the silent endpoint got the first one and no other yet.
        assert [r.webhook_id.split("_")[1] for r in healthy.requests] == [f"doc{i}" for i in ids]
        assert len(silent.connections) == 1
    finally:
        for hook in hooks:
            client.delete(stack.api(f"/api/webhooks/{hook}"), timeout=TIMEOUT)
        silent.close()
        healthy.close()


def test_receivers_that_never_answer_hold_up_no_healthy_endpoint(stack: Stack, client: requests.Session) -> None:
    """Six receivers accept the connection and never answer: the healthy endpoint has every event before the
    first attempt to any of them has timed out (the stack's webhook timeout is 15 s), as in Lambda, where each
    endpoint's FIFO message group has its own batch in flight."""
    silent = [SilentReceiver() for _ in range(6)]
    received_at: dict[str, float] = {}

    def note_arrival(_: int, headers: dict[str, str], __: bytes) -> int:
        received_at[headers["webhook-id"]] = time.monotonic()
        return 200

    healthy = Receiver(note_arrival)
    hooks = []
    try:
        ids = reviewed_documents_for_webhooks(stack, client, [*(r.url for r in silent), healthy.url], hooks)
        exported_at = {}
        for document_id in ids:
            exported_at[f"doc{document_id}"] = time.monotonic()
            response = client.patch(
                stack.api(f"/api/documents/{document_id}/status"), json={"status": "Export"}, timeout=TIMEOUT
            )
            assert response.status_code == 200, response.text
        # Long enough for the slowest emulation to get there: the assertions below are about the order of events.
        deadline = time.monotonic() + 120
        while len(healthy.requests) < len(ids) and time.monotonic() < deadline:
            time.sleep(0.05)
        lags = sorted(received_at[r.webhook_id] - exported_at[r.webhook_id.split("_")[1]] for r in healthy.requests)
        print(f"\nhealthy endpoint's lag per event (s): {', '.join(f'{lag:.2f}' for lag in lags)}")
        assert len(healthy.requests) == len(ids)

        def first_attempts() -> list[list[dict[str, float]]]:
            return [receiver.connections[:1] for receiver in silent]

        while not all(c and "closed" in c[0] for c in first_attempts()) and time.monotonic() < deadline:
            time.sleep(0.1)
        # Every silent endpoint had its first attempt cut off at the timeout, each after the healthy one had
        # every event.
        assert all(c and max(received_at.values()) < c[0]["closed"] for c in first_attempts())
    finally:
        for hook in hooks:
            client.delete(stack.api(f"/api/webhooks/{hook}"), timeout=TIMEOUT)
        for receiver in silent:
            receiver.close()
        healthy.close()
