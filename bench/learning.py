"""`python -m bench learning`: what reading with a sender's learned hints adds to an extraction (issue 17's
cost target: the extraction time per document grows by at most 5%).

The same run times, per document, the built-in engine's reading (``read_document``) alone, and the reading
followed by what the pipeline adds for a sender with hints: the hints applied and combined with the engine's
reading (``read_with_sender``) and the page text kept for learning (``layout_bytes``, gzip'd). The documents
are generated invoices of one invented supplier whose invoice number the engine cannot find, after a person
corrected it on an earlier one (``hints.learn``), so every hint is read. The one DynamoDB Query (the hints,
under 4 KB) and the one S3 PUT of the kept text are not in it: a few milliseconds on AWS, and the same for
every engine. Median of BENCH_LEARNING_ROUNDS rounds (default 5).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.05


def _documents() -> list[bytes]:
    from tests.support.documents import stationer_invoice_pdf

    return [
        stationer_invoice_pdf(number=f"QF/2025-{n:04d}", total=f"{100 + n},00", subtotal=f"{100 + n},00")
        for n in range(1, 9)
    ]


def report() -> list[str]:
    for path in (str(ROOT / "layers" / "common"), str(ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    from recordengine.builtin_profiles import INVOICE_PROFILE
    from recordengine.extraction.engine import read_document
    from recordengine.senders.hints import learn
    from recordengine.senders.learning import layout_bytes, read_with_sender

    rounds = max(1, int(os.environ.get("BENCH_LEARNING_ROUNDS", "5")))
    first, *later = _documents()
    taught = read_document(first, "application/pdf", INVOICE_PROFILE)
    hints = learn(None, taught.layout, {"invoice_number": "QF/2025-0001"}, {}, INVOICE_PROFILE).to_storable()

    readings = [read_document(content, "application/pdf", INVOICE_PROFILE) for content in later]
    found = [len(read_with_sender(hints, read.result, read.layout, INVOICE_PROFILE)[1]) for read in readings]

    def engine() -> None:
        for content in later:
            read_document(content, "application/pdf", INVOICE_PROFILE)

    def added() -> None:
        for read in readings:
            read_with_sender(hints, read.result, read.layout, INVOICE_PROFILE)
            layout_bytes(read.layout)

    # Timed apart, each on the same documents (the engine's readings kept for the second), so that the small
    # added work is not lost in the noise of the engine's: the ratio is (engine + added) / engine.
    seconds: dict[str, list[float]] = {"engine alone": [], "added by the sender's hints": []}
    for _ in range(rounds):
        for label, work in zip(seconds, (engine, added), strict=True):
            started = time.perf_counter()
            work()
            seconds[label].append((time.perf_counter() - started) / len(later))
    median = {label: statistics.median(values) for label, values in seconds.items()}
    ratio = (median["engine alone"] + median["added by the sender's hints"]) / median["engine alone"]
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    lines = [
        "== learning: extraction time per document with a sender's hints vs the engine alone (same documents)",
        f"-- {len(later)} generated invoices of one sender, hints learned from one correction,"
        f" median of {rounds} rounds; fields found by hints per reading: {statistics.mean(found):.1f}",
    ]
    for label, value in median.items():
        lines.append(f"   {label:<28} {value * 1000:8.2f} ms/document")
    lines.append(f"   ratio {ratio:.3f} (target <= {TARGET_RATIO}): {verdict}")
    return lines
