"""Fields of custom profiles: known invoice concepts by name, anything else by its "Label: value" line."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from recordengine.models import FieldDefinition, Profile

from .amounts import ISO_4217, currencies_in, format_amount
from .fields import Found
from .labels import Reader, labels

# Custom field names that mean one of the invoice fields the engine already knows how to find.
_ALIASES: dict[str, str] = {
    **dict.fromkeys(
        (
            "vendor",
            "vendor_name",
            "supplier",
            "supplier_name",
            "seller",
            "seller_name",
            "issuer",
            "merchant",
            "merchant_name",
            "company",
            "company_name",
            "biller",
        ),
        "vendor",
    ),
    **dict.fromkeys(
        (
            "invoice_number",
            "invoice_no",
            "invoice_id",
            "number",
            "document_number",
            "receipt_number",
            "bill_number",
            "reference_number",
            "doc_number",
        ),
        "invoice_number",
    ),
    **dict.fromkeys(
        (
            "invoice_date",
            "date",
            "document_date",
            "issue_date",
            "receipt_date",
            "bill_date",
            "doc_date",
            "transaction_date",
        ),
        "invoice_date",
    ),
    **dict.fromkeys(("due_date", "payment_due_date", "payment_due", "due"), "due_date"),
    **dict.fromkeys(("currency", "currency_code"), "currency"),
    **dict.fromkeys(("subtotal", "net_amount", "net_total", "amount_before_tax", "total_net"), "subtotal"),
    **dict.fromkeys(("tax", "tax_amount", "vat", "vat_amount", "total_tax", "sales_tax"), "tax_amount"),
    **dict.fromkeys(
        ("total", "total_amount", "amount", "amount_due", "grand_total", "invoice_total", "total_due", "gross_amount"),
        "total_amount",
    ),
}
_ROLE_TYPES = {
    "vendor": "string",
    "invoice_number": "string",
    "invoice_date": "date",
    "due_date": "date",
    "currency": "currency",
    "subtotal": "amount",
    "tax_amount": "amount",
    "total_amount": "amount",
}
# A label guessed from a field's name alone is a weaker signal than the engine's curated labels.
_GENERIC_CONFIDENCE_DROP = 8


def fields_for_profile(profile: Profile, reader: Reader, invoice: dict[str, Found | None]) -> dict[str, Found | None]:
    """Exactly the profile's field names, each with its value or None."""
    values: dict[str, Found | None] = {}
    for field in profile.fields:
        role = _ALIASES.get(field.name)
        if role is not None and _ROLE_TYPES[role] in (field.type, "string"):
            found = invoice.get(role)
            values[field.name] = _retype(found, field) if found is not None else None
        else:
            values[field.name] = _labelled(reader, field)
    return values


def _retype(found: Found, field: FieldDefinition) -> Found | None:
    """The invoice field's value as the custom field's type: an "integer" invoice number must be one."""
    if field.type != "integer":
        return found
    compact = found.value.replace(" ", "")
    if not re.fullmatch(r"-?\d+", compact):
        return None
    return Found(str(int(compact)), found.confidence, int(compact), found.line)


def _label_pattern(field: FieldDefinition) -> str:
    words = [re.escape(word) for word in field.name.split("_") if word]
    body = r"[\s_\-]*".join(words)
    return rf"(?<![\w\-]){body}(?:\s*(?:no\b\.?|nr\b\.?|number|#))?(?![\w\-])"


def _parser(reader: Reader, field: FieldDefinition) -> Callable[[str], tuple[str, object] | None]:
    def parse_date(text: str) -> tuple[str, object] | None:
        found: list[date] = reader.dates(text)
        return (found[0].isoformat(), found[0]) if found else None

    def parse_amount(text: str) -> tuple[str, object] | None:
        found = reader.amounts(text)
        return (format_amount(found[0].value), found[0].value) if found else None

    def parse_currency(text: str) -> tuple[str, object] | None:
        codes = currencies_in(text)
        if codes:
            return codes[0], codes[0]
        token = text.strip().split(" ")[0].upper() if text.strip() else ""
        return (token, token) if token in ISO_4217 else None

    def parse_integer(text: str) -> tuple[str, object] | None:
        match = re.match(r"\s*(-?\d{1,3}(?:[.,' ]\d{3})+|-?\d+)(?![.,]\d)", text)
        if not match:
            return None
        value = int(re.sub(r"[^\d-]", "", match.group(1)))
        return str(value), Decimal(value)

    def parse_string(text: str) -> tuple[str, object] | None:
        value = re.sub(r"\s{2,}", " ", text).strip(" :;,-")[:200]
        return (value, value) if value else None

    parsers: dict[str, Callable[[str], tuple[str, object] | None]] = {
        "date": parse_date,
        "amount": parse_amount,
        "currency": parse_currency,
        "integer": parse_integer,
        "string": parse_string,
    }
    return parsers[field.type]


def _labelled(reader: Reader, field: FieldDefinition) -> Found | None:
    found = reader.search(labels(1, _label_pattern(field)), _parser(reader, field), below=1)
    if not found:
        return None
    text, raw = found[0].value
    return Found(text, found[0].confidence - _GENERIC_CONFIDENCE_DROP, raw, found[0].line)
