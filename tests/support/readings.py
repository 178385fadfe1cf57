"""An engine's reading, as the tests look at it."""

from __future__ import annotations

from recordengine.extraction.engine import Extraction
from recordengine.models import ExtractionResult


def result_of(read: ExtractionResult | Extraction) -> ExtractionResult:
    """The result of a reading, with or without the page text it was read from."""
    return read if isinstance(read, ExtractionResult) else read.result


def layout_text(read: ExtractionResult | Extraction) -> str | None:
    """The page text a reading gives, None when it gives none."""
    return read.layout.text if isinstance(read, Extraction) else None
