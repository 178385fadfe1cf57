"""`python -m local.with_stack -- CMD ARGS... [-- CMD2 ARGS...]`: run commands against a fresh local stack.

Starts `python -m local` as a subprocess on free ports, waits until GET /api/health answers, runs each
command in turn with RECORDENGINE_URL and RECORDENGINE_TOKEN in its environment (one process each, so
that test suites with their own conftest.py don't meet), stops the stack and exits non-zero when any
command failed (with the first failing command's exit code). The stack's log goes to a file, printed
when the stack fails to start or a command fails.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

STARTUP_TIMEOUT_SECONDS = 90.0
STOP_TIMEOUT_SECONDS = 15.0
LOG_TAIL_LINES = 200


class StartError(Exception):
    pass


def split_commands(argv: Sequence[str]) -> list[list[str]]:
    """["--", "a", "b", "--", "c"] -> [["a", "b"], ["c"]]; what comes before the first "--" is ignored."""
    if "--" not in argv:
        raise ValueError("usage: python -m local.with_stack -- CMD [ARGS...] [-- CMD2 [ARGS...]]")
    rest = list(argv[list(argv).index("--") + 1 :])
    commands: list[list[str]] = [[]]
    for arg in rest:
        if arg == "--":
            commands.append([])
        else:
            commands[-1].append(arg)
    commands = [c for c in commands if c]
    if not commands:
        raise ValueError("no command given after --")
    return commands


def _health(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/health", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


class StackProcess:
    def __init__(self, workdir: Path, extra_args: Sequence[str] = ()) -> None:
        self.workdir = workdir
        self.state_file = workdir / "stack.json"
        self.log_file = workdir / "stack.log"
        self.extra_args = list(extra_args)
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.token = ""

    def start(self) -> None:
        env = dict(os.environ)
        # Port 0: the stack binds free ports itself, so two runs never race for a port.
        env.update(PORT="0", MOTO_PORT="0", RECORDENGINE_LOCAL_STATE=str(self.state_file))
        with self.log_file.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - this interpreter, our own module
                [sys.executable, "-m", "local", *self.extra_args],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
            )
        started = time.monotonic()
        deadline = started + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StartError(f"the local stack exited with code {self.process.returncode} while starting")
            if self.state_file.exists():
                try:
                    state = json.loads(self.state_file.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    state = None
                if state and _health(state["url"]):
                    self.url, self.token = state["url"], state.get("token") or ""
                    print(
                        f"with_stack: local stack up at {self.url} in {time.monotonic() - started:.1f} s "
                        f"(pid {self.process.pid})",
                        file=sys.stderr,
                        flush=True,
                    )
                    return
            time.sleep(0.1)
        raise StartError(f"the local stack did not answer /api/health within {STARTUP_TIMEOUT_SECONDS:.0f} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            print("with_stack: the stack did not stop on SIGTERM; killing it", file=sys.stderr)
            self.process.kill()
            self.process.wait()
        print(f"with_stack: local stack stopped in {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)


def run(commands: list[list[str]], stack_args: Sequence[str] = ()) -> int:
    with tempfile.TemporaryDirectory(prefix="recordengine-stack-") as tmp:
        stack = StackProcess(Path(tmp), stack_args)
        exit_code = 0
        show_log = False
        try:
            stack.start()
            env = dict(os.environ, RECORDENGINE_URL=stack.url, RECORDENGINE_TOKEN=stack.token)
            for command in commands:
                print(f"with_stack: running {' '.join(command)}", file=sys.stderr, flush=True)
                try:
                    code = subprocess.call(command, env=env)  # noqa: S603 - the caller's own command
                except FileNotFoundError:
                    print(f"with_stack: command not found: {command[0]}", file=sys.stderr)
                    code = 127
                if code != 0:
                    print(f"with_stack: {' '.join(command)} exited with {code}", file=sys.stderr, flush=True)
                    exit_code = exit_code or code
                    show_log = True
        except StartError as exc:
            print(f"with_stack: {exc}", file=sys.stderr)
            exit_code, show_log = 1, True
        except KeyboardInterrupt:
            exit_code = 130
        finally:
            stack.stop()
            if show_log:
                print(f"---- local stack log (last {LOG_TAIL_LINES} lines) ----", file=sys.stderr)
                print(_tail(stack.log_file), file=sys.stderr, flush=True)
        return exit_code


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        commands = split_commands(argv)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    # Arguments before the first "--" go to the stack (e.g. --template, --parameter-overrides).
    stack_args = argv[: argv.index("--")]
    # SIGTERM to this process stops the stack too (through the finally above).
    signal.signal(signal.SIGTERM, _raise_interrupt)
    return run(commands, stack_args)


if __name__ == "__main__":
    sys.exit(main())
