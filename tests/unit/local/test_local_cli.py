"""`python -m local` and `python -m local.with_stack` as processes: start, answer, stop on a signal."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from local.with_stack import split_commands

REPO = Path(__file__).resolve().parents[3]
FIXTURE_TEMPLATE = Path(__file__).parent / "fixtures" / "template.yaml"


def test_split_commands() -> None:
    assert split_commands(["--", "pytest", "tests/e2e"]) == [["pytest", "tests/e2e"]]
    assert split_commands(["--template", "t.yaml", "--", "a", "-x", "--", "b"]) == [["a", "-x"], ["b"]]
    assert split_commands(["--", "a", "--", "--", "b"]) == [["a"], ["b"]]
    with pytest.raises(ValueError, match="usage"):
        split_commands(["pytest"])
    with pytest.raises(ValueError, match="no command"):
        split_commands(["--"])


def test_the_stack_stops_on_ctrl_c_and_removes_its_state_file(tmp_path: Path) -> None:
    state_file = tmp_path / "stack.json"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "local",
            "--template",
            str(FIXTURE_TEMPLATE),
            "--port",
            "0",
            "--state-file",
            str(state_file),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not state_file.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
        assert state_file.exists(), process.communicate(timeout=10)
        state = json.loads(state_file.read_text())
        with urllib.request.urlopen(f"{state['url']}/api/health", timeout=10) as response:
            assert json.load(response) == {"status": "ok"}
        process.send_signal(signal.SIGINT)
        stopped = time.monotonic()
        stdout, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, stderr
    assert time.monotonic() - stopped < 10
    assert "local stack stopped" in stderr
    assert not state_file.exists()
    assert f"export RECORDENGINE_URL={state['url']}" in stdout
    assert state["token"] is None or f"RECORDENGINE_TOKEN={state['token']}" in stdout


def test_with_stack_runs_each_command_and_reports_the_first_failure(tmp_path: Path) -> None:
    marker = tmp_path / "second-ran"
    check = (
        "import json, os, sys, urllib.request\n"
        "url = os.environ['RECORDENGINE_URL']\n"
        "assert os.environ['RECORDENGINE_TOKEN'] or True\n"
        "body = json.load(urllib.request.urlopen(url + '/api/health'))\n"
        "sys.exit(3 if body == {'status': 'ok'} else 1)\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "local.with_stack",
            "--template",
            str(FIXTURE_TEMPLATE),
            "--",
            sys.executable,
            "-c",
            check,
            "--",
            sys.executable,
            "-c",
            f"open({str(marker)!r}, 'w').write('yes')",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3, result.stderr
    assert marker.read_text() == "yes"
    assert "local stack up at http://127.0.0.1:" in result.stderr
    assert "local stack stopped" in result.stderr
    # A failing command shows the stack's log.
    assert "---- local stack log" in result.stderr
