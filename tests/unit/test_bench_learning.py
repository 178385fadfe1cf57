"""The learning bench measures what it says: the hints it times find the field they were learned for."""

import re

import pytest

from bench import learning


def test_the_learning_bench_reads_every_document_with_the_learned_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BENCH_LEARNING_ROUNDS", "1")
    lines = learning.report()
    assert "fields found by hints per reading: 1.0" in lines[1]
    ratio = re.search(r"ratio (\d+\.\d+) \(target <= 1.05\): (met|MISSED)", lines[-1])
    assert ratio is not None and float(ratio.group(1)) >= 1.0
