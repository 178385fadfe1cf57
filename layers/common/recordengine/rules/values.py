"""Reading the values that conditions compare: numbers (amounts as strings included) and ISO dates.

Extracted amounts are stored as strings ("18500.00"), so a number compares with a numeric string as a
number. Dates compare as dates when both sides are ISO dates or timestamps. Anything else is not a number
or a date (None), and a comparison that needs one is then simply false.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from recordengine.clock import parse_utc_moment

_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# 18,500.00 — commas only as thousands separators, so "1,5" (a decimal comma) is not read as 15.
_GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def as_number(value: Any) -> Decimal | None:
    """The value as a number: ints, finite floats and numeric strings; None for anything else (bools too)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value)) if value == value and abs(value) != float("inf") else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) > 64:
        return None
    if _GROUPED_NUMBER.match(text):
        text = text.replace(",", "")
    elif not _PLAIN_NUMBER.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the patterns admit only valid decimals
        return None


def as_date(value: Any) -> date | datetime | None:
    """The value as a date (YYYY-MM-DD) or an aware timestamp (ISO 8601, UTC when no offset); else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _ISO_DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    if _ISO_TIMESTAMP.match(text):
        # In UTC, or None when its UTC moment is outside the years a date has: any two then compare.
        return parse_utc_moment(text)
    return None


def comparable_dates(left: date | datetime, right: date | datetime) -> tuple[Any, Any]:
    """Two dates or timestamps on one footing: a plain date against a timestamp compares by day."""
    if isinstance(left, datetime) and isinstance(right, datetime):
        return left, right
    left_day = left.astimezone(UTC).date() if isinstance(left, datetime) else left
    right_day = right.astimezone(UTC).date() if isinstance(right, datetime) else right
    return left_day, right_day
