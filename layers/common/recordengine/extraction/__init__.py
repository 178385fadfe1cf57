"""The built-in extraction engine: fields, line items and confidence from a document's embedded e-invoice,
its text layer, or OCR (Tesseract, when installed).

``extract_document(content, media_type, profile)`` returns an ``ExtractionResult`` or raises
``UnreadableDocument`` with a reason fit to show to users.
"""

from .engine import extract_document
from .errors import UnreadableDocument

__all__ = ["UnreadableDocument", "extract_document"]
