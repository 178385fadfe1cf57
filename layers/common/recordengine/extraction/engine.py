"""The built-in extraction engine: offline and deterministic.

Text comes from, in order of trust: an e-invoice embedded in the PDF (Factur-X / ZUGFeRD / XRechnung,
read as structured data), the PDF's text layer, or OCR (Tesseract, when installed) for scans and images.
Layout text from the text layer and from OCR goes through the same layout-aware field heuristics.
"""

from __future__ import annotations

import time

from recordengine.media import JPEG, PDF, PNG, SUPPORTED_MEDIA_TYPES, TIFF, sniff_media_type
from recordengine.models import ExtractionResult, Profile

from . import ocr
from .einvoice import EInvoice
from .errors import UnreadableDocument
from .fields import detect_doc_type, extract_invoice_fields
from .generic import fields_for_profile
from .labels import Reader
from .layout import Layout
from .line_items import extract_line_items
from .result import build_result
from .text import NO_TEXT, NOT_A_PDF, has_usable_text, normalize, read_pdf

IMAGE_NO_OCR = ocr.OCR_NOT_AVAILABLE
UNSUPPORTED = "This file type is not supported."
# All OCR work for one document (rasterising and recognising every page) stays within this.
OCR_BUDGET_SECONDS = 60.0
_IMAGES = (PNG, JPEG, TIFF)


def _einvoice_default() -> bool:
    from recordengine.settings import get_settings

    return get_settings().einvoice_enabled


def extract_document(
    content: bytes, media_type: str, profile: Profile, *, einvoice: bool | None = None
) -> ExtractionResult:
    """What the document says, for ``profile``'s fields; ``UnreadableDocument`` when it cannot be read.

    ``einvoice``: read an embedded e-invoice when the PDF carries one (default: the ``EINVOICE_ENABLED``
    setting); off, the printed layout is read as for any other PDF.
    """
    # The content decides what the file is, not the name or Content-Type it came with.
    actual = sniff_media_type(content[:1024])
    if actual is None:
        if media_type == PDF:
            raise UnreadableDocument(NOT_A_PDF)
        if media_type in _IMAGES:
            raise UnreadableDocument(ocr.IMAGE_CORRUPT)
        raise UnreadableDocument(UNSUPPORTED)
    if actual not in SUPPORTED_MEDIA_TYPES:  # pragma: no cover - sniffing only knows supported types
        raise UnreadableDocument(UNSUPPORTED)

    if actual in _IMAGES:
        return _from_pages([_ocr_image(content)], profile)

    pdf = read_pdf(content, einvoice=_einvoice_default() if einvoice is None else einvoice)
    if pdf.einvoice is not None:
        return _from_einvoice(pdf.einvoice, pdf.pages if has_usable_text(pdf.pages) else [], profile)
    if has_usable_text(pdf.pages):
        return _from_pages(pdf.pages, profile)
    # No usable text layer: a scan.
    if not ocr.ocr_available() or ocr.find_pdftoppm() is None:
        raise UnreadableDocument(NO_TEXT)
    if pdf.largest_image_pixels > ocr.MAX_IMAGE_PIXELS:
        # Rendering would decode it, however small the page is drawn.
        raise UnreadableDocument(ocr.IMAGE_TOO_LARGE_IN_PDF)
    return _from_pages(_ocr_pdf(content, pdf.page_count), profile)


def _ocr_image(content: bytes) -> str:
    if not ocr.ocr_available():
        raise UnreadableDocument(IMAGE_NO_OCR)
    ocr.check_image(content)
    text = normalize(ocr.words_to_text(ocr.ocr_words(content)))
    if not has_usable_text([text]):
        raise UnreadableDocument(ocr.NO_TEXT_FOUND)
    return text


def _ocr_pdf(content: bytes, page_count: int) -> list[str]:
    deadline = time.monotonic() + OCR_BUDGET_SECONDS
    images = ocr.rasterise_pdf(content, min(page_count, ocr.MAX_OCR_PAGES), deadline)
    pages: list[str] = []
    for image in images:
        remaining = deadline - time.monotonic()
        if pages and remaining <= 1:
            break
        words = ocr.ocr_words(image, timeout=max(1.0, min(ocr.OCR_TIMEOUT_SECONDS, remaining)))
        pages.append(normalize(ocr.words_to_text(words)))
    if not has_usable_text(pages):
        raise UnreadableDocument(ocr.NO_TEXT_FOUND)
    return pages


def _from_pages(pages: list[str], profile: Profile) -> ExtractionResult:
    layout = Layout(pages)
    reader = Reader(layout)
    invoice = extract_invoice_fields(reader)
    values = fields_for_profile(profile, reader, invoice)
    line_items = extract_line_items(layout, dayfirst=reader.dayfirst) if profile.line_items else []
    return build_result(profile, values, invoice, line_items, detect_doc_type(layout))


def _from_einvoice(found: EInvoice, pages: list[str], profile: Profile) -> ExtractionResult:
    # Custom fields the XML does not define are still looked for in the printed text.
    reader = Reader(Layout(pages))
    values = fields_for_profile(profile, reader, found.fields)
    line_items = found.line_items if profile.line_items else []
    return build_result(
        profile,
        values,
        found.fields,
        line_items,
        found.doc_type,
        note=f"Read from the embedded {found.syntax} e-invoice.",
    )
