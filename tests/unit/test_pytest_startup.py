"""What every pytest run of the project loads before its first test (`make test` starts several)."""

from __future__ import annotations

import pytest


def test_the_schemathesis_and_hypothesis_plugins_are_not_loaded(pytestconfig: pytest.Config) -> None:
    # Each imports hypothesis, seconds per process; `make fuzz` runs schemathesis without pytest.
    assert not pytestconfig.pluginmanager.has_plugin("schemathesis")
    assert not pytestconfig.pluginmanager.has_plugin("hypothesispytest")
