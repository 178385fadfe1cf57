"""What every pytest run of the project loads before its first test (`make test` starts several)."""

from __future__ import annotations

import pytest


def test_the_schemathesis_plugin_is_not_loaded(pytestconfig: pytest.Config) -> None:
    # Its plugin imports hypothesis, seconds per process; `make fuzz` runs schemathesis without pytest.
    assert not pytestconfig.pluginmanager.has_plugin("schemathesis")
