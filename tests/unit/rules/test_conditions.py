"""Condition evaluation: type-aware comparisons that are true or false, never an error."""

import pytest

from recordengine.rules.conditions import compare, evaluate_rule, field_value
from recordengine.rules.models import Operator, Rule

DOCUMENT = {
    "id": 7,
    "status": "Needs Review",
    "doc_type": "Invoice",
    "confidence_score": 87,
    "contact_id": 5,
    "folder_id": 12,
    "extracted_fields": {
        "vendor": "Acme Corporation",
        "total_amount": "18500.00",
        "grouped_amount": "18,500.00",
        "invoice_date": "2025-11-15",
        "issued_at": "2025-11-15T08:23:41Z",
        "currency": "CNY",
        "po_number": None,
        "blank": "  ",
        "tags": ["urgent", "Q4"],
    },
}


def check(field, op, value=None):
    return compare(field_value(DOCUMENT, field), Operator(op), value)


@pytest.mark.parametrize(
    ("field", "op", "value", "expected"),
    [
        # numbers, and numeric strings compared as numbers (amounts are stored as strings)
        ("confidence_score", ">=", 87, True),
        ("confidence_score", ">", 87, False),
        ("confidence_score", "<", 87.5, True),
        ("confidence_score", "==", "87", True),
        ("confidence_score", "!=", 90, True),
        ("extracted_fields.total_amount", ">", 10000, True),
        ("extracted_fields.total_amount", "==", 18500, True),
        ("extracted_fields.total_amount", "==", "18500", True),
        ("extracted_fields.total_amount", "<=", 18499.99, False),
        ("extracted_fields.total_amount", "<", "18500.01", True),
        ("extracted_fields.grouped_amount", "==", 18500, True),
        ("extracted_fields.grouped_amount", ">", "1,000", True),
        # dates as ISO strings; a date against a timestamp compares by day
        ("extracted_fields.invoice_date", ">=", "2025-11-01", True),
        ("extracted_fields.invoice_date", "<", "2025-11-15", False),
        ("extracted_fields.invoice_date", "==", "2025-11-15T23:00:00Z", True),
        ("extracted_fields.issued_at", ">", "2025-11-15T08:00:00+00:00", True),
        ("extracted_fields.issued_at", "<", "2025-11-15T09:00:00+02:00", False),
        ("extracted_fields.issued_at", "<=", "2025-11-15", True),
        # text: case-insensitive equality and containment, no order
        ("doc_type", "==", "invoice", True),
        ("doc_type", "!=", "Receipt", True),
        ("extracted_fields.vendor", "contains", "acme", True),
        ("extracted_fields.vendor", "contains", "Globex", False),
        ("extracted_fields.vendor", ">", "Aaa", False),
        ("extracted_fields.currency", "==", "cny", True),
        ("status", "==", "Needs Review", True),
        ("status", "contains", "review", True),
        # lists: contains is membership
        ("extracted_fields.tags", "contains", "q4", True),
        ("extracted_fields.tags", "contains", "later", False),
        # comparisons that cannot be made are false, != included
        ("extracted_fields.vendor", ">", 5, False),
        ("extracted_fields.vendor", "<", "2025-01-01", False),
        ("extracted_fields.invoice_date", ">", 5, False),
        ("extracted_fields.tags", "==", "urgent", False),
        ("extracted_fields.tags", "!=", "urgent", False),
        ("extracted_fields.tags", ">", 1, False),
        ("confidence_score", "contains", "8", False),
        ("confidence_score", "==", True, False),
        ("confidence_score", "!=", True, False),
        # equality falls back to text when one side is not a number
        ("extracted_fields.vendor", "!=", 5, True),
        # missing values: null, blank, absent
        ("extracted_fields.po_number", "missing", None, True),
        ("extracted_fields.po_number", "exists", None, False),
        ("extracted_fields.blank", "missing", None, True),
        ("extracted_fields.absent", "missing", None, True),
        ("extracted_fields.absent", "!=", "x", False),
        ("extracted_fields.absent", "==", "x", False),
        ("extracted_fields.vendor", "exists", None, True),
        ("confidence_score", "exists", None, True),
    ],
)
def test_compare(field, op, value, expected):
    assert check(field, op, value) is expected


def test_fields_of_a_document_without_extraction_are_missing():
    document = {"status": "New", "extracted_fields": None, "confidence_score": None}
    assert field_value(document, "extracted_fields.total_amount") is None
    assert compare(field_value(document, "confidence_score"), Operator.GE, 0) is False
    assert compare(field_value(document, "confidence_score"), Operator.MISSING, None) is True


@pytest.mark.parametrize(
    ("value", "other", "expected"),
    [
        ("NaN", 1, False),
        ("1e3", 1000, False),  # exponents are not amounts: compared as text, and text has no order
        ("--5", 5, False),
        ("", 0, False),
        ("9" * 100, 1, False),
        ({"nested": 1}, 1, False),
        (True, 0, False),
        # Timestamps whose UTC moment is outside the years a date has are not dates (nor errors).
        ("9999-12-31T23:59:59-23:59", "2025-01-01", False),
        ("2025-01-01", "0001-01-01T00:00:00+23:59", False),
    ],
)
def test_odd_values_never_raise(value, other, expected):
    assert compare(value, Operator.GT, other) is expected


def rule(match, *conditions):
    return Rule.model_validate(
        {
            "id": 1,
            "name": "r",
            "match": match,
            "conditions": [dict(zip(("field", "op", "value"), c, strict=False)) for c in conditions],
            "actions": [{"type": "set_status", "value": "Approved"}],
            "created_at": "2025-11-15T08:23:41Z",
            "updated_at": "2025-11-15T08:23:41Z",
        }
    )


def test_match_all_and_any():
    one_true = (("confidence_score", ">=", 80), ("doc_type", "==", "Receipt"))
    matched, outcomes = evaluate_rule(rule("all", *one_true), DOCUMENT)
    assert matched is False and [o.passed for o in outcomes] == [True, False]
    assert [o.actual for o in outcomes] == [87, "Invoice"]
    assert evaluate_rule(rule("any", *one_true), DOCUMENT)[0] is True
    none_true = (("confidence_score", ">=", 90), ("doc_type", "==", "Receipt"))
    assert evaluate_rule(rule("any", *none_true), DOCUMENT)[0] is False
    assert evaluate_rule(rule("all", ("confidence_score", ">=", 80), ("folder_id", "==", 12)), DOCUMENT)[0] is True
