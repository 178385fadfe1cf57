"""No document fails because others are busy: the time an event waits for an execution is not its own, and
a run whose time ran out while other work held its CPU is handed back to be retried, not concluded."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from local.async_invoke import AsyncInvoker
from local.runtime import WorkerPool
from recordengine.extraction import budget, engine, ocr
from recordengine.extraction.errors import UnreadableDocument
from recordengine.pipeline import RetryLater
from recordengine.storage import keys
from tests.support import scans
from tests.support.aws_stack import AwsStack


@pytest.fixture
def receipt(stack: AwsStack, contact: dict[str, Any], folder: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """A receipt photo uploaded, and the S3 event of its upload."""
    photo = scans.jpeg(scans.receipt_page(scans.RECEIPT_LINES))
    r = stack.upload(photo, filename="receipt.jpg", fields={"contact_id": contact["id"], "folder_id": folder["id"]})
    assert r.status == 201, r.body
    (stored,) = boto3.client("s3").list_objects_v2(Bucket=stack.bucket)["Contents"]
    return r.json()["id"], stack.s3_event(stored["Key"], stored["Size"])


@pytest.fixture
def stop() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


def settled(stack: AwsStack, document_id: int, timeout: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while (document := stack.document(document_id))["status"] in keys.PIPELINE_STATUSES:
        assert time.monotonic() < deadline, f"document still {document['status']}"
        time.sleep(0.2)
    return document


def test_a_document_that_waited_longer_than_its_budget_for_an_execution_is_still_read(
    stack: AwsStack, receipt: tuple[int, dict[str, Any]], stop: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    document_id, event = receipt
    monkeypatch.setattr(engine, "OCR_BUDGET_SECONDS", 8.0)
    executions = WorkerPool("extraction-execution", 1)
    invoker = AsyncInvoker(stack.function("extract_document"), executions, stop, retry_delays=(0.1,))
    other_document = threading.Event()
    try:
        executions.submit(lambda: other_document.wait(60))  # the one execution is busy with another document
        invoker.invoke(event)
        time.sleep(2 * engine.OCR_BUDGET_SECONDS)
        assert stack.document(document_id)["status"] == "New", "the event waits for the execution"
        other_document.set()
        document = settled(stack, document_id)
    finally:
        other_document.set()
        executions.shutdown()
    assert document["status"] == "Needs Review", document.get("error")
    assert document["extracted_fields"]["total_amount"] == "13.75"


def ocr_out_of_time(monkeypatch: pytest.MonkeyPatch, *, times: int, uses_cpu: bool) -> None:
    """OCR that gives up at its time limit ``times`` times, then reads the page: its thread having had the
    CPU all the while (``uses_cpu``: the document is slow by its own work), or having barely run, as when
    other work holds the CPU."""
    real = ocr.read_page
    calls = [0]

    def read_page(*args: Any, **kwargs: Any) -> ocr.OcrPage:
        calls[0] += 1
        if calls[0] <= times:
            time.sleep(0.5)
            raise UnreadableDocument(ocr.OCR_TIMED_OUT)
        return real(*args, **kwargs)

    monkeypatch.setattr(ocr, "read_page", read_page)
    if uses_cpu:
        monkeypatch.setattr(budget, "_thread_cpu_seconds", time.monotonic)


def test_a_run_out_of_time_while_its_cpu_was_elsewhere_is_retried_and_the_retry_reads_it(
    stack: AwsStack, receipt: tuple[int, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    document_id, event = receipt
    ocr_out_of_time(monkeypatch, times=1, uses_cpu=False)
    with pytest.raises(RetryLater):
        stack.invoke("extract_document", event)
    handed_back = stack.document(document_id)
    assert handed_back["status"] == "New" and handed_back.get("error") is None
    assert stack.invoke("extract_document", event) == {"outcomes": ["extracted"]}
    document = stack.document(document_id)
    assert document["status"] == "Needs Review"
    assert document["extracted_fields"]["total_amount"] == "13.75"


def test_a_document_slow_by_its_own_work_ends_in_exception_at_once(
    stack: AwsStack, receipt: tuple[int, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    document_id, event = receipt
    ocr_out_of_time(monkeypatch, times=1, uses_cpu=True)
    assert stack.invoke("extract_document", event) == {"outcomes": ["failed"]}
    document = stack.document(document_id)
    assert document["status"] == "Exception"
    assert document["error"] == ocr.OCR_TIMED_OUT


def test_a_run_starved_on_every_attempt_ends_in_exception_on_the_last(
    stack: AwsStack, receipt: tuple[int, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from recordengine.settings import get_settings

    document_id, event = receipt
    attempts = get_settings().extraction_max_attempts
    ocr_out_of_time(monkeypatch, times=attempts, uses_cpu=False)
    for _ in range(attempts - 1):
        with pytest.raises(RetryLater):
            stack.invoke("extract_document", event)
    assert stack.invoke("extract_document", event) == {"outcomes": ["failed"]}
    document = stack.document(document_id)
    assert document["status"] == "Exception"
    assert document["error"] == budget.OVERLOADED


def test_the_last_attempt_after_overloaded_ones_has_the_functions_whole_time(
    stack: AwsStack, receipt: tuple[int, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from recordengine.settings import get_settings

    document_id, event = receipt
    attempts = get_settings().extraction_max_attempts
    ocr_out_of_time(monkeypatch, times=attempts - 1, uses_cpu=False)
    # A budget no reading fits in: only the function's own time lets the last attempt read the receipt.
    monkeypatch.setattr(engine, "OCR_BUDGET_SECONDS", 0.001)
    for _ in range(attempts - 1):
        with pytest.raises(RetryLater):
            stack.invoke("extract_document", event)
    assert stack.invoke("extract_document", event) == {"outcomes": ["extracted"]}
    document = stack.document(document_id)
    assert document["status"] == "Needs Review"
    assert document["extracted_fields"]["total_amount"] == "13.75"
