"""`python -m bench text`: time per page of the engine's text-layer path against bare PDFium, same run.

The engine's path is ``read_pdf`` (pypdf's checks and limits, then the text laid out) with each reader:
PDFium (the default) and pypdf's layout mode (PDF_TEXT_READER=pypdf). The reference is pypdfium2's bare
text extraction of the same pages (``PdfPage.get_textpage().get_text_range()``). Each figure is the median
over BENCH_TEXT_ROUNDS rounds (default 3) of the total seconds divided by the pages, over generated invoices
(tests/support/documents.py) and, when present, the corpus's text PDFs (../shared/corpus/documents, read
in place).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "documents"


def _generated() -> list[bytes]:
    from tests.support.documents import invoice_pdf

    lines = tuple((f"Item {n} consulting", n, f"{n * 10}.00", f"{n * n * 10}.00") for n in range(1, 30))
    return [
        invoice_pdf(),
        invoice_pdf(vendor="Contoso GmbH", number="R-2025-0042", lines=lines[:10]),
        invoice_pdf(vendor="Fabrikam Inc", number="F-77", lines=lines),
    ]


def _corpus() -> list[bytes]:
    truth = CORPUS / "ground_truth.jsonl"
    if not truth.is_file():
        return []
    documents = []
    for line in truth.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry.get("doc_format") == "pdf" and entry.get("text_layer_chars", 0) > 0:
            documents.append((CORPUS / entry["document"]).read_bytes())
    return documents


def _bare(content: bytes) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(content)
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
        return len(document)
    finally:
        document.close()


def _seconds(work: Callable[[bytes], object], documents: list[bytes]) -> float:
    started = time.perf_counter()
    for content in documents:
        work(content)
    return time.perf_counter() - started


def _measure(name: str, documents: list[bytes], rounds: int) -> list[str]:
    from recordengine.extraction.text import read_pdf

    pages = sum(_bare(content) for content in documents)
    paths = {
        "bare pypdfium2": _bare,
        "engine, PDFium": lambda content: read_pdf(content, reader="pdfium"),
        "engine, pypdf layout": lambda content: read_pdf(content, reader="pypdf"),
    }
    for work in paths.values():  # imports and caches warmed before anything is timed
        work(documents[0])
    seconds: dict[str, list[float]] = {label: [] for label in paths}
    for _ in range(rounds):
        for label, work in paths.items():
            seconds[label].append(_seconds(work, documents) / pages)
    median = {label: statistics.median(values) for label, values in seconds.items()}
    reference = median["bare pypdfium2"]
    lines = [f"-- {name}: {len(documents)} PDFs, {pages} pages, median of {rounds} rounds"]
    for label, value in median.items():
        lines.append(f"   {label:<22} {value * 1000:8.2f} ms/page   {value / reference:6.1f}x bare pypdfium2")
    return lines


def report() -> list[str]:
    layer = str(ROOT / "layers" / "common")
    for path in (layer, str(ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    rounds = max(1, int(os.environ.get("BENCH_TEXT_ROUNDS", "3")))
    lines = ["== text: time per text-layer page, engine vs bare pypdfium2 text extraction (same pages, same run)"]
    lines += _measure("generated invoices", _generated(), rounds)
    corpus = _corpus()
    if corpus:
        lines += _measure("corpus text PDFs", corpus, rounds)
    else:
        lines.append(f"-- corpus: none at {CORPUS}")
    return lines
