"""One API cold-start sample in a fresh CPython 3.12:
`python3.12 -B -s -m bench.coldstart_worker MODULE EVENT_PATH SYS_PATH`.

Before the timer: only a few standard modules (os, sys, time, importlib; json comes after the timer), and
sys.path as Lambda sets it (the function's code, then the layer, then the runtime's boto3); the parent
sets the function's environment, with AWS_ENDPOINT_URL naming a moto server in another process (seeded
once by the parent, so nothing of moto or of the seed code is in this process). Timed, as CPU time of
the process (every thread) and as wall time: `import MODULE` (functions/<name>/app.py, or a reference),
then its first invocation `MODULE.handler(event, context)`. The event file is read between the two, with
the clocks stopped. `-B`: nothing writes .pyc, so the layer's shipped .pyc are what is read and app.py is
compiled on every start, as in Lambda's read-only /var/task. The result is one `BENCH_RESULT {json}` line.
"""

from __future__ import annotations

import importlib
import os
import sys
import time

# typing is not imported at run time either (annotations are strings here): the handler pays for it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

RESULT_PREFIX = "BENCH_RESULT "
USAGE = "usage: python3.12 -B -s -m bench.coldstart_worker MODULE EVENT_PATH SYS_PATH"


class FakeLambdaContext:
    """The attributes of a Lambda context that handlers and Powertools read."""

    function_name = "bench"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    memory_limit_in_mb = 512
    aws_request_id = "00000000-0000-0000-0000-000000000000"
    log_group_name = "/aws/lambda/bench"
    log_stream_name = "bench"

    def __init__(self, timeout_ms: int = 29_000) -> None:
        self._deadline = time.monotonic() + timeout_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def measure(module_name: str, event_path: str, sys_path: list[str]) -> dict[str, Any]:
    # `-m` put the working directory first on sys.path; Lambda's sys.path has the function's code and layers.
    if sys.path and os.path.abspath(sys.path[0]) == os.getcwd():
        del sys.path[0]
    sys.path[:0] = sys_path
    context = FakeLambdaContext()
    modules_before = len(sys.modules)

    cpu0, wall0 = time.process_time(), time.perf_counter()
    module = importlib.import_module(module_name)
    cpu1, wall1 = time.process_time(), time.perf_counter()
    import json  # the clocks are stopped: reading the event is not part of the cold start

    with open(event_path, encoding="utf-8") as event_file:
        event = json.load(event_file)
    cpu2, wall2 = time.process_time(), time.perf_counter()
    response = module.handler(event, context)
    cpu3, wall3 = time.process_time(), time.perf_counter()

    status = response.get("statusCode") if isinstance(response, dict) else None
    return {
        "import_cpu_ms": (cpu1 - cpu0) * 1000,
        "invoke_cpu_ms": (cpu3 - cpu2) * 1000,
        "total_cpu_ms": (cpu1 - cpu0 + cpu3 - cpu2) * 1000,
        "total_wall_ms": (wall1 - wall0 + wall3 - wall2) * 1000,
        "status": status if isinstance(status, int) else None,
        "body": str(response.get("body", ""))[:300] if isinstance(response, dict) else repr(response)[:300],
        "modules_before": modules_before,
        "modules_imported": len(sys.modules) - modules_before,
        "loaded": sorted(sys.modules),
    }


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(USAGE, file=sys.stderr)
        return 2
    module_name, event_path, sys_path = argv
    result = measure(module_name, event_path, [entry for entry in sys_path.split(os.pathsep) if entry])
    import json

    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
