"""The built-in extraction engine: the PDF text layer read with heuristics, offline and deterministic."""

from __future__ import annotations

from recordengine.media import JPEG, PDF, PNG, TIFF
from recordengine.models import ExtractionResult, Profile

from .confidence import assess
from .errors import UnreadableDocument
from .fields import detect_doc_type, extract_invoice_fields
from .generic import fields_for_profile
from .labels import Reader
from .layout import Layout
from .line_items import extract_line_items
from .summary import summarize
from .text import NO_TEXT, has_usable_text, read_pdf_pages

IMAGE_NO_OCR = "This is an image; OCR is not available in this deployment."
UNSUPPORTED = "This file type is not supported."


def extract_document(content: bytes, media_type: str, profile: Profile) -> ExtractionResult:
    """What the document says, for ``profile``'s fields; ``UnreadableDocument`` when it cannot be read."""
    if media_type in (PNG, JPEG, TIFF):
        raise UnreadableDocument(IMAGE_NO_OCR)
    if media_type != PDF:
        raise UnreadableDocument(UNSUPPORTED)
    pages = read_pdf_pages(content)
    if not has_usable_text(pages):
        raise UnreadableDocument(NO_TEXT)

    layout = Layout(pages)
    reader = Reader(layout)
    invoice = extract_invoice_fields(reader)
    values = fields_for_profile(profile, reader, invoice)
    line_items = extract_line_items(layout, dayfirst=reader.dayfirst) if profile.line_items else []
    doc_type = detect_doc_type(layout)
    assessment = assess(profile, values, line_items)
    issued = invoice.get("invoice_date")

    return ExtractionResult(
        doc_type=doc_type,
        doc_date=issued.value if issued is not None else None,
        extracted_fields={name: (found.value if found is not None else None) for name, found in values.items()},
        line_items=line_items,
        ai_summary=summarize(doc_type, invoice),
        confidence_score=assessment.score,
        confidence_reasoning=assessment.reasoning,
        field_confidence=assessment.field_confidence,
        missing_fields=assessment.missing_fields,
        validation=assessment.validation,
    )
