"""DynamoDB stream event sources: what Lambda's event source mapping does, for the local stack.

moto keeps a table's stream (`get_records` works) but a real event source mapping would try to run the
function in Docker and drain the stream, so the local stack reads the stream itself: it applies the
mapping's FilterCriteria, invokes the function with batches shaped as Lambda builds them, and retries as
Lambda does (from the first failed record with ReportBatchItemFailures, halving the batch with
BisectBatchOnFunctionError, up to MaximumRetryAttempts, then drops the records with a log line).
"""

from __future__ import annotations

import base64
import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeoutError
from datetime import datetime
from typing import Any

from .event_filter import matches_any
from .model import StreamTrigger
from .runtime import LambdaFunction, PollingThread, WorkerPool

log = logging.getLogger("local.streams")

POLL_INTERVAL_SECONDS = 0.25
# After each poll that finds nothing the wait doubles, up to this: an idle stack reads its streams once a second
# instead of four times (empty reads were a tenth of a core), and the first record after a quiet spell waits a
# second at most.
IDLE_POLL_INTERVAL_SECONDS = 1.0
# Lambda backs off between retries of a failing batch; locally the first retry comes quickly.
RETRY_DELAYS_SECONDS = (0.5, 1.0, 2.0, 4.0, 8.0)


def _attribute_value(value: dict[str, Any]) -> dict[str, Any]:
    """boto3 decodes binary attributes to bytes; Lambda events carry them base64-encoded."""
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64encode(inner).decode() if isinstance(inner, bytes) else inner}
    if kind == "BS":
        return {"BS": [base64.b64encode(v).decode() if isinstance(v, bytes) else v for v in inner]}
    if kind == "M":
        return {"M": {k: _attribute_value(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [_attribute_value(v) for v in inner]}
    return {kind: inner}


def _image(image: dict[str, Any]) -> dict[str, Any]:
    return {name: _attribute_value(value) for name, value in image.items()}


def lambda_record(raw: dict[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A stream record (as dynamodbstreams.get_records returns it) in the shape of a Lambda event record."""
    source = raw["dynamodb"]
    dynamodb: dict[str, Any] = {}
    created = source.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
    elif created is not None:
        dynamodb["ApproximateCreationDateTime"] = created
    for key in ("Keys", "NewImage", "OldImage"):
        if key in source:
            dynamodb[key] = _image(source[key])
    for key in ("SequenceNumber", "SizeBytes", "StreamViewType"):
        if key in source:
            dynamodb[key] = source[key]
    record: dict[str, Any] = {
        "eventID": raw["eventID"],
        "eventName": raw["eventName"],
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    }
    if "userIdentity" in raw:  # TTL deletions
        record["userIdentity"] = raw["userIdentity"]
    return record


class BatchOutcome:
    """Whether a batch succeeded, and otherwise from which record on it has to be retried."""

    def __init__(self, failed_from: int | None, function_error: bool = False) -> None:
        self.failed_from = failed_from
        self.function_error = function_error

    @property
    def ok(self) -> bool:
        return self.failed_from is None


class StreamReader(PollingThread):
    def __init__(
        self,
        trigger: StreamTrigger,
        function: LambdaFunction,
        stream_arn: str,
        streams_client: Any,
        pool: WorkerPool,
        stop: threading.Event,
        *,
        region: str,
        retry_delays: tuple[float, ...] = RETRY_DELAYS_SECONDS,
        poll_interval: float = POLL_INTERVAL_SECONDS,
        sleep: Callable[[float], bool] | None = None,
    ) -> None:
        self.trigger = trigger
        self.function = function
        self.stream_arn = stream_arn
        self.streams = streams_client
        self.pool = pool
        self.stop = stop
        self.region = region
        self.retry_delays = retry_delays
        self._sleep = sleep or stop.wait
        self._iterators: dict[str, str] = {}
        self.name = f"{trigger.function}.{trigger.event_name}"
        self.poll_interval = self.idle_seconds = self.failure_seconds = poll_interval

    def prime(self) -> None:
        """Takes the shard iterators now, so that LATEST means "from the stack's start" (before any request)."""
        description = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
        for shard in description.get("Shards", []):
            if shard.get("SequenceNumberRange", {}).get("EndingSequenceNumber"):
                continue  # closed shard
            self._iterators[shard["ShardId"]] = self.streams.get_shard_iterator(
                StreamArn=self.stream_arn,
                ShardId=shard["ShardId"],
                ShardIteratorType=self.trigger.starting_position,
            )["ShardIterator"]

    def start(self) -> None:
        if not self._iterators:
            self.prime()
        super().start()

    def poll_once(self) -> bool:
        """Reads each shard once and delivers what passes the filters; True when there were records."""
        busy = False
        for shard_id, iterator in list(self._iterators.items()):
            response = self.streams.get_records(ShardIterator=iterator, Limit=1000)
            next_iterator = response.get("NextShardIterator")
            if next_iterator:
                self._iterators[shard_id] = next_iterator
            else:
                del self._iterators[shard_id]
            raw_records = response.get("Records", [])
            busy = busy or bool(raw_records)
            records = [lambda_record(raw, self.stream_arn, self.region) for raw in raw_records]
            passed = [r for r in records if matches_any(self.trigger.filter_patterns, r)]
            if len(passed) < len(records):
                log.debug("%s: %d of %d records filtered out", self.name, len(records) - len(passed), len(records))
            size = max(1, self.trigger.batch_size)
            for start in range(0, len(passed), size):
                if self.stop.is_set():
                    return busy
                self.deliver(passed[start : start + size])
        idle_interval = max(self.poll_interval, IDLE_POLL_INTERVAL_SECONDS)
        self.idle_seconds = self.poll_interval if busy else min(self.idle_seconds * 2, idle_interval)
        return busy

    def deliver(self, records: list[dict[str, Any]]) -> None:
        """Invokes the function with one batch until it succeeds, or its retries are used up."""
        work: deque[tuple[list[dict[str, Any]], int]] = deque([(records, 0)])
        maximum = self.trigger.maximum_retry_attempts
        while work:
            batch, retries = work.popleft()
            outcome = self.invoke(batch)
            if outcome.ok:
                continue
            if outcome.function_error and self.trigger.bisect_on_error and len(batch) > 1:
                # Halving does not use up a retry, as in Lambda.
                middle = len(batch) // 2
                work.appendleft((batch[middle:], retries))
                work.appendleft((batch[:middle], retries))
                continue
            remaining = batch[outcome.failed_from or 0 :]
            if 0 <= maximum <= retries:
                first, last = remaining[0]["dynamodb"]["SequenceNumber"], remaining[-1]["dynamodb"]["SequenceNumber"]
                log.error(
                    "%s: dropping %d record(s) (sequence numbers %s..%s) after %d retries (MaximumRetryAttempts)",
                    self.name,
                    len(remaining),
                    first,
                    last,
                    retries,
                )
                continue
            delay = self.retry_delays[min(retries, len(self.retry_delays) - 1)]
            if self._sleep(delay):
                return
            work.appendleft((remaining, retries + 1))

    def invoke(self, batch: list[dict[str, Any]]) -> BatchOutcome:
        event = {"Records": batch}
        try:
            result = self.function.invoke_on(self.pool, event)
        except FutureTimeoutError:
            log.error("%s: Task timed out after %d seconds", self.name, self.function.spec.timeout_seconds)
            return BatchOutcome(0, function_error=True)
        except Exception:
            log.exception("%s failed on a batch of %d record(s)", self.name, len(batch))
            return BatchOutcome(0, function_error=True)
        if not self.trigger.report_batch_item_failures or not isinstance(result, dict):
            return BatchOutcome(None)
        failures = result.get("batchItemFailures")
        if not failures:
            return BatchOutcome(None)
        sequence_numbers = [r["dynamodb"]["SequenceNumber"] for r in batch]
        positions: list[int] = []
        for failure in failures if isinstance(failures, list) else [None]:
            identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
            if not identifier or identifier not in sequence_numbers:
                # Lambda treats an empty or unknown itemIdentifier as a failure of the whole batch.
                log.warning("%s: batchItemFailures names %r, not a record of the batch", self.name, identifier)
                return BatchOutcome(0)
            positions.append(sequence_numbers.index(identifier))
        first = min(positions)
        log.info(
            "%s: %d record(s) to retry from sequence number %s", self.name, len(batch) - first, sequence_numbers[first]
        )
        return BatchOutcome(first)
