"""`make run` on a busy port says so at once, before installing anything, and says how to choose another."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from local.ports import LOOPBACK, PortInUse, check_port_free

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind((LOOPBACK, 0))
        server.listen()
        yield server.getsockname()[1]


def test_a_busy_port_is_reported_with_how_to_choose_another(busy_port: int) -> None:
    with pytest.raises(PortInUse) as caught:
        check_port_free(LOOPBACK, busy_port, "PORT")
    message = str(caught.value)
    assert f"port {busy_port} is in use" in message
    assert "make run" in message
    assert "PORT=0" in message


def test_a_free_port_and_port_zero_pass(busy_port: int) -> None:
    check_port_free(LOOPBACK, 0, "PORT")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        free = probe.getsockname()[1]
    check_port_free(LOOPBACK, free, "PORT")


def test_the_check_runs_without_any_installed_package(busy_port: int) -> None:
    # -S: no site-packages, as with the system Python before `make run` has created .venv.
    result = subprocess.run(
        [sys.executable, "-S", "-m", "local.ports"],
        cwd=REPO,
        env={"PORT": str(busy_port), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert f"port {busy_port} is in use" in result.stderr
    assert "PORT=" in result.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_stops_on_a_busy_port_before_installing(busy_port: int, tmp_path: Path) -> None:
    venv = tmp_path / "venv-that-must-not-be-created"
    started = time.monotonic()
    result = subprocess.run(
        ["make", "--no-print-directory", "run", f"PORT={busy_port}", f"VENV={venv}", f"PYTHON={sys.executable}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"port {busy_port} is in use" in result.stderr
    assert time.monotonic() - started < 15
    assert not venv.exists()
