"""Running handlers in-process: each invocation logs with its own function's Powertools keys; worker threads
are started as the work needs them."""

from __future__ import annotations

import io
import json
import logging
import threading
from pathlib import Path

from local.model import FunctionSpec
from local.runtime import ACCOUNT_CONCURRENCY, LambdaFunction, WorkerPool

FUNCTIONS = Path(__file__).parent / "fixtures" / "functions"


def logs_function(logical_id: str) -> LambdaFunction:
    spec = FunctionSpec(
        logical_id=logical_id,
        name=f"recordengine-local-{logical_id}",
        code_dir=FUNCTIONS / "logs",
        handler="app.handler",
        timeout_seconds=10,
        memory_mb=128,
        layer_dirs=[],
        environment_node={},
    )
    return LambdaFunction.load(spec, f"arn:aws:lambda:us-east-1:123456789012:function:{spec.name}")


def test_concurrent_invocations_log_with_their_own_function_name() -> None:
    functions = [logs_function("FirstFunction"), logs_function("SecondFunction")]
    output = io.StringIO()
    handler = next(h for h in logging.getLogger("local-logging-isolation").handlers if hasattr(h, "setStream"))
    handler.setStream(output)
    barrier = threading.Barrier(2)
    pool = WorkerPool("logs", 2)
    try:
        futures = [
            pool.submit(lambda fn=fn: fn.invoke({"caller": fn.spec.name, "barrier": barrier})) for fn in functions
        ]
        for future in futures:
            future.result(timeout=10)
    finally:
        pool.shutdown()
    lines = [json.loads(line) for line in output.getvalue().splitlines()]
    assert sorted(line["message"] for line in lines) == ["finished", "finished", "started", "started"]
    # Both invocations appended their context before either logged "finished": shared keys would mix them.
    assert all(line["function_name"] == line["caller"] for line in lines), lines
    requests = {line["caller"]: line["function_request_id"] for line in lines if line["message"] == "started"}
    assert all(line["function_request_id"] == requests[line["caller"]] for line in lines)


def test_a_pool_starts_a_thread_only_when_work_finds_every_thread_busy() -> None:
    pool = WorkerPool("on-demand", ACCOUNT_CONCURRENCY)
    release = threading.Event()
    running = threading.Semaphore(0)

    def hold() -> None:
        running.release()
        release.wait(10)

    try:
        assert pool.threads == 0
        held = [pool.submit(hold) for _ in range(7)]
        # All seven at once: none waits for another to end.
        for _ in held:
            assert running.acquire(timeout=10)
        assert pool.threads == 7
        release.set()
        for future in held:
            future.result(timeout=10)
        # Work that finds an idle thread runs on it.
        for _ in range(3):
            pool.submit(lambda: None).result(timeout=10)
        assert pool.threads == 7
    finally:
        release.set()
        pool.shutdown()
