"""The caller's deadline bounds every budget the engine keeps, in the thread the engine runs in."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from recordengine.extraction.budget import bound, within


def test_a_budget_is_its_own_length_without_a_caller_deadline() -> None:
    started = time.monotonic()
    assert started + 59 < within(60) <= time.monotonic() + 60


def test_the_callers_deadline_ends_every_budget_in_the_engines_thread() -> None:
    ends = time.monotonic() + 2
    with ThreadPoolExecutor(max_workers=1) as pool:
        budget = pool.submit(bound(ends, within), 60).result()
        unbounded = pool.submit(within, 60).result()
    assert budget == ends
    assert unbounded > ends + 50, "the deadline belongs to the bound run only"
