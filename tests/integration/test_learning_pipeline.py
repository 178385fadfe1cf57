"""Learning from corrections through the real handlers (moto, the table and bucket from template.yaml): the
extraction keeps the page text beside the file and reads a sender's hints; a person's correction, delivered by
the table's stream through the template's `DocumentReviewed` filter, teaches the sender; a deleted document's
page text is erased with its file. Documents are generated for an invented supplier."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from recordengine.senders.hints import CHECK_LEARNED
from recordengine.storage import keys
from recordengine.storage.blobs import layout_key
from tests.support.documents import stationer_invoice_pdf
from tests.support.extraction_requests import ExtractionRequests


def extracted(stack: Any, contact: dict[str, Any], folder: dict[str, Any], content: bytes) -> dict[str, Any]:
    response = stack.upload(content, fields={"contact_id": contact["id"], "folder_id": folder["id"]})
    assert response.status == 201, response.body
    stack.deliver_s3_events()
    return stack.document(response.json()["id"])  # type: ignore[no-any-return]


def s3_key(stack: Any, document_id: int) -> str:
    item = boto3.client("dynamodb").get_item(TableName=stack.table, Key=keys.item_key(keys.DOCUMENT, document_id))
    return str(item["Item"]["s3_key"]["S"])


def stored_hints(stack: Any, sender_id: int) -> dict[str, Any]:
    item = boto3.client("dynamodb").get_item(TableName=stack.table, Key=keys.sender_hints_key(sender_id))
    return item.get("Item") or {}


@pytest.fixture
def reviews(stack: Any) -> ExtractionRequests:
    return ExtractionRequests(stack, "DocumentReviewed")


def test_a_corrected_number_is_read_on_the_senders_next_document(stack, contact, folder, reviews) -> None:
    first = extracted(stack, contact, folder, stationer_invoice_pdf())
    assert first["sender_id"] is not None and first["extracted_fields"]["invoice_number"] is None
    # The page text was kept beside the file for learning, under a prefix no upload event names.
    s3 = boto3.client("s3")
    assert s3.head_object(Bucket=stack.bucket, Key=layout_key(s3_key(stack, first["id"])))
    # Extraction alone taught nothing.
    assert reviews.deliver() == 0 and not stored_hints(stack, first["sender_id"])

    corrected = stack.request(
        "PATCH", f"/api/documents/{first['id']}", json_body={"extracted_fields": {"invoice_number": "QF/2024-0117"}}
    )
    assert corrected.status == 200, corrected.body
    assert reviews.deliver() == 1
    assert "invoice_number" in stored_hints(stack, first["sender_id"])["hints"]["M"]["fields"]["M"]

    second = extracted(stack, contact, folder, stationer_invoice_pdf(number="QF/2024-0342", issued="17.05.2024"))
    assert second["sender_id"] == first["sender_id"]
    assert second["extracted_fields"]["invoice_number"] == "QF/2024-0342"
    assert second["field_sources"]["invoice_number"] == "learned"
    assert next(c for c in second["validation"] if c["check"] == CHECK_LEARNED)["passed"]
    # The first document, already reviewed, is as the person left it.
    assert stack.document(first["id"])["extracted_fields"]["invoice_number"] == "QF/2024-0117"


def test_hints_that_cannot_be_read_leave_the_document_read_generically(
    stack, contact, folder, reviews, monkeypatch
) -> None:
    first = extracted(stack, contact, folder, stationer_invoice_pdf())
    stack.request("PATCH", f"/api/documents/{first['id']}", json_body={"extracted_fields": {"invoice_number": "QF/1"}})
    reviews.deliver()
    from recordengine.storage.senders import DynamoSenderStore

    def unavailable(self: Any, sender_id: int) -> None:
        raise RuntimeError("throttled")

    monkeypatch.setattr(DynamoSenderStore, "hints", unavailable)
    second = extracted(stack, contact, folder, stationer_invoice_pdf(number="QF/2024-0342"))
    assert second["status"] == "Needs Review"
    assert second["extracted_fields"]["invoice_number"] is None
    assert "learned" not in second["field_sources"].values()


def test_a_deleted_documents_page_text_is_erased_with_its_file(stack, contact, folder) -> None:
    document = extracted(stack, contact, folder, stationer_invoice_pdf())
    key = s3_key(stack, document["id"])
    assert stack.request("DELETE", f"/api/documents/{document['id']}").status == 204
    listed = boto3.client("s3").list_object_versions(Bucket=stack.bucket).get("Versions", [])
    assert not [version for version in listed if version["Key"] in (key, layout_key(key))]
