"""SQS event sources: what Lambda's SQS event source mapping does, for the local stack.

A poller receives up to BatchSize messages (10 at most per receive here), drops those that no filter
matches (Lambda deletes them), invokes the function with records shaped as Lambda builds them, and
deletes the messages that succeeded. Failed messages stay in the queue and come back after the queue's
visibility timeout, so retries and the redrive to a dead-letter queue are SQS's own (moto's), as in AWS.

Like Lambda, a poller keeps receiving while batches run, so one slow batch does not hold up the queue.
How many batches it has in flight at once is what Lambda documents for its SQS event source:

- a standard queue: five (Lambda starts with five and scales up while messages wait; here it stays at five);
- a FIFO queue: as many as there are message groups with messages to handle. SQS (moto too) returns no
  message of a group while messages of that group are in flight, so each group has at most one batch in
  flight, handled in order, and every group has its own progress: a group whose handler hangs holds up
  only itself, whatever the number of such groups;
- at most ScalingConfig.MaximumConcurrency when the event sets it, and at most the function's
  ReservedConcurrentExecutions: Lambda would throttle the batches beyond it and retry them until an
  execution is free, so they wait either way; here they wait in the queue.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from concurrent.futures import TimeoutError as FutureTimeoutError
from typing import Any

from .event_filter import matches_any
from .model import SqsTrigger
from .runtime import ACCOUNT_CONCURRENCY, LambdaFunction, PollingThread, WorkerPool

log = logging.getLogger("local.sqs")

# While batches are in flight, short polls a tenth of a second apart: moto's long poll wakes up for a new
# message but not for a FIFO group that a batch's deletion has just released, so it would add up to a second
# to every message of a group after the first.
IDLE_SECONDS = 0.1
# With no batch in flight, a long poll instead (as Lambda's own pollers do): it answers as soon as a message
# arrives, and an idle stack makes one request a second per queue rather than ten (a stack left running, or
# one under the e2e and browser tests, spent about a third of a core on empty polls). No deletion of ours can
# release a FIFO group while nothing is in flight; a delayed message or one whose visibility timeout ends is
# seen within the second, as moto's long poll looks again every second.
IDLE_LONG_POLL_SECONDS = 1
# Lambda starts an SQS event source on a standard queue with five concurrent batches.
CONCURRENT_BATCHES = 5


def _message_attributes(attributes: dict[str, Any]) -> dict[str, Any]:
    shaped: dict[str, Any] = {}
    for name, value in attributes.items():
        entry: dict[str, Any] = {"stringListValues": [], "binaryListValues": [], "dataType": value["DataType"]}
        if "StringValue" in value:
            entry["stringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            binary = value["BinaryValue"]
            entry["binaryValue"] = base64.b64encode(binary).decode() if isinstance(binary, bytes) else binary
        shaped[name] = entry
    return shaped


def lambda_record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """A received message (as boto3's receive_message returns it) shaped as a Lambda SQS event record."""
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": dict(message.get("Attributes") or {}),
        "messageAttributes": _message_attributes(message.get("MessageAttributes") or {}),
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def filterable(record: dict[str, Any]) -> dict[str, Any]:
    """Lambda filters an SQS record with its body parsed when the body is JSON, as a string otherwise."""
    try:
        body = json.loads(record["body"])
    except (TypeError, ValueError):
        return record
    return {**record, "body": body}


def is_fifo(queue_arn: str) -> bool:
    """SQS requires a FIFO queue's name to end in .fifo, and no other queue's."""
    return queue_arn.endswith(".fifo")


def batches_at_once(trigger: SqsTrigger, reserved_concurrency: int | None, queue_arn: str) -> int:
    """The most batches an SQS event source has in flight at once (see the module's docstring)."""
    scaling = trigger.maximum_concurrency or (ACCOUNT_CONCURRENCY if is_fifo(queue_arn) else CONCURRENT_BATCHES)
    return scaling if reserved_concurrency is None else min(scaling, reserved_concurrency)


class SqsPoller(PollingThread):
    def __init__(
        self,
        trigger: SqsTrigger,
        function: LambdaFunction,
        queue_url: str,
        queue_arn: str,
        sqs_client: Any,
        pool: WorkerPool,
        stop: threading.Event,
        *,
        region: str,
    ) -> None:
        self.trigger = trigger
        self.function = function
        self.queue_url = queue_url
        self.queue_arn = queue_arn
        self.sqs = sqs_client
        self.pool = pool
        self.stop = stop
        self.region = region
        self.idle_seconds = IDLE_SECONDS
        self.name = f"{trigger.function}.{trigger.event_name}"
        self.batches_at_once = batches_at_once(trigger, function.spec.reserved_concurrency, queue_arn)
        self._free_slots = threading.Semaphore(self.batches_at_once)
        self._in_flight = 0
        self._in_flight_lock = threading.Lock()
        self._last_poll_empty = False

    def poll_once(self) -> int:
        """Receives one batch and starts handling it; returns how many messages it received."""
        if not self._free_slots.acquire(timeout=1):
            return 0  # every slot has a batch in flight
        handed_over = False
        try:
            with self._in_flight_lock:
                idle = self._in_flight == 0 and self._last_poll_empty
            messages = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=max(1, min(self.trigger.batch_size, 10)),
                WaitTimeSeconds=IDLE_LONG_POLL_SECONDS if idle else 0,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            self._last_poll_empty = not messages
            if not messages:
                return 0
            records = [lambda_record(m, self.queue_arn, self.region) for m in messages]
            passed = [r for r in records if matches_any(self.trigger.filter_patterns, filterable(r))]
            self._delete([r for r in records if r not in passed])
            if passed:
                with self._in_flight_lock:
                    self._in_flight += 1
                threading.Thread(target=self._handle, args=(passed,), name=f"batch-{self.name}", daemon=True).start()
                handed_over = True
            return len(messages)
        finally:
            if not handed_over:
                self._free_slots.release()

    def _handle(self, records: list[dict[str, Any]]) -> None:
        """One batch in flight: the function runs on it, then the messages that succeeded are deleted."""
        try:
            self._delete(self.invoke(records))
        except Exception:
            log.exception(
                "%s: deleting the handled messages failed; they return after the visibility timeout", self.name
            )
        finally:
            with self._in_flight_lock:
                self._in_flight -= 1
            self._free_slots.release()

    def invoke(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Runs the function on a batch; returns the records that succeeded (to be deleted)."""
        event = {"Records": records}
        try:
            result = self.function.invoke_on(self.pool, event)
        except FutureTimeoutError:
            log.error("%s: Task timed out after %d seconds", self.name, self.function.spec.timeout_seconds)
            return []
        except Exception:
            log.exception(
                "%s failed on %d message(s); they return after the visibility timeout", self.name, len(records)
            )
            return []
        if not self.trigger.report_batch_item_failures or not isinstance(result, dict):
            return records
        failures = result.get("batchItemFailures") or []
        ids = {r["messageId"] for r in records}
        failed: set[str] = set()
        for failure in failures if isinstance(failures, list) else [None]:
            identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
            if not identifier or identifier not in ids:
                log.warning("%s: batchItemFailures names %r, not a message of the batch", self.name, identifier)
                return []
            failed.add(identifier)
        if failed:
            log.info(
                "%s: %d message(s) reported failed; they return after the visibility timeout", self.name, len(failed)
            )
        return [r for r in records if r["messageId"] not in failed]

    def _delete(self, records: list[dict[str, Any]]) -> None:
        if not records:
            return
        self.sqs.delete_message_batch(
            QueueUrl=self.queue_url,
            Entries=[{"Id": str(i), "ReceiptHandle": r["receiptHandle"]} for i, r in enumerate(records)],
        )
