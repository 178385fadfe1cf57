"""Review that has content, through the real handlers on moto: corrections (PATCH /api/documents/{id}) scored
again, versions (ETag, If-Match, concurrent writers), the lifecycle (Export only after extraction; New or
Processing set by hand runs extraction again, keeping corrections), the history with its actors, the file,
delete, duplicates and token scopes."""

from __future__ import annotations

import hashlib
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests

from local.runtime import WorkerPool
from recordengine.models import ConfidenceLabel
from recordengine.storage.documents import DocumentStore
from recordengine.tokens import TokenScope, TokenStore
from tests.support.aws_stack import AwsStack, naming, table_items
from tests.support.documents import invoice_pdf
from tests.support.extraction_requests import ExtractionRequests

# Accepted at upload (it starts like a PDF), unreadable by the extraction engine: the document ends in Exception.
BROKEN_PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R"
REFS = {"salesforce": {"record_id": "001Qy00000BnXt2IAF", "record_type": "Opportunity"}}
TOTALS = "subtotal_plus_tax_equals_total"


def upload(stack: AwsStack, contact: dict, folder: dict, content: bytes | None = None, **extra: Any) -> int:
    r = stack.upload(
        invoice_pdf() if content is None else content,
        fields={"contact_id": contact["id"], "folder_id": folder["id"], **extra},
    )
    assert r.status == 201, r.body
    return int(r.json()["id"])


def extracted(stack: AwsStack, contact: dict, folder: dict, content: bytes | None = None, **extra: Any) -> dict:
    doc_id = upload(stack, contact, folder, content, **extra)
    stack.deliver_s3_events()
    return stack.document(doc_id)


def patch(stack: AwsStack, doc_id: int, body: Any, **kwargs: Any):
    return stack.request("PATCH", f"/api/documents/{doc_id}", json_body=body, **kwargs)


def set_status(stack: AwsStack, doc_id: int, body: dict, **kwargs: Any):
    return stack.request("PATCH", f"/api/documents/{doc_id}/status", json_body=body, **kwargs)


def history(stack: AwsStack, doc_id: int, **params: Any) -> dict:
    r = stack.request("GET", f"/api/documents/{doc_id}/history", params=params or None)
    assert r.status == 200, r.body
    return r.json()


def check(document: dict, name: str) -> dict:
    return next(c for c in document["validation"] if c["check"] == name)


@pytest.fixture
def reviewed(stack, contact, folder) -> dict:
    """An invoice whose total was misread (18,000.00 printed against 15,000.00 + 3,500.00), in Needs Review."""
    document = extracted(stack, contact, folder, invoice_pdf(total="18,000.00"))
    assert document["status"] == "Needs Review"
    assert document["extracted_fields"]["total_amount"] == "18000.00"
    assert check(document, TOTALS)["passed"] is False
    return document


# ---------------------------------------------------------------- corrections


def test_correcting_a_misread_total_recomputes_the_score(stack, reviewed):
    r = patch(stack, reviewed["id"], {"extracted_fields": {"total_amount": "18500"}})

    assert r.status == 200, r.body
    body = r.json()
    assert body["extracted_fields"]["total_amount"] == "18500.00"
    assert check(body, TOTALS)["passed"] is True
    assert body["confidence_score"] > reviewed["confidence_score"]
    assert body["confidence_label"] == ConfidenceLabel.for_score(body["confidence_score"]).value
    assert "does not equal" not in body["confidence_reasoning"]
    assert "18500.00" in body["ai_summary"]
    assert body["field_confidence"]["total_amount"] == 100
    assert body["field_sources"]["total_amount"] == "corrected"
    assert body["field_sources"]["vendor"] == body["field_sources"]["line_items"] == "extracted"
    assert body["extracted_fields"]["vendor"] == "Northwind Traders Ltd", "fields not named are kept"


def test_a_correction_answers_the_full_record_and_its_etag(stack, reviewed):
    r = patch(stack, reviewed["id"], {"extracted_fields": {"vendor": "Northwind Traders Limited"}})

    assert r.status == 200, r.body
    assert r.json()["version"] == reviewed["version"] + 1
    assert r.headers["etag"] == f'"{reviewed["version"] + 1}"'
    assert r.json() == stack.document(reviewed["id"])


def test_null_clears_a_field_and_it_is_missing_again(stack, reviewed):
    r = patch(stack, reviewed["id"], {"extracted_fields": {"invoice_number": None, "due_date": None}})

    assert r.status == 200, r.body
    body = r.json()
    assert body["extracted_fields"]["invoice_number"] is None and body["extracted_fields"]["due_date"] is None
    assert body["extracted_fields"]["currency"] == "USD"
    assert set(body["missing_fields"]) == {"invoice_number", "due_date"}
    assert "invoice_number" in body["confidence_reasoning"]
    assert body["confidence_score"] < reviewed["confidence_score"]


def test_line_items_are_replaced_as_a_whole_list(stack, reviewed):
    items = [
        {"description": "Consulting services", "quantity": 10, "unit_price": 1400, "amount": 14000},
        {"description": "Travel", "amount": 1000.0},
    ]
    r = patch(stack, reviewed["id"], {"line_items": items})

    assert r.status == 200, r.body
    body = r.json()
    assert body["line_items"] == items
    assert body["field_sources"]["line_items"] == "corrected"
    assert check(body, "line_items_sum_to_subtotal")["passed"] is True

    r = patch(stack, reviewed["id"], {"line_items": []})
    assert r.status == 200, r.body
    assert r.json()["line_items"] == []


def test_type_date_notes_contact_and_folder_are_corrected(stack, reviewed, folder):
    other_contact = stack.request("POST", "/api/contacts", json_body={"name": "Globex"}).json()
    other_folder = stack.request("POST", "/api/folders", json_body={"name": "Credit notes"}).json()
    body = {
        "doc_type": "Credit Note",
        "doc_date": "2025-11-20",
        "notes": "Issued as a credit note.",
        "contact_id": other_contact["id"],
        "folder_id": other_folder["id"],
    }
    r = patch(stack, reviewed["id"], body)

    assert r.status == 200, r.body
    document = r.json()
    assert {name: document[name] for name in body} == body
    assert (document["contact_name"], document["folder_name"]) == ("Globex", "Credit notes")
    assert document["field_sources"]["doc_type"] == document["field_sources"]["doc_date"] == "corrected"
    listed = stack.request("GET", "/api/documents", params={"folder_id": other_folder["id"]}).json()["documents"]
    assert [d["id"] for d in listed] == [reviewed["id"]]
    assert stack.request("GET", "/api/documents", params={"folder_id": folder["id"]}).json()["total"] == 0
    by_contact = stack.request("GET", "/api/documents", params={"contact_id": other_contact["id"]}).json()
    assert by_contact["total"] == 1


def test_correcting_the_invoice_date_moves_the_document_date(stack, reviewed):
    r = patch(stack, reviewed["id"], {"extracted_fields": {"invoice_date": "2025-11-14"}})
    assert r.status == 200, r.body
    assert r.json()["doc_date"] == "2025-11-14"


def test_another_profile_checks_the_fields_against_its_own(stack, reviewed):
    profile = stack.request(
        "POST",
        "/api/profiles",
        json_body={
            "name": "Receipts",
            "fields": [{"name": "merchant", "required": True}, {"name": "total", "type": "amount", "required": True}],
        },
    )
    assert profile.status == 201, profile.body
    profile_id = profile.json()["id"]

    refused = patch(stack, reviewed["id"], {"profile_id": profile_id, "extracted_fields": {"vendor": "Shop"}})
    assert refused.status == 422 and "extracted_fields.vendor" in refused.json()["detail"]

    r = patch(stack, reviewed["id"], {"profile_id": profile_id, "extracted_fields": {"total": "12.5"}})
    assert r.status == 200, r.body
    document = r.json()
    assert document["profile_id"] == profile_id
    assert document["extracted_fields"]["total"] == "12.50"
    assert document["missing_fields"] == ["merchant"]
    assert set(document["field_confidence"]) == {"merchant", "total"}


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"extracted_fields": {"colour": "red"}}, "extracted_fields.colour"),
        ({"extracted_fields": {"vendor": 12}}, "extracted_fields.vendor"),
        ({"extracted_fields": {"invoice_date": "15/11/2025"}}, "extracted_fields.invoice_date"),
        ({"extracted_fields": {"due_date": "2025-02-30"}}, "extracted_fields.due_date"),
        ({"extracted_fields": {"total_amount": "12,50"}}, "extracted_fields.total_amount"),
        ({"extracted_fields": {"subtotal": "1e5"}}, "extracted_fields.subtotal"),
        ({"extracted_fields": {"tax_amount": True}}, "tax_amount"),
        ({"extracted_fields": {"currency": "EURO"}}, "extracted_fields.currency"),
        ({"extracted_fields": {"currency": "€"}}, "extracted_fields.currency"),
        ({"extracted_fields": {"vendor": "Fine", "due_date": "soon"}}, "extracted_fields.due_date"),
        ({"extracted_fields": "vendor"}, "extracted_fields"),
        ({"doc_date": "2025-13-01"}, "doc_date"),
        ({"doc_date": "20/11/2025"}, "doc_date"),
        ({"line_items": [{"description": "Consulting", "sku": "C-1"}]}, "sku"),
        ({"line_items": [{"description": "Consulting", "amount": "15000"}]}, "amount"),
        ({"line_items": {"description": "Consulting"}}, "line_items"),
        ({"notes": "x" * 10_001}, "notes"),
        ({"doc_type": ""}, "doc_type"),
        ({"contact_id": 999}, "contact_id"),
        ({"folder_id": 999}, "folder_id"),
        ({"profile_id": 999}, "profile_id"),
        ({"status": "Approved"}, "status"),
    ],
)
def test_a_value_the_document_cannot_take_is_422_naming_the_field(stack, reviewed, body, named):
    r = patch(stack, reviewed["id"], body)

    assert r.status == 422, r.body
    assert named in json.dumps(r.json()["detail"])
    assert stack.document(reviewed["id"]) == reviewed, "nothing of a refused correction is stored"


def test_a_very_long_amount_is_answered_not_a_server_error(stack, reviewed):
    # 28 digits: within the 30 the API allows an amount, past Python's default decimal precision.
    r = patch(stack, reviewed["id"], {"extracted_fields": {"total_amount": "1" * 28}})
    assert r.status == 200, r.body
    assert r.json()["extracted_fields"]["total_amount"] == "1" * 28 + ".00"


def test_a_correction_that_changes_nothing_keeps_the_version(stack, reviewed):
    r = patch(stack, reviewed["id"], {"extracted_fields": {"vendor": "Northwind Traders Ltd"}})
    assert r.status == 200, r.body
    assert r.json()["version"] == reviewed["version"]
    assert r.headers["etag"] == f'"{reviewed["version"]}"'
    assert patch(stack, reviewed["id"], {}).json()["version"] == reviewed["version"]
    assert [e for e in history(stack, reviewed["id"])["entries"] if e["action"] == "fields_corrected"] == []


def test_a_correction_of_an_unknown_document_is_404(stack):
    assert patch(stack, 999, {"notes": "x"}).status == 404


# ---------------------------------------------------------------- versions


def test_get_answers_the_version_as_its_etag(stack, contact, folder):
    doc_id = upload(stack, contact, folder)
    r = stack.request("GET", f"/api/documents/{doc_id}")
    assert r.json()["version"] == 1 and r.headers["etag"] == '"1"'

    stack.deliver_s3_events()
    r = stack.request("GET", f"/api/documents/{doc_id}")
    version = r.json()["version"]
    assert version > 1 and r.headers["etag"] == f'"{version}"'
    assert history(stack, doc_id)["entries"][-1]["version"] == version


@pytest.mark.parametrize(
    ("path", "body"),
    [("", {"extracted_fields": {"total_amount": "18500.00"}}), ("/status", {"status": "Approved", "notes": "ok"})],
)
def test_a_stale_if_match_is_412_naming_the_current_version(stack, reviewed, path, body):
    current = reviewed["version"]
    r = stack.request(
        "PATCH", f"/api/documents/{reviewed['id']}{path}", json_body=body, headers={"If-Match": f'"{current - 1}"'}
    )

    assert r.status == 412, r.body
    assert f"version {current}" in r.json()["detail"]
    assert r.headers["etag"] == f'"{current}"'
    assert stack.document(reviewed["id"]) == reviewed


def test_an_if_match_that_names_no_version_is_412(stack, reviewed):
    r = patch(stack, reviewed["id"], {"notes": "x"}, headers={"If-Match": '"not-a-version"'})
    assert r.status == 412, r.body
    assert stack.document(reviewed["id"])["notes"] is None


def test_a_matching_if_match_or_a_star_lets_the_change_through(stack, reviewed):
    doc_id, version = reviewed["id"], reviewed["version"]
    r = patch(stack, doc_id, {"notes": "first"}, headers={"If-Match": f'"{version}"'})
    assert r.status == 200, r.body
    assert r.headers["etag"] == f'"{version + 1}"'

    r = set_status(stack, doc_id, {"status": "Approved"}, headers={"If-Match": r.headers["etag"]})
    assert r.status == 200, r.body
    assert r.json()["version"] == version + 2 and r.headers["etag"] == f'"{version + 2}"'

    r = patch(stack, doc_id, {"notes": "second"}, headers={"If-Match": "*"})
    assert r.status == 200, r.body
    assert r.json()["notes"] == "second" and r.json()["version"] == version + 3


def test_concurrent_changes_of_different_fields_all_survive(stack, reviewed, monkeypatch):
    """Six writers read the same version at once (a barrier holds each first read); each writes a different
    field. Every change survives, one version each."""
    doc_id, start = reviewed["id"], reviewed["version"]
    changes = [
        ("", {"extracted_fields": {"vendor": "Northwind Traders Limited"}}),
        ("", {"extracted_fields": {"invoice_number": "INV-2025-1148"}}),
        ("", {"extracted_fields": {"total_amount": "18500.00"}}),
        ("", {"doc_type": "Credit Note"}),
        ("", {"notes": "Checked against the order."}),
        ("/status", {"status": "Approved"}),
    ]
    barrier = threading.Barrier(len(changes), timeout=30)
    reads = []
    conflicts = []
    lock = threading.Lock()
    original_get, original_write = DocumentStore.get, DocumentStore._write

    def get(self, document_id):
        with lock:
            reads.append(document_id)
            first_reads = len(reads) <= len(changes)
        if first_reads:
            barrier.wait()
        return original_get(self, document_id)

    def write(self, current, change):
        written = original_write(self, current, change)
        if written is None:
            with lock:
                conflicts.append(change)
        return written

    # Enough Lambda workers for all six requests at once (the stack's pool has two).
    pool = WorkerPool("concurrent-review", len(changes) + 2)
    try:
        with monkeypatch.context() as patched, ThreadPoolExecutor(max_workers=len(changes)) as threads:
            patched.setattr(stack.gateway, "pool", pool)
            patched.setattr(DocumentStore, "get", get)
            patched.setattr(DocumentStore, "_write", write)
            answers = list(
                threads.map(
                    lambda change: stack.request("PATCH", f"/api/documents/{doc_id}{change[0]}", json_body=change[1]),
                    changes,
                )
            )
    finally:
        pool.shutdown()

    assert [a.status for a in answers] == [200] * len(changes), [a.body[:300] for a in answers]
    assert len(conflicts) >= len(changes) - 1, "the six read the same version, so five had to decide again"
    document = stack.document(doc_id)
    assert document["version"] == start + len(changes)
    assert document["extracted_fields"]["vendor"] == "Northwind Traders Limited"
    assert document["extracted_fields"]["invoice_number"] == "INV-2025-1148"
    assert document["extracted_fields"]["total_amount"] == "18500.00"
    assert document["doc_type"] == "Credit Note"
    assert document["notes"] == "Checked against the order."
    assert document["status"] == "Approved"
    assert check(document, TOTALS)["passed"] is True, "the score was decided on the document as it then was"
    corrected = {name for name, source in document["field_sources"].items() if source == "corrected"}
    assert corrected == {"vendor", "invoice_number", "total_amount", "doc_type"}
    versions = [e["version"] for e in history(stack, doc_id)["entries"] if e["version"] > start]
    assert sorted(set(versions)) == list(range(start + 1, start + len(changes) + 1))


# ---------------------------------------------------------------- the lifecycle


def test_a_new_document_cannot_be_exported_before_extraction(stack, contact, folder):
    doc_id = upload(stack, contact, folder)
    r = set_status(stack, doc_id, {"status": "Export"})
    assert r.status == 409, r.body
    assert "Needs Review" in r.json()["detail"]
    assert stack.document(doc_id)["status"] == "New"


def test_a_document_being_extracted_cannot_be_exported(stack, contact, folder):
    from recordengine.wiring import table

    doc_id = upload(stack, contact, folder)
    key = boto3.client("s3").list_objects_v2(Bucket=stack.bucket)["Contents"][0]["Key"]
    assert DocumentStore(table()).claim_extraction(doc_id, key, lease_seconds=180) is not None
    r = set_status(stack, doc_id, {"status": "Export"})
    assert r.status == 409, r.body
    assert stack.document(doc_id)["status"] == "Processing"


def test_a_failed_extraction_scores_zero_and_cannot_be_exported(stack, contact, folder):
    document = extracted(stack, contact, folder, BROKEN_PDF)
    assert document["status"] == "Exception" and document["error"]
    assert (document["confidence_score"], document["confidence_label"]) == (0, "Poor")

    r = set_status(stack, document["id"], {"status": "Export"})

    assert r.status == 409, r.body
    detail = r.json()["detail"]
    assert "Exception" in detail
    assert f"PATCH /api/documents/{document['id']}" in detail and "New" in detail, "it says what to do"
    assert stack.document(document["id"]) == document


def test_an_exception_corrected_by_hand_can_be_exported_after_review(stack, contact, folder):
    document = extracted(stack, contact, folder, BROKEN_PDF)
    fields = {
        "vendor": "Northwind Traders Ltd",
        "invoice_number": "INV-2025-1147",
        "invoice_date": "2025-11-15",
        "currency": "usd",
        "total_amount": "18500",
    }
    r = patch(stack, document["id"], {"extracted_fields": fields})
    assert r.status == 200, r.body
    assert r.json()["status"] == "Exception"
    assert r.json()["confidence_score"] > 0
    assert set_status(stack, document["id"], {"status": "Needs Review"}).status == 200
    r = set_status(stack, document["id"], {"status": "Export"})
    assert r.status == 200, r.body
    assert stack.document(document["id"])["status"] == "Export"


def test_an_exception_may_go_to_any_status_but_export(stack, contact, folder):
    document = extracted(stack, contact, folder, BROKEN_PDF)
    for status in ("Archived", "Missing Info", "Needs Review", "Approved"):
        r = set_status(stack, document["id"], {"status": status})
        assert r.status == 200, (status, r.body)
    r = set_status(stack, document["id"], {"status": "Export"})
    assert r.status == 409, "Approved by hand, still nothing extracted to export"
    assert "no extracted fields" in r.json()["detail"]


def test_a_document_whose_fields_were_all_cleared_cannot_be_exported(stack, reviewed):
    cleared = dict.fromkeys(reviewed["extracted_fields"])
    assert patch(stack, reviewed["id"], {"extracted_fields": cleared}).status == 200
    r = set_status(stack, reviewed["id"], {"status": "Export"})
    assert r.status == 409, r.body
    assert "no extracted fields" in r.json()["detail"]


def test_a_reviewed_document_is_exported(stack, reviewed):
    r = set_status(stack, reviewed["id"], {"status": "Export"})
    assert r.status == 200, r.body
    assert r.json()["status"] == "Export"


@pytest.mark.parametrize("status", ["New", "Processing"])
def test_new_or_processing_set_by_hand_runs_extraction_again_keeping_corrections(stack, reviewed, status):
    stream = ExtractionRequests(stack)
    doc_id = reviewed["id"]
    corrected = patch(stack, doc_id, {"extracted_fields": {"vendor": "Northwind Traders Limited"}, "notes": "kept"})
    assert corrected.status == 200, corrected.body

    r = set_status(stack, doc_id, {"status": status})
    assert r.status == 200, r.body
    assert stack.document(doc_id)["status"] == status
    assert history(stack, doc_id)["entries"][-1]["action"] == "extraction_requested"

    assert stream.deliver() == 1, "one stream record asks for the run"

    document = stack.document(doc_id)
    assert document["status"] == "Needs Review", "the pipeline moved it on by itself"
    assert document["extracted_fields"]["vendor"] == "Northwind Traders Limited"
    assert document["field_sources"]["vendor"] == "corrected"
    assert document["field_confidence"]["vendor"] == 100
    assert document["extracted_fields"]["invoice_number"] == "INV-2025-1147"
    assert document["field_sources"]["invoice_number"] == "extracted"
    assert document["notes"] == "kept"
    runs = [e for e in history(stack, doc_id)["entries"] if e["action"] == "extracted"]
    assert len(runs) == 2 and runs[-1]["actor"] == "extraction"
    assert stream.deliver() == 0, "the run asks for no other"


def test_a_rerun_after_a_correction_keeps_the_corrected_total_and_its_score(stack, reviewed):
    stream = ExtractionRequests(stack)
    fixed = patch(stack, reviewed["id"], {"extracted_fields": {"total_amount": "18500.00"}}).json()
    assert set_status(stack, reviewed["id"], {"status": "New"}).status == 200
    assert stream.deliver() == 1

    document = stack.document(reviewed["id"])
    assert document["extracted_fields"]["total_amount"] == "18500.00", "not the misread 18000.00 again"
    assert check(document, TOTALS)["passed"] is True
    assert document["confidence_score"] >= fixed["confidence_score"]


def test_new_set_on_a_document_whose_file_never_arrived_requests_no_run(stack, contact, folder):
    stream = ExtractionRequests(stack)
    r = stack.request(
        "POST",
        "/api/documents/uploads",
        json_body={"contact_id": contact["id"], "folder_id": folder["id"], "filename": "later.pdf"},
    )
    doc_id = r.json()["id"]
    assert set_status(stack, doc_id, {"status": "Archived"}).status == 200
    assert set_status(stack, doc_id, {"status": "New"}).status == 200
    assert stack.document(doc_id)["status"] == "New"
    assert "extraction_requested" not in [e["action"] for e in history(stack, doc_id)["entries"]]
    assert stream.deliver() == 0


def test_an_exception_set_to_new_is_read_again_and_leaves_the_pipeline(stack, contact, folder):
    stream = ExtractionRequests(stack)
    document = extracted(stack, contact, folder, BROKEN_PDF)
    assert set_status(stack, document["id"], {"status": "New"}).status == 200
    assert stream.deliver() == 1
    assert stack.document(document["id"])["status"] == "Exception"
    failures = [e for e in history(stack, document["id"])["entries"] if e["action"] == "extraction_failed"]
    assert len(failures) == 2


def test_a_status_change_can_set_and_clear_the_notes(stack, reviewed):
    doc_id = reviewed["id"]
    r = set_status(stack, doc_id, {"status": "Approved", "notes": "Matches PO 4471."})
    assert r.status == 200, r.body
    assert stack.document(doc_id)["notes"] == "Matches PO 4471."

    assert set_status(stack, doc_id, {"status": "Ready"}).status == 200
    assert stack.document(doc_id)["notes"] == "Matches PO 4471.", "notes not sent stay as they are"

    assert set_status(stack, doc_id, {"status": "Ready", "notes": None}).status == 200
    assert stack.document(doc_id)["notes"] is None

    assert set_status(stack, doc_id, {"status": "Ready", "notes": "n" * 10_000}).status == 200
    entries = history(stack, doc_id)["entries"]
    assert [(e["action"], e["changes"][0]["to"]) for e in entries if e["action"] == "note_set"] == [
        ("note_set", "Matches PO 4471."),
        ("note_set", None),
        ("note_set", "n" * 10_000),
    ]


@pytest.mark.parametrize("notes", ["n" * 10_001, 12, True, ["a"], {"text": "a"}])
def test_notes_that_cannot_be_notes_are_422(stack, reviewed, notes):
    r = set_status(stack, reviewed["id"], {"status": "Approved", "notes": notes})
    assert r.status == 422, r.body
    assert "notes" in r.json()["detail"]
    assert stack.document(reviewed["id"])["status"] == "Needs Review"


def test_a_bad_status_is_still_400_whatever_the_notes(stack, reviewed):
    for notes in ("fine", 12):
        r = set_status(stack, reviewed["id"], {"status": "approved", "notes": notes})
        assert r.status == 400, r.body


# ---------------------------------------------------------------- history


def test_the_history_lists_every_change_oldest_first_with_its_actor(stack, contact, folder):
    rule = stack.request(
        "POST",
        "/api/rules",
        json_body={
            "name": "note every extraction",
            "conditions": [{"field": "confidence_score", "op": ">=", "value": 0}],
            "actions": [{"type": "add_note", "value": "Seen by the rules."}],
        },
    )
    assert rule.status == 201, rule.body
    rule_id = rule.json()["id"]
    person = TokenStore(stack.table).create("Dana Reviewer", scopes=[TokenScope.DOCUMENTS_WRITE]).token
    doc_id = upload(stack, contact, folder)
    stack.deliver_s3_events()
    assert patch(stack, doc_id, {"extracted_fields": {"vendor": "Northwind Traders Limited"}}).status == 200
    assert patch(stack, doc_id, {"notes": "Called the vendor."}, token=person).status == 200
    assert set_status(stack, doc_id, {"status": "Export"}).status == 200

    page = history(stack, doc_id)
    entries = page["entries"]

    assert [(e["action"], e["actor"]) for e in entries] == [
        ("uploaded", "tests"),
        ("status_changed", "extraction"),
        ("extracted", "extraction"),
        ("rule_applied", f"rules:{rule_id}"),
        ("fields_corrected", "tests"),
        ("note_set", "Dana Reviewer"),
        ("status_changed", "tests"),
    ]
    assert (page["total"], page["limit"], page["offset"]) == (7, 50, 0)
    assert [e["version"] for e in entries] == sorted(e["version"] for e in entries)
    assert entries[-1]["version"] == stack.document(doc_id)["version"]
    assert all(e["at"].endswith("Z") for e in entries)
    changes = [e["changes"] for e in entries]
    assert changes[1] == [{"field": "status", "from": "New", "to": "Processing"}]
    assert changes[2] == [{"field": "status", "from": "Processing", "to": "Needs Review"}]
    assert "confidence" in entries[2]["detail"]
    assert changes[3] == [{"field": "notes", "from": None, "to": "Seen by the rules."}]
    assert entries[3]["detail"] == "note every extraction"
    assert changes[4] == [
        {"field": "extracted_fields.vendor", "from": "Northwind Traders Ltd", "to": "Northwind Traders Limited"}
    ]
    assert changes[5] == [{"field": "notes", "from": "Seen by the rules.", "to": "Called the vendor."}]
    assert changes[6] == [{"field": "status", "from": "Needs Review", "to": "Export"}]


def test_the_history_pages(stack, reviewed):
    for note in ("one", "two", "three"):
        assert patch(stack, reviewed["id"], {"notes": note}).status == 200
    everything = history(stack, reviewed["id"])["entries"]
    page = history(stack, reviewed["id"], limit=2, offset=3)
    assert (page["total"], page["limit"], page["offset"]) == (len(everything), 2, 3)
    assert page["entries"] == everything[3:5]
    past_the_end = history(stack, reviewed["id"], offset=len(everything))
    assert past_the_end["entries"] == [] and past_the_end["total"] == len(everything)
    for params in ({"limit": 0}, {"limit": 201}, {"offset": -1}):
        assert stack.request("GET", f"/api/documents/{reviewed['id']}/history", params=params).status == 422


def test_a_presigned_upload_and_a_failed_extraction_are_in_the_history(stack, contact, folder):
    r = stack.request(
        "POST",
        "/api/documents/uploads",
        json_body={"contact_id": contact["id"], "folder_id": folder["id"], "filename": "broken.pdf"},
    )
    created = r.json()
    post = created["upload"]
    sent = requests.post(post["url"], data=post["fields"], files={"file": ("broken.pdf", BROKEN_PDF)}, timeout=10)
    assert sent.status_code in (200, 204), sent.text
    stack.deliver_s3_events()

    entries = history(stack, created["id"])["entries"]
    assert [(e["action"], e["actor"]) for e in entries] == [
        ("upload_url_issued", "tests"),
        ("status_changed", "extraction"),
        ("extraction_failed", "extraction"),
    ]
    assert entries[-1]["detail"] == stack.document(created["id"])["error"]
    assert entries[-1]["changes"] == [{"field": "status", "from": "Processing", "to": "Exception"}]


def test_the_history_of_an_unknown_document_is_404(stack):
    assert stack.request("GET", "/api/documents/999/history").status == 404


# ---------------------------------------------------------------- the file


def test_the_file_redirects_to_a_download_of_the_uploaded_bytes_under_its_name(stack, contact, folder):
    content = invoice_pdf()
    r = stack.upload(
        content, filename="Northwind INV-1147.pdf", fields={"contact_id": contact["id"], "folder_id": folder["id"]}
    )
    doc_id = r.json()["id"]

    r = stack.request("GET", f"/api/documents/{doc_id}/file")

    assert r.status == 302, r.body
    location = r.headers["location"]
    assert r.headers["cache-control"] == "no-store"
    disposition = parse_qs(urlsplit(location).query)["response-content-disposition"][0]
    assert disposition.startswith("attachment;") and 'filename="Northwind INV-1147.pdf"' in disposition
    download = requests.get(location, timeout=10)
    assert download.status_code == 200
    assert download.content == content
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"] == disposition


def test_a_file_named_outside_ascii_downloads_under_its_exact_name(stack, contact, folder):
    content = invoice_pdf()
    r = stack.upload(
        content, filename="Rechnung März.pdf", fields={"contact_id": contact["id"], "folder_id": folder["id"]}
    )
    location = stack.request("GET", f"/api/documents/{r.json()['id']}/file").headers["location"]
    download = requests.get(location, timeout=10)
    assert download.content == content
    assert "filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf" in download.headers["content-disposition"]


def test_the_file_of_an_upload_that_never_arrived_is_409(stack, contact, folder):
    r = stack.request(
        "POST",
        "/api/documents/uploads",
        json_body={"contact_id": contact["id"], "folder_id": folder["id"], "filename": "later.pdf"},
    )
    r = stack.request("GET", f"/api/documents/{r.json()['id']}/file")
    assert r.status == 409, r.body
    assert "Upload the file" in r.json()["detail"]


def test_the_file_of_an_unknown_document_is_404(stack):
    assert stack.request("GET", "/api/documents/999/file").status == 404


# ---------------------------------------------------------------- delete


def test_delete_erases_the_file_the_record_its_history_and_its_index_items(stack, contact, folder):
    content = invoice_pdf()
    doc_id = upload(stack, contact, folder, content, external_refs=json.dumps(REFS))
    kept_id = upload(stack, contact, folder, content, external_refs=json.dumps(REFS))
    stack.deliver_s3_events()
    assert patch(stack, doc_id, {"notes": "about to go"}).status == 200
    before = naming(table_items(stack), doc_id)
    assert {key.split("#")[0] for key in before} == {"DOCUMENT", "EXTREF", "FILE"}
    assert any(" HISTORY#" in key for key in before)
    kept_items = naming(table_items(stack), kept_id)

    r = stack.request("DELETE", f"/api/documents/{doc_id}")

    assert r.status == 204 and r.body == b""
    assert naming(table_items(stack), doc_id) == []
    assert naming(table_items(stack), kept_id) == kept_items, "the other document keeps everything"
    keys = [o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket=stack.bucket).get("Contents", [])]
    # What is left is the other document's: its file, the page text its extraction kept for learning
    # (layouts/) and the page images stored beside it (pages/).
    assert {key.split("/")[1] for key in keys} == {str(kept_id)}, "only the other document's objects are left"
    assert len([key for key in keys if key.startswith("documents/")]) == 1, "its one file"
    for method, path in (
        ("GET", f"/api/documents/{doc_id}"),
        ("GET", f"/api/documents/{doc_id}/history"),
        ("GET", f"/api/documents/{doc_id}/file"),
        ("DELETE", f"/api/documents/{doc_id}"),
    ):
        assert stack.request(method, path).status == 404, (method, path)
    assert patch(stack, doc_id, {"notes": "x"}).status == 404
    assert set_status(stack, doc_id, {"status": "Approved"}).status == 404
    listed = stack.request("GET", "/api/documents", params={"external_ref": "salesforce:001Qy00000BnXt2IAF"}).json()
    assert [d["id"] for d in listed["documents"]] == [kept_id]
    assert stack.request("GET", "/api/documents").json()["total"] == 1


def test_a_deleted_document_is_no_longer_named_as_the_original(stack, contact, folder):
    content = invoice_pdf()
    first = upload(stack, contact, folder, content)
    second = upload(stack, contact, folder, content)
    assert stack.request("DELETE", f"/api/documents/{first}").status == 204
    third = upload(stack, contact, folder, content)
    assert stack.document(third)["duplicate_of"] == second


# ---------------------------------------------------------------- duplicates


def test_the_same_file_uploaded_again_for_the_same_contact_is_a_duplicate(stack, contact, folder):
    content = invoice_pdf()
    other_contact = stack.request("POST", "/api/contacts", json_body={"name": "Globex"}).json()
    first = upload(stack, contact, folder, content)
    second = upload(stack, contact, folder, content)
    elsewhere = upload(stack, other_contact, folder, content)
    different = upload(stack, contact, folder, invoice_pdf(number="INV-2025-1148"))

    assert stack.document(first)["sha256"] == hashlib.sha256(content).hexdigest()
    assert stack.document(first)["duplicate_of"] is None
    assert stack.document(second)["duplicate_of"] == first
    assert stack.document(elsewhere)["duplicate_of"] is None, "another contact's upload is not a duplicate"
    assert stack.document(different)["duplicate_of"] is None
    listed = {d["id"]: d["duplicate_of"] for d in stack.request("GET", "/api/documents").json()["documents"]}
    assert listed == {first: None, second: first, elsewhere: None, different: None}


def test_a_presigned_upload_of_the_same_file_is_a_duplicate_once_it_arrives(stack, contact, folder):
    content = invoice_pdf()
    first = upload(stack, contact, folder, content)
    r = stack.request(
        "POST",
        "/api/documents/uploads",
        json_body={"contact_id": contact["id"], "folder_id": folder["id"], "filename": "again.pdf"},
    )
    created = r.json()
    post = created["upload"]
    sent = requests.post(post["url"], data=post["fields"], files={"file": ("again.pdf", content)}, timeout=10)
    assert sent.status_code in (200, 204), sent.text
    stack.deliver_s3_events()

    document = stack.document(created["id"])
    assert document["sha256"] == hashlib.sha256(content).hexdigest()
    assert document["duplicate_of"] == first


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"contact_id": 1},
        {"folder_id": 1},
        {"contact_id": 1, "folder_id": 1},
        {"status": "{status}"},
        {"contact_id": 1, "status": "{status}"},
        {"folder_id": 1, "status": "{status}"},
        {"contact_id": 1, "folder_id": 1, "status": "{status}"},
    ],
    ids=lambda filters: "+".join(filters) or "unfiltered",
)
def test_list_items_carry_type_date_error_and_duplicate_whatever_the_filter(stack, contact, folder, filters):
    assert (contact["id"], folder["id"]) == (1, 1)
    content = invoice_pdf()
    good = upload(stack, contact, folder, content)
    again = upload(stack, contact, folder, content)
    broken = upload(stack, contact, folder, BROKEN_PDF)
    stack.deliver_s3_events()
    expected = {
        good: ("Invoice", "2025-11-15", None, None),
        again: ("Invoice", "2025-11-15", None, good),
        broken: (None, None, stack.document(broken)["error"], None),
    }
    assert expected[broken][2], "the failed extraction says why"

    for status in ("Needs Review", "Exception"):
        params = {name: str(value).format(status=status) for name, value in filters.items()}
        r = stack.request("GET", "/api/documents", params=params)
        assert r.status == 200, r.body
        listed = {d["id"]: (d["doc_type"], d["doc_date"], d["error"], d["duplicate_of"]) for d in r.json()["documents"]}
        wanted = {
            doc_id: values
            for doc_id, values in expected.items()
            if "status" not in filters or stack.document(doc_id)["status"] == status
        }
        assert listed == wanted, params


# ---------------------------------------------------------------- token scopes


def test_a_read_only_token_reads_but_cannot_change_or_delete(stack, reviewed):
    reader = TokenStore(stack.table).create("reader", scopes=[TokenScope.DOCUMENTS_READ]).token
    doc_id = reviewed["id"]
    for method, path, body in (
        ("PATCH", f"/api/documents/{doc_id}", {"notes": "x"}),
        ("PATCH", f"/api/documents/{doc_id}/status", {"status": "Approved"}),
        ("DELETE", f"/api/documents/{doc_id}", None),
    ):
        r = stack.request(method, path, json_body=body, token=reader)
        assert r.status == 403, (method, path, r.body)
        assert "documents:write" in r.json()["detail"]
    assert stack.document(doc_id) == reviewed
    assert stack.request("GET", f"/api/documents/{doc_id}/history", token=reader).status == 200
    assert stack.request("GET", f"/api/documents/{doc_id}/file", token=reader).status == 302


def test_a_write_only_token_corrects_but_cannot_read_the_history_or_the_file(stack, reviewed):
    writer = TokenStore(stack.table).create("writer", scopes=[TokenScope.DOCUMENTS_WRITE]).token
    doc_id = reviewed["id"]
    assert patch(stack, doc_id, {"notes": "x"}, token=writer).status == 200
    for path in (f"/api/documents/{doc_id}/history", f"/api/documents/{doc_id}/file"):
        r = stack.request("GET", path, token=writer)
        assert r.status == 403, (path, r.body)
        assert "documents:read" in r.json()["detail"]
    assert history(stack, doc_id)["entries"][-1]["actor"] == "writer"
