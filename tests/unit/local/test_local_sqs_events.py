"""How many batches an SQS event source has in flight at once, on moto's SQS (in this process): on a FIFO
queue one per message group with messages to handle, so groups whose handler hangs hold up only themselves;
never more than ScalingConfig.MaximumConcurrency or the function's ReservedConcurrentExecutions."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from local.model import FunctionSpec, SqsTrigger
from local.runtime import ACCOUNT_CONCURRENCY, LambdaFunction, WorkerPool
from local.sqs_events import CONCURRENT_BATCHES, IDLE_LONG_POLL_SECONDS, SqsPoller, batches_at_once

REGION = "us-east-1"
HUNG_GROUPS = 6


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def trigger(maximum_concurrency: int | None = None) -> SqsTrigger:
    return SqsTrigger(
        function="Sender",
        event_name="Due",
        queue="Jobs",
        batch_size=1,
        filter_patterns=(),
        report_batch_item_failures=True,
        enabled=True,
        maximum_concurrency=maximum_concurrency,
    )


class Handler:
    """Handles one message per batch: a message of a group named hung-* waits until `release` is set (a
    receiver that never answers), the others return at once. Records the order and how many ran at once."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.started: list[tuple[str, int]] = []
        self.ended: list[tuple[str, int]] = []
        self.running = 0
        self.most_at_once = 0

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        (record,) = event["Records"]
        handled = (record["attributes"]["MessageGroupId"], json.loads(record["body"])["n"])
        with self.lock:
            self.started.append(handled)
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        if handled[0].startswith("hung"):
            self.release.wait(30)
        with self.lock:
            self.running -= 1
            self.ended.append(handled)
        return {"batchItemFailures": []}

    def of(self, group: str, handled: list[tuple[str, int]]) -> list[int]:
        with self.lock:
            return [n for g, n in handled if g == group]


@pytest.fixture
def sqs() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("sqs", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")


@pytest.fixture
def handler() -> Iterator[Handler]:
    handler = Handler()
    yield handler
    handler.release.set()


def fifo_queue(sqs: Any, messages: list[tuple[str, int]]) -> tuple[str, str]:
    url = sqs.create_queue(QueueName="jobs.fifo", Attributes={"FifoQueue": "true", "VisibilityTimeout": "60"})[
        "QueueUrl"
    ]
    for group, n in messages:
        sqs.send_message(
            QueueUrl=url, MessageBody=json.dumps({"n": n}), MessageGroupId=group, MessageDeduplicationId=f"{group}-{n}"
        )
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


@pytest.fixture
def run_poller(sqs: Any, handler: Handler, tmp_path: Path) -> Iterator[Callable[..., SqsPoller]]:
    stop = threading.Event()
    pools: list[WorkerPool] = []
    pollers: list[SqsPoller] = []

    def run(
        url: str,
        arn: str,
        *,
        maximum_concurrency: int | None = None,
        reserved_concurrency: int | None = None,
        client: Any = None,
    ) -> SqsPoller:
        spec = FunctionSpec(
            logical_id="Sender",
            name="sender",
            code_dir=tmp_path,
            handler="app.handler",
            timeout_seconds=60,
            memory_mb=128,
            layer_dirs=[],
            environment_node={},
            reserved_concurrency=reserved_concurrency,
        )
        function = LambdaFunction(spec, "arn:aws:lambda:us-east-1:123456789012:function:sender", handler)
        # Threads for every execution the account allows, as the stack's shared pool has: only the event
        # source bounds how many batches run at once.
        pools.append(WorkerPool("executions", ACCOUNT_CONCURRENCY))
        poller = SqsPoller(
            trigger(maximum_concurrency), function, url, arn, client or sqs, pools[-1], stop, region=REGION
        )  # fmt: skip
        poller.start()
        pollers.append(poller)
        return poller

    yield run
    handler.release.set()
    stop.set()
    for poller in pollers:
        poller.join(5)
    for pool in pools:
        pool.shutdown()


def test_a_fifo_group_whose_handler_hangs_holds_up_only_itself(
    sqs: Any, handler: Handler, run_poller: Callable[..., SqsPoller]
) -> None:
    hung = [f"hung-{i}" for i in range(HUNG_GROUPS)]
    # More hung groups than a standard queue's five batches, each queued ahead of the healthy group.
    url, arn = fifo_queue(sqs, [(group, n) for n in range(2) for group in hung] + [("healthy", n) for n in range(3)])
    run_poller(url, arn)

    assert wait_until(lambda: handler.of("healthy", handler.ended) == [0, 1, 2]), (
        f"the healthy group waited behind the hung ones: started {handler.started}"
    )
    # Every hung group had its first message in flight all along, and no second one.
    assert all(handler.of(group, handler.started) == [0] for group in hung)
    assert not any(handler.of(group, handler.ended) for group in hung)

    handler.release.set()
    assert wait_until(lambda: all(handler.of(group, handler.ended) == [0, 1] for group in hung))


def test_maximum_concurrency_bounds_the_groups_in_flight(
    sqs: Any, handler: Handler, run_poller: Callable[..., SqsPoller]
) -> None:
    hung = [f"hung-{i}" for i in range(HUNG_GROUPS)]
    url, arn = fifo_queue(sqs, [(group, 0) for group in hung])
    poller = run_poller(url, arn, maximum_concurrency=2)
    assert poller.batches_at_once == 2
    assert wait_until(lambda: len(handler.started) == 2)

    handler.release.set()
    assert wait_until(lambda: len(handler.ended) == HUNG_GROUPS)
    assert handler.most_at_once == 2


def test_a_reservation_bounds_the_groups_in_flight(
    sqs: Any, handler: Handler, run_poller: Callable[..., SqsPoller]
) -> None:
    hung = [f"hung-{i}" for i in range(HUNG_GROUPS)]
    url, arn = fifo_queue(sqs, [(group, 0) for group in hung])
    poller = run_poller(url, arn, maximum_concurrency=4, reserved_concurrency=3)
    assert poller.batches_at_once == 3
    assert wait_until(lambda: len(handler.started) == 3)
    # The batches beyond the reservation are still in the queue, not received and waiting for an execution.
    visible = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    assert visible["Attributes"]["ApproximateNumberOfMessages"] == str(HUNG_GROUPS - 3)

    handler.release.set()
    assert wait_until(lambda: len(handler.ended) == HUNG_GROUPS)
    assert handler.most_at_once == 3


@pytest.mark.parametrize(
    ("queue_arn", "maximum_concurrency", "reserved_concurrency", "expected"),
    [
        ("arn:aws:sqs:us-east-1:123456789012:work", None, None, CONCURRENT_BATCHES),
        ("arn:aws:sqs:us-east-1:123456789012:jobs.fifo", None, None, ACCOUNT_CONCURRENCY),
        ("arn:aws:sqs:us-east-1:123456789012:jobs.fifo", 10, None, 10),
        ("arn:aws:sqs:us-east-1:123456789012:work", 20, None, 20),
        ("arn:aws:sqs:us-east-1:123456789012:jobs.fifo", None, 4, 4),
        ("arn:aws:sqs:us-east-1:123456789012:work", 10, 3, 3),
    ],
)
def test_batches_at_once(
    queue_arn: str, maximum_concurrency: int | None, reserved_concurrency: int | None, expected: int
) -> None:
    assert batches_at_once(trigger(maximum_concurrency), reserved_concurrency, queue_arn) == expected


class RecordingSqs:
    """moto's SQS client, recording the WaitTimeSeconds of every receive."""

    def __init__(self, sqs: Any) -> None:
        self.sqs = sqs
        self.waits: list[int] = []

    def receive_message(self, **request: Any) -> Any:
        self.waits.append(request["WaitTimeSeconds"])
        return self.sqs.receive_message(**request)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sqs, name)


def test_an_idle_poller_long_polls_and_one_with_a_batch_in_flight_short_polls(
    sqs: Any, handler: Handler, run_poller: Callable[..., SqsPoller]
) -> None:
    url, arn = fifo_queue(sqs, [])
    recording = RecordingSqs(sqs)
    run_poller(url, arn, client=recording)
    assert wait_until(lambda: len(recording.waits) >= 3)
    assert recording.waits[0] == 0 and set(recording.waits[1:]) == {IDLE_LONG_POLL_SECONDS}

    sqs.send_message(
        QueueUrl=url, MessageBody=json.dumps({"n": 1}), MessageGroupId="hung-a", MessageDeduplicationId="hung-a-1"
    )
    assert wait_until(lambda: handler.of("hung-a", handler.started) == [1])
    in_flight_from = len(recording.waits)
    assert wait_until(lambda: len(recording.waits) >= in_flight_from + 3)
    # Short polls while the batch runs: its deletion may release a FIFO group, which a long poll would not see.
    assert set(recording.waits[in_flight_from:]) == {0}

    handler.release.set()
    assert wait_until(lambda: handler.of("hung-a", handler.ended) == [1])
    assert wait_until(lambda: recording.waits[-1] == IDLE_LONG_POLL_SECONDS)
