"""Runs the built-in engine over a corpus folder and scores it (``ground_truth.jsonl`` next to the files)."""

from __future__ import annotations

import inspect
import io
import json
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction import UnreadableDocument, extract_document
from recordengine.media import PDF, sniff_media_type
from recordengine.models import ExtractionResult

from .scoring import FIELDS, Calibration, FieldScore, LineItemScore, field_correct, scorable_fields

# The engine reads at most this many pages of a PDF (extraction/text.py); the baseline reads the same.
MAX_PAGES = 50
_WORD = re.compile(r"[^\W\d_]{2,}")

logging.getLogger("pypdf").setLevel(logging.CRITICAL)


@dataclass
class Document:
    row: dict[str, Any]
    content: bytes
    media_type: str | None
    kind: str  # "text" (a PDF with a usable text layer) or "scan" (an image, or a PDF without one)
    pages: int
    pypdf_seconds: dict[str, float] = field(default_factory=dict)  # per extraction mode, whole document


@dataclass
class Outcome:
    document: Document
    result: ExtractionResult | None
    error: str | None
    seconds: float

    @property
    def seconds_per_page(self) -> float:
        return self.seconds / max(1, self.document.pages)


@dataclass
class Section:
    """One configuration's figures: per field accuracy, line items, calibration, time per page."""

    title: str
    outcomes: list[Outcome]
    fields: dict[str, FieldScore]
    line_items: LineItemScore
    calibration: Calibration
    errors: Counter[str]

    @property
    def extracted(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome.result is not None)


def load_rows(corpus: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with (corpus / "ground_truth.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                # Duplicates (the same invoice in several files) count once.
                if row.get("dup_primary", True):
                    rows.append(row)
    return rows


def usable_text(text: str) -> bool:
    """A text layer with words in it (scans have none; broken font maps yield symbols)."""
    words = _WORD.findall(text)
    letters = sum(len(word) for word in words)
    visible = sum(1 for char in text if not char.isspace())
    return len(words) >= 5 and letters >= 30 and letters >= 0.3 * visible


def pypdf_text(content: bytes, mode: str) -> tuple[str, int, float]:
    """The text pypdf alone extracts (``mode`` "plain" or "layout"), the page count and the seconds it took."""
    from pypdf import PdfReader

    started = time.perf_counter()
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        pages = reader.pages[:MAX_PAGES]
        text = "\n".join(page.extract_text(extraction_mode=mode) or "" for page in pages)  # type: ignore[arg-type]
        count = len(pages)
    except Exception:  # a PDF pypdf cannot read has no text layer to speak of
        text, count = "", 1
    return text, count, time.perf_counter() - started


def prepare(row: Mapping[str, Any], corpus: Path) -> Document:
    content = (corpus / row["document"]).read_bytes()
    media_type = sniff_media_type(content[:1024])
    if media_type != PDF:
        return Document(dict(row), content, media_type, "scan", 1)
    text, pages, plain = pypdf_text(content, "plain")
    kind = "text" if usable_text(text) else "scan"
    return Document(dict(row), content, media_type, kind, max(1, pages), {"plain": plain})


def einvoice_switch() -> bool:
    """Whether the engine takes ``einvoice=`` (reading of embedded e-invoices on or off)."""
    return "einvoice" in inspect.signature(extract_document).parameters


def ocr_status() -> str:
    """Whether scans can be read here (the engine's OCR, Tesseract, is detected at run time)."""
    try:
        from recordengine.extraction import ocr

        available = bool(ocr.ocr_available())
    except (ImportError, AttributeError):
        return "unknown (the engine has no OCR module)"
    return "Tesseract available" if available else "not available (scans end in Exception)"


def extract(document: Document, einvoice: bool | None) -> Outcome:
    options: dict[str, Any] = {} if einvoice is None else {"einvoice": einvoice}
    started = time.perf_counter()
    try:
        result: ExtractionResult | None = extract_document(
            document.content, document.media_type or "application/octet-stream", INVOICE_PROFILE, **options
        )
        error = None
    except UnreadableDocument as unreadable:
        result, error = None, str(unreadable)
    return Outcome(document, result, error, time.perf_counter() - started)


def score(title: str, outcomes: list[Outcome]) -> Section:
    fields = {name: FieldScore() for name in FIELDS}
    line_items = LineItemScore()
    calibration = Calibration()
    errors: Counter[str] = Counter()
    for outcome in outcomes:
        row = outcome.document.row
        result = outcome.result
        extracted = result.extracted_fields if result is not None else {}
        scored = correct = 0
        for name in scorable_fields(row):
            right = field_correct(name, extracted.get(FIELDS[name]), row)
            fields[name].scored += 1
            fields[name].correct += right
            scored += 1
            correct += right
        if "line_items" in (row.get("fields_scorable") or []):
            line_items.add(result.line_items if result is not None else [], row.get("line_items") or [])
        if result is not None:
            calibration.add(result.confidence_score, scored, correct)
        else:
            errors[outcome.error or "unknown"] += 1
    return Section(title, outcomes, fields, line_items, calibration, errors)


def run(corpus: Path, progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Every section of the report, measured in this run."""
    started = time.perf_counter()
    documents = [prepare(row, corpus) for row in load_rows(corpus)]
    texts = [document for document in documents if document.kind == "text"]
    scans = [document for document in documents if document.kind == "scan"]
    switch = einvoice_switch()
    progress(f"{len(documents)} documents: {len(texts)} text-layer PDFs, {len(scans)} scans/images")

    if texts:  # imports, compiled patterns and caches are warmed up before anything is timed
        extract(texts[0], False if switch else None)
        pypdf_text(texts[0].content, "layout")
    off: list[Outcome] = []
    on: list[Outcome] = []
    for document in texts:
        # Interleaved, so that the baseline and the engine see the same machine load.
        _, _, plain = pypdf_text(document.content, "plain")
        _, _, layout = pypdf_text(document.content, "layout")
        document.pypdf_seconds = {"plain": plain, "layout": layout}
        off.append(extract(document, False if switch else None))
        if switch:
            on.append(extract(document, True))
    progress(f"text-layer PDFs done ({time.perf_counter() - started:.0f} s)")
    scanned = [extract(document, None) for document in scans]
    progress(f"scans done ({time.perf_counter() - started:.0f} s)")

    sections = {"text_off": score("Text-layer PDFs, e-invoice reading off", off)}
    if switch:
        sections["text_on"] = score("Text-layer PDFs, e-invoice reading on", on)
    sections["scans"] = score("Scans and images", scanned)
    default_text = on if switch else off
    sections["corpus"] = score("Whole corpus, default settings", default_text + scanned)
    return {
        "ocr": ocr_status(),
        "corpus": corpus,
        "sections": sections,
        "einvoice_switch": switch,
        "texts": texts,
        "seconds": time.perf_counter() - started,
    }
