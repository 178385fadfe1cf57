"""Upload validation, size limits, content sniffing, idempotent retries and presigned uploads."""

import json

import boto3
import pytest
import requests

from tests.support.documents import invoice_pdf

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def fields(contact, folder, **extra):
    return {"contact_id": contact["id"], "folder_id": folder["id"], **extra}


def stored_objects(stack) -> int:
    return boto3.client("s3").list_objects_v2(Bucket=stack.bucket).get("KeyCount", 0)


@pytest.mark.parametrize(
    "form",
    [
        {"folder_id": "{folder}"},
        {"contact_id": "{contact}"},
        {"contact_id": "five", "folder_id": "{folder}"},
        {"contact_id": "{contact}", "folder_id": "1.5"},
        {"contact_id": "{contact}", "folder_id": "{folder}", "profile_id": "x"},
    ],
)
def test_missing_or_malformed_fields_are_422(stack, contact, folder, form):
    values = {k: v.format(contact=contact["id"], folder=folder["id"]) for k, v in form.items()}
    r = stack.upload(invoice_pdf(), fields=values)
    assert r.status == 422 and r.json()["detail"]
    assert stored_objects(stack) == 0


def test_a_missing_file_is_422(stack, contact, folder):
    r = stack.request(
        "POST",
        "/api/documents/upload",
        body=b"contact_id=1&folder_id=1",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status == 422 and r.json()["detail"]


@pytest.mark.parametrize(
    ("extra", "mentions"),
    [
        ({"contact_id": "999"}, "contact_id"),
        ({"folder_id": "999"}, "folder_id"),
        ({"profile_id": "999"}, "profile_id"),
        ({"external_refs": "{not json"}, "external_refs"),
        ({"external_refs": "[1, 2]"}, "external_refs"),
    ],
)
def test_references_that_do_not_exist_and_bad_refs_are_422(stack, contact, folder, extra, mentions):
    r = stack.upload(invoice_pdf(), fields={**fields(contact, folder), **extra})
    assert r.status == 422 and mentions in r.json()["detail"]
    assert stored_objects(stack) == 0


def test_type_is_judged_by_content_not_by_name(stack, contact, folder):
    r = stack.upload(b"MZ\x90\x00 an executable", filename="invoice.pdf", fields=fields(contact, folder))
    assert r.status == 415 and "PDF" in r.json()["detail"]
    r = stack.upload(PNG, filename="scan.pdf", fields=fields(contact, folder))
    assert r.status == 201
    assert stack.document(r.json()["id"])["media_type"] == "image/png"


def test_an_empty_file_is_422(stack, contact, folder):
    r = stack.upload(b"", fields=fields(contact, folder))
    assert r.status == 422 and "empty" in r.json()["detail"]


def test_a_file_over_the_limit_is_413_with_what_to_do(stack, contact, folder, monkeypatch):
    from recordengine.settings import get_settings

    limit = get_settings().max_upload_bytes
    r = stack.upload(b"%PDF-1.7\n" + b"0" * limit, fields=fields(contact, folder))
    assert r.status == 413
    assert "/api/documents/uploads" in r.json()["detail"]
    assert stored_objects(stack) == 0


def test_a_retried_upload_with_an_idempotency_key_returns_the_first_document(stack, contact, folder):
    content = invoice_pdf()
    first = stack.upload(content, fields=fields(contact, folder), headers={"Idempotency-Key": "order-77"})
    again = stack.upload(content, fields=fields(contact, folder), headers={"Idempotency-Key": "order-77"})
    assert first.status == again.status == 201
    assert again.json() == first.json()
    assert stack.request("GET", "/api/documents").json()["total"] == 1
    other = stack.upload(content, fields=fields(contact, folder), headers={"Idempotency-Key": "order-78"})
    assert other.json()["id"] != first.json()["id"]


def test_an_idempotency_key_reused_for_another_request_is_422(stack, contact, folder):
    stack.upload(invoice_pdf(), fields=fields(contact, folder), headers={"Idempotency-Key": "k"})
    r = stack.upload(invoice_pdf(number="OTHER-1"), fields=fields(contact, folder), headers={"Idempotency-Key": "k"})
    assert r.status == 422 and "Idempotency-Key" in r.json()["detail"]


def test_a_failed_upload_can_be_retried_with_the_same_key(stack, contact, folder):
    bad = stack.upload(
        invoice_pdf(), fields={**fields(contact, folder), "folder_id": "999"}, headers={"Idempotency-Key": "retry-me"}
    )
    assert bad.status == 422
    good = stack.upload(invoice_pdf(), fields=fields(contact, folder), headers={"Idempotency-Key": "retry-me"})
    assert good.status == 201


def test_presigned_upload_carries_a_large_file_through_the_same_pipeline(stack, contact, folder):
    r = stack.request(
        "POST",
        "/api/documents/uploads",
        json_body={
            "filename": "big.pdf",
            "contact_id": contact["id"],
            "folder_id": folder["id"],
            "external_refs": {"erp": {"id": "PO-1"}},
        },
    )
    assert r.status == 201, r.body
    body = r.json()
    assert body["status"] == "New" and body["upload"]["max_bytes"] > 4_400_000
    post = body["upload"]
    content = invoice_pdf()
    sent = requests.post(post["url"], data=post["fields"], files={"file": ("big.pdf", content)}, timeout=10)
    assert sent.status_code in (200, 204), sent.text
    assert stack.deliver_s3_events() == [{"outcomes": ["extracted"]}]
    doc = stack.document(body["id"])
    assert doc["status"] == "Needs Review" and doc["size_bytes"] == len(content)
    assert doc["external_refs"] == {"erp": {"id": "PO-1"}}


def test_presigned_upload_validates_like_the_multipart_one(stack, contact, folder):
    r = stack.request(
        "POST",
        "/api/documents/uploads",
        json_body={"filename": "big.pdf", "contact_id": 999, "folder_id": folder["id"]},
    )
    assert r.status == 422
    r = stack.request("POST", "/api/documents/uploads", body=b"{oops", headers={"content-type": "application/json"})
    assert r.status == 422


def test_an_object_that_is_not_a_document_ends_in_exception(stack, contact, folder):
    r = stack.request(
        "POST",
        "/api/documents/uploads",
        json_body={"filename": "x.pdf", "contact_id": contact["id"], "folder_id": folder["id"]},
    )
    key = r.json()["upload"]["fields"]["key"]
    boto3.client("s3").put_object(Bucket=stack.bucket, Key=key, Body=b"<html>not a pdf</html>")
    assert stack.deliver_s3_events() == [{"outcomes": ["failed"]}]
    doc = stack.document(r.json()["id"])
    assert doc["status"] == "Exception" and "PDF" in doc["error"]


def test_external_refs_round_trip_exactly(stack, contact, folder):
    refs = {"salesforce": {"record_id": "001", "amount": 12.5, "tags": ["a", "b"], "nested": {"n": None}}}
    r = stack.upload(invoice_pdf(), fields=fields(contact, folder, external_refs=json.dumps(refs)))
    assert stack.document(r.json()["id"])["external_refs"] == refs
