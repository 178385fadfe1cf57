"""The time an extraction run may take, as the caller gave it: the engine's own budgets never outlast it.

The pipeline cuts an engine off when the function's time runs low, but a thread cannot be stopped: so that
the work stops too, the caller's deadline travels with the run (a context variable), and every budget the
engine checks (between pages, before each OCR reading, inside Tesseract's recognition) ends at it.

A budget is wall-clock time, which is the document's own work only while its thread has a CPU to itself:
that is so in a Lambda execution (one document at a time, a vCPU of its own), not in a process whose CPUs
other documents or programs share. So a run whose time ran out while its thread had only part of a CPU
(its CPU time, against the wall-clock time passed) did not fail by its own work: it is ``Overloaded``, to
be tried again, where a run that used the CPU all along is slow by its own work.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, copy_context
from typing import ParamSpec, TypeVar

from .errors import UnreadableDocument

# A run that had less than this share of a CPU while its time ran out was held back by other work. A
# document read alone uses nearly all of one (OCR is single-threaded and CPU-bound).
OWN_WORK_CPU_SHARE = 0.8
# Tesseract stops at a deadline to the millisecond; a failure this close to it came from running out of time.
_DEADLINE_REACHED_SECONDS = 0.05

OVERLOADED = "OCR could not finish in the time available: the function was busy with other documents."

_DEADLINE: ContextVar[float | None] = ContextVar("extraction_deadline", default=None)
# False: the engine's own budgets give way to the caller's deadline (a last attempt: nothing is left to retry).
_OWN_BUDGETS: ContextVar[bool] = ContextVar("extraction_own_budgets", default=True)

P = ParamSpec("P")
R = TypeVar("R")


def within(seconds: float) -> float:
    """A deadline ``seconds`` from now, or the caller's when that comes first (``time.monotonic`` time); the
    caller's alone when the caller's run does without the engine's own budgets."""
    own = time.monotonic() + seconds
    given = _DEADLINE.get()
    if given is None:
        return own
    return min(own, given) if _OWN_BUDGETS.get() else given


def bound(at: float, work: Callable[P, R], *, own_budgets: bool = True) -> Callable[P, R]:
    """``work`` to run (in another thread) with ``at`` as its deadline; without ``own_budgets``, ``at`` is
    every budget's end."""

    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        context = copy_context()
        context.run(_DEADLINE.set, at)
        context.run(_OWN_BUDGETS.set, own_budgets)
        return context.run(work, *args, **kwargs)

    return run


class Overloaded(UnreadableDocument):
    """The run's time ran out while other work held its CPU: the document is not at fault; to be retried."""


def _thread_cpu_seconds() -> float:
    return time.thread_time()


@contextmanager
def own_work_within(deadline: float, time_outs: frozenset[str]) -> Iterator[None]:
    """Runs the block, in which the calling thread does the work that ``deadline`` bounds; a failure that
    says the time ran out (one of ``time_outs``, or any once the deadline has passed) becomes ``Overloaded``
    when the thread had less than ``OWN_WORK_CPU_SHARE`` of a CPU meanwhile."""
    wall_started, cpu_started = time.monotonic(), _thread_cpu_seconds()
    try:
        yield
    except UnreadableDocument as error:
        now = time.monotonic()
        timed_out = str(error) in time_outs or now >= deadline - _DEADLINE_REACHED_SECONDS
        cpu_share = (_thread_cpu_seconds() - cpu_started) / max(now - wall_started, 1e-9)
        if timed_out and cpu_share < OWN_WORK_CPU_SHARE:
            raise Overloaded(OVERLOADED) from error
        raise
