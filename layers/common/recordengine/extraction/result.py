"""The ExtractionResult every engine returns: its readings scored by the same checks and confidence logic."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from recordengine.extraction.confidence import assess
from recordengine.extraction.fields import Found
from recordengine.extraction.summary import summarize
from recordengine.models import ExtractionResult, FieldLocation, Profile

DOC_TYPES = ("Invoice", "Receipt", "Credit Note", "Purchase Order", "Quote", "Statement", "Other")


def build_result(
    profile: Profile,
    values: Mapping[str, Found | None],
    roles: Mapping[str, Found | None],
    line_items: list[dict[str, Any]],
    doc_type: str,
    *,
    summary: str | None = None,
    note: str | None = None,
    language: str | None = None,
    locations: Mapping[str, Mapping[str, object]] | None = None,
) -> ExtractionResult:
    """The ExtractionResult, scored exactly as the built-in engine scores its own readings.

    ``values``: the profile's fields; ``roles``: the invoice concepts (vendor, invoice_date…) for
    ``doc_date`` and the summary; ``language``: the ISO 639-1 code of the document's language; ``locations``:
    where each value was read (locations.py)."""
    fields = {field.name: values.get(field.name) for field in profile.fields}
    items = line_items if profile.line_items else []
    assessment = assess(profile, fields, items, doc_type=doc_type)
    issued = roles.get("invoice_date")
    reasoning = assessment.reasoning if note is None else f"{assessment.reasoning} {note}"
    return ExtractionResult(
        doc_type=doc_type if doc_type in DOC_TYPES else "Other",
        doc_date=issued.value if issued is not None and isinstance(issued.raw, date) else None,
        extracted_fields={name: (found.value if found is not None else None) for name, found in fields.items()},
        line_items=items,
        ai_summary=summary or summarize(doc_type, dict(roles)),
        confidence_score=assessment.score,
        confidence_reasoning=reasoning,
        field_confidence=assessment.field_confidence,
        missing_fields=assessment.missing_fields,
        validation=assessment.validation,
        language=language,
        field_locations={name: FieldLocation.model_validate(where) for name, where in (locations or {}).items()},
    )
