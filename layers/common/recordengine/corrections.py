"""A person's corrections of a document, checked against its profile, and the record scored again from them.

The score, label, reasoning, checks and missing fields always describe the values the record holds now:
after a correction they are computed again from the corrected values, by the same checks the extraction
engine runs (recordengine.extraction.confidence), with each corrected field at confidence 100. A field a
person set stays theirs: a later extraction run keeps it (`keep_corrections`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import InvalidInput
from .extraction.amounts import ISO_4217, format_amount
from .extraction.confidence import assess
from .extraction.found import Found
from .extraction.summary import summarize
from .models import ConfidenceLabel, DocumentCorrection, FieldDefinition, FieldSource, Profile
from .storable import excerpt

CORRECTED_CONFIDENCE = 100
LINE_ITEMS = "line_items"
# Record attributes a correction may set besides extracted fields, whose source is kept like a field's.
RECORD_FIELDS = ("doc_type", "doc_date")
_DECIMAL = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_YYYY_MM_DD = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^[+-]?\d{1,30}$")
_AMOUNT_DIGITS = 30


def _refuse(name: str, value: Any, expected: str) -> InvalidInput:
    shown = excerpt(value) if isinstance(value, str) else value
    return InvalidInput(f"extracted_fields.{name}: {shown!r} is not {expected}.")


def normalised_value(field: FieldDefinition, value: Any) -> str | None:
    """The value as the record stores a field of this type (the extraction engine's own form), or 422."""
    if value is None:
        return None
    name = field.name
    if field.type == "amount":
        if not _DECIMAL.match(text := _number_text(value)):
            raise _refuse(name, value, "an amount: a decimal number such as 1234.50 (a point, no grouping)")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise _refuse(name, value, "an amount") from None
        if len(amount.as_tuple().digits) > _AMOUNT_DIGITS:
            raise _refuse(name, value, f"an amount of at most {_AMOUNT_DIGITS} digits")
        # Zero has no sign in an amount (-0.0 is stored as 0.00); and an amount is stored in hundredths, so
        # one with more (0.001) is refused rather than rounded without notice. Trailing zeros (1.500) are kept.
        stored = format_amount(amount.copy_abs() if amount.is_zero() else amount)
        if Decimal(stored) != amount:
            raise _refuse(name, value, "an amount of at most two decimals (amounts are stored in hundredths)")
        return stored
    if field.type == "date":
        parsed = _iso_date(value)
        if parsed is None:
            raise _refuse(name, value, "a date (YYYY-MM-DD)")
        return parsed
    if field.type == "currency":
        code = value.strip().upper() if isinstance(value, str) else ""
        if code not in ISO_4217:
            raise _refuse(name, value, "an ISO 4217 currency code such as EUR or USD")
        return code
    if field.type == "integer":
        text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
        if not _INTEGER.match(text):
            raise _refuse(name, value, "an integer")
        return str(int(text))
    if not isinstance(value, str):
        raise _refuse(name, value, "text")
    return value.strip() or None


def _number_text(value: Any) -> str:
    """A JSON number or a string as decimal text; a float in positional form, since JSON's 1e16 is a number."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    return str(value).strip() if isinstance(value, str | int) else ""


def _iso_date(value: Any) -> str | None:
    """`YYYY-MM-DD` of a real day, or None (ISO's other forms, such as week dates, are not the record's)."""
    if not isinstance(value, str) or not _YYYY_MM_DD.match(value.strip()):
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return None


def document_date(value: str | None) -> str | None:
    if value is None:
        return None
    parsed = _iso_date(value)
    if parsed is None:
        raise InvalidInput(f"doc_date: {excerpt(value)!r} is not a date (YYYY-MM-DD).")
    return parsed


def parsed_value(field: FieldDefinition, value: str) -> object:
    """A stored value as the checks use it: a Decimal amount, a date, otherwise the text."""
    if field.type == "amount":
        return Decimal(value)
    if field.type == "date":
        return date.fromisoformat(value)
    return value


def scored(
    profile: Profile,
    fields: Mapping[str, str | None],
    confidence: Mapping[str, int],
    line_items: list[dict[str, Any]],
    doc_type: str | None,
    corrected: Iterable[str],
) -> dict[str, Any]:
    """The record's assessment of these values: score, label, reasoning, field confidence, missing fields,
    checks, and the one-line summary. Corrected fields count at confidence 100."""
    mine = set(corrected)
    values: dict[str, Found | None] = {}
    for field in profile.fields:
        value = fields.get(field.name)
        if value is None:
            values[field.name] = None
            continue
        sure = CORRECTED_CONFIDENCE if field.name in mine else int(confidence.get(field.name) or 0)
        try:
            values[field.name] = Found(str(value), sure, parsed_value(field, str(value)))
        except (ValueError, InvalidOperation):
            # A value stored before it was checked (an engine's): it counts, but no check can use it.
            values[field.name] = Found(str(value), sure, str(value))
    items = line_items if profile.line_items else []
    assessment = assess(profile, values, items, doc_type=doc_type)
    field_confidence = dict(assessment.field_confidence)
    for name in mine & set(field_confidence):
        if values.get(name) is not None:
            field_confidence[name] = CORRECTED_CONFIDENCE
    return {
        "confidence_score": assessment.score,
        "confidence_label": ConfidenceLabel.for_score(assessment.score).value,
        "confidence_reasoning": assessment.reasoning,
        "field_confidence": field_confidence,
        "missing_fields": assessment.missing_fields,
        "validation": [check.model_dump(mode="json") for check in assessment.validation],
        "ai_summary": summarize(doc_type or "Other", values),
    }


def corrected_names(document: Mapping[str, Any]) -> set[str]:
    sources = document.get("field_sources") or {}
    return {name for name, source in sources.items() if source == FieldSource.CORRECTED.value}


def corrected_values(document: Mapping[str, Any], correction: DocumentCorrection, profile: Profile) -> dict[str, Any]:
    """The attributes `correction` sets on `document` (only those that change), scored again; 422 for a
    value the profile does not take."""
    explicit = correction.model_fields_set
    fields = dict(document.get("extracted_fields") or {})
    sources = dict(document.get("field_sources") or {})
    changed: dict[str, Any] = {}
    by_name = {field.name: field for field in profile.fields}
    for name, value in (correction.extracted_fields or {}).items():
        if name not in by_name:
            allowed = ", ".join(by_name)
            raise InvalidInput(f"extracted_fields.{name}: profile {profile.id} has no such field (it has {allowed}).")
        new = normalised_value(by_name[name], value)
        if fields.get(name) != new or name not in fields:
            fields[name] = new
            sources[name] = FieldSource.CORRECTED.value
            changed["extracted_fields"] = fields
    line_items = list(document.get("line_items") or [])
    if "line_items" in explicit:
        new_items = [item.model_dump(exclude_none=True) for item in correction.line_items or []]
        if new_items != line_items:
            line_items = new_items
            changed["line_items"] = line_items
            sources[LINE_ITEMS] = FieldSource.CORRECTED.value
    doc_type = document.get("doc_type")
    if "doc_type" in explicit and correction.doc_type != doc_type:
        doc_type = changed["doc_type"] = correction.doc_type
        sources["doc_type"] = FieldSource.CORRECTED.value
    if "doc_date" in explicit:
        new_date = document_date(correction.doc_date)
        if new_date != document.get("doc_date"):
            changed["doc_date"] = new_date
            sources["doc_date"] = FieldSource.CORRECTED.value
    elif (
        # The document's own date is its invoice date, unless a person set it apart.
        "invoice_date" in (correction.extracted_fields or {})
        and "doc_date" not in corrected_names(document)
        and fields.get("invoice_date") != document.get("doc_date")
    ):
        changed["doc_date"] = fields.get("invoice_date")
    if "notes" in explicit and correction.notes != document.get("notes"):
        changed["notes"] = correction.notes
    rescored = bool({"extracted_fields", "line_items", "doc_type"} & set(changed)) or (
        profile.id != document.get("profile_id")
    )
    if rescored:
        changed["field_sources"] = sources
        changed.update(
            scored(
                profile,
                fields,
                document.get("field_confidence") or {},
                line_items,
                doc_type,
                {name for name, source in sources.items() if source == FieldSource.CORRECTED.value},
            )
        )
    elif sources != (document.get("field_sources") or {}):
        changed["field_sources"] = sources
    return changed


def keep_corrections(
    result_values: dict[str, Any],
    document: Mapping[str, Any],
    profile: Profile,
    learned: Iterable[str] = (),
) -> dict[str, Any]:
    """An extraction run's values with every field a person corrected kept as they set it, scored again
    when there was any (the engine's readings of the other fields keep their confidence). ``learned``: the
    fields a sender's hint found (recordengine.senders.hints.combine), whose source is "learned"."""
    mine = corrected_names(document)
    fields = dict(result_values.get("extracted_fields") or {})
    hinted = set(learned)
    sources = {
        name: (FieldSource.LEARNED if name in hinted else FieldSource.EXTRACTED).value
        for name, value in fields.items()
        if value is not None
    }
    if result_values.get("line_items"):
        sources[LINE_ITEMS] = FieldSource.EXTRACTED.value
    for name in RECORD_FIELDS:
        if result_values.get(name) is not None:
            sources[name] = FieldSource.EXTRACTED.value
    if not mine:
        return {**result_values, "field_sources": sources}
    kept = dict(result_values)
    for name in mine:
        sources[name] = FieldSource.CORRECTED.value
        if name == LINE_ITEMS:
            kept[LINE_ITEMS] = list(document.get(LINE_ITEMS) or [])
        elif name in RECORD_FIELDS:
            kept[name] = document.get(name)
        else:
            fields[name] = (document.get("extracted_fields") or {}).get(name)
    kept["extracted_fields"] = fields
    kept["field_sources"] = sources
    kept.update(
        scored(
            profile,
            fields,
            result_values.get("field_confidence") or {},
            kept.get(LINE_ITEMS) or [],
            kept.get("doc_type"),
            mine,
        )
    )
    return kept
