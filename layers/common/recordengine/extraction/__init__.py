"""The built-in extraction engine: fields, line items and confidence from a document's embedded e-invoice,
its text layer, or OCR (Tesseract, when installed).

``extract_document(content, media_type, profile)`` returns an ``ExtractionResult`` or raises
``UnreadableDocument`` with a reason fit to show to users.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import UnreadableDocument

if TYPE_CHECKING:
    from .engine import extract_document

__all__ = ["UnreadableDocument", "extract_document"]


def __getattr__(name: str) -> Any:
    # The engine (and every field reader it imports) loads on first use: the checks and scores of
    # recordengine.extraction.confidence serve corrections in API functions that never read a file.
    if name == "extract_document":
        from .engine import extract_document

        return extract_document
    raise AttributeError(name)
