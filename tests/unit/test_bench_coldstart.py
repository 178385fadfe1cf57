"""The cold-start bench's ratios: round by round, so drift between rounds touches both sides."""

from pathlib import Path

from bench.coldstart import Samples, Target, _quartiles, _ratio


def samples(totals: list[float]) -> Samples:
    target = Target("t", "m", Path("."), Path("e.json"))
    return Samples(runs=[{"total_cpu_ms": total} for total in totals], target=target)


def test_the_ratio_is_the_median_of_each_rounds_ratio():
    # The machine slows down in the last rounds: both sides of each ratio slow down with it.
    reference = samples([100, 100, 100, 300, 300])
    function = samples([110, 110, 110, 330, 330])
    assert _ratio(function, reference) == "1.10"
    # One round where only the function was slowed: a ratio of medians would say 3.30, round by round 1.10.
    shifted = samples([110, 110, 330, 330, 330])
    assert _ratio(shifted, reference) == "1.10"
    assert _quartiles(function, reference) == "1.10-1.10"


def test_a_failed_reference_gives_no_ratio():
    reference = samples([])
    reference.error = "boom"
    assert _ratio(samples([1.0]), reference) == "-"
