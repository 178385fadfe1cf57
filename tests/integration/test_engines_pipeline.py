"""The pipeline with an AWS engine: the engine gets the stored object's location, and its result is stored."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from recordengine.extraction.engines import StoredObject
from recordengine.extraction.engines.textract import TextractEngine
from recordengine.models import ExtractionResult, Profile
from recordengine.pipeline import Outcome
from recordengine.wiring import extraction_pipeline
from tests.support.corpus import textract_response
from tests.support.documents import invoice_pdf


@pytest.fixture
def uploaded(stack, contact, folder):
    r = stack.upload(invoice_pdf(), fields={"contact_id": contact["id"], "folder_id": folder["id"]})
    assert r.status == 201
    key = boto3.client("s3").list_objects_v2(Bucket=stack.bucket)["Contents"][0]["Key"]
    return r.json()["id"], key


class RecordingEngine:
    def __init__(self) -> None:
        self.stored: list[StoredObject | None] = []

    def __call__(self, content: bytes, media_type: str, profile: Profile) -> ExtractionResult:
        raise AssertionError("the pipeline should pass the stored object")

    def extract_stored(
        self, content: bytes, media_type: str, profile: Profile, stored: StoredObject | None
    ) -> ExtractionResult:
        self.stored.append(stored)
        return ExtractionResult(confidence_score=50, confidence_reasoning="Recorded.")


def test_the_engine_is_given_the_stored_object(stack, uploaded) -> None:
    doc_id, key = uploaded
    engine = RecordingEngine()
    assert replace(extraction_pipeline(), extractor=engine).process_object(key, 100, 30) is Outcome.EXTRACTED
    assert engine.stored == [StoredObject(stack.bucket, key)]
    assert stack.document(doc_id)["status"] == "Needs Review"


def test_a_textract_reading_is_stored_on_the_document(stack, uploaded) -> None:
    doc_id, key = uploaded
    client: Any = boto3.client("textract")
    with Stubber(client) as stubber:
        response = textract_response("textractor/test_analyze_expense_from_path.json")
        stubber.add_response("analyze_expense", response, {"Document": {"Bytes": ANY}})
        pipeline = replace(extraction_pipeline(), extractor=TextractEngine(client))
        assert pipeline.process_object(key, 100, 30) is Outcome.EXTRACTED
    doc = stack.document(doc_id)
    assert doc["status"] == "Needs Review"
    assert doc["extracted_fields"]["vendor"] == "MEGA MARKET PLUS"
    assert doc["extracted_fields"]["total_amount"] == "1810.46"
    assert doc["confidence_score"] >= 90 and doc["confidence_label"] == "Excellent"
