"""`python -m eval [--corpus DIR] [--out DIR] [--only text|scans|http] [--failures] [--baseline FILE] [--burst]
[--sequential-http] [--wait SECONDS] [--learn]`: the built-in extraction engine measured on a labelled corpus,
against the issues' targets.

With --learn, only issue 17's replay runs (eval/learn.py): each sender's first document reviewed against the
ground truth and learned from, its later documents read with learning off and on; written as learn.md.

First issue 15's chapter: the documents read from the page (receipts, scans, and text PDFs with e-invoice
reading off) per language, per format (text PDF, image-only PDF, photo) and per source, the sources added
on 2026-12-07 apart, and each of the issue's targets met or MISSED (English text PDFs against --baseline, a
previous run's results.json). With --burst every document is also uploaded at once to a fresh local stack
over HTTP, and with --sequential-http one at a time, each read back and scored the same way, with their
Exceptions split into load-caused and content-caused.

Then the sections: receipts and scans (every image and image-only PDF), layout-read text PDFs (e-invoice
reading off), text PDFs with e-invoice reading on (the default), and the whole corpus with default settings.
Prints per-field accuracy and line-item F1 with each target met or MISSED, any receipt that ends in
Exception, the confidence calibration per section with its two verdicts (fields right among documents
scored >= 90; no wrong vendor or total scored >= 90, each listed), and the median and p95 time per page
next to the bare library on the same input in the same run: pypdf's layout-mode text extraction for text
PDFs, Tesseract (tesserocr) for receipts and scans. Writes the same report as Markdown with a PNG chart, and
results.json (every document's fields, the group figures and the targets), into --out. The corpus is read
in place.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "documents"
DEFAULT_OUT = ROOT / "eval" / "out"
DEFAULT_WAIT_SECONDS = 1800.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder with ground_truth.jsonl")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where report.md, results.json and chart.png go")
    parser.add_argument(
        "--only",
        choices=("text", "scans", "http"),
        help="read only the text PDFs (e-invoice reading off and on) or only the receipts and scans; "
        "the report then has no whole-corpus section. http: nothing in-process, only --burst / --sequential-http",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a previous run's results.json: English text PDFs may not lose more than one document on any field",
    )
    parser.add_argument(
        "--burst",
        action="store_true",
        help="also upload every document at once to a fresh local stack over HTTP, and score what it stores",
    )
    parser.add_argument(
        "--sequential-http",
        action="store_true",
        help="also upload them one at a time (each after the previous one is read), to compare with --burst",
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=DEFAULT_WAIT_SECONDS,
        help="seconds an HTTP mode waits for its documents to be read (default: %(default).0f)",
    )
    parser.add_argument(
        "--failures",
        action="store_true",
        help="after the report, print every wrong field per document: path, field, got, want, field confidence",
    )
    parser.add_argument(
        "--learn",
        action="store_true",
        help="only the replay of issue 17: learn from each sender's first document, read its others off and on",
    )
    args = parser.parse_args(argv)
    if not (args.corpus / "ground_truth.jsonl").is_file():
        print(f"no ground_truth.jsonl in {args.corpus}", file=sys.stderr)
        return 2
    if args.only == "http" and not (args.burst or args.sequential_http):
        print("--only http reads nothing without --burst or --sequential-http", file=sys.stderr)
        return 2
    if (args.burst or args.sequential_http) and not Path("template.yaml").is_file():
        print("--burst and --sequential-http start the local stack: run from the repository root", file=sys.stderr)
        return 2
    if args.baseline is not None and not args.baseline.is_file():
        print(f"no baseline results at {args.baseline}", file=sys.stderr)
        return 2
    layer = str(ROOT / "layers" / "common")
    if layer not in sys.path:
        sys.path.insert(0, layer)

    def progress(message: str) -> None:
        print(f"... {message}", file=sys.stderr, flush=True)

    if args.learn:
        from . import learn

        report = learn.markdown(learn.replay(args.corpus, progress))
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "learn.md").write_text(report, encoding="utf-8")
        print(report)
        return 0

    from .groups import issue_figures
    from .http_run import BURST, SEQUENTIAL, local_stack, read_over_http
    from .report import chart, failures, markdown
    from .results import baseline_records, results, save
    from .run import run
    from .senders import figures as sender_figures
    from .senders import recognise
    from .senders import report_lines as senders_report

    # Read before the run, which may overwrite it (--baseline eval/out/results.json compares with the last run).
    try:
        baseline = None if args.baseline is None else baseline_records(args.baseline)
    except (ValueError, KeyError, TypeError) as error:
        print(f"{args.baseline} is not a results.json of this evaluation ({error!r})", file=sys.stderr)
        return 2
    evaluation = run(args.corpus, args.only, progress=progress)
    evaluation.baseline = baseline
    for mode, wanted in ((BURST, args.burst), (SEQUENTIAL, args.sequential_http)):
        if wanted:
            # A fresh stack per mode: neither mode's documents queue behind, or are duplicates of, the other's.
            with local_stack(keep_log=args.out / f"stack-{mode}.log") as client:
                evaluation.http[mode] = read_over_http(
                    client, evaluation.texts + evaluation.scans, mode, args.wait, progress
                )
            progress(f"{mode} over HTTP done ({evaluation.http[mode].seconds:.0f} s)")
    figures = issue_figures(evaluation)
    report = markdown(evaluation, figures)
    saved = results(args.corpus, figures)
    # Senders from the documents read with default settings (e-invoice reading on), whichever part ran.
    default_reads = [
        outcome
        for key in ("text_on", "scans")
        if key in evaluation.sections
        for outcome in evaluation.sections[key].outcomes
    ]
    if default_reads:
        recognition = recognise(default_reads)
        report += "\n" + "\n".join(senders_report(recognition)) + "\n"
        saved["senders"] = sender_figures(recognition)
    args.out.mkdir(parents=True, exist_ok=True)
    written = [args.out / "report.md", args.out / "results.json"]
    save(written[1], saved)
    if evaluation.sections:
        chart(evaluation, args.out / "chart.png")
        written.append(args.out / "chart.png")
        report += "\n![accuracy, calibration and speed](chart.png)\n"
    written[0].write_text(report, encoding="utf-8")
    print(report)
    if args.failures:
        print(failures(evaluation))
    shown = args.out.resolve()
    if shown.is_relative_to(Path.cwd()):
        shown = shown.relative_to(Path.cwd())
    print(f"(written: {', '.join(str(shown / path.name) for path in written)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
