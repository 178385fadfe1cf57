"""`python -m bench [coldstart|extraction-coldstart|size|reads|web|text|ocr|cost ...]`: run the sections (default: all).

Every number is a ratio to a reference measured in the same run; nothing passes or fails on an absolute
threshold. Environment: BENCH_SAMPLES (cold-start samples per target: default 20 rounds for coldstart, 5 for
extraction-coldstart), BENCH_COLDSTART_ONLY (comma-separated API functions to measure, with their
references; default every one), BENCH_BUILD=1 (build the layers with scripts/sam_build.sh instead of
reading .aws-sam/build), BENCH_WEB_RUNS (page loads per screen in the web section, default 10),
BENCH_READS_SIZES (table sizes for reads, default 1000,20000,100000), BENCH_OCR_ROUNDS (rounds of the ocr
section, default 3), BENCH_COST_DOCUMENTS.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable

from . import coldstart, cost, extraction_coldstart, ocr, reads, size, text, web

DEFAULT_SAMPLES = 5


def _samples(default: int = DEFAULT_SAMPLES) -> int:
    value = os.environ.get("BENCH_SAMPLES", str(default))
    try:
        samples = int(value)
    except ValueError:
        raise SystemExit(f"BENCH_SAMPLES must be a whole number, not {value!r}") from None
    if samples < 1:
        raise SystemExit("BENCH_SAMPLES must be at least 1")
    return samples


def _only() -> set[str] | None:
    value = os.environ.get("BENCH_COLDSTART_ONLY", "").strip()
    return {name.strip() for name in value.split(",") if name.strip()} or None


SECTIONS: dict[str, Callable[[], list[str]]] = {
    "coldstart": lambda: coldstart.report(_samples(coldstart.DEFAULT_ROUNDS), _only()),
    "extraction-coldstart": lambda: extraction_coldstart.report(_samples()),
    "size": size.report,
    "reads": reads.report,
    "web": web.report,
    "text": text.report,
    "ocr": ocr.report,
    "cost": cost.report,
}


def main(argv: list[str]) -> int:
    chosen = argv or list(SECTIONS)
    unknown = [name for name in chosen if name not in SECTIONS]
    if unknown:
        print(f"usage: python -m bench [{'|'.join(SECTIONS)} ...]; unknown: {', '.join(unknown)}", file=sys.stderr)
        return 2
    started = time.monotonic()
    print(
        f"RecordEngine bench: {', '.join(chosen)} | Python {platform.python_version()} | "
        f"{os.cpu_count()} cores | ratios to references measured in this run",
        flush=True,
    )
    failed = False
    for name in chosen:
        try:
            lines = SECTIONS[name]()
        except Exception as error:  # one broken section must not hide the others' numbers
            lines = [f"== {name}: ERROR {type(error).__name__}: {error}"]
            failed = True
        print("\n".join(lines), flush=True)
    print(f"(done in {time.monotonic() - started:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
