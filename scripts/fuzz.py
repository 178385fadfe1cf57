"""Generated fuzzing of every route: schemathesis against a running stack, counting cases and 5xx answers.

    python -m local.with_stack -- python scripts/fuzz.py [--max-examples N] [--seed N] [--out DIR]

(`make fuzz` runs exactly that.) It writes the API's OpenAPI document (generated from the routers, like
openapi.json: recordengine/api/openapi.py) with two narrowings, runs `schemathesis run` on it against
RECORDENGINE_URL with RECORDENGINE_TOKEN (a token with every scope, as the local stack's is), reads the
requests and answers from schemathesis's HAR report and prints how many cases were sent and how many got a
5xx. It exits non-zero when any answer was a 5xx or schemathesis failed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "layers" / "common"))

# Webhooks registered by the fuzzer point at a closed port on this machine: no request or name lookup for
# a generated host ever leaves it.
FUZZ_WEBHOOK_URL_PATTERN = r"^http://127\.0\.0\.1:9/[a-z0-9]{0,16}$"


# Ids in paths are text to the API (anything that is not a positive integer is a 404); valid cases use small
# ids, so that they reach objects the fuzzer made (invalid ones are any text, as before).
FUZZ_PATH_ID_PATTERN = r"^[1-9][0-9]?$"


def fuzz_document() -> dict[str, Any]:
    """The API's OpenAPI document, with the two narrowings above."""
    from recordengine.api.openapi import openapi_document

    document = openapi_document()
    webhook = document["components"]["schemas"]["WebhookCreate"]["properties"]["url"]
    webhook["pattern"] = FUZZ_WEBHOOK_URL_PATTERN
    for operations in document["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"].endswith("_id"):
                    parameter["schema"]["pattern"] = FUZZ_PATH_ID_PATTERN
    return document


def count_answers(har_path: Path) -> Counter[int]:
    har = json.loads(har_path.read_text(encoding="utf-8"))
    return Counter(int(entry["response"]["status"]) for entry in har["log"]["entries"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("FUZZ_MAX_EXAMPLES", "40")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", "20251115")))
    parser.add_argument("--out", type=Path, default=ROOT / ".local" / "fuzz", help="schema and reports")
    args = parser.parse_args(argv)
    url, token = os.environ.get("RECORDENGINE_URL"), os.environ.get("RECORDENGINE_TOKEN")
    if not url or not token:
        print("Set RECORDENGINE_URL and RECORDENGINE_TOKEN (python -m local.with_stack sets both).", file=sys.stderr)
        return 2

    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    schema = args.out / "openapi.json"
    schema.write_text(json.dumps(fuzz_document(), indent=2), encoding="utf-8")
    har = args.out / "requests.har"
    har.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        str(schema),
        "--url",
        url,
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        str(args.max_examples),
        "--seed",
        str(args.seed),
        # One worker: the stack shares the machine, and schemathesis compiles code as it goes, which
        # Python 3.11 can fail at from several threads at once.
        "--workers",
        "1",
        # No example database left behind: with the seed, a run is repeatable as it is.
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "--report",
        "har",
        "--report-har-path",
        str(har),
        "--output-sanitize",
        "true",
    ]
    print(f"fuzz: schemathesis on {len(json.loads(schema.read_text())['paths'])} paths at {url}", flush=True)
    # Run from the output folder: schemathesis keeps its cache of crashes (.schemathesis/) in the working one.
    finished = subprocess.run(command, check=False, cwd=args.out)  # noqa: S603 - this interpreter, a fixed command
    if not har.exists():
        print(f"fuzz: schemathesis wrote no report (exit {finished.returncode})", file=sys.stderr)
        return finished.returncode or 1
    answers = count_answers(har)
    server_errors = sum(n for status, n in answers.items() if status >= 500)
    by_class = ", ".join(f"{c}xx: {sum(n for s, n in answers.items() if s // 100 == c)}" for c in (2, 3, 4, 5))
    print(f"fuzz: {sum(answers.values())} cases sent, {server_errors} answered 5xx ({by_class}); report: {har}")
    if server_errors:
        return 1
    return finished.returncode


if __name__ == "__main__":
    sys.exit(main())
