"""One extraction cold-start sample in a fresh CPython 3.12:
`python3.12 -B -s -m bench.extraction_worker TARGET IMAGE MEDIA_TYPE TESSDATA SYS_PATH`.

Before the timer: only a few standard modules (os, sys, time, io, importlib; json comes after the timer,
as it brings re and enum), sys.path as Lambda sets it (the function's code, then the layers, then the
runtime's boto3), and the image's bytes read into memory; the parent sets the function's environment.
Timed, as CPU time of the process (every thread) and as wall time, in two phases:

- target "function": `import app` (functions/extract_document/app.py and all it imports), then the first
  document: `recordengine.extraction.extract_document(image, "image/png", INVOICE_PROFILE)`.
- target "reference": `import tesserocr` and `PIL.Image`, then the first document:
  `PyTessBaseAPI(path=<tessdata>, lang="eng")`, `SetImage` and `GetUTF8Text` on the same image.

`-B`: nothing writes .pyc, so the layers' shipped .pyc are what is read and the function's app.py is
compiled on every start, as in Lambda's read-only /var/task. The result is one `BENCH_RESULT {json}` line.
"""

from __future__ import annotations

import importlib
import io
import os
import sys
import time

# typing is not imported at run time either (annotations are strings here): the handler pays for it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

RESULT_PREFIX = "BENCH_RESULT "
USAGE = "usage: python3.12 -B -s -m bench.extraction_worker function|reference IMAGE MEDIA_TYPE TESSDATA SYS_PATH"


def _function(config: dict[str, Any], content: bytes) -> tuple[dict[str, Any], list[float]]:
    marks = [time.process_time(), time.perf_counter()]
    importlib.import_module("app")
    marks += [time.process_time(), time.perf_counter()]
    from recordengine.builtin_profiles import INVOICE_PROFILE
    from recordengine.extraction import UnreadableDocument, extract_document

    try:
        result = extract_document(content, config["media_type"], INVOICE_PROFILE)
    except UnreadableDocument as error:
        marks += [time.process_time(), time.perf_counter()]
        return {"outcome": "unreadable", "reason": str(error)}, marks
    marks += [time.process_time(), time.perf_counter()]
    fields = {name: value for name, value in result.extracted_fields.items() if value is not None}
    return {"outcome": "read", "fields": fields, "confidence": result.confidence_score}, marks


def _reference(config: dict[str, Any], content: bytes) -> tuple[dict[str, Any], list[float]]:
    marks = [time.process_time(), time.perf_counter()]
    import tesserocr  # type: ignore[import-untyped,unused-ignore]
    from PIL import Image

    marks += [time.process_time(), time.perf_counter()]
    with tesserocr.PyTessBaseAPI(path=config["tessdata"], lang="eng") as api:
        api.SetImage(Image.open(io.BytesIO(content)))
        text = api.GetUTF8Text()
    marks += [time.process_time(), time.perf_counter()]
    return {"outcome": "read", "text": text}, marks


def measure(config: dict[str, Any]) -> dict[str, Any]:
    # `-m` put the working directory first on sys.path; Lambda's sys.path has the function's code and layers.
    if sys.path and os.path.abspath(sys.path[0]) == os.getcwd():
        del sys.path[0]
    sys.path[:0] = config["sys_path"]
    with open(config["image_path"], "rb") as image_file:
        content = image_file.read()
    modules_before = len(sys.modules)
    run = _function if config["target"] == "function" else _reference
    outcome, marks = run(config, content)
    cpu0, wall0, cpu1, wall1, cpu2, wall2 = marks
    return {
        **outcome,
        "import_cpu_ms": (cpu1 - cpu0) * 1000,
        "document_cpu_ms": (cpu2 - cpu1) * 1000,
        "total_cpu_ms": (cpu2 - cpu0) * 1000,
        "import_wall_ms": (wall1 - wall0) * 1000,
        "total_wall_ms": (wall2 - wall0) * 1000,
        "modules_before": modules_before,
        "modules_imported": len(sys.modules) - modules_before,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 5 or argv[0] not in ("function", "reference"):
        print(USAGE, file=sys.stderr)
        return 2
    target, image_path, media_type, tessdata, sys_path = argv
    config = {
        "target": target,
        "image_path": image_path,
        "media_type": media_type,
        "tessdata": tessdata,
        "sys_path": [entry for entry in sys_path.split(os.pathsep) if entry],
    }
    result = measure(config)
    import json

    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
