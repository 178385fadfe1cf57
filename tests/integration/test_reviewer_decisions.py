"""A reviewer's decision is never overwritten by extraction: a status set before the file arrives, or while
it is being read, is kept, and the fields are stored all the same."""

from __future__ import annotations

from dataclasses import replace

import boto3
import pytest

from recordengine.models import Status
from recordengine.pipeline import Outcome
from recordengine.wiring import extraction_pipeline
from tests.support.documents import invoice_pdf


@pytest.fixture
def uploaded(stack, contact, folder):
    r = stack.upload(invoice_pdf(), fields={"contact_id": contact["id"], "folder_id": folder["id"]})
    assert r.status == 201
    key = boto3.client("s3").list_objects_v2(Bucket=stack.bucket)["Contents"][0]["Key"]
    return r.json()["id"], key


def set_status(stack, document_id: int, status: str) -> None:
    r = stack.request("PATCH", f"/api/documents/{document_id}/status", json_body={"status": status})
    assert r.status == 200, r.body


def test_a_status_set_before_the_file_arrives_is_kept(stack, contact, folder) -> None:
    r = stack.request(
        "POST",
        "/api/documents/uploads",
        json_body={"contact_id": contact["id"], "folder_id": folder["id"], "filename": "early.pdf"},
    )
    assert r.status == 201, r.body
    created = r.json()
    set_status(stack, created["id"], "Approved")
    fields = created["upload"]["fields"]
    boto3.client("s3").put_object(Bucket=stack.bucket, Key=fields["key"], Body=invoice_pdf())

    assert stack.deliver_s3_events() == [{"outcomes": ["extracted"]}]
    document = stack.document(created["id"])
    assert document["status"] == "Approved"
    assert document["extracted_fields"]["invoice_number"] == "INV-2025-1147"
    assert document["confidence_score"] is not None
    listed = stack.request("GET", "/api/documents", params={"status": "Approved"}).json()
    assert [item["id"] for item in listed["documents"]] == [created["id"]], "the status index follows the status"


def test_a_status_set_while_the_file_is_read_is_kept(stack, uploaded) -> None:
    doc_id, key = uploaded
    pipeline = extraction_pipeline()
    engine = pipeline.extractor

    def reviewer_decides_meanwhile(content, media_type, profile):
        set_status(stack, doc_id, "Missing Info")
        return engine(content, media_type, profile)

    assert replace(pipeline, extractor=reviewer_decides_meanwhile).process_object(key, 100, 30) is Outcome.EXTRACTED
    document = stack.document(doc_id)
    assert document["status"] == "Missing Info"
    assert document["extracted_fields"]["total_amount"] == "18500.00"
    missing = stack.request("GET", "/api/documents", params={"status": "Missing Info"}).json()
    assert missing["total"] == 1


def test_a_failed_read_keeps_the_reviewers_status_and_says_why(stack, uploaded) -> None:
    doc_id, key = uploaded
    pipeline = extraction_pipeline()

    def reviewer_then_crash(content, media_type, profile):
        set_status(stack, doc_id, "Approved")
        raise RuntimeError("bug in the engine")

    assert replace(pipeline, extractor=reviewer_then_crash).process_object(key, 100, 30) is Outcome.FAILED
    document = stack.document(doc_id)
    assert document["status"] == "Approved"
    assert "unexpectedly" in document["error"]


def test_a_dead_run_on_a_reviewed_document_is_taken_over_after_its_lease(stack, contact, folder) -> None:
    r = stack.request(
        "POST",
        "/api/documents/uploads",
        json_body={"contact_id": contact["id"], "folder_id": folder["id"], "filename": "early.pdf"},
    )
    created = r.json()
    set_status(stack, created["id"], "Ready")
    key = created["upload"]["fields"]["key"]
    boto3.client("s3").put_object(Bucket=stack.bucket, Key=key, Body=invoice_pdf())
    pipeline = extraction_pipeline()
    assert pipeline.documents.claim_extraction(created["id"], key, lease_seconds=180) is not None  # then it "dies"
    assert pipeline.process_object(key, 100, 30) is Outcome.DUPLICATE, "the lease still holds"
    expired = replace(pipeline, settings=pipeline.settings.model_copy(update={"extraction_lease_seconds": -1}))
    assert expired.process_object(key, 100, 30) is Outcome.EXTRACTED
    document = stack.document(created["id"])
    assert document["status"] == Status.READY.value
    assert document["extracted_fields"]["invoice_number"] == "INV-2025-1147"
