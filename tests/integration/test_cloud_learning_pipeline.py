"""A sender's hints with a cloud engine, through the real handlers (moto): a document read by Textract keeps
Textract's page text, a person's correction teaches the sender from it, and the sender's next documents read
by Textract are checked against what it learned, as the built-in engine's are. Textract is a Stubber whose
answers are hand-built for an invented supplier."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction.engines.textract import TextractEngine, map_expense
from recordengine.pipeline import Outcome
from recordengine.senders.hints import CHECK_LEARNED
from recordengine.storage.blobs import layout_key
from recordengine.wiring import extraction_pipeline
from tests.integration.test_learning_pipeline import s3_key, stored_hints
from tests.support.documents import invoice_pdf
from tests.support.extraction_requests import ExtractionRequests
from tests.support.textract import tool_hire_invoice

_uploads = itertools.count(1)


@pytest.fixture
def reviews(stack: Any) -> ExtractionRequests:
    return ExtractionRequests(stack, "DocumentReviewed")


def read_by_textract(stack: Any, contact: dict[str, Any], folder: dict[str, Any], response: dict[str, Any]) -> Any:
    """A document uploaded and read by Textract answering ``response``: its record."""
    # Each upload its own file; what Textract answers is what the document says.
    content = invoice_pdf(number=f"UPLOAD-{next(_uploads)}")
    uploaded = stack.upload(content, fields={"contact_id": contact["id"], "folder_id": folder["id"]})
    assert uploaded.status == 201, uploaded.body
    document_id = uploaded.json()["id"]
    client: Any = boto3.client("textract")
    with Stubber(client) as stubber:
        stubber.add_response("analyze_expense", response, {"Document": {"Bytes": ANY}})
        pipeline = replace(extraction_pipeline(), extractor=TextractEngine(client))
        assert pipeline.process_object(s3_key(stack, document_id), len(content), 30) is Outcome.EXTRACTED
    return stack.document(document_id)


def learned_number(stack: Any, contact: dict[str, Any], folder: dict[str, Any], reviews: ExtractionRequests) -> int:
    """A first document whose number Textract misread, corrected by a person: the sender it taught."""
    first = read_by_textract(stack, contact, folder, tool_hire_invoice("BTH-20417", read_number="20417"))
    assert first["sender_id"] is not None and first["extracted_fields"]["invoice_number"] == "20417"
    # Textract's page text was kept beside the file, for the sender to learn from.
    assert boto3.client("s3").head_object(Bucket=stack.bucket, Key=layout_key(s3_key(stack, first["id"])))
    corrected = stack.request(
        "PATCH", f"/api/documents/{first['id']}", json_body={"extracted_fields": {"invoice_number": "BTH-20417"}}
    )
    assert corrected.status == 200, corrected.body
    assert reviews.deliver() == 1
    assert "invoice_number" in stored_hints(stack, first["sender_id"])["hints"]["M"]["fields"]["M"]
    return int(first["sender_id"])


def test_a_textract_reading_that_disagrees_with_a_learned_hint_is_flagged(stack, contact, folder, reviews) -> None:
    sender = learned_number(stack, contact, folder, reviews)
    second = read_by_textract(stack, contact, folder, tool_hire_invoice("BTH-20533", read_number="BTH-20535"))
    assert second["sender_id"] == sender
    assert second["extracted_fields"]["invoice_number"] == "BTH-20533"
    assert second["field_sources"]["invoice_number"] == "learned"
    check = next(c for c in second["validation"] if c["check"] == CHECK_LEARNED)
    assert not check["passed"] and "BTH-20535" in check["detail"]


def test_a_textract_reading_that_agrees_with_a_learned_hint_is_surer(stack, contact, folder, reviews) -> None:
    sender = learned_number(stack, contact, folder, reviews)
    response = tool_hire_invoice("BTH-20640")
    for field in response["ExpenseDocuments"][0]["SummaryFields"]:
        if field["Type"]["Text"] == "INVOICE_RECEIPT_ID":  # a number Textract was not so sure of
            field["ValueDetection"]["Confidence"] = 78.0
    second = read_by_textract(stack, contact, folder, response)
    assert second["sender_id"] == sender
    assert second["extracted_fields"]["invoice_number"] == "BTH-20640"
    assert second["field_sources"]["invoice_number"] == "learned"
    assert next(c for c in second["validation"] if c["check"] == CHECK_LEARNED)["passed"]
    textract_alone = map_expense(response, INVOICE_PROFILE)
    assert second["field_confidence"]["invoice_number"] > textract_alone.field_confidence["invoice_number"]
