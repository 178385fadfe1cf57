"""Nothing stays in Processing: a result that cannot be stored ends in Exception with a reason, or is retried
while attempts remain; rules cannot grow a document past what storage accepts."""

from __future__ import annotations

from dataclasses import replace

import boto3
import pytest
from botocore.exceptions import ClientError

from recordengine.pipeline import RESULT_NOT_STORED, RESULT_TOO_LARGE, Outcome, RetryLater
from recordengine.rules import actions, service
from recordengine.storage.documents import DocumentStore
from recordengine.wiring import extraction_pipeline
from tests.support.documents import invoice_pdf


@pytest.fixture
def uploaded(stack, contact, folder):
    r = stack.upload(invoice_pdf(), fields={"contact_id": contact["id"], "folder_id": folder["id"]})
    assert r.status == 201
    key = boto3.client("s3").list_objects_v2(Bucket=stack.bucket)["Contents"][0]["Key"]
    return r.json()["id"], key


def refusing_store(error: ClientError, times: int) -> type[DocumentStore]:
    """A document store whose first ``times`` attempts to store a result fail with ``error``."""
    left = [times]

    class Refusing(DocumentStore):
        def _write(self, current, change):  # type: ignore[no-untyped-def]
            if left[0] and "extracted_fields" in change.values:
                left[0] -= 1
                raise error
            return super()._write(current, change)

    return Refusing


TOO_LARGE = ClientError(
    {"Error": {"Code": "ValidationException", "Message": "Item size has exceeded the maximum allowed size"}},
    "UpdateItem",
)
THROTTLED = ClientError(
    {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "Rate exceeded"}}, "UpdateItem"
)


def test_a_result_too_large_to_store_ends_in_exception_with_a_reason(stack, uploaded):
    doc_id, key = uploaded
    pipeline = extraction_pipeline()
    store = refusing_store(TOO_LARGE, 1)(pipeline.documents.table)
    assert replace(pipeline, documents=store).process_object(key, 100, 30) is Outcome.FAILED
    document = stack.document(doc_id)
    assert document["status"] == "Exception"
    assert document["error"] == RESULT_TOO_LARGE


def test_a_throttled_write_is_retried_and_the_retry_stores_the_result(stack, uploaded):
    doc_id, key = uploaded
    pipeline = extraction_pipeline()
    store = refusing_store(THROTTLED, 1)(pipeline.documents.table)
    with pytest.raises(RetryLater):
        replace(pipeline, documents=store).process_object(key, 100, 30)
    assert stack.document(doc_id)["status"] == "New", "the claim is given back for S3's retry"
    assert replace(pipeline, documents=store).process_object(key, 100, 30) is Outcome.EXTRACTED
    assert stack.document(doc_id)["status"] == "Needs Review"


def test_a_write_throttled_on_the_last_attempt_ends_in_exception(stack, uploaded):
    doc_id, key = uploaded
    pipeline = extraction_pipeline()
    store = refusing_store(THROTTLED, 99)(pipeline.documents.table)
    refusing = replace(pipeline, documents=store)
    for _ in range(pipeline.settings.extraction_max_attempts - 1):
        with pytest.raises(RetryLater):
            refusing.process_object(key, 100, 30)
    assert refusing.process_object(key, 100, 30) is Outcome.FAILED
    document = stack.document(doc_id)
    assert document["status"] == "Exception"
    assert document["error"] == RESULT_NOT_STORED


def create_rule(stack, **fields):
    always = [{"field": "confidence_score", "op": ">=", "value": 0}]
    body = {"name": "note taker", "conditions": always, "actions": [{"type": "add_note", "value": "ok"}], **fields}
    return stack.request("POST", "/api/rules", json_body=body)


def test_rules_that_write_many_notes_are_stopped_at_the_notes_limit(stack, contact, folder, uploaded):
    doc_id, key = uploaded
    for number in range(12):
        note = {"type": "add_note", "value": f"{number} " + "n" * 990}
        assert create_rule(stack, name=f"noisy {number}", actions=[note]).status == 201
    assert extraction_pipeline().process_object(key, 100, 30) is Outcome.EXTRACTED
    document = stack.document(doc_id)
    assert document["status"] == "Needs Review"
    assert len(document["notes"]) <= actions.MAX_NOTES_CHARS
    assert document["notes"].endswith(actions.NOTES_FULL)


def test_rules_past_the_limit_are_refused_with_422(stack, monkeypatch):
    monkeypatch.setattr(service, "MAX_RULES", 3)
    for _ in range(3):
        assert create_rule(stack).status == 201
    refused = create_rule(stack)
    assert refused.status == 422
    assert "3 rules" in refused.json()["detail"]


def test_the_enabled_rules_are_read_once_for_many_extractions(stack, contact, folder, monkeypatch):
    from recordengine.rules.store import RuleStore

    assert create_rule(stack).status == 201
    reads = []
    original = RuleStore.all

    def counting(self):  # type: ignore[no-untyped-def]
        reads.append(1)
        return original(self)

    monkeypatch.setattr(RuleStore, "all", counting)
    for _ in range(3):
        r = stack.upload(invoice_pdf(), fields={"contact_id": contact["id"], "folder_id": folder["id"]})
        assert r.status == 201
    assert stack.deliver_s3_events() == [{"outcomes": ["extracted"]}] * 3
    assert len(reads) == 1
    assert create_rule(stack, name="another").status == 201  # a change here is seen at once
    r = stack.upload(invoice_pdf(), fields={"contact_id": contact["id"], "folder_id": folder["id"]})
    stack.deliver_s3_events()
    assert stack.document(r.json()["id"])["notes"] == "ok\nok"
