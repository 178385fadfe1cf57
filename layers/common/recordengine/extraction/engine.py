"""The built-in extraction engine: offline and deterministic.

Text comes from, in order of trust: an e-invoice embedded in the PDF (Factur-X / ZUGFeRD / XRechnung,
read as structured data), the PDF's text layer, or OCR (Tesseract through tesserocr) for scans and images.
Layout text from the text layer and from OCR goes through the same layout-aware field heuristics.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from recordengine.media import JPEG, PDF, PNG, SUPPORTED_MEDIA_TYPES, TIFF, sniff_media_type
from recordengine.models import ExtractionResult, Profile

from . import images, ocr, raster
from .einvoice import EInvoice
from .errors import UnreadableDocument
from .fields import detect_doc_type, extract_invoice_fields
from .generic import fields_for_profile
from .labels import Reader
from .layout import Layout, Span
from .line_items import extract_line_items
from .result import build_result
from .text import NOT_A_PDF, has_usable_text, read_pdf

UNSUPPORTED = "This file type is not supported."
# All OCR work for one document (rasterising and recognising every page) stays within this.
OCR_BUDGET_SECONDS = 60.0
_IMAGES = (PNG, JPEG, TIFF)

if TYPE_CHECKING:
    from PIL.Image import Image


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
            raise UnreadableDocument(images.IMAGE_CORRUPT)
        raise UnreadableDocument(UNSUPPORTED)
    if actual not in SUPPORTED_MEDIA_TYPES:  # pragma: no cover - sniffing only knows supported types
        raise UnreadableDocument(UNSUPPORTED)

    if actual in _IMAGES:
        if not ocr.ocr_available():
            raise UnreadableDocument(ocr.OCR_NOT_AVAILABLE)
        deadline = time.monotonic() + OCR_BUDGET_SECONDS
        return _from_layout(_read_scans(images.decode_pages(content), deadline), profile)

    pdf = read_pdf(content, einvoice=_einvoice_default() if einvoice is None else einvoice)
    if pdf.einvoice is not None:
        return _from_einvoice(pdf.einvoice, pdf.pages if has_usable_text(pdf.pages) else [], profile)
    if has_usable_text(pdf.pages):
        return _from_layout(Layout(pdf.pages), profile)
    # No usable text layer: a scan, rendered page by page and read by OCR.
    if not ocr.ocr_available():
        raise UnreadableDocument(ocr.SCAN_NOT_AVAILABLE)
    if not raster.renderer_available():
        raise UnreadableDocument(raster.RENDERER_MISSING)
    if pdf.largest_image_pixels > images.MAX_IMAGE_PIXELS:
        # Rendering would decode it, however small the page is drawn.
        raise UnreadableDocument(images.IMAGE_TOO_LARGE_IN_PDF)
    deadline = time.monotonic() + OCR_BUDGET_SECONDS
    rendered = raster.render_pages(content, min(pdf.page_count, images.MAX_PAGES), deadline)
    return _from_layout(_read_scans(rendered, deadline), profile)


def _read_scans(pages: list[Image], deadline: float) -> Layout:
    """The pages as OCR reads them, within the deadline (at least the first page is read)."""
    texts: list[str] = []
    spans: list[list[list[Span]]] = []
    for page in pages:
        if texts and time.monotonic() >= deadline:
            break
        text, page_spans = ocr.read_page(page, deadline).laid_out()
        texts.append(text)
        spans.append(page_spans)
    if not has_usable_text(texts):
        raise UnreadableDocument(ocr.NO_TEXT_FOUND)
    return Layout(texts, spans)


def _from_layout(layout: Layout, profile: Profile) -> ExtractionResult:
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
