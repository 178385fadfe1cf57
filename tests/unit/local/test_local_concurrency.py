"""A function's executions on the local stack: as many at once as its reserved concurrency (or the cores),
one event each, the rest waiting in its queue in the order they came, retries queued behind them."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest

from local.__main__ import _local_defaults
from local.async_invoke import AsyncInvoker
from local.cfn import Template, TemplateError
from local.model import FunctionSpec, load_application
from local.runtime import LambdaFunction, WorkerPool, cpu_count
from local.stack import LocalStack, StackConfig

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[3]


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


def function(handler: Callable[[Any, Any], Any], retries: int = 2) -> LambdaFunction:
    spec = FunctionSpec(
        logical_id="Worker",
        name="recordengine-local-Worker",
        code_dir=FIXTURES,
        handler="app.handler",
        timeout_seconds=30,
        memory_mb=128,
        layer_dirs=[],
        environment_node={},
    )
    spec.async_config = type(spec.async_config)(maximum_retry_attempts=retries)
    return LambdaFunction(spec, f"arn:aws:lambda:us-east-1:123456789012:function:{spec.name}", handler)


@pytest.fixture
def stop() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


def test_events_beyond_the_executions_wait_and_run_in_the_order_they_came(stop: threading.Event) -> None:
    lock = threading.Lock()
    started: list[int] = []
    running = [0, 0]  # now, most at once
    released = {n: threading.Event() for n in range(6)}

    def has_started(count: int) -> bool:
        return len(started) >= count

    def handler(event: dict[str, int], context: Any) -> None:
        with lock:
            started.append(event["n"])
            running[0] += 1
            running[1] = max(running)
        released[event["n"]].wait(10)
        with lock:
            running[0] -= 1

    executions = WorkerPool("worker-execution", 2)
    invoker = AsyncInvoker(function(handler), executions, stop)
    try:
        for n in range(6):
            invoker.invoke({"n": n})
        wait_until(lambda: len(started) == 2)
        for n in range(6):
            released[n].set()
            wait_until(partial(has_started, min(6, n + 3)))
        wait_until(lambda: running[0] == 0)
    finally:
        executions.shutdown()
    # The first two start side by side; each later one when an execution is free, in the order they came.
    assert sorted(started[:2]) == [0, 1] and started[2:] == [2, 3, 4, 5]
    assert running[1] == 2, "never more events at once than the function has executions"


def test_a_retried_event_frees_its_execution_and_queues_behind_the_waiting_events(stop: threading.Event) -> None:
    calls: list[str] = []
    failed_once: set[str] = set()

    def handler(event: dict[str, str], context: Any) -> None:
        calls.append(event["name"])
        if event["name"] == "flaky" and "flaky" not in failed_once:
            failed_once.add("flaky")
            raise RuntimeError("passing fault")

    executions = WorkerPool("worker-execution", 1)
    invoker = AsyncInvoker(function(handler), executions, stop, retry_delays=(0.2,))
    try:
        invoker.invoke({"name": "flaky"})
        invoker.invoke({"name": "waiting"})
        wait_until(lambda: len(calls) == 3)
    finally:
        executions.shutdown()
    assert calls == ["flaky", "waiting", "flaky"]


def test_a_synchronous_invocation_gets_its_whole_timeout_after_waiting_for_an_execution() -> None:
    hold = threading.Event()
    remaining: list[int] = []
    executions = WorkerPool("worker-execution", 1)
    worker = function(lambda event, context: remaining.append(context.get_remaining_time_in_millis()))
    worker.spec.timeout_seconds = 1
    try:
        executions.submit(lambda: hold.wait(10))
        waiting = threading.Thread(target=worker.invoke_on, args=(executions, {}))
        waiting.start()
        time.sleep(1.5)  # longer than the function's timeout, spent in the queue
        hold.set()
        waiting.join(10)
    finally:
        executions.shutdown()
    assert remaining and remaining[0] > 0, "the time spent waiting for an execution is not the function's"


def test_reserved_concurrency_comes_from_the_template() -> None:
    def reserved(**overrides: str) -> int | None:
        template = Template.load(REPO / "template.yaml", parameter_overrides=overrides)
        return load_application(template).functions["ExtractDocumentFunction"].reserved_concurrency

    assert reserved() is None, "no reservation unless asked: a reservation fails on a small account"
    assert reserved(ExtractionReservedConcurrency="3") == 3
    assert reserved(ExtractionReservedConcurrency="0") is None, "0 is the template's 'no reservation'"


def test_a_reservation_of_zero_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(
        dedent(
            f"""
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Stopped:
                Type: AWS::Serverless::Function
                Properties:
                  CodeUri: {FIXTURES / "functions" / "hello"}
                  Handler: app.handler
                  Runtime: python3.12
                  ReservedConcurrentExecutions: 0
            """
        )
    )
    with pytest.raises(TemplateError, match="would let no event run"):
        load_application(Template.load(path))


def test_locally_as_many_documents_are_extracted_at_once_as_there_are_cores() -> None:
    # The template declares the parameter, so the local default reaches it.
    assert _local_defaults(REPO / "template.yaml")["ExtractionReservedConcurrency"] == str(cpu_count())
    assert StackConfig(template_path=REPO / "template.yaml").unreserved_concurrency == cpu_count()


def test_a_function_s3_invokes_has_executions_of_its_own_and_the_others_share_the_event_threads() -> None:
    stack = LocalStack(StackConfig(template_path=FIXTURES / "template.yaml", unreserved_concurrency=3))
    shared = WorkerPool("events", 1)
    try:
        pools = stack._executions(load_application(Template.load(FIXTURES / "template.yaml")), shared)
    finally:
        shared.shutdown()
        for pool in stack._pools:
            pool.shutdown()
    assert stack.concurrency == {"OnUploadFunction": 3}
    assert pools["OnUploadFunction"] is not shared
    assert all(pool is shared for name, pool in pools.items() if name != "OnUploadFunction")
