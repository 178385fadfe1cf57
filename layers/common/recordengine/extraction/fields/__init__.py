"""Heuristics for the built-in Invoice profile's fields, multilingual and vendor-agnostic.

Each field is looked for by its labels, most explicit first (``Invoice number`` before a bare ``#``), and
read from beside or under the label. Amounts are then cross-checked: when some subtotal, tax and total
candidates add up, that combination wins over the individually likeliest ones.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from recordengine.extraction.amounts import format_amount
from recordengine.extraction.found import Found
from recordengine.extraction.labels import Candidate, Label, Reader, V

from .amount_labels import SUBTOTAL, TAX, TOTAL, amount_labels
from .amounts import extract_amounts
from .currency import extract_currency
from .dates import _DUE_DATE_LABELS, _DUE_DATE_WEAK_LABELS, _ISSUE_DATE_LABELS, extract_dates
from .doc_type import detect_doc_type
from .identifiers import _NUMBER_LABELS, extract_invoice_number
from .receipts import looks_like_receipt
from .vendor import extract_vendor
from .vendor_cues import without_owner_name

INVOICE_FIELDS = (
    "vendor",
    "invoice_number",
    "invoice_date",
    "due_date",
    "currency",
    "subtotal",
    "tax_amount",
    "total_amount",
)


def known_labels(field: str) -> list[Label]:
    """The labels the engine knows for an invoice field, every language (none for other fields): where a
    value is printed in several places, a sender's hint is learned from the one a known label leads to."""
    if field in ("total_amount", "subtotal", "tax_amount"):
        return amount_labels({"total_amount": TOTAL, "subtotal": SUBTOTAL, "tax_amount": TAX}[field])
    return {
        "invoice_number": _NUMBER_LABELS,
        "invoice_date": _ISSUE_DATE_LABELS,
        "due_date": _DUE_DATE_LABELS + _DUE_DATE_WEAK_LABELS,
    }.get(field, [])


def extract_invoice_fields(reader: Reader) -> dict[str, Found | None]:
    number = extract_invoice_number(reader)
    issue, due = extract_dates(reader, number.line if number else None)
    amounts = extract_amounts(reader)
    currency = extract_currency(reader, amounts.total)
    vendor = without_owner_name(
        extract_vendor(reader, receipt=looks_like_receipt(reader, untitled=True)), reader.layout
    )

    def text_field(candidate: Candidate[str] | None) -> Found | None:
        if candidate is None:
            return None
        return Found(candidate.value, _as_read(reader, candidate), candidate.value, candidate.line)

    def date_field(candidate: Candidate[date] | None) -> Found | None:
        if candidate is None:
            return None
        return Found(candidate.value.isoformat(), _as_read(reader, candidate), candidate.value, candidate.line)

    def amount_field(candidate: Candidate[Decimal] | None) -> Found | None:
        if candidate is None:
            return None
        return Found(format_amount(candidate.value), _as_read(reader, candidate), candidate.value, candidate.line)

    return {
        "vendor": text_field(vendor),
        "invoice_number": text_field(number),
        "invoice_date": date_field(issue),
        "due_date": date_field(due),
        "currency": text_field(currency),
        "subtotal": amount_field(amounts.subtotal),
        "tax_amount": amount_field(amounts.tax),
        "total_amount": amount_field(amounts.total),
    }


# A value OCR was unsure of is no surer than OCR was: the field's confidence is at most this far above the
# confidence of the least sure word printed on the value's line that carries its characters.
_OCR_MARGIN = 5


def _as_read(reader: Reader, candidate: Candidate[V]) -> int:
    """The candidate's confidence, no higher than OCR's confidence in the words the value was read from."""
    layout = reader.layout
    line = candidate.printed_on
    if not layout.ocr or not 0 <= line < len(layout.lines):
        return candidate.confidence
    text = layout.lines[line]
    wanted = str.isdigit if isinstance(candidate.value, (Decimal, date)) else str.isalpha
    sure = [
        confidence for start, end, confidence in layout.spans[line] if any(wanted(char) for char in text[start:end])
    ]
    if not sure:
        return candidate.confidence
    return min(candidate.confidence, round(min(sure)) + _OCR_MARGIN)


__all__ = ["INVOICE_FIELDS", "Found", "detect_doc_type", "extract_invoice_fields", "known_labels"]
