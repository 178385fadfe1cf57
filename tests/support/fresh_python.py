"""Runs a script in a fresh interpreter as Lambda would start one: no AWS settings or Python flags inherited
from the test run, one region, no bytecode written; the script's last line of output is JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def run_fresh_python(script: str, *arguments: str) -> Any:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "PYTHON"))}
    env |= {"AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1", "PYTHONDONTWRITEBYTECODE": "1"}
    process = subprocess.run(
        [sys.executable, "-c", script, *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
        cwd=REPO,
    )
    assert process.returncode == 0, f"{arguments[:1]}: {process.stderr}"
    return json.loads(process.stdout.strip().splitlines()[-1])
