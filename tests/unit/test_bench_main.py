"""`python -m bench`: sections chosen by name, a quick profile by default (BENCH_FULL=1 for the sections' own
sizes, a variable set by the caller winning over both), --help listing sections and variables, and a progress
line before and after each section."""

from __future__ import annotations

import os
import re

import pytest

import bench.__main__ as bench


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # Set, then deleted: monkeypatch then restores each (the profile sets them in os.environ).
    for name, _, _ in bench.VARIABLES:
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


@pytest.fixture
def recorded_sections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str | None]]:
    """Every section replaced by one that records its name and the reads sizes it would use."""
    ran: list[tuple[str, str | None]] = []
    fakes = {
        name: (lambda name=name: ran.append((name, os.environ.get("BENCH_READS_SIZES"))) or [f"== {name} ok"])
        for name in bench.SECTIONS
    }
    monkeypatch.setattr(bench, "SECTIONS", fakes)
    return ran


def test_help_lists_every_section_and_variable(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        bench.main(["--help"])
    assert exited.value.code == 0
    shown = capsys.readouterr().out
    for name in bench.SECTIONS:
        assert re.search(rf"^  {re.escape(name)} ", shown, re.MULTILINE), name
    for name, _, _ in bench.VARIABLES:
        assert f"{name}:" in shown


def test_every_section_has_a_description() -> None:
    assert set(bench.DESCRIPTIONS) == set(bench.SECTIONS)


def test_only_the_sections_named_run_in_the_order_given(clean_environment, recorded_sections, capsys) -> None:
    assert bench.main(["text", "reads"]) == 0
    assert [name for name, _ in recorded_sections] == ["text", "reads"]
    output = capsys.readouterr().out
    assert "[1/2] text:" in output and "[2/2] reads done in" in output


def test_an_unknown_section_is_refused_with_the_list(clean_environment, recorded_sections, capsys) -> None:
    assert bench.main(["reads", "lists"]) == 2
    assert recorded_sections == []
    assert "lists" in capsys.readouterr().err


def test_the_default_profile_leaves_out_the_100k_list_and_bench_full_runs_it(
    clean_environment, recorded_sections, monkeypatch
) -> None:
    bench.main(["reads"])
    assert "100000" not in (recorded_sections[-1][1] or "")
    monkeypatch.delenv("BENCH_READS_SIZES")
    monkeypatch.setenv("BENCH_FULL", "1")
    bench.main(["reads"])
    assert recorded_sections[-1][1] is None  # the section's own sizes: 1k, 20k and 100k


def test_the_default_profile_lists_with_a_smaller_backlog_and_bench_full_with_the_sections_own(
    clean_environment, monkeypatch
) -> None:
    monkeypatch.setattr(bench, "SECTIONS", {"reads": lambda: [bench.reads.backlog_label("status")]})
    bench.main(["reads"])
    assert bench.reads._backlog() < bench.reads.BACKLOG
    monkeypatch.delenv("BENCH_READS_BACKLOG")
    monkeypatch.setenv("BENCH_FULL", "1")
    bench.main(["reads"])
    assert bench.reads._backlog() == bench.reads.BACKLOG == 10_000


def test_a_variable_set_by_the_caller_wins_over_the_profile(clean_environment, recorded_sections, monkeypatch) -> None:
    monkeypatch.setenv("BENCH_READS_SIZES", "500")
    bench.main(["reads"])
    assert recorded_sections[-1][1] == "500"


def test_cold_start_samples_are_fewer_in_the_quick_profile(clean_environment, monkeypatch) -> None:
    assert bench._samples(bench.QUICK_SAMPLES["coldstart"]) < bench.coldstart.DEFAULT_ROUNDS
    monkeypatch.setenv("BENCH_SAMPLES", "7")
    assert bench._samples(bench.QUICK_SAMPLES["coldstart"]) == 7
