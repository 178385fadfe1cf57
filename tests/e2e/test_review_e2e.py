"""Review that has content, end to end over HTTP against the local stack: a correction is scored again, a
stale If-Match is refused, an Exception cannot be exported, New runs extraction again keeping corrections,
the history names who did what, and the file can be downloaded and deleted."""

from __future__ import annotations

import time
from typing import Any

import requests

from tests.support.documents import invoice_pdf

from .stack import TIMEOUT, Stack

# The name local/stack.py gives the token it issues (RECORDENGINE_TOKEN): the person in the history.
PERSON = "local stack"
# Accepted at upload (it starts like a PDF), unreadable by the extraction engine: the document ends in Exception.
BROKEN_PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R"
TOTALS = "subtotal_plus_tax_equals_total"


def upload(
    stack: Stack, client: requests.Session, filing: dict[str, int], content: bytes, filename: str = "invoice.pdf"
) -> int:
    response = client.post(
        stack.api("/api/documents/upload"),
        files={"file": (filename, content, "application/pdf")},
        data={name: str(value) for name, value in filing.items()},
        timeout=TIMEOUT,
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def wait_for(
    stack: Stack, client: requests.Session, document_id: int, status: str, seconds: float = 30
) -> dict[str, Any]:
    """The document once it is in `status` (polled; fails after `seconds`)."""
    deadline = time.monotonic() + seconds
    document: dict[str, Any] = {}
    while time.monotonic() < deadline:
        response = client.get(stack.api(f"/api/documents/{document_id}"), timeout=TIMEOUT)
        assert response.status_code == 200, response.text
        document = response.json()
        if document["status"] == status:
            return document
        time.sleep(0.25)
    raise AssertionError(f"document {document_id} is {document.get('status')}, not {status}, after {seconds:.0f} s")


def reviewed(stack: Stack, client: requests.Session, filing: dict[str, int], content: bytes | None = None) -> dict:
    return wait_for(stack, client, upload(stack, client, filing, content or invoice_pdf()), "Needs Review")


def check(document: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in document["validation"] if c["check"] == name)


def history(stack: Stack, client: requests.Session, document_id: int) -> list[dict[str, Any]]:
    response = client.get(stack.api(f"/api/documents/{document_id}/history"), timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return list(response.json()["entries"])


def test_a_correction_recomputes_the_score(stack: Stack, client: requests.Session, filing: dict[str, int]) -> None:
    # The total printed does not add up (15,000.00 + 3,500.00 is not 18,000.00): the engine's score is capped.
    document = reviewed(stack, client, filing, invoice_pdf(total="18,000.00"))
    assert check(document, TOTALS)["passed"] is False

    response = client.patch(
        stack.api(f"/api/documents/{document['id']}"),
        json={"extracted_fields": {"total_amount": "18500.00"}},
        timeout=TIMEOUT,
    )

    assert response.status_code == 200, response.text
    corrected = response.json()
    assert corrected["extracted_fields"]["total_amount"] == "18500.00"
    assert check(corrected, TOTALS)["passed"] is True
    assert corrected["confidence_score"] > document["confidence_score"]
    assert "does not equal" not in corrected["confidence_reasoning"]
    assert corrected["field_sources"]["total_amount"] == "corrected"
    assert corrected["field_confidence"]["total_amount"] == 100
    assert response.headers["ETag"] == f'"{corrected["version"]}"'
    assert client.get(stack.api(f"/api/documents/{document['id']}"), timeout=TIMEOUT).json() == corrected


def test_a_stale_if_match_gets_412(stack: Stack, client: requests.Session, filing: dict[str, int]) -> None:
    document_id = reviewed(stack, client, filing)["id"]
    read = client.get(stack.api(f"/api/documents/{document_id}"), timeout=TIMEOUT)
    etag = read.headers["ETag"]
    assert etag == f'"{read.json()["version"]}"'

    first = client.patch(
        stack.api(f"/api/documents/{document_id}"),
        json={"notes": "First reviewer."},
        headers={"If-Match": etag},
        timeout=TIMEOUT,
    )
    assert first.status_code == 200, first.text
    second = client.patch(
        stack.api(f"/api/documents/{document_id}"),
        json={"notes": "Second reviewer, working from the old copy."},
        headers={"If-Match": etag},
        timeout=TIMEOUT,
    )

    assert second.status_code == 412, second.text
    assert second.headers["ETag"] == first.headers["ETag"]
    assert f"version {first.json()['version']}" in second.json()["detail"]
    status = client.patch(
        stack.api(f"/api/documents/{document_id}/status"),
        json={"status": "Approved"},
        headers={"If-Match": etag},
        timeout=TIMEOUT,
    )
    assert status.status_code == 412, status.text
    now = client.get(stack.api(f"/api/documents/{document_id}"), timeout=TIMEOUT).json()
    assert (now["notes"], now["status"]) == ("First reviewer.", "Needs Review")


def test_an_exception_cannot_be_exported(stack: Stack, client: requests.Session, filing: dict[str, int]) -> None:
    document_id = upload(stack, client, filing, BROKEN_PDF, "broken.pdf")
    document = wait_for(stack, client, document_id, "Exception")
    assert document["error"]
    assert (document["confidence_score"], document["confidence_label"]) == (0, "Poor")

    response = client.patch(
        stack.api(f"/api/documents/{document_id}/status"), json={"status": "Export"}, timeout=TIMEOUT
    )

    assert response.status_code == 409, response.text
    assert f"PATCH /api/documents/{document_id}" in response.json()["detail"]
    assert client.get(stack.api(f"/api/documents/{document_id}"), timeout=TIMEOUT).json()["status"] == "Exception"


def test_new_runs_extraction_again_and_keeps_a_corrected_vendor(
    stack: Stack, client: requests.Session, filing: dict[str, int]
) -> None:
    document_id = reviewed(stack, client, filing)["id"]
    corrected = client.patch(
        stack.api(f"/api/documents/{document_id}"),
        json={"extracted_fields": {"vendor": "Northwind Traders Limited"}},
        timeout=TIMEOUT,
    )
    assert corrected.status_code == 200, corrected.text

    response = client.patch(stack.api(f"/api/documents/{document_id}/status"), json={"status": "New"}, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    document = wait_for(stack, client, document_id, "Needs Review")

    assert document["extracted_fields"]["vendor"] == "Northwind Traders Limited"
    assert document["field_sources"]["vendor"] == "corrected"
    assert document["extracted_fields"]["invoice_number"] == "INV-2025-1147"
    assert document["field_sources"]["invoice_number"] == "extracted"
    actions = [entry["action"] for entry in history(stack, client, document_id)]
    assert actions.count("extracted") == 2, actions
    assert "extracted" in actions[actions.index("extraction_requested") :], "the second run came after the request"


def test_the_history_names_upload_extraction_rule_correction_note_and_export_with_their_actors(
    stack: Stack, client: requests.Session, filing: dict[str, int]
) -> None:
    rule = client.post(
        stack.api("/api/rules"),
        json={
            "name": "note this contact's documents",
            "conditions": [
                {"field": "contact_id", "op": "==", "value": filing["contact_id"]},
                {"field": "confidence_score", "op": ">=", "value": 0},
            ],
            "actions": [{"type": "add_note", "value": "Seen by the rules."}],
        },
        timeout=TIMEOUT,
    )
    assert rule.status_code == 201, rule.text
    rule_id = rule.json()["id"]
    try:
        document = reviewed(stack, client, filing)
    finally:
        deleted = client.delete(stack.api(f"/api/rules/{rule_id}"), timeout=TIMEOUT)
        assert deleted.status_code == 204, deleted.text
    document_id = document["id"]
    # A value other than the one read: the stack's invoices are one sender's, and another test's correction of
    # its name may have taught it already (issue 17).
    vendor = next(
        name
        for name in ("Northwind Traders Limited", "Northwind Traders Ltd")
        if name != document["extracted_fields"].get("vendor")
    )
    for path, body in (
        (f"/api/documents/{document_id}", {"extracted_fields": {"vendor": vendor}}),
        (f"/api/documents/{document_id}", {"notes": "Called the vendor."}),
        (f"/api/documents/{document_id}/status", {"status": "Export"}),
    ):
        response = client.patch(stack.api(path), json=body, timeout=TIMEOUT)
        assert response.status_code == 200, response.text

    entries = history(stack, client, document_id)

    assert [(entry["action"], entry["actor"]) for entry in entries] == [
        ("uploaded", PERSON),
        ("status_changed", "extraction"),
        ("extracted", "extraction"),
        ("rule_applied", f"rules:{rule_id}"),
        ("fields_corrected", PERSON),
        ("note_set", PERSON),
        ("status_changed", PERSON),
    ]
    assert entries[3]["changes"] == [{"field": "notes", "from": None, "to": "Seen by the rules."}]
    assert entries[4]["changes"] == [
        {"field": "extracted_fields.vendor", "from": document["extracted_fields"]["vendor"], "to": vendor}
    ]
    assert entries[5]["changes"] == [{"field": "notes", "from": "Seen by the rules.", "to": "Called the vendor."}]
    assert entries[6]["changes"] == [{"field": "status", "from": "Needs Review", "to": "Export"}]
    assert [entry["version"] for entry in entries] == sorted(entry["version"] for entry in entries)


def test_the_file_downloads_the_uploaded_bytes(stack: Stack, client: requests.Session, filing: dict[str, int]) -> None:
    content = invoice_pdf()
    document_id = upload(stack, client, filing, content, "Northwind INV-2025-1147.pdf")

    redirect = client.get(stack.api(f"/api/documents/{document_id}/file"), allow_redirects=False, timeout=TIMEOUT)
    assert redirect.status_code == 302, redirect.text
    assert redirect.headers["Location"].startswith("http")

    download = client.get(stack.api(f"/api/documents/{document_id}/file"), timeout=TIMEOUT)
    assert [r.status_code for r in download.history] == [302]
    assert download.status_code == 200, download.text
    assert download.content == content
    assert 'filename="Northwind INV-2025-1147.pdf"' in download.headers["Content-Disposition"]


def test_a_deleted_document_and_its_file_are_gone(
    stack: Stack, client: requests.Session, filing: dict[str, int]
) -> None:
    content = invoice_pdf()
    document_id = reviewed(stack, client, filing, content)["id"]
    location = client.get(
        stack.api(f"/api/documents/{document_id}/file"), allow_redirects=False, timeout=TIMEOUT
    ).headers["Location"]
    assert requests.get(location, timeout=TIMEOUT).content == content

    response = client.delete(stack.api(f"/api/documents/{document_id}"), timeout=TIMEOUT)

    assert response.status_code == 204, response.text
    for path in ("", "/history", "/file"):
        gone = client.get(stack.api(f"/api/documents/{document_id}{path}"), timeout=TIMEOUT)
        assert gone.status_code == 404, (path, gone.text)
    assert client.delete(stack.api(f"/api/documents/{document_id}"), timeout=TIMEOUT).status_code == 404
    assert requests.get(location, timeout=TIMEOUT).status_code == 404, "the file itself is deleted"
    listed = client.get(stack.api("/api/documents"), params={"folder_id": filing["folder_id"]}, timeout=TIMEOUT)
    assert listed.json()["total"] == 0


def test_the_same_file_uploaded_twice_is_marked_duplicate(
    stack: Stack, client: requests.Session, filing: dict[str, int]
) -> None:
    content = invoice_pdf()
    first = upload(stack, client, filing, content)
    second = upload(stack, client, filing, content)
    documents = {
        document_id: client.get(stack.api(f"/api/documents/{document_id}"), timeout=TIMEOUT).json()
        for document_id in (first, second)
    }
    assert documents[first]["duplicate_of"] is None
    assert documents[second]["duplicate_of"] == first
    assert documents[first]["sha256"] == documents[second]["sha256"]
