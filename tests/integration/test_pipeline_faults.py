"""Whatever goes wrong in extraction, a document never stays in Processing."""

import time
from dataclasses import replace

import boto3
import pytest
from botocore.exceptions import ClientError

from recordengine.pipeline import ExtractionPipeline, Outcome, RetryLater
from recordengine.wiring import extraction_pipeline
from tests.support.documents import invoice_pdf


@pytest.fixture
def uploaded(stack, contact, folder):
    r = stack.upload(invoice_pdf(), fields={"contact_id": contact["id"], "folder_id": folder["id"]})
    assert r.status == 201
    key = boto3.client("s3").list_objects_v2(Bucket=stack.bucket)["Contents"][0]["Key"]
    return r.json()["id"], key


def pipeline_with(**changes) -> ExtractionPipeline:
    return replace(extraction_pipeline(), **changes)


def test_an_engine_crash_ends_in_exception(stack, uploaded):
    doc_id, key = uploaded

    def crash(content, media_type, profile):
        raise RuntimeError("bug in the engine")

    assert pipeline_with(extractor=crash).process_object(key, 100, 30) is Outcome.FAILED
    doc = stack.document(doc_id)
    assert doc["status"] == "Exception" and "unexpectedly" in doc["error"]


def test_an_engine_that_runs_out_of_time_ends_in_exception(stack, uploaded):
    doc_id, key = uploaded

    def slow(content, media_type, profile):
        time.sleep(3)

    started = time.monotonic()
    assert pipeline_with(extractor=slow).process_object(key, 100, 0.5) is Outcome.FAILED
    assert time.monotonic() - started < 2.5
    doc = stack.document(doc_id)
    assert doc["status"] == "Exception" and "longer than" in doc["error"]


class FailingBlobs:
    def __init__(self, real, failures):
        self.real, self.failures = real, failures

    def read(self, key, max_bytes):
        if self.failures:
            self.failures -= 1
            raise ClientError({"Error": {"Code": "SlowDown", "Message": "Reduce your request rate."}}, "GetObject")
        return self.real.read(key, max_bytes)


def test_a_passing_storage_fault_is_retried_and_the_retry_extracts(stack, uploaded):
    doc_id, key = uploaded
    pipeline = extraction_pipeline()
    flaky = replace(pipeline, blobs=FailingBlobs(pipeline.blobs, failures=1))
    with pytest.raises(RetryLater):
        flaky.process_object(key, 100, 30)
    assert stack.document(doc_id)["status"] == "New"
    assert flaky.process_object(key, 100, 30) is Outcome.EXTRACTED
    assert stack.document(doc_id)["status"] == "Needs Review"


def test_a_storage_fault_on_the_last_attempt_ends_in_exception(stack, uploaded):
    doc_id, key = uploaded
    pipeline = extraction_pipeline()
    broken = replace(pipeline, blobs=FailingBlobs(pipeline.blobs, failures=99))
    for _ in range(pipeline.settings.extraction_max_attempts - 1):
        with pytest.raises(RetryLater):
            broken.process_object(key, 100, 30)
    assert broken.process_object(key, 100, 30) is Outcome.FAILED
    doc = stack.document(doc_id)
    assert doc["status"] == "Exception" and "could not be read" in doc["error"]


def test_a_run_that_died_is_taken_over_once_its_lease_has_expired(stack, uploaded):
    doc_id, key = uploaded
    pipeline = extraction_pipeline()
    assert pipeline.documents.claim_extraction(doc_id, key, lease_seconds=180) is not None  # then it "dies"
    assert stack.document(doc_id)["status"] == "Processing"
    assert pipeline.process_object(key, 100, 30) is Outcome.DUPLICATE
    expired = replace(pipeline, settings=pipeline.settings.model_copy(update={"extraction_lease_seconds": -1}))
    assert expired.process_object(key, 100, 30) is Outcome.EXTRACTED
    assert stack.document(doc_id)["status"] == "Needs Review"


def test_a_document_whose_runs_keep_dying_ends_in_exception(stack, uploaded):
    doc_id, key = uploaded
    pipeline = extraction_pipeline()
    expired = replace(pipeline, settings=pipeline.settings.model_copy(update={"extraction_lease_seconds": -1}))
    for _ in range(pipeline.settings.extraction_max_attempts):
        assert pipeline.documents.claim_extraction(doc_id, key, lease_seconds=-1) is not None
    assert expired.process_object(key, 100, 30) is Outcome.FAILED
    doc = stack.document(doc_id)
    assert doc["status"] == "Exception" and "did not finish" in doc["error"]


def test_an_object_over_the_size_limit_is_not_read(stack, uploaded):
    doc_id, key = uploaded
    pipeline = extraction_pipeline()
    assert pipeline.process_object(key, pipeline.settings.max_presigned_upload_bytes + 1, 30) is Outcome.FAILED
    assert "over the limit" in stack.document(doc_id)["error"]


def test_the_engine_works_to_the_pipelines_deadline_not_beyond(stack, uploaded):
    from recordengine.extraction.budget import within

    doc_id, key = uploaded
    seen = []

    def budgeted(content, media_type, profile):
        seen.append(within(600) - time.monotonic())
        raise RuntimeError("stop here")

    pipeline_with(extractor=budgeted).process_object(key, 100, 5)
    assert seen and seen[0] <= 5, "an engine budget of 600 s ends with the pipeline's 5 s"
    assert stack.document(doc_id)["status"] == "Exception"
