"""scripts/ensure_venv.py: `make run` and `make test` started together install the environment once.

The real install (python -m venv, pip) is replaced by a slow stand-in that records when it runs: what is
checked is the locking around it, the way two make processes meet it.
"""

from __future__ import annotations

import importlib.util
import io
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "ensure_venv.py"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ensure_venv", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ensure_venv = _load_script()


class SlowInstall:
    """Stands in for pip: takes a while, and notes every install and any overlap between two of them."""

    def __init__(self, seconds: float = 0.5) -> None:
        self.seconds = seconds
        self.installs = 0
        self.running = 0
        self.overlapped = False
        self._guard = threading.Lock()

    def __call__(self, venv: Path, requirements: Path) -> None:
        with self._guard:
            self.running += 1
            self.installs += 1
            self.overlapped |= self.running > 1
        venv.mkdir(exist_ok=True)
        time.sleep(self.seconds)
        with self._guard:
            self.running -= 1


@pytest.fixture
def requirements(tmp_path: Path) -> Path:
    path = tmp_path / "requirements.txt"
    path.write_text("example-package\n")
    return path


def test_two_at_once_install_once_and_the_second_waits(tmp_path: Path, requirements: Path) -> None:
    venv = tmp_path / ".venv"
    install = SlowInstall()
    outputs = [io.StringIO(), io.StringIO()]
    built: list[bool] = []

    def make_target(out: io.StringIO) -> None:
        built.append(ensure_venv.ensure_venv(venv, requirements, install=install, out=out))

    threads = [threading.Thread(target=make_target, args=(out,)) for out in outputs]
    for thread in threads:
        thread.start()
        time.sleep(0.1)  # the first one holds the lock by now
    for thread in threads:
        thread.join(10)

    assert install.installs == 1
    assert not install.overlapped
    assert sorted(built) == [False, True]
    assert (venv / ".installed").exists()
    assert "waiting for another process to finish installing" in outputs[1].getvalue()


def test_waits_for_another_process_holding_the_lock(tmp_path: Path, requirements: Path) -> None:
    venv = tmp_path / ".venv"
    lock = ensure_venv.lock_path(venv)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time\n"
            f"handle = open({str(lock)!r}, 'a')\n"
            "fcntl.flock(handle, fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\n"
            "time.sleep(1.5)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        out = io.StringIO()
        started = time.monotonic()
        assert ensure_venv.ensure_venv(venv, requirements, install=SlowInstall(0), out=out)
        assert time.monotonic() - started > 0.5
        assert "waiting for another process" in out.getvalue()
    finally:
        holder.kill()
        holder.wait()


def test_changed_requirements_install_again(tmp_path: Path, requirements: Path) -> None:
    venv = tmp_path / ".venv"
    included = tmp_path / "layer-requirements.txt"
    included.write_text("other-package\n")
    install = SlowInstall(0)
    assert ensure_venv.ensure_venv(venv, requirements, [included], install=install, out=io.StringIO())
    assert not ensure_venv.ensure_venv(venv, requirements, [included], install=install, out=io.StringIO())
    later = time.time() + 5
    os.utime(included, (later, later))
    assert ensure_venv.ensure_venv(venv, requirements, [included], install=install, out=io.StringIO())
    assert install.installs == 2


def test_an_interrupted_install_is_done_again(tmp_path: Path, requirements: Path) -> None:
    venv = tmp_path / ".venv"

    def failing_install(venv: Path, requirements: Path) -> None:
        venv.mkdir()
        raise subprocess.CalledProcessError(1, ["pip", "install"])

    with pytest.raises(subprocess.CalledProcessError):
        ensure_venv.ensure_venv(venv, requirements, install=failing_install, out=io.StringIO())
    assert not (venv / ".installed").exists()
    install = SlowInstall(0)
    assert ensure_venv.ensure_venv(venv, requirements, install=install, out=io.StringIO())
    assert install.installs == 1


def test_checkouts_sharing_an_environment_share_its_lock(tmp_path: Path) -> None:
    real = tmp_path / "main" / ".venv"
    real.mkdir(parents=True)
    linked = tmp_path / "worktree" / ".venv"
    linked.parent.mkdir()
    linked.symlink_to(real)
    assert ensure_venv.lock_path(linked) == ensure_venv.lock_path(real) == tmp_path / "main" / ".venv.lock"


def test_the_script_needs_only_the_standard_library() -> None:
    # make runs it with the system Python, before any virtual environment exists (-S: no site-packages).
    result = subprocess.run([sys.executable, "-S", str(SCRIPT)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "Usage: ensure_venv.py VENV REQUIREMENTS" in result.stderr
