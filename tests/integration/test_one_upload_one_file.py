"""One upload, one file: a presigned upload used again is a new file, recorded and reviewed anew; an upload
that never arrives ends; an object whose document is gone is erased."""

import hashlib
from dataclasses import replace
from datetime import timedelta

import boto3
import pytest
import requests

from recordengine.pipeline import Outcome
from recordengine.storage import keys
from recordengine.wiring import extraction_pipeline
from tests.support.aws_stack import sample_event
from tests.support.documents import invoice_pdf
from tests.support.extraction_requests import ExtractionRequests

FIRST = invoice_pdf(vendor="Harbour Tools Ltd", number="HT-1001", total="18,500.00")
SECOND = invoice_pdf(vendor="Quarry Lane Supplies", number="QL-2002", total="18,500.00")
SWEEP = sample_event("sweep_extractions/scheduled.json")


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def presigned(stack, contact, folder) -> dict:
    r = stack.request(
        "POST",
        "/api/documents/uploads",
        json_body={"filename": "big.pdf", "contact_id": contact["id"], "folder_id": folder["id"]},
    )
    assert r.status == 201, r.body
    return r.json()


def post_file(upload: dict, content: bytes) -> None:
    """The client's browser-style POST of the presigned upload, as S3 takes it."""
    post = upload["upload"]
    sent = requests.post(post["url"], data=post["fields"], files={"file": ("big.pdf", content)}, timeout=10)
    assert sent.status_code in (200, 204), sent.text


def history(stack, doc_id: int) -> list[dict]:
    r = stack.request("GET", f"/api/documents/{doc_id}/history")
    assert r.status == 200, r.body
    return r.json()["entries"]


def objects(stack) -> int:
    return boto3.client("s3").list_objects_v2(Bucket=stack.bucket).get("KeyCount", 0)


@pytest.fixture
def clock_moved(monkeypatch):
    """Moves the clock that the pipeline, the claims and the sweep read (recordengine.clock) forward."""
    from recordengine import clock
    from recordengine.storage import documents

    real = clock.utc_now

    def move(seconds: int) -> None:
        moved = real() + timedelta(seconds=seconds)
        monkeypatch.setattr(clock, "utc_now", lambda: moved)
        monkeypatch.setattr(documents, "utc_now", lambda: moved)

    return move


def test_a_second_file_after_approval_is_recorded_and_reviewed_anew(stack, contact, folder):
    upload = presigned(stack, contact, folder)
    doc_id = upload["id"]
    post_file(upload, FIRST)
    assert stack.deliver_s3_events() == [{"outcomes": ["extracted"]}]
    path = f"/api/documents/{doc_id}"
    r = stack.request("PATCH", path, json_body={"extracted_fields": {"invoice_number": "HT-1001-A"}})
    assert r.status == 200, r.body
    assert stack.request("PATCH", f"{path}/status", json_body={"status": "Approved"}).status == 200
    approved = stack.document(doc_id)
    assert approved["sha256"] == sha256(FIRST)

    post_file(upload, SECOND)  # the same URL, within its 15 minutes
    assert stack.deliver_s3_events() == [{"outcomes": ["extracted"]}]

    doc = stack.document(doc_id)
    assert doc["status"] == "Needs Review", "an approval of the first file does not carry over to the second"
    assert doc["sha256"] == sha256(SECOND) and doc["size_bytes"] == len(SECOND)
    assert doc["extracted_fields"]["invoice_number"] == "QL-2002", "a correction of the first file is dropped"
    assert "corrected" not in doc["field_sources"].values()
    replaced = [entry for entry in history(stack, doc_id) if entry["action"] == "file_replaced"]
    assert len(replaced) == 1
    changes = {change["field"]: (change["from"], change["to"]) for change in replaced[0]["changes"]}
    assert changes["sha256"] == (sha256(FIRST), sha256(SECOND))
    assert changes["status"] == ("Approved", "Processing")
    assert history(stack, doc_id)[-1]["action"] == "extracted"


def test_the_events_of_a_replaced_file_and_of_its_replacement_again_change_nothing(stack, contact, folder):
    upload = presigned(stack, contact, folder)
    doc_id = upload["id"]
    post_file(upload, FIRST)
    stack.deliver_s3_events()
    key = upload["upload"]["fields"]["key"]
    first_event = stack.s3_event(key)
    post_file(upload, SECOND)
    stack.deliver_s3_events()
    settled = stack.document(doc_id)
    second_event = stack.s3_event(key)

    assert stack.invoke("extract_document", second_event) == {"outcomes": ["duplicate"]}
    assert stack.invoke("extract_document", first_event) == {"outcomes": ["duplicate"]}, "a late event of the first"
    assert stack.document(doc_id) == settled


def test_the_same_bytes_uploaded_again_are_not_a_new_file(stack, contact, folder):
    upload = presigned(stack, contact, folder)
    doc_id = upload["id"]
    post_file(upload, FIRST)
    stack.deliver_s3_events()
    settled = stack.document(doc_id)
    post_file(upload, FIRST)
    key = upload["upload"]["fields"]["key"]
    assert stack.invoke("extract_document", stack.s3_event(key)) == {"outcomes": ["duplicate"]}
    assert stack.document(doc_id) == settled


def test_a_file_replaced_while_the_first_is_read_leaves_that_run_nothing_to_conclude(
    stack, contact, folder, clock_moved
):
    clock_moved(0)  # the clock stands still: both claims are taken in the same second
    upload = presigned(stack, contact, folder)
    doc_id = upload["id"]
    key = upload["upload"]["fields"]["key"]
    post_file(upload, FIRST)
    pipeline = extraction_pipeline()
    first_etag = stack.s3_event(key)["Records"][0]["s3"]["object"]["eTag"]
    claim = pipeline.documents.claim_extraction(doc_id, key, lease_seconds=180, etag=first_etag)
    assert claim is not None  # the first file's run goes on

    post_file(upload, SECOND)
    assert stack.invoke("extract_document", stack.s3_event(key)) == {"outcomes": ["extracted"]}
    doc = stack.document(doc_id)
    assert doc["status"] == "Needs Review" and doc["sha256"] == sha256(SECOND)

    assert pipeline._fail(claim.document, "the first file's run ends late", {}) is Outcome.FAILED
    assert stack.document(doc_id) == doc, "the replaced claim concludes nothing, even within the same second"


def test_a_run_asked_for_by_hand_that_finds_another_file_records_it(stack, contact, folder):
    upload = presigned(stack, contact, folder)
    doc_id = upload["id"]
    post_file(upload, FIRST)
    stack.deliver_s3_events()
    requests_ = ExtractionRequests(stack)
    post_file(upload, SECOND)  # its S3 event is still on its way when a person asks for a new run
    assert stack.request("PATCH", f"/api/documents/{doc_id}/status", json_body={"status": "New"}).status == 200
    assert requests_.deliver() == 1

    doc = stack.document(doc_id)
    assert doc["sha256"] == sha256(SECOND) and doc["extracted_fields"]["invoice_number"] == "QL-2002"
    assert "file_replaced" in [entry["action"] for entry in history(stack, doc_id)]
    assert stack.deliver_s3_events() == [{"outcomes": ["duplicate"]}], "then its event finds it recorded"


def test_a_presigned_upload_that_never_arrives_ends_after_its_expiry(stack, contact, folder, clock_moved):
    from recordengine.settings import get_settings

    settings = get_settings()
    doc_id = presigned(stack, contact, folder)["id"]
    assert stack.invoke("sweep_extractions", SWEEP)["uploads_never_arrived"] == []
    clock_moved(settings.presigned_upload_expiry_seconds + 1)
    assert stack.invoke("sweep_extractions", SWEEP)["uploads_never_arrived"] == [], "an upload may still finish"
    assert stack.document(doc_id)["status"] == "New"

    clock_moved(settings.presigned_upload_expiry_seconds + settings.presigned_upload_grace_seconds + 1)
    assert stack.invoke("sweep_extractions", SWEEP) == {"requeued": [], "uploads_never_arrived": [doc_id]}
    doc = stack.document(doc_id)
    assert doc["status"] == "Exception" and "never arrived" in doc["error"]
    assert doc["confidence_score"] == 0
    last = history(stack, doc_id)[-1]
    assert last["action"] == "upload_expired" and "never arrived" in last["detail"]
    assert stack.invoke("sweep_extractions", SWEEP)["uploads_never_arrived"] == []


def test_an_upload_issued_before_its_expiry_was_recorded_ends_too(stack, contact, folder, clock_moved):
    from recordengine.settings import get_settings

    settings = get_settings()
    doc_id = presigned(stack, contact, folder)["id"]
    boto3.client("dynamodb").update_item(
        TableName=stack.table,
        Key=keys.item_key(keys.DOCUMENT, doc_id),
        UpdateExpression="REMOVE upload_expires_at",
    )
    clock_moved(settings.presigned_upload_expiry_seconds + settings.presigned_upload_grace_seconds + 1)
    assert stack.invoke("sweep_extractions", SWEEP)["uploads_never_arrived"] == [doc_id]
    assert stack.document(doc_id)["status"] == "Exception"


def test_a_file_that_lands_after_the_sweep_ended_its_document_is_extracted(stack, contact, folder, clock_moved):
    from recordengine.settings import get_settings

    settings = get_settings()
    upload = presigned(stack, contact, folder)
    doc_id = upload["id"]
    clock_moved(settings.presigned_upload_expiry_seconds + settings.presigned_upload_grace_seconds + 1)
    assert stack.invoke("sweep_extractions", SWEEP)["uploads_never_arrived"] == [doc_id]
    post_file(upload, FIRST)  # an upload that S3 accepted before the expiry and that streamed on that long
    assert stack.deliver_s3_events() == [{"outcomes": ["extracted"]}]
    doc = stack.document(doc_id)
    assert doc["status"] == "Needs Review" and doc["error"] is None
    moved = [entry["changes"][0] for entry in history(stack, doc_id) if entry["action"] == "status_changed"]
    assert moved[-1] == {"field": "status", "from": "Exception", "to": "Processing"}


def test_a_file_whose_event_was_lost_is_extracted_by_the_sweep(stack, contact, folder, clock_moved):
    from recordengine.settings import get_settings

    settings = get_settings()
    upload = presigned(stack, contact, folder)
    doc_id = upload["id"]
    requests_ = ExtractionRequests(stack)
    post_file(upload, FIRST)  # its S3 event is never delivered
    clock_moved(settings.presigned_upload_expiry_seconds + settings.presigned_upload_grace_seconds + 1)
    assert stack.invoke("sweep_extractions", SWEEP)["uploads_never_arrived"] == []
    assert requests_.deliver() == 1
    assert stack.document(doc_id)["status"] == "Needs Review"


def test_an_upload_for_a_deleted_document_is_erased(stack, contact, folder):
    upload = presigned(stack, contact, folder)
    assert stack.request("DELETE", f"/api/documents/{upload['id']}").status == 204
    post_file(upload, FIRST)  # the URL still works for its 15 minutes
    assert objects(stack) == 1
    assert stack.deliver_s3_events() == [{"outcomes": ["discarded"]}]
    assert objects(stack) == 0


def test_an_object_at_a_key_no_document_has_is_erased(stack, contact, folder):
    doc_id = presigned(stack, contact, folder)["id"]
    s3 = boto3.client("s3")
    for key in (f"documents/{doc_id}/{'0' * 32}", f"documents/{doc_id + 1000}/{'f' * 32}"):
        s3.put_object(Bucket=stack.bucket, Key=key, Body=FIRST)
        assert stack.invoke("extract_document", stack.s3_event(key)) == {"outcomes": ["discarded"]}
    assert objects(stack) == 0


def test_a_file_uploaded_while_its_document_is_deleted_is_erased(stack, contact, folder):
    upload = presigned(stack, contact, folder)
    doc_id, key = upload["id"], upload["upload"]["fields"]["key"]
    post_file(upload, FIRST)

    def deleted_meanwhile(content, media_type, profile):
        # DELETE erases the file and the record while the run reads it; an upload then lands on the key.
        assert stack.request("DELETE", f"/api/documents/{doc_id}").status == 204
        boto3.client("s3").put_object(Bucket=stack.bucket, Key=key, Body=SECOND)
        raise RuntimeError("the run ends after the deletion")

    pipeline = replace(extraction_pipeline(), extractor=deleted_meanwhile)
    etag = stack.s3_event(key)["Records"][0]["s3"]["object"]["eTag"]
    assert pipeline.process_object(key, len(FIRST), 30, etag) is Outcome.FAILED
    assert stack.request("GET", f"/api/documents/{doc_id}").status == 404
    assert objects(stack) == 0
