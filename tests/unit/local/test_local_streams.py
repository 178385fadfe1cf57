"""The stream reader's retry logic (ReportBatchItemFailures, bisection, MaximumRetryAttempts), without AWS.

The reader against a real moto stream is covered by test_local_stack.py.
"""

from __future__ import annotations

import base64
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from local.model import FunctionSpec, StreamTrigger
from local.runtime import LambdaFunction, WorkerPool
from local.streams import StreamReader, lambda_record

STREAM_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2025-01-01T00:00:00.000"


def trigger(**overrides: Any) -> StreamTrigger:
    fields: dict[str, Any] = {
        "function": "Fn",
        "event_name": "Stream",
        "table": "Table",
        "starting_position": "LATEST",
        "batch_size": 10,
        "filter_patterns": (),
        "report_batch_item_failures": True,
        "maximum_retry_attempts": 2,
        "bisect_on_error": False,
        "enabled": True,
    }
    fields.update(overrides)
    return StreamTrigger(**fields)


def record(sequence: int, **image: str) -> dict[str, Any]:
    return {
        "eventID": f"id{sequence}",
        "eventName": "MODIFY",
        "dynamodb": {
            "SequenceNumber": str(sequence),
            "NewImage": {k: {"S": v} for k, v in image.items()},
        },
    }


class Recorder:
    """A handler whose behaviour per record is set by the record's `mode` attribute."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.seen: set[str] = set()

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        sequences = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]
        self.batches.append(sequences)
        modes = {
            r["dynamodb"]["SequenceNumber"]: r["dynamodb"]["NewImage"].get("mode", {}).get("S")
            for r in event["Records"]
        }
        if any(mode == "raise" for mode in modes.values()):
            raise RuntimeError("poison record")
        failures = []
        for sequence, mode in modes.items():
            if mode == "fail" or (mode == "fail-once" and sequence not in self.seen):
                failures.append({"itemIdentifier": sequence})
            if mode == "bad-identifier":
                failures.append({"itemIdentifier": ""})
        self.seen.update(sequences)
        return {"batchItemFailures": failures}


@pytest.fixture
def pool() -> Any:
    pool = WorkerPool("test", 2)
    yield pool
    pool.shutdown()


def reader(handler: Recorder, pool: WorkerPool, tmp_path: Path, **trigger_fields: Any) -> StreamReader:
    spec = FunctionSpec(
        logical_id="Fn",
        name="fn",
        code_dir=tmp_path,
        handler="app.handler",
        timeout_seconds=5,
        memory_mb=128,
        layer_dirs=[],
        environment_node={},
    )
    function = LambdaFunction(spec, "arn:aws:lambda:us-east-1:123456789012:function:fn", handler)
    return StreamReader(
        trigger(**trigger_fields),
        function,
        STREAM_ARN,
        streams_client=None,
        pool=pool,
        stop=threading.Event(),
        region="us-east-1",
        sleep=lambda seconds: False,  # no waiting between retries in tests
    )


def test_a_successful_batch_is_delivered_once(pool: WorkerPool, tmp_path: Path) -> None:
    handler = Recorder()
    reader(handler, pool, tmp_path).deliver([record(1), record(2)])
    assert handler.batches == [["1", "2"]]


def test_partial_failures_retry_from_the_first_failed_record(pool: WorkerPool, tmp_path: Path) -> None:
    handler = Recorder()
    reader(handler, pool, tmp_path).deliver([record(1), record(2, mode="fail-once"), record(3)])
    assert handler.batches == [["1", "2", "3"], ["2", "3"]]


def test_records_are_dropped_after_maximum_retry_attempts(
    pool: WorkerPool, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    handler = Recorder()
    reader(handler, pool, tmp_path, maximum_retry_attempts=2).deliver([record(1), record(2, mode="fail"), record(3)])
    assert handler.batches == [["1", "2", "3"], ["2", "3"], ["2", "3"]]
    assert "dropping 2 record(s) (sequence numbers 2..3) after 2 retries" in caplog.text


def test_zero_retries(pool: WorkerPool, tmp_path: Path) -> None:
    handler = Recorder()
    reader(handler, pool, tmp_path, maximum_retry_attempts=0).deliver([record(1, mode="fail")])
    assert handler.batches == [["1"]]


def test_an_unknown_item_identifier_fails_the_whole_batch(pool: WorkerPool, tmp_path: Path) -> None:
    handler = Recorder()
    reader(handler, pool, tmp_path, maximum_retry_attempts=1).deliver([record(1), record(2, mode="bad-identifier")])
    assert handler.batches == [["1", "2"], ["1", "2"]]


def test_without_report_batch_item_failures_the_result_is_ignored(pool: WorkerPool, tmp_path: Path) -> None:
    handler = Recorder()
    reader(handler, pool, tmp_path, report_batch_item_failures=False).deliver([record(1, mode="fail")])
    assert handler.batches == [["1"]]


def test_a_function_error_retries_the_whole_batch(pool: WorkerPool, tmp_path: Path) -> None:
    handler = Recorder()
    reader(handler, pool, tmp_path, maximum_retry_attempts=1).deliver([record(1), record(2, mode="raise")])
    assert handler.batches == [["1", "2"], ["1", "2"]]


def test_bisection_isolates_the_poison_record(pool: WorkerPool, tmp_path: Path) -> None:
    handler = Recorder()
    records = [record(1), record(2), record(3, mode="raise"), record(4)]
    reader(handler, pool, tmp_path, bisect_on_error=True, maximum_retry_attempts=1).deliver(records)
    assert handler.batches == [
        ["1", "2", "3", "4"],
        ["1", "2"],  # halves: the first succeeds
        ["3", "4"],
        ["3"],  # halves again; halving uses up no retry
        ["3"],  # its one retry
        ["4"],
    ]


def test_lambda_record_shape() -> None:
    raw = {
        "eventID": "e1",
        "eventName": "INSERT",
        "eventVersion": "1.0",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": datetime(2025, 11, 15, 8, 23, 41, tzinfo=UTC),
            "Keys": {"pk": {"S": "a"}},
            "NewImage": {
                "pk": {"S": "a"},
                "blob": {"B": b"\x00\x01"},
                "blobs": {"BS": [b"\x02"]},
                "nested": {"M": {"b": {"B": b"\x03"}, "l": {"L": [{"B": b"\x04"}, {"N": "1"}]}}},
            },
            "SequenceNumber": "100",
            "SizeBytes": 42,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }
    shaped = lambda_record(raw, STREAM_ARN, "eu-west-1")
    b64 = lambda data: base64.b64encode(data).decode()  # noqa: E731
    assert shaped == {
        "eventID": "e1",
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "eu-west-1",
        "dynamodb": {
            "ApproximateCreationDateTime": 1763195021,
            "Keys": {"pk": {"S": "a"}},
            "NewImage": {
                "pk": {"S": "a"},
                "blob": {"B": b64(b"\x00\x01")},
                "blobs": {"BS": [b64(b"\x02")]},
                "nested": {"M": {"b": {"B": b64(b"\x03")}, "l": {"L": [{"B": b64(b"\x04")}, {"N": "1"}]}}},
            },
            "SequenceNumber": "100",
            "SizeBytes": 42,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
        "eventSourceARN": STREAM_ARN,
    }


class QuietShard:
    """A streams client whose one shard yields the records queued in `pending`, then nothing."""

    def __init__(self) -> None:
        self.pending: list[dict[str, Any]] = []

    def get_records(self, ShardIterator: str, Limit: int) -> dict[str, Any]:  # noqa: N803 - boto3's names
        records, self.pending = self.pending, []
        return {"Records": records, "NextShardIterator": ShardIterator}


def test_an_idle_stream_is_read_less_often_up_to_once_a_second_and_at_full_pace_once_records_come(
    pool: WorkerPool, tmp_path: Path
) -> None:
    stream = reader(Recorder(), pool, tmp_path)
    shard = QuietShard()
    stream.streams, stream._iterators = shard, {"shard-1": "iterator"}
    waits = []
    for _ in range(5):
        stream.poll_once()
        waits.append(stream.idle_seconds)
    assert waits == [0.5, 1.0, 1.0, 1.0, 1.0]  # from POLL_INTERVAL_SECONDS (0.25) doubling to IDLE_POLL_INTERVAL
    raw = {**record(7), "eventSource": "aws:dynamodb", "awsRegion": "us-east-1", "eventVersion": "1.0"}
    shard.pending = [raw]
    assert stream.poll_once()
    assert stream.idle_seconds == 0.25
