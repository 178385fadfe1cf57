"""A run whose time ran out while other work held its CPU is Overloaded; one slow by its own work, or that
failed for another reason, keeps its own failure."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from recordengine.extraction import budget
from recordengine.extraction.budget import OVERLOADED, Overloaded, own_work_within
from recordengine.extraction.errors import UnreadableDocument

TIMED_OUT = "took too long"
NO_TEXT = "no text"


def fail_after_waiting(message: str, deadline: float, seconds: float = 0.3) -> None:
    with own_work_within(deadline, frozenset({TIMED_OUT})):
        time.sleep(seconds)  # the thread waits: no CPU of its own
        raise UnreadableDocument(message)


def test_a_time_out_while_the_thread_barely_ran_is_overloaded() -> None:
    with pytest.raises(Overloaded, match=OVERLOADED) as raised:
        fail_after_waiting(TIMED_OUT, deadline=time.monotonic() + 60)
    assert str(raised.value.__cause__) == TIMED_OUT


def test_any_failure_once_the_deadline_passed_while_the_thread_barely_ran_is_overloaded() -> None:
    with pytest.raises(Overloaded):
        fail_after_waiting(NO_TEXT, deadline=time.monotonic() + 0.1)


def test_a_time_out_of_a_thread_that_had_the_cpu_is_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(budget, "_thread_cpu_seconds", time.monotonic)  # as if it ran all the while
    with pytest.raises(UnreadableDocument, match=TIMED_OUT) as raised:
        fail_after_waiting(TIMED_OUT, deadline=time.monotonic() + 0.1)
    assert not isinstance(raised.value, Overloaded)


def test_another_failure_before_the_deadline_keeps_its_reason() -> None:
    with pytest.raises(UnreadableDocument, match=NO_TEXT) as raised:
        fail_after_waiting(NO_TEXT, deadline=time.monotonic() + 60)
    assert not isinstance(raised.value, Overloaded)


def test_without_its_own_budgets_a_run_has_the_callers_whole_time() -> None:
    ends = time.monotonic() + 100
    with ThreadPoolExecutor(max_workers=1) as pool:
        last_attempt = pool.submit(budget.bound(ends, budget.within, own_budgets=False), 60).result()
        earlier = pool.submit(budget.bound(ends, budget.within), 60).result()
    assert last_attempt == ends
    assert earlier < ends - 30
