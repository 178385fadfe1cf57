"""Running Lambda handlers in-process: loading them, their context object and the worker threads.

Every function's handler file is `app.py`, so each is imported from its file under a module name of its
own. Handlers run on worker threads that each own an asyncio event loop, because Mangum calls
`asyncio.get_event_loop()`, which fails on a thread that has none. Each invocation has Powertools Logger
keys of its own (local/logging_isolation.py), as each function's process has in Lambda.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import logging
import os
import queue
import re
import secrets
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from .iam import Policy, acting_as, install
from .logging_isolation import isolate_powertools_logger_keys, run_as_invocation
from .model import FunctionSpec

log = logging.getLogger("local.runtime")

T = TypeVar("T")

# Lambda's default concurrency quota per account and Region: the most executions at once of the functions
# with no reservation, and what an SQS event source on a FIFO queue may scale to when nothing else bounds it.
ACCOUNT_CONCURRENCY = 1000


@dataclass
class LambdaContext:
    """The attributes and method of the Python runtime's context object that handlers and Powertools use."""

    function_name: str
    memory_limit_in_mb: int
    invoked_function_arn: str
    timeout_seconds: int
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    identity: Any = None
    client_context: Any = None
    _deadline: float = 0.0

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_seconds
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        day = time.strftime("%Y/%m/%d", time.gmtime())
        self.log_stream_name = f"{day}/[{self.function_version}]{secrets.token_hex(16)}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class HandlerLoadError(Exception):
    pass


def _module_name(logical_id: str) -> str:
    return "local_fn_" + re.sub(r"\W", "_", logical_id)


def add_layers_to_path(dirs: list[Path]) -> None:
    """Lambda puts layers on sys.path ahead of site-packages; so does the local stack, once per folder."""
    for directory in reversed(dirs):
        entry = str(directory)
        if entry not in sys.path:
            sys.path.insert(0, entry)


def load_module(spec: FunctionSpec) -> ModuleType:
    name = _module_name(spec.logical_id)
    module_spec = importlib.util.spec_from_file_location(name, spec.handler_file)
    if module_spec is None or module_spec.loader is None:
        raise HandlerLoadError(f"{spec.logical_id}: cannot import {spec.handler_file}")
    module = importlib.util.module_from_spec(module_spec)
    # Registered before executing, as a normal import does (dataclasses and pickling look modules up here).
    sys.modules[name] = module
    # The code folder is on sys.path in Lambda, so a handler may import a module next to it; the folders of
    # all functions cannot all stay on sys.path here (their files share names), so only during the import.
    code_dir = str(spec.code_dir)
    sys.path.insert(0, code_dir)
    try:
        module_spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(name, None)
        raise HandlerLoadError(f"{spec.logical_id}: importing {spec.handler_file} failed: {exc!r}") from exc
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(code_dir)
    return module


@dataclass
class LambdaFunction:
    spec: FunctionSpec
    arn: str
    handler: Callable[[Any, LambdaContext], Any]
    # Its execution role's policy, enforced on the AWS calls the handler makes (local/iam.py); None: unchecked.
    policy: Policy | None = None

    @classmethod
    def load(cls, spec: FunctionSpec, arn: str, policy: Policy | None = None) -> LambdaFunction:
        # Every function shares this process: each invocation logs with its own Powertools keys.
        isolate_powertools_logger_keys()
        if policy is not None:
            install()
        module = load_module(spec)
        handler = getattr(module, spec.handler_attribute, None)
        if not callable(handler):
            raise HandlerLoadError(f"{spec.logical_id}: {spec.handler_file} has no callable {spec.handler_attribute}")
        return cls(spec, arn, handler, policy)

    def new_context(self) -> LambdaContext:
        return LambdaContext(
            function_name=self.spec.name,
            memory_limit_in_mb=self.spec.memory_mb,
            invoked_function_arn=self.arn,
            timeout_seconds=self.spec.timeout_seconds,
        )

    def invoke_on(self, pool: WorkerPool, event: Any) -> Any:
        """Invokes the handler synchronously on one of `pool`'s threads (as an event source mapping does) and
        returns its result; raises concurrent.futures.TimeoutError once it runs past its Timeout."""
        future, _ = self.start_on(pool, event)
        return future.result(timeout=self.spec.timeout_seconds)

    def start_on(self, pool: WorkerPool, event: Any) -> tuple[Future[Any], LambdaContext]:
        """Starts the handler on one of `pool`'s threads and returns once a thread has taken it: its future and
        its context. The Timeout, and the context's remaining time, count from then, never while the event
        waits for a thread: in Lambda that wait is the event source's (or, for a request, does not happen)."""
        taken = threading.Event()
        contexts: list[LambdaContext] = []

        def run() -> Any:
            contexts.append(self.new_context())
            taken.set()
            return self.invoke(event, contexts[0])

        future = pool.submit(run)
        taken.wait()
        return future, contexts[0]

    def invoke(self, event: Any, context: LambdaContext | None = None) -> Any:
        """Runs the handler on the calling thread (which must be a worker thread with an event loop)."""
        context = context or self.new_context()
        started = time.monotonic()
        try:
            with acting_as(self.policy):
                return run_as_invocation(lambda: self.handler(event, context))
        finally:
            elapsed = time.monotonic() - started
            log.debug("%s %s took %.0f ms", self.spec.logical_id, context.aws_request_id, elapsed * 1000)
            if elapsed > self.spec.timeout_seconds:
                log.warning(
                    "%s ran %.1f s, longer than its Timeout of %d s: Lambda would have stopped it",
                    self.spec.logical_id,
                    elapsed,
                    self.spec.timeout_seconds,
                )


def cpu_count() -> int:
    """The cores this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)


_STOP: Any = object()


class WorkerPool:
    """Up to `size` daemon threads, each with its own event loop, taking work in the order it was submitted.

    A thread is started when work arrives and every thread is busy, so a pool as large as Lambda's account
    concurrency costs only the threads its busiest moment needs. Not concurrent.futures.ThreadPoolExecutor:
    its threads are joined at interpreter exit, so one handler that is still running would keep Ctrl-C from
    stopping the stack.
    """

    def __init__(self, name: str, size: int) -> None:
        self.name = name
        self.size = size
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._idle = 0  # threads started and not running work
        self._waiting = 0  # work submitted and not yet taken by a thread

    @property
    def threads(self) -> int:
        """The threads started so far: the most work this pool has run at once."""
        with self._lock:
            return len(self._threads)

    def submit(self, fn: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        with self._lock:
            self._waiting += 1
            if self._waiting > self._idle and len(self._threads) < self.size:
                thread = threading.Thread(target=self._run, name=f"{self.name}-{len(self._threads)}", daemon=True)
                self._threads.append(thread)
                self._idle += 1
                thread.start()
        self._queue.put((fn, future))
        return future

    def _run(self) -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            with self._lock:
                self._waiting -= 1
                self._idle -= 1
            fn, future = item
            result: Any = None
            error: BaseException | None = None
            running = future.set_running_or_notify_cancel()
            if running:
                try:
                    result = fn()
                except BaseException as exc:  # handed to whoever waits on the future
                    error = exc
            # Idle before the result is out, so that work its waiter submits next finds this thread.
            with self._lock:
                self._idle += 1
            if running and error is not None:
                future.set_exception(error)
            elif running:
                future.set_result(result)

    def shutdown(self, timeout: float = 2.0) -> None:
        with self._lock:
            threads = list(self._threads)
            self.size = 0  # nothing new starts
        for _ in threads:
            self._queue.put(_STOP)
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        busy = [t.name for t in threads if t.is_alive()]
        if busy:
            log.info("not waiting for handlers still running on %s", ", ".join(busy))


class PollingThread:
    """A daemon thread that calls `poll_once` until `stop` is set (event source mappings: SQS, streams).

    A failed poll is logged and retried after `failure_seconds`; after a poll that found nothing the thread
    waits `idle_seconds`.
    """

    name: str
    stop: threading.Event
    idle_seconds: float = 1.0
    failure_seconds: float = 1.0
    _thread: threading.Thread | None = None

    def poll_once(self) -> Any:
        raise NotImplementedError

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"poll-{self.name}", daemon=True)
        self._thread.start()

    def join(self, timeout: float) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                busy = bool(self.poll_once())
            except Exception:
                if self.stop.is_set():
                    return
                log.exception("%s: polling failed", self.name)
                self.stop.wait(self.failure_seconds)
                continue
            if not busy and self.idle_seconds:
                self.stop.wait(self.idle_seconds)
