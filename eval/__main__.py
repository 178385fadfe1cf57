"""`python -m eval [--corpus DIR] [--out DIR]`: the built-in extraction engine measured on a labelled corpus.

Prints, per field, the accuracy over the documents where that field is scorable; line-item precision and
recall; the confidence calibration table; the median and p95 time per page next to the time pypdf alone
takes to extract the same text — for text-layer PDFs with embedded e-invoice reading off and on, and for
scans. Writes the same report as Markdown with a PNG chart into --out. The corpus is read in place.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "documents"
DEFAULT_OUT = ROOT / "eval" / "out"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder with ground_truth.jsonl")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where report.md and chart.png go")
    args = parser.parse_args(argv)
    if not (args.corpus / "ground_truth.jsonl").is_file():
        print(f"no ground_truth.jsonl in {args.corpus}", file=sys.stderr)
        return 2
    layer = str(ROOT / "layers" / "common")
    if layer not in sys.path:
        sys.path.insert(0, layer)

    from .report import chart, markdown
    from .run import run

    outcome = run(args.corpus, progress=lambda message: print(f"... {message}", file=sys.stderr, flush=True))
    report = markdown(outcome)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.md").write_text(report + "\n![accuracy and calibration](chart.png)\n", encoding="utf-8")
    chart(outcome, args.out / "chart.png")
    print(report)
    shown = args.out.resolve()
    if shown.is_relative_to(Path.cwd()):
        shown = shown.relative_to(Path.cwd())
    print(f"(written: {shown / 'report.md'}, {shown / 'chart.png'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
