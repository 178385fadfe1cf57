"""Cold start of every API function against two minimal handlers doing the same AWS calls, fresh CPython 3.12
per sample.

- Python: CPython 3.12 (Lambda's runtime) found as scripts/sam_build.sh finds it; every sample is a fresh
  `python3.12 -B -s -m bench.coldstart_worker` process that imports nothing but a few standard modules
  before the timer (see that module). Timed: the handler module's import and its first invocation.
- The figure is CPU time of the process (all threads); wall time is shown beside it. Medians over
  interleaved rounds (both references, every function, then again), so drift touches all targets alike.
- Code: the CommonLayer is built by its own Makefile for this machine (PIP_LAMBDA_FLAGS emptied: this
  machine's wheels for CPython 3.12), into a temporary directory, with the same clean-up and precompiled
  .pyc as `sam build`; boto3, which the Lambda runtime provides, is installed beside it at this virtual
  environment's version. sys.path is the function's directory, the layer, then boto3, as on Lambda.
- AWS: one moto server in another process (bench/coldstart_moto.py), seeded once (the sample events' token,
  contact 1, folder 1, document 1 and its file); AWS_ENDPOINT_URL points every sample at it. After a sample
  whose request is not a GET, the tables and the bucket are put back to the seed (untimed, from here).
- References, a pair per call-set (bench/reference_calls.py): (a) a minimal one-route FastAPI + Mangum app
  (bench/reference_fastapi.py); (b) a bare Powertools APIGatewayHttpResolver (bench/reference_powertools.py).
  Each function is compared with the pair making its AWS calls (CALL_SETS; by default `get`: the two
  GetItems of get_document, the token's record then the document, fed events/get_document/get_document.json),
  fed the sample event of a function that uses it: an S3 route's references create the S3 client and make its
  S3 call; the public functions' (openapi, health, web, not_found) make no AWS call at all.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .layers import build_with_makefile, child_env, find_python312, install_runtime, python_version, run_worker
from .stack import AWS_ENV, AWS_ENV_DROPPED, ROOT, api_functions, load_template, stack_spec

LAYER_SOURCE = ROOT / "layers" / "common"
EVENTS_DIR = ROOT / "events"
BENCH_DIR = Path(__file__).resolve().parent
REFERENCE_EVENT = EVENTS_DIR / "get_document" / "get_document.json"
REFERENCES = {"reference_fastapi": "(a) FastAPI", "reference_powertools": "(b) Powertools"}
# The call-set (bench/reference_calls.py) of each function whose AWS calls are not get_document's two GetItems.
CALL_SETS = {
    "document_file": "file",
    "delete_document": "delete",
    "upload_document": "upload",
    "create_upload_url": "presign",
    # The public functions make no AWS call: the reference is FastAPI (or Powertools) alone, fed openapi's event.
    "openapi": "none",
    "health": "none",
    "web": "none",
    "not_found": "none",
}
DEFAULT_CALLS = "get"
WORKER_TIMEOUT_SECONDS = 120
MOTO_START_TIMEOUT_SECONDS = 120
DEFAULT_ROUNDS = 20
# The function that answers unknown routes does its job by answering 404; every other answers 2xx or 3xx
# (GET .../file is a 302 to the download).
ERROR_ANSWERS = {"not_found": 404}


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


@dataclass(frozen=True)
class Target:
    name: str
    module: str
    code_dir: Path
    event: Path
    calls: str = DEFAULT_CALLS

    @property
    def is_reference(self) -> bool:
        return self.module in REFERENCES

    def answered_right(self, status: object) -> bool:
        if self.name in ERROR_ANSWERS:
            return status == ERROR_ANSWERS[self.name]
        return isinstance(status, int) and 200 <= status < 400

    def changes_data(self) -> bool:
        method = json.loads(self.event.read_text(encoding="utf-8"))["requestContext"]["http"]["method"]
        return str(method).upper() not in ("GET", "HEAD", "OPTIONS")


@dataclass
class Samples(Runs):
    target: Target = field(kw_only=True)


def targets() -> list[Target]:
    """The references, a pair per call-set (`get` first), then every function with an HttpApi event, each with
    one of its sample events; a call-set's references are fed the event of the function that uses it.

    Events without path parameters come first: they need no rows beyond what the seed creates (contact 1,
    folder 1, document 1), whereas e.g. a rule's or a webhook's own id would name nothing.
    """
    functions = []
    for code_uri in api_functions(load_template()).values():
        code_dir = ROOT / code_uri
        events = sorted((EVENTS_DIR / code_dir.name).glob("*.json"), key=lambda p: (_has_path_parameters(p), p.name))
        if not events:
            raise FileNotFoundError(f"no sample event in events/{code_dir.name}/")
        calls = CALL_SETS.get(code_dir.name, DEFAULT_CALLS)
        functions.append(Target(code_dir.name, "app", code_dir, events[0], calls))
    # A call-set's references are fed the event of the first function CALL_SETS names with it.
    events = {function.name: function.event for function in functions}
    reference_events = {DEFAULT_CALLS: REFERENCE_EVENT}
    for name, calls in CALL_SETS.items():
        if name in events:
            reference_events.setdefault(calls, events[name])
    references = [
        Target(f"{label} {calls}", module, BENCH_DIR, event, calls)
        for calls, event in reference_events.items()
        for module, label in REFERENCES.items()
    ]
    return references + functions


def _has_path_parameters(event_path: Path) -> bool:
    return bool(json.loads(event_path.read_text(encoding="utf-8")).get("pathParameters"))


def event_token(event_path: Path) -> str | None:
    headers = json.loads(event_path.read_text(encoding="utf-8")).get("headers") or {}
    scheme, _, token = str(headers.get("authorization", "")).partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Moto:
    """The moto server process, seeded; puts the seed back after a sample that changed data."""

    def __init__(self, workdir: Path, found: list[Target]) -> None:
        spec = stack_spec()
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        (workdir / "spec.json").write_text(json.dumps(spec.to_json()))
        tokens = sorted({token for t in found if (token := event_token(t.event))})
        (workdir / "seed-config.json").write_text(json.dumps({"layer_dir": str(LAYER_SOURCE), "tokens": tokens}))
        self.seed_path = workdir / "seed.json"
        env = child_env()
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        self.process = subprocess.Popen(  # noqa: S603 - our own module, this interpreter
            [
                sys.executable,
                "-m",
                "bench.coldstart_moto",
                str(self.port),
                str(workdir / "spec.json"),
                str(workdir / "seed-config.json"),
                str(self.seed_path),
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if line.strip() != "READY":
            self.close()
            raise RuntimeError(f"the moto server did not start: {line.strip()} {self._stderr()}")
        self.seed = json.loads(self.seed_path.read_text(encoding="utf-8"))
        import boto3

        session = boto3.session.Session(
            aws_access_key_id=AWS_ENV["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=AWS_ENV["AWS_SECRET_ACCESS_KEY"],
            region_name=AWS_ENV["AWS_REGION"],
        )
        self.dynamodb = session.client("dynamodb", endpoint_url=self.endpoint)
        self.s3 = session.client("s3", endpoint_url=self.endpoint)

    def _stderr(self) -> str:
        try:
            _, err = self.process.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            return ""
        return " | ".join((err or "").strip().splitlines()[-3:])

    def reset(self) -> None:
        """Tables and bucket back to the seed alone (a target may delete what the next one reads)."""
        for table, items in self.seed["tables"].items():
            keys = [k["AttributeName"] for k in self.dynamodb.describe_table(TableName=table)["Table"]["KeySchema"]]
            for page in self.dynamodb.get_paginator("scan").paginate(TableName=table):
                for item in page["Items"]:
                    self.dynamodb.delete_item(TableName=table, Key={key: item[key] for key in keys})
            for start in range(0, len(items), 25):
                batch = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
                self.dynamodb.batch_write_item(RequestItems={table: batch})
        for bucket, objects in self.seed["objects"].items():
            present = self.s3.list_objects_v2(Bucket=bucket).get("Contents", [])
            for entry in present:
                if entry["Key"] not in objects:
                    self.s3.delete_object(Bucket=bucket, Key=entry["Key"])
            for key, body in objects.items():
                self.s3.put_object(Bucket=bucket, Key=key, Body=base64.b64decode(body))

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Runner:
    def __init__(self, python: Path, layer: Path, runtime: Path, endpoint: str) -> None:
        self.python, self.layer, self.runtime = python, layer, runtime
        env = child_env()
        for name in AWS_ENV_DROPPED:
            env.pop(name, None)
        env.update(AWS_ENV)
        env.update(stack_spec().env)
        env["AWS_ENDPOINT_URL"] = endpoint
        env["AWS_CONFIG_FILE"] = os.devnull
        env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
        self.env = env

    def sample(self, target: Target) -> dict[str, Any]:
        """One fresh process; raises RuntimeError unless the handler answered as it should."""
        env = {**self.env, "BENCH_REFERENCE_CALLS": target.calls} if target.is_reference else self.env
        sys_path = os.pathsep.join([str(target.code_dir), str(self.layer), str(self.runtime)])
        command = [
            str(self.python),
            "-B",
            "-s",
            "-m",
            "bench.coldstart_worker",
            target.module,
            str(target.event),
            sys_path,
        ]
        result = run_worker(command, env, WORKER_TIMEOUT_SECONDS)
        if not target.answered_right(result.get("status")):
            raise RuntimeError(f"status {result.get('status')}: {result.get('body')}")
        return result


@dataclass
class Measurement:
    results: list[Samples]
    seconds: float
    python_version: str


def measure(rounds: int, only: set[str] | None = None) -> Measurement | str:
    """Samples per target (the references first); a string says why nothing could be measured."""
    started = time.monotonic()
    python = find_python312()
    if python is None:
        return "no CPython 3.12 (PYTHON312_BIN_DIR, pyenv or python3.12)"
    version = python_version(python)
    chosen = [t for t in targets() if not t.is_reference and (only is None or t.name in only)]
    used = {DEFAULT_CALLS} | {t.calls for t in chosen}
    found = [t for t in targets() if t.is_reference and t.calls in used] + chosen
    with tempfile.TemporaryDirectory(prefix="bench-coldstart-") as tmp:
        workdir = Path(tmp)
        layer, why = build_with_makefile("CommonLayer", workdir / "common", python, for_lambda=False)
        if layer is None:
            return why
        runtime, why = install_runtime(python, workdir / "runtime")
        if runtime is None:
            return why
        moto = Moto(workdir, found)
        try:
            runner = Runner(python, layer, runtime, moto.endpoint)
            results = [Samples(target=target) for target in found]
            for round_number in range(rounds + 1):  # round 0 is untimed: checks each target, warms the file cache
                for result in results:
                    if result.error is not None:
                        continue
                    try:
                        run = runner.sample(result.target)
                        if round_number:
                            result.runs.append(run)
                    except RuntimeError as error:
                        result.error = str(error)
                    if result.target.changes_data():
                        moto.reset()
        finally:
            moto.close()
    return Measurement(results, time.monotonic() - started, version)


def _paired_ratios(result: Samples, reference: Samples) -> list[float]:
    """The target's total CPU over the reference's, round by round: the two ran a few seconds apart, so what
    drifts on the machine between rounds (load, clock, caches) touches both sides of each ratio."""
    return [
        float(run["total_cpu_ms"]) / float(base["total_cpu_ms"])
        for run, base in zip(result.runs, reference.runs, strict=False)
        if float(base["total_cpu_ms"])
    ]


def _ratio(result: Samples, reference: Samples) -> str:
    if reference.error is not None or not reference.runs:
        return "-"
    return f"{statistics.median(_paired_ratios(result, reference)):.2f}"


def _quartiles(result: Samples, reference: Samples) -> str:
    ratios = _paired_ratios(result, reference)
    if len(ratios) < 4:
        return "-"
    low, _, high = statistics.quantiles(ratios, n=4)
    return f"{low:.2f}-{high:.2f}"


def report(rounds: int = DEFAULT_ROUNDS, only: set[str] | None = None) -> list[str]:
    header = (
        "== Cold start: import + first invocation, fresh CPython 3.12 process per sample, "
        f"median of {rounds} (CPU time)"
    )
    measured = measure(rounds, only)
    if isinstance(measured, str):
        return [header, f"   skipped: {measured}"]
    results = measured.results
    references = {(r.target.module, r.target.calls): r for r in results if r.target.is_reference}
    pairs = {
        calls: (references[("reference_fastapi", calls)], references[("reference_powertools", calls)])
        for _, calls in references
    }
    lines = [
        header.replace("CPython 3.12", f"CPython {measured.python_version}"),
        "   layer built by layers/common/Makefile for this machine, precompiled as for Lambda;"
        " moto in its own process;",
        "   references per call-set (bench/reference_calls.py), making the AWS calls of the functions compared with"
        " them: (a) one-route FastAPI+Mangum, (b) bare Powertools resolver",
        f"   {'target':<24}{'event':<22}{'calls':<8}{'import':>7}{'invoke':>7}{'total':>7}{'wall':>7}{'spread':>7}"
        f"{'mods':>6}{'/(a)':>6}{'(a) IQR':>11}{'/(b)':>6}{'/get':>6}",
    ]
    for result in results:
        name, calls = result.target.name, result.target.calls
        if result.error is not None or not result.runs:
            lines.append(f"   {name:<24}{result.target.event.name:<22}FAILED: {(result.error or 'no samples')[:200]}")
            continue
        total = result.median("total_cpu_ms")
        fastapi, powertools = pairs[calls]
        lines.append(
            f"   {name:<24}{result.target.event.name:<22}{calls:<8}{result.median('import_cpu_ms'):>7.0f}"
            f"{result.median('invoke_cpu_ms'):>7.0f}{total:>7.0f}{result.median('total_wall_ms'):>7.0f}"
            f"{result.spread('total_cpu_ms'):>6.0f}%{result.runs[-1]['modules_imported']:>6}"
            f"{_ratio(result, fastapi):>6}{_quartiles(result, fastapi):>11}{_ratio(result, powertools):>6}"
            f"{_ratio(result, pairs[DEFAULT_CALLS][0]):>6}"
        )
    before = results[0].runs[0]["modules_before"] if results[0].runs else "?"
    lines += [
        "   ms of CPU (all threads), medians; wall = total wall time; spread = (max-min)/median of total CPU;",
        f"   mods = modules the target imported ({before} were loaded before the timer: the interpreter's own);",
        "   /(a), /(b) = median over the rounds of total / the total of the reference making the same calls"
        " (calls) in the same round; (a) IQR = their quartiles;",
        f"   /get = the same against (a) for `{DEFAULT_CALLS}`",
        "   (the two GetItems of get_document, what every function was compared with before the call-sets).",
        f"   {len(results) * (rounds + 1)} processes, rounds interleaved, in {measured.seconds:.0f} s"
        " (including building the layer and seeding moto).",
    ]
    return lines


def loaded_modules(name: str) -> list[str]:
    """The modules one target has loaded after its first invocation (one sample; for tests and diagnosis)."""
    measured = measure(1, {name})
    if isinstance(measured, str):
        raise RuntimeError(measured)
    result = next(r for r in measured.results if r.target.name == name)
    if result.error is not None:
        raise RuntimeError(result.error)
    return list(result.runs[0]["loaded"])
