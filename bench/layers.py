"""Layers built by their own Makefiles outside `sam build`: with other requirements, or for this machine.

`make bench` measures what `sam build` ships, and builds its references the same way: the layer's Makefile
(pip install --target, the clean-up, compileall to unchecked-hash .pyc) with REQUIREMENTS or PIP_LAMBDA_FLAGS
overridden. An empty PIP_LAMBDA_FLAGS installs wheels for this machine instead of Lambda's arm64, so that a
local CPython 3.12 can import the layer as Lambda imports the real one.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from .coldstart_worker import RESULT_PREFIX
from .stack import ROOT

LAYER_SOURCES = {"CommonLayer": ROOT / "layers" / "common", "ExtractionLayer": ROOT / "layers" / "extraction"}
BUILD_TIMEOUT_SECONDS = 900
PIP_TIMEOUT_SECONDS = 600
# Variables that would change what a child python imports or where it writes .pyc.
PYTHON_ENV_DROPPED = (
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "PYTHONPYCACHEPREFIX",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONPROFILEIMPORTTIME",
    "PYTHONNOUSERSITE",
    "PYTHONSAFEPATH",
)


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    for name in PYTHON_ENV_DROPPED:
        env.pop(name, None)
    return env


def failure_tail(process: subprocess.CompletedProcess[str]) -> str:
    """The lines that say why a command failed: its error lines if it printed any, else its last two."""
    lines = (process.stderr or process.stdout).strip().splitlines()
    errors = [line for line in lines if "error" in line.lower()]
    return " | ".join((errors or lines)[-2:])


def run_worker(command: list[str], env: dict[str, str], timeout_seconds: int) -> dict[str, Any]:
    """One sample: a worker process (bench.coldstart_worker or bench.extraction_worker), its result line parsed."""
    try:
        process = subprocess.run(  # noqa: S603 - CPython 3.12 running our own worker module
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout_seconds, check=False
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"a worker process ran over {timeout_seconds} s") from None
    lines = [line for line in process.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"exit {process.returncode}: {failure_tail(process)}")
    result: dict[str, Any] = json.loads(lines[-1][len(RESULT_PREFIX) :])
    return result


def run_step(command: list[str], what: str, timeout: int = PIP_TIMEOUT_SECONDS) -> str:
    """Runs one build step with the child environment: "" when it succeeded, else why it did not."""
    try:
        process = subprocess.run(  # noqa: S603 - pip or compileall of a CPython found by find_python312 or this one
            command, capture_output=True, text=True, timeout=timeout, check=False, env=child_env()
        )
    except subprocess.TimeoutExpired:
        return f"{what} took over {timeout} s"
    return f"{what} failed: {failure_tail(process)}" if process.returncode != 0 else ""


def pip_install(python: Path, target: Path, requirement: str, *flags: str) -> str:
    """python's pip installs requirement into target: "" when it did, else why it did not."""
    command = [
        str(python),
        *("-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--root-user-action=ignore"),
        *(*flags, "--target", str(target), requirement),
    ]
    return run_step(command, f"pip install {requirement}")


def _is_python312(path: Path) -> bool:
    try:
        process = subprocess.run(  # noqa: S603 - a python interpreter, asked its version
            [str(path), "-c", "import sys; sys.exit(sys.version_info[:2] != (3, 12))"],
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return process.returncode == 0


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.parent.name))


def python_version(python: Path) -> str:
    """The interpreter's version (3.12.1), or "3.12" when it does not say."""
    version = subprocess.run(  # noqa: S603 - an interpreter find_python312 found
        [str(python), "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    ).stdout.strip()
    return version or "3.12"


def find_python312() -> Path | None:
    """CPython 3.12 as scripts/sam_build.sh finds it: $PYTHON312_BIN_DIR, pyenv's newest 3.12.x, then PATH."""
    candidates: list[Path] = []
    if os.environ.get("PYTHON312_BIN_DIR"):
        candidates.append(Path(os.environ["PYTHON312_BIN_DIR"]) / "python3.12")
    pyenv = shutil.which("pyenv")
    if pyenv is not None:
        try:
            root = subprocess.run(  # noqa: S603 - `pyenv root` prints a directory
                [pyenv, "root"], capture_output=True, text=True, timeout=30, check=False
            ).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            root = ""
        if root:
            versions = Path(root, "versions").glob("3.12.*/bin/python3.12")
            candidates.extend(sorted(versions, key=_version_key, reverse=True))
    on_path = shutil.which("python3.12")
    if on_path is not None:
        candidates.append(Path(on_path))
    return next((path for path in candidates if path.is_file() and _is_python312(path)), None)


def build_with_makefile(
    logical_id: str,
    artifacts_dir: Path,
    python: Path,
    *,
    requirements: Path | None = None,
    for_lambda: bool = True,
) -> tuple[Path | None, str]:
    """Runs `make build-<logical_id>` of the layer's Makefile; (the layer's python/ directory, "") or (None, why)."""
    make = shutil.which("make")
    if make is None:
        return None, "make is not on PATH"
    command = [
        make,
        "--no-print-directory",
        "-C",
        str(LAYER_SOURCES[logical_id]),
        f"build-{logical_id}",
        f"ARTIFACTS_DIR={artifacts_dir}",
        f"LAYER_PYTHON={python}",
    ]
    if requirements is not None:
        command.append(f"REQUIREMENTS={requirements}")
    if not for_lambda:
        command.append("PIP_LAMBDA_FLAGS=")
    try:
        process = subprocess.run(  # noqa: S603 - the layer's own Makefile
            command,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_SECONDS,
            check=False,
            env=child_env(),
        )
    except subprocess.TimeoutExpired:
        return None, f"make build-{logical_id} took over {BUILD_TIMEOUT_SECONDS} s"
    if process.returncode != 0:
        return None, f"make build-{logical_id} failed: {failure_tail(process)}"
    site = artifacts_dir / "python"
    return (site, "") if site.is_dir() else (None, f"make build-{logical_id} made no python/ directory")


def install_runtime(python: Path, target: Path) -> tuple[Path | None, str]:
    """boto3 (the Lambda runtime's own) for the local CPython 3.12, compiled as the layers are."""
    try:
        version = importlib.metadata.version("boto3")
        requirement = f"boto3=={version}"
    except importlib.metadata.PackageNotFoundError:
        requirement = "boto3"
    why = pip_install(python, target, requirement, "--no-compile") or run_step(
        [str(python), "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", str(target)],
        f"compiling {requirement}",
    )
    if why:
        return None, why
    return target, requirement
