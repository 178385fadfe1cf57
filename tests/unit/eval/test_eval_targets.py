"""The evaluation's targets and verdicts: shares against targets, exactly; speed ratios of medians."""

from __future__ import annotations

import pytest

from eval.scoring import (
    FIELDS,
    LAYOUT_LINE_ITEMS_F1_TARGET,
    LAYOUT_TARGETS,
    SCAN_TARGETS,
    LineItemScore,
    Timing,
    fast_enough,
    ratio,
    reaches,
    verdict,
)


def test_the_issues_targets() -> None:
    assert SCAN_TARGETS == {"vendor_name": 0.85, "invoice_date": 0.90, "total": 0.90, "currency": 0.90}
    assert LAYOUT_TARGETS["vendor_name"] == 0.92
    assert LAYOUT_TARGETS["total"] == 0.95
    assert {LAYOUT_TARGETS[name] for name in FIELDS if name not in ("vendor_name", "total")} == {0.90}
    assert set(LAYOUT_TARGETS) == set(FIELDS)
    assert LAYOUT_LINE_ITEMS_F1_TARGET == 0.92


@pytest.mark.parametrize(
    ("correct", "total", "target", "met"),
    [
        (57, 60, 0.95, True),  # exactly on the target
        (56, 60, 0.95, False),
        (92, 100, 0.92, True),
        (2299, 2500, 0.92, False),  # 91.96%, shown rounded as 92.0%, is not 92%
        (4, 5, 0.80, True),
        (0, 0, 0.90, None),  # nothing labelled: nothing to judge
    ],
)
def test_shares_are_compared_with_targets_exactly(correct: int, total: int, target: float, met: bool | None) -> None:
    assert reaches(correct, total, target) is met


def test_verdicts_read_met_missed_or_nothing() -> None:
    assert [verdict(True), verdict(False), verdict(None)] == ["met", "MISSED", "–"]


def test_line_items_f1_is_judged_exactly() -> None:
    items = LineItemScore(predicted=120, truth=130, matched=115, documents=51)
    assert items.f1 == pytest.approx(0.92)
    assert items.f1_reaches(0.92) is True  # 2 × 115 ÷ 250 is 0.92 exactly
    items.matched = 114
    assert items.f1_reaches(0.92) is False
    assert LineItemScore().f1_reaches(0.92) is None


def test_timing_ratio_is_of_the_medians_per_page() -> None:
    engine = Timing.of([0.1, 0.3, 0.2])
    baseline = Timing.of([0.1, 0.1, 0.4])
    assert (engine.median, engine.documents) == (0.2, 3)
    assert ratio(engine, baseline) == pytest.approx(2.0)
    assert fast_enough(ratio(engine, baseline)) is True  # at most 2×: 2× is within
    assert fast_enough(2.01) is False
    assert ratio(engine, Timing.of([])) is None
    assert fast_enough(None) is None
