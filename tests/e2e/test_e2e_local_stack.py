"""The local stack end to end: API Gateway's behaviour, and an upload going through the whole pipeline."""

from __future__ import annotations

import io
import time
from typing import Any

import requests
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from .stack import Stack

TIMEOUT = 30


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


def test_an_unknown_route_gets_api_gateways_404(stack: Stack) -> None:
    response = requests.get(stack.api("/api/no-such-route"), timeout=TIMEOUT)
    assert response.status_code == 404
    assert response.json() == {"message": "Not Found"}


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
