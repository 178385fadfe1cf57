"""Powertools Logger's keys, one set per invocation, as if each function had a process of its own.

Powertools keeps a Logger's keys (function_name, function_request_id, cold_start, correlation_id and every
appended key) in a dict on the formatter of the service's `logging.Logger`, which every `Logger()` with that
service name shares, in the process. In Lambda each function's execution environment is a process of its
own and runs one invocation at a time; in the local stack every function shares one process and runs
concurrently, so one handler's `inject_lambda_context` would rewrite the keys of another's log lines.

Here the formatters' key dicts live in a context variable: an invocation starts with a copy of the keys set
outside any invocation, and whatever it appends stays its own (tasks and `asyncio.to_thread`/anyio worker
threads it starts inherit its context, as they share its process in Lambda).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

# {id(formatter): that formatter's keys in this invocation}; None outside invocations.
_INVOCATION_KEYS: contextvars.ContextVar[dict[int, dict[str, Any]] | None] = contextvars.ContextVar(
    "local_invocation_log_keys", default=None
)
_SHARED = "_local_shared_log_format"


class _KeysPerInvocation:
    """Replaces `LambdaPowertoolsFormatter.log_format` (a data descriptor wins over the instance's dict)."""

    def __get__(self, formatter: Any, owner: type | None = None) -> Any:
        if formatter is None:
            return self
        shared = _shared_keys(formatter)
        keys = _INVOCATION_KEYS.get()
        if keys is None:
            return shared
        if id(formatter) not in keys:
            keys[id(formatter)] = dict(shared)
        return keys[id(formatter)]

    def __set__(self, formatter: Any, value: dict[str, Any]) -> None:
        keys = _INVOCATION_KEYS.get()
        if keys is None:
            formatter.__dict__[_SHARED] = value
        else:
            keys[id(formatter)] = value


def _shared_keys(formatter: Any) -> dict[str, Any]:
    state = formatter.__dict__
    if _SHARED not in state:
        # A formatter made before the patch keeps its keys as a plain attribute.
        state[_SHARED] = state.pop("log_format", {})
    shared: dict[str, Any] = state[_SHARED]
    return shared


def isolate_powertools_logger_keys() -> None:
    """Installs the per-invocation keys (once); without Powertools there is nothing to isolate."""
    try:
        from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
    except ImportError:
        return
    if not isinstance(LambdaPowertoolsFormatter.__dict__.get("log_format"), _KeysPerInvocation):
        LambdaPowertoolsFormatter.log_format = _KeysPerInvocation()  # type: ignore[assignment]


def run_as_invocation(call: Callable[[], T]) -> T:
    """Runs `call` with log keys of its own, in a copy of the calling thread's context."""

    def invocation() -> T:
        _INVOCATION_KEYS.set({})
        return call()

    return contextvars.copy_context().run(invocation)
