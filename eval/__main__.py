"""`python -m eval [--corpus DIR] [--out DIR] [--only text|scans] [--failures]`: the built-in extraction engine
measured on a labelled corpus, against the issue's targets.

Sections: receipts and scans (every image and image-only PDF), layout-read text PDFs (e-invoice reading
off), text PDFs with e-invoice reading on (the default), and the whole corpus with default settings.
Prints per-field accuracy and line-item F1 with each target met or MISSED, any receipt that ends in
Exception, the confidence calibration per section with its two verdicts (fields right among documents
scored >= 90; no wrong vendor or total scored >= 90, each listed), and the median and p95 time per page
next to the bare library on the same input in the same run: pypdf's layout-mode text extraction for text
PDFs, Tesseract (tesserocr) for receipts and scans. Writes the same report as Markdown with a PNG chart
into --out. The corpus is read in place.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "documents"
DEFAULT_OUT = ROOT / "eval" / "out"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder with ground_truth.jsonl")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where report.md and chart.png go")
    parser.add_argument(
        "--only",
        choices=("text", "scans"),
        help="read only the text PDFs (e-invoice reading off and on) or only the receipts and scans; "
        "the report then has no whole-corpus section",
    )
    parser.add_argument(
        "--failures",
        action="store_true",
        help="after the report, print every wrong field per document: path, field, got, want, field confidence",
    )
    args = parser.parse_args(argv)
    if not (args.corpus / "ground_truth.jsonl").is_file():
        print(f"no ground_truth.jsonl in {args.corpus}", file=sys.stderr)
        return 2
    layer = str(ROOT / "layers" / "common")
    if layer not in sys.path:
        sys.path.insert(0, layer)

    from .report import chart, failures, markdown
    from .run import run

    evaluation = run(
        args.corpus, args.only, progress=lambda message: print(f"... {message}", file=sys.stderr, flush=True)
    )
    report = markdown(evaluation)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.md").write_text(report + "\n![accuracy, calibration and speed](chart.png)\n", encoding="utf-8")
    chart(evaluation, args.out / "chart.png")
    print(report)
    if args.failures:
        print(failures(evaluation))
    shown = args.out.resolve()
    if shown.is_relative_to(Path.cwd()):
        shown = shown.relative_to(Path.cwd())
    print(f"(written: {shown / 'report.md'}, {shown / 'chart.png'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
