#!/usr/bin/env python3
"""Create or update a virtual environment from a requirements file, safely when run concurrently.

Usage: ensure_venv.py VENV REQUIREMENTS [INPUT ...] [-- COMMAND ...]

`make run` and `make test` started together would both find `.venv` missing and both create it and pip
install into it at once, which breaks it. Here an exclusive lock (fcntl.flock, on Linux and macOS; standard
library only, since no virtual environment exists yet) is held while the environment is checked and, when
needed, built: the second caller waits, then finds it up to date and uses it. The lock file sits beside
the environment (`<venv>.lock`, symlinks resolved, so every checkout sharing one environment shares its
lock). `<venv>/.installed` is written last: an install that was interrupted is done again next time.

The environment is up to date when `.installed` is newer than REQUIREMENTS and every INPUT (e.g. the
files REQUIREMENTS includes with -r). COMMAND, when given, runs after pip, still under the lock (the
project's environment gets the trained data of OCR's other languages this way).
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

STAMP = ".installed"


def lock_path(venv: Path) -> Path:
    real = Path(os.path.realpath(venv))
    return real.with_name(real.name + ".lock")


@contextmanager
def exclusive_lock(path: Path, waiting_message: str, out: TextIO = sys.stderr) -> Iterator[None]:
    """Holds an exclusive flock on path; says waiting_message when another process holds it first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(waiting_message, file=out, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_up_to_date(venv: Path, inputs: Sequence[Path]) -> bool:
    stamp = venv / STAMP
    if not stamp.exists():
        return False
    built = stamp.stat().st_mtime
    return all(not path.exists() or path.stat().st_mtime <= built for path in inputs)


def pip_install(venv: Path, requirements: Path) -> None:
    """Creates the environment with this Python (an existing one is kept and updated) and installs into it."""
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)  # noqa: S603 - this interpreter
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)  # noqa: S603 - pip of the environment just made
    subprocess.run([*pip, "-r", str(requirements)], check=True)  # noqa: S603 - the project's requirements


def ensure_venv(
    venv: Path,
    requirements: Path,
    inputs: Sequence[Path] = (),
    install: Callable[[Path, Path], None] = pip_install,
    out: TextIO = sys.stderr,
    then: Sequence[str] = (),
) -> bool:
    """Builds venv unless it is up to date, then runs ``then`` (a command) when given; returns whether it
    built it. Safe to call from many processes."""
    watched = [requirements, *inputs]
    waiting = f"waiting for another process to finish installing {venv} ..."
    with exclusive_lock(lock_path(venv), waiting, out):
        if is_up_to_date(venv, watched):
            return False
        print(f"installing {venv} from {requirements} (a few minutes the first time) ...", file=out, flush=True)
        install(venv, requirements)
        if then:
            subprocess.run(then, check=True)  # noqa: S603 - the Makefile's own command
        (venv / STAMP).touch()
        return True


def main(argv: Sequence[str]) -> int:
    arguments, then = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    if len(arguments) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        ensure_venv(Path(arguments[1]), Path(arguments[2]), [Path(a) for a in arguments[3:]], then=then)
    except subprocess.CalledProcessError as exc:
        print(f"error: installing {argv[1]} failed ({exc}); run the same make target again to retry", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
