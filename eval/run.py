"""Runs the built-in engine over a corpus folder, next to the bare libraries it builds on, and scores it.

The corpus is ``ground_truth.jsonl`` next to the files. Text PDFs are read by the engine with e-invoice
reading off (their printed layout) and on (the default), each right after pypdf alone extracts the same
pages' text; receipts and scans (images, and PDFs without a usable text layer) right after Tesseract alone
reads the same pages, so that the engine and its baseline see the same machine load.
"""

from __future__ import annotations

import io
import json
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction import UnreadableDocument, extract_document
from recordengine.media import PDF, sniff_media_type
from recordengine.models import ExtractionResult

from .languages import ENGLISH, document_language
from .scoring import (
    CONFIDENT_FIELDS,
    FIELDS,
    HIGH_SCORE,
    HIGH_SCORE_FIELDS_TARGET,
    LAYOUT_LINE_ITEMS_F1_TARGET,
    LAYOUT_TARGETS,
    SCAN_TARGETS,
    Calibration,
    FieldScore,
    LineItemScore,
    Timing,
    field_correct,
    reaches,
    scorable_fields,
    wrong_fields,
)

TEXT_PDF, IMAGE_PDF, PHOTO = "text PDF", "image-only PDF", "photo"
# The engine reads at most this many pages of a PDF's text layer (extraction/text.py) and OCRs at most
# this many pages of a scan (extraction/images.py); the baselines read the same.
MAX_PAGES = 50
MAX_SCAN_PAGES = 5
# Rendering a scanned PDF's pages for the OCR baseline (not timed) stops after this.
RENDER_SECONDS = 60.0
_WORD = re.compile(r"[^\W\d_]{2,}")

if TYPE_CHECKING:
    from .http_run import HttpRun

logging.getLogger("pypdf").setLevel(logging.CRITICAL)


@dataclass
class Document:
    row: dict[str, Any]
    content: bytes
    media_type: str | None
    kind: str  # "text" (a PDF with a usable text layer) or "scan" (an image, or a PDF without one)
    pages: int  # the pages the engine reads
    # Whole-document seconds of the bare libraries: "pypdf_plain", "pypdf_layout" (text PDFs), "tesseract" (scans).
    baseline_seconds: dict[str, float] = field(default_factory=dict)
    language: str = ENGLISH  # ISO 639-1 (see languages.py)

    @property
    def path(self) -> str:
        return str(self.row.get("document") or self.row.get("id") or "?")

    @property
    def format(self) -> str:
        """TEXT_PDF, IMAGE_PDF (a PDF without a usable text layer) or PHOTO (an image: a photo or a scan)."""
        if self.kind == "text":
            return TEXT_PDF
        return IMAGE_PDF if self.media_type == PDF else PHOTO

    @property
    def source(self) -> str:
        return str(self.row.get("source") or "?")

    def baseline_per_page(self, name: str) -> float | None:
        seconds = self.baseline_seconds.get(name)
        return None if seconds is None else seconds / max(1, self.pages)


@dataclass
class Outcome:
    document: Document
    result: ExtractionResult | None
    error: str | None
    seconds: float

    @property
    def seconds_per_page(self) -> float:
        return self.seconds / max(1, self.document.pages)

    @property
    def score(self) -> int | None:
        return None if self.result is None else self.result.confidence_score


@dataclass(frozen=True)
class Mistake:
    """One scorable field an extraction got wrong."""

    document: str
    field: str  # the ground-truth name
    got: Any
    want: Any
    field_confidence: int | None
    score: int  # the document's confidence score


def mistakes(outcome: Outcome) -> list[Mistake]:
    """Every scorable field the extraction got wrong (none for a document that ended in Exception: it has
    no values and no score; see ``Section.exceptions``)."""
    result = outcome.result
    if result is None:
        return []
    row = outcome.document.row
    return [
        Mistake(
            outcome.document.path,
            name,
            result.extracted_fields.get(FIELDS[name]),
            row.get(name),
            result.field_confidence.get(FIELDS[name]),
            result.confidence_score,
        )
        for name in wrong_fields(row, result.extracted_fields)
    ]


@dataclass
class Section:
    """One configuration's figures: per field accuracy, line items, calibration, time per page."""

    title: str
    outcomes: list[Outcome]
    fields: dict[str, FieldScore]
    line_items: LineItemScore
    calibration: Calibration
    errors: Counter[str]
    # The issue's targets for this section (ground-truth field name → share), and line items' F1.
    targets: Mapping[str, float] = field(default_factory=dict)
    line_items_target: float | None = None

    @property
    def extracted(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome.result is not None)

    def exceptions(self) -> list[tuple[str, str]]:
        """(document, reason) for every document that ended in Exception."""
        return [(o.document.path, o.error or "unknown") for o in self.outcomes if o.result is None]

    def high_score_fields(self, threshold: int = HIGH_SCORE) -> FieldScore:
        """Scorable fields, and how many are right, over the documents scored ``threshold`` or more."""
        found = FieldScore()
        for outcome in self.outcomes:
            if outcome.result is None or outcome.result.confidence_score < threshold:
                continue
            scorable = scorable_fields(outcome.document.row)
            found.scored += len(scorable)
            found.correct += len(scorable) - len(wrong_fields(outcome.document.row, outcome.result.extracted_fields))
        return found

    def high_score_fields_met(self) -> bool | None:
        """At least HIGH_SCORE_FIELDS_TARGET of the fields right among documents scored >= 90; None when none was."""
        found = self.high_score_fields()
        return reaches(found.correct, found.scored, HIGH_SCORE_FIELDS_TARGET)

    def high_scored(self, threshold: int = HIGH_SCORE) -> int:
        return sum(1 for outcome in self.outcomes if (outcome.score or 0) >= threshold)

    def confident_mistakes(
        self, threshold: int = HIGH_SCORE, names: tuple[str, ...] = CONFIDENT_FIELDS
    ) -> list[Mistake]:
        """A wrong vendor or total (``names``) on a document scored ``threshold`` or more: each one."""
        return [
            mistake
            for outcome in self.outcomes
            if (outcome.score or 0) >= threshold
            for mistake in mistakes(outcome)
            if mistake.field in names
        ]

    def mistakes(self) -> list[Mistake]:
        return [mistake for outcome in self.outcomes for mistake in mistakes(outcome)]

    def timing(self) -> Timing:
        return Timing.of([outcome.seconds_per_page for outcome in self.outcomes])

    def baseline_timing(self, name: str) -> Timing:
        """The bare library's time per page on this section's documents (those it could read)."""
        per_page = [outcome.document.baseline_per_page(name) for outcome in self.outcomes]
        return Timing.of([seconds for seconds in per_page if seconds is not None])


@dataclass
class Evaluation:
    """Every section of the report, measured in one run."""

    corpus: Path
    sections: dict[str, Section]  # keys: "scans", "text_off", "text_on", "corpus" (those that ran)
    texts: list[Document]
    scans: list[Document]
    ocr: str
    seconds: float
    only: str | None = None  # "text" or "scans" when one part ran, "http" when none did in-process
    http: dict[str, HttpRun] = field(default_factory=dict)  # by mode: "burst", "sequential"
    baseline: list[dict[str, Any]] | None = None  # a previous run's page-read documents (results.json)

    def page_outcomes(self) -> list[Outcome]:
        """The documents read from the page: receipts and scans, and text PDFs with e-invoice reading off."""
        return [
            outcome for key in ("text_off", "scans") if key in self.sections for outcome in self.sections[key].outcomes
        ]


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


def image_pages(content: bytes) -> int:
    """The pages of an image the engine reads (a multi-page TIFF's first few, otherwise one)."""
    try:
        from PIL import Image

        with Image.open(io.BytesIO(content)) as image:
            return max(1, min(MAX_SCAN_PAGES, getattr(image, "n_frames", 1)))
    except Exception:  # the engine reports what is wrong with it
        return 1


def prepare(row: Mapping[str, Any], corpus: Path) -> Document:
    content = (corpus / row["document"]).read_bytes()
    media_type = sniff_media_type(content[:1024])
    if media_type != PDF:
        return Document(
            dict(row), content, media_type, "scan", image_pages(content), language=document_language(row, content)
        )
    text, pages, _ = pypdf_text(content, "plain")
    language = document_language(row, content, text)
    if usable_text(text):
        return Document(dict(row), content, media_type, "text", max(1, pages), language=language)
    return Document(dict(row), content, media_type, "scan", max(1, min(MAX_SCAN_PAGES, pages)), language=language)


def ocr_status() -> str:
    """Which OCR the engine has here: Tesseract's version, tesserocr's, and the trained data installed."""
    try:
        import tesserocr

        from recordengine.extraction import ocr
    except ImportError:
        return "not available (tesserocr is not installed: scans end in Exception)"
    path = ocr.tessdata_dir()
    if path is None:
        return "not available (no Tesseract trained data found: scans end in Exception)"
    version = tesserocr.tesseract_version().split()[1]
    data = ", ".join(sorted(entry.stem for entry in Path(path).glob("*.traineddata")))
    return f"Tesseract {version} through tesserocr {tesserocr.__version__}; trained data: {data}"


@contextmanager
def bare_tesseract() -> Iterator[Any]:
    """The OCR baseline's engine, created once before anything is timed (as the engine pools its own);
    None when OCR is not available here."""
    try:
        from tesserocr import PyTessBaseAPI

        from recordengine.extraction import ocr
    except ImportError:
        yield None
        return
    path = ocr.tessdata_dir()
    if path is None:
        yield None
        return
    with PyTessBaseAPI(path=path, lang="eng") as api:
        yield api


def tesseract_seconds(api: Any, document: Document) -> float | None:
    """Seconds Tesseract alone takes to read the pages the engine reads: an image decoded and read page by
    page (decoding timed), a scanned PDF's pages as ``raster.render_pages`` renders them (rendering not
    timed). None when it cannot read them."""
    from PIL import Image

    try:
        if document.media_type == PDF:
            from recordengine.extraction import raster

            rendered = raster.render_pages(document.content, document.pages, time.monotonic() + RENDER_SECONDS)
            started = time.perf_counter()
            for page in rendered:
                api.SetImage(page)
                api.GetUTF8Text()
            return time.perf_counter() - started
        started = time.perf_counter()
        image = Image.open(io.BytesIO(document.content))
        for index in range(document.pages):
            image.seek(index)
            api.SetImage(image)
            api.GetUTF8Text()
        return time.perf_counter() - started
    except Exception:  # a file only the engine's checks and preparation can read: no baseline for it
        return None


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


def score(
    title: str,
    outcomes: list[Outcome],
    targets: Mapping[str, float] | None = None,
    line_items_target: float | None = None,
) -> Section:
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
    return Section(title, outcomes, fields, line_items, calibration, errors, dict(targets or {}), line_items_target)


def run_texts(texts: list[Document]) -> tuple[list[Outcome], list[Outcome]]:
    """Text PDFs with e-invoice reading off and on, each document right after pypdf's two extractions."""
    if not texts:
        return [], []
    # Imports, compiled patterns and caches are warmed up before anything is timed.
    extract(texts[0], False)
    extract(texts[0], True)
    pypdf_text(texts[0].content, "layout")
    off: list[Outcome] = []
    on: list[Outcome] = []
    for document in texts:
        # Interleaved, so that the baselines and the engine see the same machine load.
        _, _, plain = pypdf_text(document.content, "plain")
        _, _, layout = pypdf_text(document.content, "layout")
        document.baseline_seconds.update(pypdf_plain=plain, pypdf_layout=layout)
        off.append(extract(document, False))
        on.append(extract(document, True))
    return off, on


def run_scans(scans: list[Document]) -> list[Outcome]:
    """Receipts and scans with default settings, each document right after Tesseract alone reads it."""
    if not scans:
        return []
    with bare_tesseract() as api:
        # The engine's OCR engines (one per language it reads) and the baseline's are warmed up before timing.
        extract(scans[0], None)
        if api is not None:
            tesseract_seconds(api, scans[0])
        outcomes: list[Outcome] = []
        for document in scans:
            if api is not None and (seconds := tesseract_seconds(api, document)) is not None:
                document.baseline_seconds["tesseract"] = seconds
            outcomes.append(extract(document, None))
    return outcomes


def run(corpus: Path, only: str | None = None, progress: Callable[[str], None] = lambda _: None) -> Evaluation:
    """Every section of the report, measured in this run (``only``: "text" or "scans" for one part; "http":
    the documents prepared, none read in-process)."""
    started = time.perf_counter()
    documents = [prepare(row, corpus) for row in load_rows(corpus)]
    texts = [document for document in documents if document.kind == "text"] if only != "scans" else []
    scans = [document for document in documents if document.kind == "scan"] if only != "text" else []
    if only == "http":
        return Evaluation(corpus, {}, texts, scans, ocr_status(), time.perf_counter() - started, only)
    progress(f"{len(documents)} documents: {len(texts)} text PDFs and {len(scans)} receipts and scans to read")

    off, on = run_texts(texts)
    if texts:
        progress(f"text PDFs done ({time.perf_counter() - started:.0f} s)")
    scanned = run_scans(scans)
    if scans:
        progress(f"receipts and scans done ({time.perf_counter() - started:.0f} s)")

    sections: dict[str, Section] = {}
    if scans:
        sections["scans"] = score("Receipts and scans", scanned, SCAN_TARGETS)
    if texts:
        sections["text_off"] = score(
            "Layout-read text PDFs (e-invoice reading off)", off, LAYOUT_TARGETS, LAYOUT_LINE_ITEMS_F1_TARGET
        )
        sections["text_on"] = score("Text PDFs, e-invoice reading on", on)
    if only is None:
        sections["corpus"] = score("Whole corpus, default settings", on + scanned)
    return Evaluation(corpus, sections, texts, scans, ocr_status(), time.perf_counter() - started, only)
