"""What the AWS engines share with the built-in one: value parsing, the validation and confidence logic
(``extraction.confidence.assess``, called as is), the result's shape, and falling back when a service refuses.

An AWS engine only decides what each field's text is and how sure the service was; everything after that
(parsing into the profile's types, the checks, the score and its reasoning) is the built-in engine's.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from botocore.exceptions import BotoCoreError, ClientError

from recordengine.extraction.amounts import ISO_4217, currencies_in, format_amount, parse_amount, to_number
from recordengine.extraction.dates import parse_date
from recordengine.extraction.errors import UnreadableDocument
from recordengine.extraction.fields import Found
from recordengine.extraction.generic import _ALIASES, _ROLE_TYPES
from recordengine.models import ExtractionResult, FieldDefinition, Profile

if TYPE_CHECKING:
    from recordengine.extraction.engine import Extraction

logger = logging.getLogger(__name__)

# An engine's reading: with the page text it read (an Extraction) when it has one, which is what a sender's
# hints are checked on, else the bare result.
Extractor = Callable[[bytes, str, Profile], "ExtractionResult | Extraction"]


@dataclass(frozen=True)
class StoredObject:
    """Where the document is stored: an engine that reads S3 itself (Textract, for large and multi-page
    documents) is given it by the pipeline."""

    bucket: str
    key: str


@runtime_checkable
class StoredObjectExtractor(Protocol):
    """An engine that can use the document's S3 location as well as its bytes."""

    def extract_stored(
        self, content: bytes, media_type: str, profile: Profile, stored: StoredObject | None
    ) -> ExtractionResult | Extraction: ...


class ServiceRefused(Exception):
    """The AWS service did not analyse the document; ``str(exc)`` says so in plain words."""


def describe_failure(service: str, error: Exception) -> str:
    """E.g. "Amazon Textract refused the document: UnsupportedDocumentException."."""
    if isinstance(error, ServiceRefused):
        return str(error)
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code") or "an error"
        return f"{service} refused the document: {code}."
    return f"{service} could not be reached: {type(error).__name__}."


SERVICE_ERRORS: tuple[type[Exception], ...] = (ClientError, BotoCoreError, ServiceRefused)


def fall_back(
    fallback: Extractor | None, reason: str, content: bytes, media_type: str, profile: Profile
) -> ExtractionResult | Extraction:
    """The built-in engine's reading when the service refused (said in the reasoning), with the page text it
    read when it gives it; when there is no fallback or it cannot read the document either,
    ``UnreadableDocument`` with the service's refusal."""
    logger.warning("%s", reason)
    if fallback is None:
        raise UnreadableDocument(reason)
    try:
        read = fallback(content, media_type, profile)
    except UnreadableDocument as error:
        raise UnreadableDocument(f"{reason} The built-in engine could not read it either: {error}") from error
    note = f"{reason} Read by the built-in engine instead."
    result = read if isinstance(read, ExtractionResult) else read.result
    noted = result.model_copy(update={"confidence_reasoning": f"{result.confidence_reasoning} {note}"})
    return noted if isinstance(read, ExtractionResult) else replace(read, result=noted)


# ---------------------------------------------------------------------------------------------------
# Values


def role_of(field: FieldDefinition) -> str | None:
    """The invoice concept a profile field stands for (vendor, total_amount…), as the built-in engine
    maps custom profiles, when the field's type fits it."""
    role = _ALIASES.get(field.name)
    if role is not None and _ROLE_TYPES[role] in (field.type, "string"):
        return role
    return None


def vendor_of(result: ExtractionResult) -> Found | None:
    """The vendor a service read, as the sender's name (senders/identity.py) is recognised from."""
    vendor = result.extracted_fields.get("vendor")
    return Found(vendor, result.field_confidence.get("vendor", 0), vendor) if vendor else None


_DAY_MONTH_JOIN = re.compile(r"(?<=\d)[-/.](?=[A-Za-z]{3})|(?<=[A-Za-z]{3})[-/.](?=\d)")
_INTEGER = re.compile(r"\s*(-?\d{1,3}(?:[.,' ]\d{3})+|-?\d+)(?![.,]\d)")


def parse_value(field_type: str, text: str, *, dayfirst: bool = True) -> tuple[str, object] | None:
    """``text`` as the API shows a value of ``field_type``, with the parsed value the checks use."""
    text = text.strip()
    if not text:
        return None
    if field_type == "date":
        # "01-Jan-2021" is as common on documents as "01 Jan 2021".
        parsed_date: date | None = parse_date(_DAY_MONTH_JOIN.sub(" ", text), dayfirst=dayfirst)
        return (parsed_date.isoformat(), parsed_date) if parsed_date is not None else None
    if field_type == "amount":
        amount = parse_amount(text)
        return (format_amount(amount), amount) if amount is not None else None
    if field_type == "currency":
        token = text.upper()
        if token in ISO_4217:
            return token, token
        codes = currencies_in(text)
        return (codes[0], codes[0]) if codes else None
    if field_type == "integer":
        match = _INTEGER.match(text)
        if not match:
            return None
        number = int(re.sub(r"[^\d-]", "", match.group(1)))
        return str(number), Decimal(number)
    value = re.sub(r"\s+", " ", text).strip(" :;,-")[:200]
    return (value, value) if value else None


def found_value(field_type: str, text: str | None, confidence: float, *, dayfirst: bool = True) -> Found | None:
    if text is None:
        return None
    parsed = parse_value(field_type, text, dayfirst=dayfirst)
    if parsed is None:
        return None
    shown, raw = parsed
    return Found(shown, max(0, min(100, round(confidence))), raw)


def number(value: Any) -> int | float | None:
    """A line item's number from a service's text or JSON number: ``"$1,350.00"`` → ``1350``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return to_number(Decimal(str(value)))
    parsed = parse_amount(str(value))
    return to_number(parsed) if parsed is not None else None


def line_item(description: str, quantity: Any, unit_price: Any, amount: Any) -> dict[str, Any] | None:
    """A line item in the built-in engine's shape, or None when it has neither wording nor amount."""
    text = re.sub(r"\s+", " ", description).strip()[:200]
    price, total = number(unit_price), number(amount)
    if not text and total is None:
        return None
    return {
        "description": text,
        "quantity": number(quantity),
        "unit_price": float(price) if price is not None else None,
        "amount": float(total) if total is not None else None,
    }
