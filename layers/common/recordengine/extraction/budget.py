"""The time an extraction run may take, as the caller gave it: the engine's own budgets never outlast it.

The pipeline cuts an engine off when the function's time runs low, but a thread cannot be stopped: so that
the work stops too, the caller's deadline travels with the run (a context variable), and every budget the
engine checks (between pages, before each OCR reading, inside Tesseract's recognition) ends at it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar, copy_context
from typing import ParamSpec, TypeVar

_DEADLINE: ContextVar[float | None] = ContextVar("extraction_deadline", default=None)

P = ParamSpec("P")
R = TypeVar("R")


def within(seconds: float) -> float:
    """A deadline ``seconds`` from now, or the caller's when that comes first (``time.monotonic`` time)."""
    own = time.monotonic() + seconds
    given = _DEADLINE.get()
    return own if given is None else min(own, given)


def bound(at: float, work: Callable[P, R]) -> Callable[P, R]:
    """``work`` to run (in another thread) with ``at`` as its deadline."""

    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        context = copy_context()
        context.run(_DEADLINE.set, at)
        return context.run(work, *args, **kwargs)

    return run
