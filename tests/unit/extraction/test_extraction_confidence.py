from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction.confidence import FAILED_CHECK_CAP, assess
from recordengine.extraction.fields import Found
from recordengine.models import FieldDefinition

TODAY = date(2025, 6, 1)


def invoice_values(**overrides: Found | None) -> dict[str, Found | None]:
    values: dict[str, Found | None] = {
        "vendor": Found("Acme Corporation", 90, "Acme Corporation"),
        "invoice_number": Found("INV-1", 92, "INV-1"),
        "invoice_date": Found("2025-05-01", 92, date(2025, 5, 1)),
        "due_date": Found("2025-05-31", 92, date(2025, 5, 31)),
        "currency": Found("EUR", 92, "EUR"),
        "subtotal": Found("100.00", 92, Decimal("100.00")),
        "tax_amount": Found("19.00", 92, Decimal("19.00")),
        "total_amount": Found("119.00", 92, Decimal("119.00")),
    }
    values.update(overrides)
    return values


def checks_by_name(values: dict[str, Found | None], items: list[dict[str, Any]] | None = None) -> dict[str, bool]:
    result = assess(INVOICE_PROFILE, values, items or [], TODAY)
    return {check.check: check.passed for check in result.validation}


def test_a_complete_consistent_invoice_scores_excellent() -> None:
    result = assess(INVOICE_PROFILE, invoice_values(), [{"amount": 100.0}], TODAY)
    assert result.score >= 90
    assert result.reasoning == "All 8 fields extracted successfully."
    assert result.missing_fields == []
    assert all(check.passed for check in result.validation)
    assert {check.check for check in result.validation} == {
        "subtotal_plus_tax_equals_total",
        "line_items_sum_to_subtotal",
        "due_date_not_before_invoice_date",
        "currency_is_iso_4217",
        "dates_plausible",
    }


def test_totals_that_do_not_add_up_cap_the_score_and_are_named() -> None:
    values = invoice_values(total_amount=Found("129.00", 92, Decimal("129.00")))
    result = assess(INVOICE_PROFILE, values, [], TODAY)
    failed = [check for check in result.validation if not check.passed]
    assert [check.check for check in failed] == ["subtotal_plus_tax_equals_total"]
    assert failed[0].detail == "100.00 + 19.00 ≠ 129.00"
    assert result.score <= FAILED_CHECK_CAP
    assert "subtotal + tax does not equal total" in result.reasoning
    assert result.field_confidence["total_amount"] <= 60
    assert result.field_confidence["vendor"] == 90


def test_missing_fields_are_listed_and_lower_the_score() -> None:
    complete = assess(INVOICE_PROFILE, invoice_values(), [], TODAY)
    optional_missing = assess(INVOICE_PROFILE, invoice_values(due_date=None, tax_amount=None), [], TODAY)
    required_missing = assess(INVOICE_PROFILE, invoice_values(total_amount=None), [], TODAY)
    assert optional_missing.missing_fields == ["due_date", "tax_amount"]
    assert optional_missing.reasoning.startswith("Missing due_date and tax_amount")
    assert optional_missing.field_confidence["due_date"] == 0
    assert required_missing.missing_fields == ["total_amount"]
    assert required_missing.score < optional_missing.score < complete.score
    assert required_missing.score < 75


def test_reasoning_names_both_missing_fields_and_failed_checks() -> None:
    values = invoice_values(due_date=None, total_amount=Found("200.00", 92, Decimal("200.00")))
    result = assess(INVOICE_PROFILE, values, [], TODAY)
    assert result.reasoning == "Missing due_date; subtotal + tax does not equal total."


def test_nothing_found_scores_zero() -> None:
    result = assess(INVOICE_PROFILE, dict.fromkeys(invoice_values()), [], TODAY)
    assert result.score == 0
    assert result.validation == []
    assert result.reasoning == "No fields could be extracted."


def test_due_date_before_invoice_date_fails() -> None:
    checks = checks_by_name(invoice_values(due_date=Found("2025-04-01", 92, date(2025, 4, 1))))
    assert checks["due_date_not_before_invoice_date"] is False


def test_unknown_currency_code_fails_and_is_not_trusted() -> None:
    values = invoice_values(currency=Found("EUX", 80, "EUX"))
    result = assess(INVOICE_PROFILE, values, [], TODAY)
    assert {check.check: check.passed for check in result.validation}["currency_is_iso_4217"] is False
    assert result.field_confidence["currency"] <= 30
    assert result.score <= FAILED_CHECK_CAP


@pytest.mark.parametrize("issued", [date(1985, 1, 1), date(2027, 1, 1)])
def test_implausible_dates_fail(issued: date) -> None:
    values = invoice_values(invoice_date=Found(issued.isoformat(), 92, issued), due_date=None)
    assert checks_by_name(values)["dates_plausible"] is False


def test_line_items_may_add_up_to_the_subtotal_or_the_tax_inclusive_total() -> None:
    assert checks_by_name(invoice_values(), [{"amount": 60.0}, {"amount": 40.0}])["line_items_sum_to_subtotal"]
    assert checks_by_name(invoice_values(), [{"amount": 119.0}])["line_items_sum_to_subtotal"]
    assert not checks_by_name(invoice_values(), [{"amount": 10.0}])["line_items_sum_to_subtotal"]


def test_checks_without_their_inputs_are_not_listed() -> None:
    values = invoice_values(subtotal=None, due_date=None)
    assert set(checks_by_name(values, [{"amount": 1.0}])) == {
        "line_items_sum_to_subtotal",
        "currency_is_iso_4217",
        "dates_plausible",
    }


def test_two_failed_checks_cap_lower_than_one() -> None:
    values = invoice_values(
        total_amount=Found("129.00", 92, Decimal("129.00")),
        due_date=Found("2025-04-01", 92, date(2025, 4, 1)),
    )
    result = assess(INVOICE_PROFILE, values, [], TODAY)
    assert result.score <= 60
    assert "the due date is before the invoice date" in result.reasoning


def test_a_receipt_is_checked_as_a_receipt_by_the_builtin_profile() -> None:
    receipt = invoice_values(invoice_number=None, due_date=None)
    as_receipt = assess(INVOICE_PROFILE, receipt, [], TODAY, doc_type="Receipt")
    as_invoice = assess(INVOICE_PROFILE, receipt, [], TODAY, doc_type="Invoice")
    assert as_receipt.missing_fields == []
    assert as_receipt.reasoning == "All 6 fields extracted successfully."
    assert as_receipt.score >= 90
    assert as_invoice.missing_fields == ["invoice_number", "due_date"]
    assert as_invoice.score < as_receipt.score


def test_a_receipt_number_read_on_a_receipt_is_kept_and_scored() -> None:
    receipt = invoice_values(due_date=None)
    result = assess(INVOICE_PROFILE, receipt, [], TODAY, doc_type="Receipt")
    assert result.field_confidence["invoice_number"] == 92
    assert result.reasoning == "All 7 fields extracted successfully."


def test_a_custom_profile_says_which_fields_a_document_type_does_not_carry() -> None:
    profile = INVOICE_PROFILE.model_copy(
        update={
            "fields": [
                FieldDefinition(name="vendor", required=True),
                FieldDefinition(name="order_reference", required=True, not_expected_on=["Quote"]),
            ]
        }
    )
    values: dict[str, Found | None] = {"vendor": Found("Acme Corporation", 90, "Acme Corporation")}
    values["order_reference"] = None
    assert assess(profile, values, [], TODAY, doc_type="Quote").missing_fields == []
    assert assess(profile, values, [], TODAY, doc_type="Receipt").missing_fields == ["order_reference"]
