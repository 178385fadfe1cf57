"""Whatever goes wrong in extraction, a document never stays in Processing."""

import time
from dataclasses import replace
from datetime import timedelta

import boto3
import pytest
from botocore.exceptions import ClientError

from recordengine.pipeline import ExtractionPipeline, Outcome, RetryLater, requeue_abandoned
from recordengine.wiring import extraction_pipeline
from tests.support.aws_stack import sample_event
from tests.support.documents import invoice_pdf
from tests.support.extraction_requests import ExtractionRequests


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

    def __getattr__(self, name):
        # Only reading fails; what the run stores beside the file (page text, page images) goes to the bucket.
        return getattr(self.real, name)


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


class Killed(BaseException):
    """What Lambda's timeout or running out of memory does to a run: it ends without any handler running."""


def kill_after_claim(content, media_type, profile):
    raise Killed


@pytest.fixture
def later(monkeypatch):
    """Moves the clock that claims, requests and sweeps read past the extraction lease."""
    from recordengine import clock
    from recordengine.settings import get_settings
    from recordengine.storage import documents

    lease = get_settings().extraction_lease_seconds

    def move():
        moved = clock.utc_now() + timedelta(seconds=lease + 1)
        monkeypatch.setattr(clock, "utc_now", lambda: moved)
        monkeypatch.setattr(documents, "utc_now", lambda: moved)

    return move


def test_a_run_killed_after_its_claim_is_taken_over_by_the_sweep(stack, uploaded, later):
    doc_id, key = uploaded
    requests = ExtractionRequests(stack)
    sweep = sample_event("sweep_extractions/scheduled.json")
    with pytest.raises(Killed):
        pipeline_with(extractor=kill_after_claim).process_object(key, 100, 30)
    assert stack.document(doc_id)["status"] == "Processing"
    assert stack.invoke("sweep_extractions", sweep) == {"requeued": [], "uploads_never_arrived": []}, (
        "the lease still holds"
    )

    later()
    assert stack.invoke("sweep_extractions", sweep) == {"requeued": [doc_id], "uploads_never_arrived": []}
    assert stack.invoke("sweep_extractions", sweep) == {"requeued": [], "uploads_never_arrived": []}, (
        "its request waits to be taken"
    )
    assert requests.deliver() == 1
    document = stack.document(doc_id)
    assert document["status"] == "Needs Review"
    actions = [e["action"] for e in stack.request("GET", f"/api/documents/{doc_id}/history").json()["entries"]]
    assert actions[-2:] == ["extraction_taken_over", "extracted"]
    assert requests.deliver() == 0


def test_a_file_that_kills_every_run_ends_in_exception_through_the_sweep(stack, uploaded):
    doc_id, key = uploaded
    requests = ExtractionRequests(stack)
    expired = -1  # every claim has expired as soon as it is taken
    killing = pipeline_with(extractor=kill_after_claim)
    pipeline = replace(killing, settings=killing.settings.model_copy(update={"extraction_lease_seconds": expired}))
    with pytest.raises(Killed):
        pipeline.process_object(key, 100, 30)
    for _ in range(pipeline.settings.extraction_max_attempts - 1):
        assert requeue_abandoned(pipeline.documents, expired) == [doc_id]
        (record,) = requests.records()
        with pytest.raises(Killed):
            pipeline.process_request(record, 30)
    assert requeue_abandoned(pipeline.documents, expired) == [doc_id]
    (record,) = requests.records()
    assert pipeline.process_request(record, 30) is Outcome.FAILED
    document = stack.document(doc_id)
    assert document["status"] == "Exception" and "did not finish" in document["error"]
    assert requeue_abandoned(pipeline.documents, expired) == []


@pytest.mark.parametrize("settled_by_hand", [None, "Exception"])
def test_new_set_by_hand_after_a_killed_run_extracts_again(stack, uploaded, settled_by_hand):
    doc_id, key = uploaded
    requests = ExtractionRequests(stack)
    with pytest.raises(Killed):
        pipeline_with(extractor=kill_after_claim).process_object(key, 100, 30)
    path = f"/api/documents/{doc_id}/status"
    if settled_by_hand is not None:
        assert stack.request("PATCH", path, json_body={"status": settled_by_hand}).status == 200
    r = stack.request("PATCH", path, json_body={"status": "New"})
    assert r.status == 200, r.body
    entries = stack.request("GET", f"/api/documents/{doc_id}/history").json()["entries"]
    assert entries[-1]["action"] == "extraction_requested", "the claim of the run that died does not stop it"
    assert requests.deliver() == 1
    assert stack.document(doc_id)["status"] == "Needs Review"


def test_new_set_by_hand_while_a_run_goes_on_leaves_that_run_nothing_to_conclude(stack, uploaded):
    doc_id, key = uploaded
    requests = ExtractionRequests(stack)
    pipeline = extraction_pipeline()
    claim = pipeline.documents.claim_extraction(doc_id, key, lease_seconds=180)
    assert claim is not None
    assert stack.request("PATCH", f"/api/documents/{doc_id}/status", json_body={"status": "New"}).status == 200
    assert requests.deliver() == 1
    assert stack.document(doc_id)["status"] == "Needs Review"
    assert pipeline._fail(claim.document, "the older run ends late", {}) is Outcome.FAILED
    assert stack.document(doc_id)["status"] == "Needs Review", "the older run's claim was cleared: it changes nothing"
