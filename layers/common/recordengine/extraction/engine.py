"""The built-in extraction engine: offline and deterministic.

Text comes from, in order of trust: an e-invoice embedded in the PDF (Factur-X / ZUGFeRD / XRechnung,
read as structured data), the PDF's text layer, or OCR (Tesseract through tesserocr) for scans and images.
Layout text from the text layer and from OCR goes through the same layout-aware field heuristics.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from recordengine.media import JPEG, PDF, PNG, SUPPORTED_MEDIA_TYPES, TIFF, sniff_media_type
from recordengine.models import ExtractionResult, PageView, Profile

from . import images, ocr, page_views, raster
from .budget import own_work_within, within
from .einvoice import EInvoice
from .errors import UnreadableDocument
from .found import Found
from .generic import fields_for_profile
from .labels import Reader
from .language import detect_language
from .layout import Layout
from .locations import field_locations
from .readings import Reading, read_layout, read_scans
from .result import build_result
from .text import NOT_A_PDF, has_text_layer, read_pdf

if TYPE_CHECKING:
    from PIL.Image import Image

UNSUPPORTED = "This file type is not supported."
# All OCR work for one document (rasterising and recognising every page) stays within this.
OCR_BUDGET_SECONDS = 60.0
# How OCR says that a document's time ran out.
_OCR_TIME_OUTS = frozenset({ocr.OCR_TIMED_OUT, raster.RENDER_TIMED_OUT, images.DECODE_TIMED_OUT})
_IMAGES = (PNG, JPEG, TIFF)


def _einvoice_default() -> bool:
    from recordengine.settings import get_settings

    return get_settings().einvoice_enabled


@dataclass(frozen=True)
class Extraction:
    """The engine's result, and the page text it was read from (what a sender's hints are read on)."""

    result: ExtractionResult
    layout: Layout
    # Read from an embedded e-invoice: the seller's own data, which a hint learned from the print cannot better.
    einvoice: bool = False


def extract_document(
    content: bytes, media_type: str, profile: Profile, *, einvoice: bool | None = None, views: bool = False
) -> ExtractionResult:
    """What the document says, for ``profile``'s fields; ``UnreadableDocument`` when it cannot be read.

    ``einvoice``: read an embedded e-invoice when the PDF carries one (default: the ``EINVOICE_ENABLED``
    setting); off, the printed layout is read as for any other PDF. ``views``: the result carries the pages
    as a person reviews them (page_views.py).
    """
    return read_document(content, media_type, profile, einvoice=einvoice, views=views).result


def read_document(
    content: bytes, media_type: str, profile: Profile, *, einvoice: bool | None = None, views: bool = False
) -> Extraction:
    """``extract_document``'s result with the layout it read (a scan's: its first OCR reading's)."""
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
        deadline = within(OCR_BUDGET_SECONDS)
        with own_work_within(deadline, _OCR_TIME_OUTS):
            # Decoding cannot stop midway, so the run's deadline bounds it (as it bounds scaling for OCR); the
            # OCR budget bounds the readings that follow, which stop at it.
            decoded = images.decode_pages(content, deadline=within(math.inf))
            return _viewed(_extraction(read_scans(decoded, profile, deadline), profile), decoded if views else None)

    pdf = read_pdf(content, einvoice=_einvoice_default() if einvoice is None else einvoice)
    if pdf.einvoice is not None:
        layout = Layout(pdf.pages, geometry=pdf.geometry) if has_text_layer(pdf.pages) else Layout([])
        return _rendered(_from_einvoice(pdf.einvoice, layout, profile), content if views else None)
    if has_text_layer(pdf.pages):
        reading = read_layout(Layout(pdf.pages, geometry=pdf.geometry), profile)
        return _rendered(_extraction(reading, profile), content if views else None)
    # No usable text layer: a scan, rendered page by page and read by OCR.
    if not ocr.ocr_available():
        raise UnreadableDocument(ocr.SCAN_NOT_AVAILABLE)
    if not raster.renderer_available():
        raise UnreadableDocument(raster.RENDERER_MISSING)
    # Rendering decodes every image a page draws, however small it is drawn: only pages whose images were
    # counted (see text.read_pdf), as many as fit in the document's budget.
    image_pixels = pdf.page_image_pixels[: images.MAX_PAGES]
    pages = images.pages_within_budget(image_pixels)
    if pages == 0:
        raise UnreadableDocument(raster.NOT_RENDERED)
    deadline = within(OCR_BUDGET_SECONDS)
    with own_work_within(deadline, _OCR_TIME_OUTS):
        rendered = raster.render_pages(content, pages, deadline, image_pixels)
        return _viewed(_extraction(read_scans(rendered, profile, deadline), profile), rendered if views else None)


def _viewed(extraction: Extraction, pages: list[Image] | None) -> Extraction:
    """The extraction with views of the pages OCR read (None: none asked for)."""
    if pages is None:
        return extraction
    return _with_views(extraction, page_views.from_images(pages, extraction.layout))


def _rendered(extraction: Extraction, content: bytes | None) -> Extraction:
    """The extraction with views of the PDF's pages rendered (None: none asked for)."""
    if content is None or not raster.renderer_available():
        return extraction
    return _with_views(extraction, page_views.from_pdf(content, extraction.layout))


def _with_views(extraction: Extraction, views: list[PageView]) -> Extraction:
    result = extraction.result.model_copy(update={"page_views": views})
    return Extraction(result, extraction.layout, extraction.einvoice)


def _extraction(reading: Reading, profile: Profile) -> Extraction:
    result = build_result(
        profile,
        reading.values,
        reading.roles,
        reading.line_items,
        reading.doc_type,
        language=reading.language,
        locations=field_locations(reading.reader, reading.values, reading.line_items),
    )
    return Extraction(with_sender(result, reading.reader.layout, reading.roles.get("vendor")), reading.reader.layout)


def with_sender(result: ExtractionResult, layout: Layout, vendor: Found | None) -> ExtractionResult:
    """The result with what the document says about its sender (senders/identity.py); the cloud engines'
    results too, read on the page text they give."""
    from recordengine.senders.identity import identify

    identifiers = identify(layout, *((vendor.value, vendor.confidence) if vendor is not None else (None,)))
    return result.model_copy(update={"sender_identifiers": [str(identifier) for identifier in identifiers]})


def _from_einvoice(found: EInvoice, layout: Layout, profile: Profile) -> Extraction:
    # Custom fields the XML does not define are still looked for in the printed text.
    reader = Reader(layout)
    values = fields_for_profile(profile, reader, found.fields)
    line_items = found.line_items if profile.line_items else []
    result = build_result(
        profile,
        values,
        found.fields,
        line_items,
        found.doc_type,
        note=f"Read from the embedded {found.syntax} e-invoice.",
        language=detect_language(layout.text) if layout.text.strip() else None,
        locations=field_locations(reader, values, line_items),
    )
    return Extraction(with_sender(result, layout, found.fields.get("vendor")), layout, einvoice=True)
