"""`python -m bench [section ...]`: run the sections named (default: every one); `--help` lists them.

Every number is a ratio to a reference measured in the same run; nothing passes or fails on an absolute
threshold. By default the sizes are the quick profile's (QUICK_PROFILE), chosen so that every section
finishes and the whole run takes under 15 minutes on a 2-core machine; BENCH_FULL=1 runs each section at its
own, larger sizes (the 100,000-document list, 20 cold-start rounds). A variable set in the environment wins
over either profile.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable

from . import coldstart, cost, extraction_coldstart, learning, ocr, reads, size, text, web

DEFAULT_SAMPLES = 5
FULL_VARIABLE = "BENCH_FULL"

# What each section is, for --help and the progress lines.
DESCRIPTIONS = {
    "coldstart": "cold start of every API function vs minimal FastAPI and Powertools handlers (CPython 3.12)",
    "extraction-coldstart": "the extraction function's import and first OCR'd document vs the bare OCR library",
    "size": "CommonLayer and ExtractionLayer sizes vs Powertools alone and the bare OCR library",
    "reads": "DynamoDB items and read units per list request, and write units per document",
    "web": "the review page's first screen in headless Chromium vs GET /api/health",
    "text": "time per text-layer page, the engine vs bare PDFium",
    "ocr": "time per scanned page, the engine's OCR vs a bare tesserocr call",
    "learning": "extraction time per document with a sender's learned hints vs the engine alone (<= 5% more)",
    "cost": "what 1,000 documents cost on AWS, from the operations the real handlers make on moto",
}
# The variables each section reads: (name, meaning, default of the quick profile or None: the section's own).
VARIABLES = [
    ("BENCH_FULL", "1: every section at its own sizes below (about 40+ minutes), not the quick profile's", None),
    (
        "BENCH_SAMPLES",
        "cold-start samples per target (full: coldstart 20 rounds, extraction-coldstart 5; quick profile: 2 and 2)",
        None,
    ),
    (
        "BENCH_COLDSTART_ONLY",
        "comma-separated API functions for coldstart (full: every one)",
        "get_document",
    ),
    ("BENCH_BUILD", "1: build the layers with scripts/sam_build.sh instead of reading .aws-sam/build", None),
    ("BENCH_READS_SIZES", "table sizes for reads (full: 1000,20000,100000)", "1000"),
    ("BENCH_READS_PIPELINE", "documents in New or Processing in the reads tables (100)", None),
    ("BENCH_READS_BACKLOG", "documents waiting in New for the reads section's bulk-import lists (full: 10000)", "2000"),
    ("BENCH_WEB_RUNS", "page loads per screen in web (full: 10)", "3"),
    ("BENCH_TEXT_ROUNDS", "rounds of text (full: 3)", "1"),
    ("BENCH_OCR_ROUNDS", "rounds of ocr (full: 3)", "1"),
    ("BENCH_LEARNING_ROUNDS", "rounds of learning (full: 5)", "3"),
    ("BENCH_COST_DOCUMENTS", "documents per engine in cost (3)", None),
]
QUICK_PROFILE = {name: default for name, _, default in VARIABLES if default is not None}
# Cold-start samples of the quick profile (BENCH_SAMPLES, when set, wins).
QUICK_SAMPLES = {"coldstart": 2, "extraction-coldstart": 2}


def _full() -> bool:
    return os.environ.get(FULL_VARIABLE, "") == "1"


def _apply_profile() -> None:
    """The quick profile's sizes, unless BENCH_FULL=1; a variable already set is left as it is."""
    if not _full():
        for name, value in QUICK_PROFILE.items():
            os.environ.setdefault(name, value)


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
    "coldstart": lambda: coldstart.report(
        _samples(coldstart.DEFAULT_ROUNDS if _full() else QUICK_SAMPLES["coldstart"]), _only()
    ),
    "extraction-coldstart": lambda: extraction_coldstart.report(
        _samples(DEFAULT_SAMPLES if _full() else QUICK_SAMPLES["extraction-coldstart"])
    ),
    "size": size.report,
    "reads": reads.report,
    "web": web.report,
    "text": text.report,
    "ocr": ocr.report,
    "learning": learning.report,
    "cost": cost.report,
}


def _parser() -> argparse.ArgumentParser:
    width = max(map(len, SECTIONS))
    sections = "\n".join(f"  {name:<{width}}  {DESCRIPTIONS[name]}" for name in SECTIONS)
    variables = "\n".join(
        f"  {name}: {meaning}" + (f"; quick profile: {default}" if default else "")
        for name, meaning, default in VARIABLES
    )
    return argparse.ArgumentParser(
        prog="python -m bench",
        description='Ratios to references measured in the same run (make bench [SECTIONS="..."] [BENCH_FULL=1]).',
        epilog=f"sections (default: every one, in this order):\n{sections}\n\nenvironment:\n{variables}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def main(argv: list[str]) -> int:
    parser = _parser()
    parser.add_argument("sections", nargs="*", metavar="section", help="sections to run (listed below)")
    chosen = parser.parse_args(argv).sections or list(SECTIONS)
    unknown = [name for name in chosen if name not in SECTIONS]
    if unknown:
        parser.print_usage(sys.stderr)
        print(f"unknown section(s): {', '.join(unknown)}; sections: {', '.join(SECTIONS)}", file=sys.stderr)
        return 2
    _apply_profile()
    started = time.monotonic()
    print(
        f"RecordEngine bench: {', '.join(chosen)} | {'full' if _full() else 'quick'} profile | "
        f"Python {platform.python_version()} | {os.cpu_count()} cores | "
        f"load {os.getloadavg()[0]:.1f} | ratios to references measured in this run",
        flush=True,
    )
    failed = False
    for position, name in enumerate(chosen, 1):
        print(
            f"[{position}/{len(chosen)}] {name}: {DESCRIPTIONS[name]} "
            f"(at {time.monotonic() - started:.0f} s, load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
        section_started = time.monotonic()
        try:
            lines = SECTIONS[name]()
        except Exception as error:  # one broken section must not hide the others' numbers
            lines = [f"== {name}: ERROR {type(error).__name__}: {error}"]
            failed = True
        print("\n".join(lines), flush=True)
        print(f"[{position}/{len(chosen)}] {name} done in {time.monotonic() - section_started:.0f} s", flush=True)
    print(f"(done in {time.monotonic() - started:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
