"""Cold start of every API function against a minimal Powertools handler, a fresh process per sample.

Each sample runs `python -m bench.coldstart_worker` (see that module for what is and is not timed). All
processes share one `PYTHONPYCACHEPREFIX` in a temporary directory, so every one starts from the same
compiled state: one untimed run first imports and invokes every target, writing the .pyc of everything
they import (warm .pyc, like the precompiled layer), and nothing in the work tree gets a __pycache__ from
the benchmark. The report counts the .pyc written during the samples (0 means all started alike).
Samples are interleaved (reference, every function, then again) so drift affects all targets alike.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .coldstart_worker import RESULT_PREFIX
from .stack import ROOT, StackSpec, api_functions, load_template, stack_spec

LAYER_DIR = ROOT / "layers" / "common"
EVENTS_DIR = ROOT / "events"
BENCH_DIR = Path(__file__).resolve().parent
REFERENCE = "reference"
REFERENCE_EVENT = EVENTS_DIR / "get_document" / "get_document.json"
WORKER_TIMEOUT_SECONDS = 120
# The function that answers unknown routes does its job by answering 404; every other answers 2xx or 3xx
# (GET .../file is a 302 to the download).
ERROR_ANSWERS = {"not_found": 404}


@dataclass(frozen=True)
class Target:
    name: str
    module: str
    path: Path
    sys_path: tuple[str, ...]
    event: Path

    def answered_right(self, status: object) -> bool:
        if self.name in ERROR_ANSWERS:
            return status == ERROR_ANSWERS[self.name]
        return isinstance(status, int) and 200 <= status < 400


@dataclass
class Runs:
    """A target's samples: one dict of figures per fresh process."""

    runs: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    def median(self, key: str) -> float:
        return float(statistics.median(float(run[key]) for run in self.runs))

    def spread(self, key: str) -> float:
        """(max - min) / median, in percent: how noisy this target's samples were."""
        values = [float(run[key]) for run in self.runs]
        middle = statistics.median(values)
        return (max(values) - min(values)) / middle * 100 if middle else 0.0


@dataclass
class Samples(Runs):
    target: Target = field(kw_only=True)


def targets() -> list[Target]:
    """The reference, then every function with an HttpApi event, each with one of its sample events.

    Events without path parameters come first: they need no rows beyond what the seed creates (contact 1,
    folder 1, document 1), whereas e.g. a rule's or a webhook's own id would name nothing.
    """
    found = [
        Target(REFERENCE, "reference_handler", BENCH_DIR / "reference_handler.py", (str(BENCH_DIR),), REFERENCE_EVENT)
    ]
    for code_uri in api_functions(load_template()).values():
        code_dir = ROOT / code_uri
        name = code_dir.name
        events = sorted((EVENTS_DIR / name).glob("*.json"), key=lambda p: (_has_path_parameters(p), p.name))
        if not events:
            raise FileNotFoundError(f"no sample event in events/{name}/")
        found.append(Target(name, "app", code_dir / "app.py", (str(code_dir), str(LAYER_DIR)), events[0]))
    return found


def _has_path_parameters(event_path: Path) -> bool:
    return bool(json.loads(event_path.read_text(encoding="utf-8")).get("pathParameters"))


def event_token(event_path: Path) -> str | None:
    headers = json.loads(event_path.read_text(encoding="utf-8")).get("headers") or {}
    scheme, _, token = str(headers.get("authorization", "")).partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _child_env(pycache: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONPROFILEIMPORTTIME"):
        env.pop(name, None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def _run_worker(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "bench.coldstart_worker", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=WORKER_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"a worker process ran over {WORKER_TIMEOUT_SECONDS} s") from None


def _failure(process: subprocess.CompletedProcess[str]) -> str:
    tail = (process.stderr or process.stdout).strip().splitlines()[-3:]
    return f"exit {process.returncode}: " + " | ".join(tail)


class Runner:
    def __init__(self, workdir: Path, spec: StackSpec) -> None:
        self.workdir = workdir
        self.spec = spec
        self.env = _child_env(workdir / "pycache")
        self.seed_path = workdir / "seed.json"

    def seed(self, tokens: list[str]) -> None:
        config = self.workdir / "seed-config.json"
        config.write_text(json.dumps({"spec": self.spec.to_json(), "layer_dir": str(LAYER_DIR), "tokens": tokens}))
        process = _run_worker(["--seed", str(config), str(self.seed_path)], self.env)
        if process.returncode != 0:
            raise RuntimeError(f"seeding failed: {_failure(process)}")

    def warm(self, found: list[Target]) -> dict[str, str]:
        """One untimed process that imports and invokes every target; the targets that answered wrong."""
        config = self.workdir / "warm-config.json"
        config.write_text(
            json.dumps(
                {
                    "spec": self.spec.to_json(),
                    "seed_path": str(self.seed_path),
                    "sys_path": [str(LAYER_DIR)],
                    "targets": [{"name": t.name, "path": str(t.path), "event_path": str(t.event)} for t in found],
                }
            )
        )
        process = _run_worker(["--warm", str(config)], self.env)
        lines = [line for line in process.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
        if process.returncode != 0 or not lines:
            raise RuntimeError(f"the warm-up run failed: {_failure(process)}")
        statuses: dict[str, Any] = json.loads(lines[-1][len(RESULT_PREFIX) :])
        by_name = {target.name: target for target in found}
        return {
            name: f"status {status} in the warm-up run"
            for name, status in statuses.items()
            if not by_name[name].answered_right(status)
        }

    def sample(self, target: Target) -> dict[str, Any]:
        """One fresh process; raises RuntimeError unless the handler answered as it should."""
        config = self.workdir / f"config-{target.name}.json"
        if not config.exists():
            config.write_text(
                json.dumps(
                    {
                        "spec": self.spec.to_json(),
                        "seed_path": str(self.seed_path),
                        "event_path": str(target.event),
                        "module": target.module,
                        "sys_path": list(target.sys_path),
                    }
                )
            )
        process = _run_worker([str(config)], self.env)
        lines = [line for line in process.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
        if process.returncode != 0 or not lines:
            raise RuntimeError(_failure(process))
        result: dict[str, Any] = json.loads(lines[-1][len(RESULT_PREFIX) :])
        status = result.get("status")
        if not target.answered_right(status):
            raise RuntimeError(f"status {status}: {result.get('body')}")
        return result


def _pyc_count(pycache: Path) -> int:
    return sum(1 for _ in pycache.rglob("*.pyc")) if pycache.exists() else 0


@dataclass
class Measurement:
    results: list[Samples]
    seconds: float
    pyc_after_warmup: int
    pyc_during_samples: int


def measure(samples: int) -> Measurement:
    """Samples per target (the reference first), the wall time, and .pyc counts of the shared cache."""
    started = time.monotonic()
    found = targets()
    with tempfile.TemporaryDirectory(prefix="bench-coldstart-") as tmp:
        runner = Runner(Path(tmp), stack_spec())
        runner.seed(sorted({token for t in found if (token := event_token(t.event))}))
        results = [Samples(target=target) for target in found]
        # Untimed: writes the .pyc every later process reads (and checks each target answers as it should).
        failures = runner.warm(found)
        for result in results:
            result.error = failures.get(result.target.name)
        pycache = Path(runner.env["PYTHONPYCACHEPREFIX"])
        warmed = _pyc_count(pycache)
        for _ in range(samples):
            for result in results:
                if result.error is None:
                    try:
                        result.runs.append(runner.sample(result.target))
                    except RuntimeError as error:
                        result.error = str(error)
        written = _pyc_count(pycache) - warmed
    return Measurement(results, time.monotonic() - started, warmed, written)


def report(samples: int) -> list[str]:
    measured = measure(samples)
    results, seconds = measured.results, measured.seconds
    reference = results[0]
    lines = [
        f"== Cold start: import + first invocation, fresh process per sample, median of {samples} "
        f"(warm .pyc, like the precompiled layer; Python {sys.version.split()[0]})",
        "   reference = Powertools APIGatewayHttpResolver, one route, one GetItem (boto3 client made at import),",
        f"   fed events/{REFERENCE_EVENT.parent.name}/{REFERENCE_EVENT.name}; moto in-process in every sample",
    ]
    if reference.error is not None or not reference.runs:
        return [*lines, f"   skipped: the reference failed: {reference.error}"]
    ref_total = reference.median("total_ms")
    lines.append(
        f"   {'function':<24}{'event':<20}{'import':>7}{'invoke':>7}{'total':>7}{'spread':>7}{'ref':>6}{'ratio':>7}"
    )
    for result in results:
        name = "(reference)" if result is reference else result.target.name
        if result.error is not None:
            lines.append(f"   {name:<24}{result.target.event.name:<20}FAILED: {result.error[:200]}")
            continue
        total = result.median("total_ms")
        lines.append(
            f"   {name:<24}{result.target.event.name:<20}{result.median('import_ms'):>7.0f}"
            f"{result.median('invoke_ms'):>7.0f}{total:>7.0f}{result.spread('total_ms'):>6.0f}%"
            f"{ref_total:>6.0f}{total / ref_total:>7.2f}"
        )
    before = reference.runs[0]["modules_before"]
    lines += [
        "   ms are medians; spread = (max-min)/median of total; ratio = total / ref. Before the timer each process",
        f"   already holds ~{before} modules (moto, boto3/botocore, asyncio, email...): absolute ms run below Lambda.",
        f"   {len(results) * samples + 2} processes in {seconds:.0f} s; .pyc written by seed + warm-up: "
        f"{measured.pyc_after_warmup}, during the samples: {measured.pyc_during_samples} (0 = same compiled state).",
    ]
    return lines
