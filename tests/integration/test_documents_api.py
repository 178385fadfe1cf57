"""The Documents API through its real handlers, fed API Gateway v2 events, on moto."""

import json
import re
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

from tests.support.aws_stack import AwsStack
from tests.support.documents import invoice_pdf

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
REFS = {"salesforce": {"record_id": "001Qy00000BnXt2IAF", "record_type": "Opportunity"}}


def upload(stack: AwsStack, contact: dict, folder: dict, **extra: str) -> dict:
    r = stack.upload(invoice_pdf(), fields={"contact_id": contact["id"], "folder_id": folder["id"], **extra})
    assert r.status == 201, r.body
    return r.json()


def test_upload_answers_as_published_and_the_document_is_visible_at_once(stack, contact, folder):
    created = upload(stack, contact, folder, external_refs=json.dumps(REFS))
    assert created["status"] == "New" and created["filename"] == "invoice.pdf"
    assert created["contact_id"] == contact["id"] and created["folder_id"] == folder["id"]
    assert TIMESTAMP.match(created["created_at"])
    doc = stack.document(created["id"])
    assert doc["status"] == "New"
    assert doc["contact_name"] == "Acme Corporation" and doc["folder_name"] == "Q4 Invoices"
    assert doc["external_refs"] == REFS
    assert doc["extracted_fields"] == {} and doc["line_items"] == [] and doc["confidence_score"] is None


def test_the_file_is_stored_under_a_server_key_not_the_client_name(stack, contact, folder):
    r = stack.upload(
        invoice_pdf(), filename="../../etc/passwd.pdf", fields={"contact_id": contact["id"], "folder_id": folder["id"]}
    )
    assert r.status == 201
    assert r.json()["filename"] == "passwd.pdf"
    keys = [o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket=stack.bucket)["Contents"]]
    assert len(keys) == 1 and re.fullmatch(rf"documents/{r.json()['id']}/[0-9a-f]{{32}}", keys[0])


def test_the_pipeline_takes_an_upload_to_needs_review_with_its_fields(stack, contact, folder):
    doc_id = upload(stack, contact, folder)["id"]
    assert stack.deliver_s3_events() == [{"outcomes": ["extracted"]}]
    doc = stack.document(doc_id)
    assert doc["status"] == "Needs Review"
    assert doc["extracted_fields"]["invoice_number"] == "INV-2025-1147"
    assert doc["extracted_fields"]["invoice_date"] == "2025-11-15"
    assert doc["extracted_fields"]["total_amount"] == "18500.00"
    assert doc["doc_date"] == "2025-11-15"
    assert isinstance(doc["confidence_score"], int) and doc["confidence_label"]
    assert doc["confidence_reasoning"] and doc["ai_summary"]
    assert doc["updated_at"] >= doc["created_at"]


def test_a_repeated_s3_event_does_not_run_extraction_twice(stack, contact, folder):
    doc_id = upload(stack, contact, folder)["id"]
    stack.deliver_s3_events()
    key = stack.delivered_keys[0]
    first = stack.document(doc_id)
    assert stack.invoke("extract_document", stack.s3_event(key)) == {"outcomes": ["duplicate"]}
    again = stack.document(doc_id)
    assert again == first


def test_an_unreadable_file_ends_in_exception_with_a_reason(stack, contact, folder):
    r = stack.upload(
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R",
        fields={"contact_id": contact["id"], "folder_id": folder["id"]},
    )
    assert r.status == 201
    assert stack.deliver_s3_events() == [{"outcomes": ["failed"]}]
    doc = stack.document(r.json()["id"])
    assert doc["status"] == "Exception"
    assert doc["error"] and doc["confidence_reasoning"] == doc["error"]


def test_ids_are_sequential_and_unique_under_concurrent_uploads(stack, contact, folder):
    content = invoice_pdf()

    def one(_: int) -> int:
        r = stack.upload(content, fields={"contact_id": contact["id"], "folder_id": folder["id"]})
        assert r.status == 201, r.body
        return r.json()["id"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(one, range(24)))
    assert sorted(ids) == list(range(1, 25))


def test_list_filters_and_paginates_newest_first(stack, contact, folder):
    other = stack.request("POST", "/api/folders", json_body={"name": "Other"}).json()
    mine = [upload(stack, contact, folder)["id"] for _ in range(5)]
    upload(stack, contact, other)
    pages = []
    for offset in (0, 2, 4):
        r = stack.request("GET", "/api/documents", params={"folder_id": folder["id"], "limit": 2, "offset": offset})
        assert r.status == 200
        body = r.json()
        assert (body["total"], body["limit"], body["offset"]) == (5, 2, offset)
        pages.append([d["id"] for d in body["documents"]])
    assert [doc_id for page in pages for doc_id in page] == sorted(mine, reverse=True)
    stack.request("PATCH", f"/api/documents/{mine[0]}/status", json_body={"status": "Approved"})
    r = stack.request(
        "GET", "/api/documents", params={"contact_id": contact["id"], "folder_id": folder["id"], "status": "Approved"}
    )
    assert [d["id"] for d in r.json()["documents"]] == [mine[0]] and r.json()["total"] == 1
    r = stack.request("GET", "/api/documents", params={"status": "New"})
    assert r.json()["total"] == 5
    summary = r.json()["documents"][0]
    assert set(summary) >= {
        "id",
        "filename",
        "status",
        "confidence_score",
        "confidence_label",
        "contact_id",
        "folder_id",
        "created_at",
    }


def test_list_by_date_range(stack, contact, folder):
    doc = upload(stack, contact, folder)
    day = doc["created_at"][:10]
    inside = stack.request("GET", "/api/documents", params={"created_from": day, "created_to": day}).json()
    assert [d["id"] for d in inside["documents"]] == [doc["id"]]
    exact = stack.request(
        "GET", "/api/documents", params={"created_from": doc["created_at"], "created_to": doc["created_at"]}
    ).json()
    assert exact["total"] == 1
    after = stack.request("GET", "/api/documents", params={"created_from": "2999-01-01"}).json()
    before = stack.request("GET", "/api/documents", params={"created_to": "2000-01-01"}).json()
    assert after["total"] == 0 and before["total"] == 0


def test_status_updates_answer_as_published_and_keep_other_writes(stack, contact, folder):
    doc_id = upload(stack, contact, folder)["id"]
    stack.deliver_s3_events()
    r = stack.request("PATCH", f"/api/documents/{doc_id}/status", json_body={"status": "Approved"})
    assert r.status == 200
    body = r.json()
    assert body["id"] == doc_id and body["status"] == "Approved" and TIMESTAMP.match(body["updated_at"])
    doc = stack.document(doc_id)
    assert doc["status"] == "Approved" and doc["extracted_fields"]["invoice_number"] == "INV-2025-1147"


def test_a_review_decision_made_during_extraction_is_not_overwritten(stack, contact, folder):
    from recordengine.storage.documents import DocumentChange, DocumentStore
    from recordengine.wiring import table

    doc_id = upload(stack, contact, folder)["id"]
    key = boto3.client("s3").list_objects_v2(Bucket=stack.bucket)["Contents"][0]["Key"]
    store = DocumentStore(table())
    claim = store.claim_extraction(doc_id, key, lease_seconds=180)
    assert claim is not None and claim.document["status"] == "Processing"
    stack.request("PATCH", f"/api/documents/{doc_id}/status", json_body={"status": "Archived"})
    seen = []

    def late_failure(current, in_pipeline):
        seen.append(in_pipeline)
        return DocumentChange({"error": "late result", **({"status": "Exception"} if in_pipeline else {})})

    store.conclude_extraction(claim.document, late_failure)
    assert seen == [False], "the run sees that a person set the status"
    document = stack.document(doc_id)
    assert (document["status"], document["error"]) == ("Archived", "late result")


@pytest.mark.parametrize("value", ["approved", "Deleted", "", 3, None])
def test_invalid_status_values_are_400(stack, contact, folder, value):
    doc_id = upload(stack, contact, folder)["id"]
    r = stack.request("PATCH", f"/api/documents/{doc_id}/status", json_body={"status": value})
    assert r.status == 400 and r.json()["detail"]


@pytest.mark.parametrize("body", [b"{not json", b"", b"[]", b'"Approved"', b"\xff\xfe"])
def test_malformed_status_bodies_are_400(stack, contact, folder, body):
    doc_id = upload(stack, contact, folder)["id"]
    r = stack.request(
        "PATCH", f"/api/documents/{doc_id}/status", body=body, headers={"content-type": "application/json"}
    )
    assert r.status == 400 and r.json()["detail"]


def test_list_rejects_bad_parameters(stack):
    assert stack.request("GET", "/api/documents", params={"status": "Deleted"}).status == 400
    for params in (
        {"limit": 201},
        {"limit": 0},
        {"offset": -1},
        {"limit": "ten"},
        {"contact_id": "x"},
        {"created_from": "tomorrow"},
        {"created_from": "2025-02-01", "created_to": "2025-01-01"},
    ):
        r = stack.request("GET", "/api/documents", params=params)
        assert r.status == 422 and r.json()["detail"], params


@pytest.mark.parametrize("doc_id", ["999999", "0", "abc", "-1", "1e3"])
def test_unknown_documents_are_404(stack, doc_id):
    assert stack.request("GET", f"/api/documents/{doc_id}").status == 404
    assert stack.request("PATCH", f"/api/documents/{doc_id}/status", json_body={"status": "Approved"}).status == 404
