"""A person's corrections (recordengine.corrections): each value checked against its field's type, the record
scored again from the corrected values, and the corrected fields kept over a later extraction run."""

from __future__ import annotations

import pytest

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.corrections import corrected_values, keep_corrections, normalised_value
from recordengine.errors import InvalidInput
from recordengine.models import ConfidenceLabel, DocumentCorrection, FieldDefinition

FIELDS = {field.name: field for field in INVOICE_PROFILE.fields}
QUANTITY = FieldDefinition(name="quantity", type="integer")
NOTE = FieldDefinition(name="note", type="string")


# ---------------------------------------------------------------- one value against its field's type


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("1234.5", "1234.50"),
        ("18500.00", "18500.00"),
        (" 12.50 ", "12.50"),
        (".5", "0.50"),
        ("5.", "5.00"),
        ("+7", "7.00"),
        ("-20.00", "-20.00"),
        # Zero has no sign; trailing zeros past the hundredths lose nothing.
        ("-0.0", "0.00"),
        (-0.0, "0.00"),
        ("1.500", "1.50"),
        (18500, "18500.00"),
        (12.5, "12.50"),
        # JSON's 1e5 is the number 100000, whatever notation the client's encoder chose.
        (1e5, "100000.00"),
        (1e16, "10000000000000000.00"),
    ],
)
def test_an_amount_is_stored_with_two_decimals(value, stored):
    assert normalised_value(FIELDS["total_amount"], value) == stored


@pytest.mark.parametrize(
    "value",
    ["12,50", "1,234.50", "1e5", "1E5", "12.50 EUR", "$12.50", "twelve", "", " ", "NaN", "Infinity", "1.2.3", True],
)
def test_a_value_that_is_not_an_amount_is_refused_naming_the_field(value):
    with pytest.raises(InvalidInput, match=r"extracted_fields\.total_amount") as refused:
        normalised_value(FIELDS["total_amount"], value)
    assert "amount" in refused.value.detail


@pytest.mark.parametrize("value", ["0.005", "0.001", 0.001, "18500.005", "-1.999"])
def test_an_amount_finer_than_hundredths_is_refused_not_rounded(value):
    # Issue 16: "0.005" was stored as "0.01" without notice.
    with pytest.raises(InvalidInput, match=r"extracted_fields\.total_amount.*two decimals"):
        normalised_value(FIELDS["total_amount"], value)


def test_an_amount_of_thirty_digits_is_stored_exactly():
    assert normalised_value(FIELDS["total_amount"], "9" * 30) == "9" * 30 + ".00"
    assert normalised_value(FIELDS["total_amount"], "1" * 28 + ".25") == "1" * 28 + ".25"


def test_an_amount_of_more_than_thirty_digits_is_refused():
    with pytest.raises(InvalidInput, match=r"extracted_fields\.subtotal"):
        normalised_value(FIELDS["subtotal"], "9" * 31)
    with pytest.raises(InvalidInput, match=r"extracted_fields\.subtotal"):
        normalised_value(FIELDS["subtotal"], "1" + "0" * 400)


@pytest.mark.parametrize(("value", "stored"), [("2025-11-15", "2025-11-15"), (" 2024-02-29 ", "2024-02-29")])
def test_a_date_is_stored_as_yyyy_mm_dd(value, stored):
    assert normalised_value(FIELDS["invoice_date"], value) == stored


@pytest.mark.parametrize(
    "value",
    [
        "2025-02-30",
        "2025-13-01",
        "2023-02-29",
        "15/11/2025",
        "11/15/2025",
        "2025-11-5",
        "20251115",
        "2025-11-15T00:00:00",
        "15 November 2025",
        # Python's date.fromisoformat reads these ISO 8601 week dates; they are not YYYY-MM-DD.
        "2025-W01-1",
        "2025W01",
        "",
        20251115,
        True,
    ],
)
def test_a_value_that_is_not_a_yyyy_mm_dd_date_is_refused_naming_the_field(value):
    with pytest.raises(InvalidInput, match=r"extracted_fields\.due_date.*YYYY-MM-DD"):
        normalised_value(FIELDS["due_date"], value)


@pytest.mark.parametrize(("value", "stored"), [("EUR", "EUR"), (" eur ", "EUR"), ("usd", "USD"), ("JPY", "JPY")])
def test_a_currency_is_stored_as_its_iso_4217_code(value, stored):
    assert normalised_value(FIELDS["currency"], value) == stored


@pytest.mark.parametrize("value", ["EURO", "euros", "€", "$", "US", "ABC", "", 978, True])
def test_a_currency_that_is_not_iso_4217_is_refused_naming_the_field(value):
    with pytest.raises(InvalidInput, match=r"extracted_fields\.currency.*ISO 4217"):
        normalised_value(FIELDS["currency"], value)


@pytest.mark.parametrize(("value", "stored"), [("12", "12"), (" 007 ", "7"), (-3, "-3"), ("9" * 30, "9" * 30)])
def test_an_integer_is_stored_in_its_plain_form(value, stored):
    assert normalised_value(QUANTITY, value) == stored


@pytest.mark.parametrize("value", ["1.0", "1e3", "12 pcs", "", True, False, 1.5, "9" * 31])
def test_a_value_that_is_not_an_integer_is_refused_naming_the_field(value):
    with pytest.raises(InvalidInput, match=r"extracted_fields\.quantity.*integer"):
        normalised_value(QUANTITY, value)


def test_text_is_stored_trimmed_and_blank_text_clears_the_field():
    assert normalised_value(NOTE, "  Northwind Traders Ltd ") == "Northwind Traders Ltd"
    assert normalised_value(NOTE, "   ") is None


@pytest.mark.parametrize("value", [12, 12.5, True, False])
def test_a_number_or_a_bool_for_a_text_field_is_refused(value):
    with pytest.raises(InvalidInput, match=r"extracted_fields\.note"):
        normalised_value(NOTE, value)


@pytest.mark.parametrize("field", [*INVOICE_PROFILE.fields, QUANTITY])
def test_null_clears_a_field_of_any_type(field):
    assert normalised_value(field, None) is None


# ---------------------------------------------------------------- a correction of a stored record


def extracted_record(**fields: str | None) -> dict:
    """An invoice as the extraction engine stored it: a misread total (18000.00), so the totals check fails."""
    values = {
        "vendor": "Northwind Traders Ltd",
        "invoice_number": "INV-2025-1147",
        "invoice_date": "2025-11-15",
        "due_date": "2025-12-15",
        "currency": "USD",
        "subtotal": "15000.00",
        "tax_amount": "3500.00",
        "total_amount": "18000.00",
        **fields,
    }
    return {
        "id": 7,
        "profile_id": INVOICE_PROFILE.id,
        "status": "Needs Review",
        "doc_type": "Invoice",
        "doc_date": "2025-11-15",
        "extracted_fields": values,
        "line_items": [{"description": "Consulting services", "quantity": 10, "unit_price": 1500.0, "amount": 15000.0}],
        "field_confidence": {
            "vendor": 80,
            "invoice_number": 92,
            "invoice_date": 92,
            "due_date": 92,
            "currency": 90,
            "subtotal": 60,
            "tax_amount": 60,
            "total_amount": 60,
        },
        "field_sources": {
            **{name: "extracted" for name, value in values.items() if value is not None},
            "line_items": "extracted",
            "doc_type": "extracted",
            "doc_date": "extracted",
        },
        "confidence_score": 70,
        "confidence_label": "Fair",
        "confidence_reasoning": "All 8 fields extracted, but subtotal + tax does not equal total.",
        "missing_fields": [],
        "validation": [
            {"check": "subtotal_plus_tax_equals_total", "passed": False, "detail": "15000.00 + 3500.00 ≠ 18000.00"}
        ],
        "notes": None,
    }


def correct(document: dict, **body) -> dict:
    return corrected_values(document, DocumentCorrection.model_validate(body), INVOICE_PROFILE)


def check(values: dict, name: str) -> dict:
    return next(c for c in values["validation"] if c["check"] == name)


def test_correcting_a_misread_total_scores_the_record_again():
    document = extracted_record()
    changed = correct(document, extracted_fields={"total_amount": "18500"})

    assert changed["extracted_fields"]["total_amount"] == "18500.00"
    assert changed["extracted_fields"]["vendor"] == "Northwind Traders Ltd", "the fields not named are kept"
    assert check(changed, "subtotal_plus_tax_equals_total")["passed"] is True
    assert check(changed, "subtotal_plus_tax_equals_total")["detail"] == "15000.00 + 3500.00 = 18500.00"
    assert changed["confidence_score"] > document["confidence_score"]
    assert changed["confidence_label"] == ConfidenceLabel.for_score(changed["confidence_score"]).value
    assert "does not equal" not in changed["confidence_reasoning"]
    assert changed["missing_fields"] == []
    assert "18500.00" in changed["ai_summary"]


def test_a_corrected_field_counts_at_confidence_100_and_is_marked_corrected():
    changed = correct(extracted_record(), extracted_fields={"total_amount": "18500.00", "vendor": "Northwind Ltd"})

    assert changed["field_confidence"]["total_amount"] == 100
    assert changed["field_confidence"]["vendor"] == 100
    assert changed["field_confidence"]["invoice_number"] == 92, "a field nobody touched keeps the engine's confidence"
    sources = changed["field_sources"]
    assert (sources["total_amount"], sources["vendor"]) == ("corrected", "corrected")
    assert sources["invoice_number"] == sources["subtotal"] == sources["line_items"] == "extracted"


def test_clearing_a_required_field_makes_it_missing_and_lowers_the_score():
    document = extracted_record(total_amount="18500.00")
    before = correct(document, extracted_fields={"vendor": "Northwind Traders Limited"})
    changed = correct(document, extracted_fields={"vendor": None})

    assert changed["extracted_fields"]["vendor"] is None
    assert changed["missing_fields"] == ["vendor"]
    assert "vendor" in changed["confidence_reasoning"]
    assert changed["confidence_score"] < before["confidence_score"]
    assert changed["field_sources"]["vendor"] == "corrected", "a person said this field has no value"


def test_a_correction_that_sets_what_is_there_changes_nothing():
    document = extracted_record()
    assert correct(document, extracted_fields={"vendor": "Northwind Traders Ltd", "currency": " usd "}) == {}
    assert correct(document, doc_type="Invoice", notes=None) == {}


def test_only_notes_change_no_score():
    changed = correct(extracted_record(), notes="Called the vendor about the total.")
    assert changed == {"notes": "Called the vendor about the total."}


def test_a_value_of_the_wrong_type_is_refused_naming_the_field():
    with pytest.raises(InvalidInput, match=r"extracted_fields\.invoice_date"):
        correct(extracted_record(), extracted_fields={"vendor": "Fine", "invoice_date": "2025-02-30"})


def test_a_field_the_profile_does_not_have_is_refused_naming_it():
    with pytest.raises(InvalidInput, match=r"extracted_fields\.iban") as refused:
        correct(extracted_record(), extracted_fields={"iban": "GB33BUKB20201555555555"})
    assert "total_amount" in refused.value.detail, "the answer lists the fields the profile has"


def test_correcting_the_invoice_date_moves_the_document_date_unless_a_person_set_it():
    changed = correct(extracted_record(), extracted_fields={"invoice_date": "2025-11-14"})
    assert changed["doc_date"] == "2025-11-14"

    document = extracted_record()
    document["doc_date"] = "2025-11-01"
    document["field_sources"]["doc_date"] = "corrected"
    changed = correct(document, extracted_fields={"invoice_date": "2025-11-14"})
    assert "doc_date" not in changed


def test_the_document_date_and_type_are_corrected_like_fields():
    changed = correct(extracted_record(), doc_date="2025-11-20", doc_type="Credit Note")
    assert (changed["doc_date"], changed["doc_type"]) == ("2025-11-20", "Credit Note")
    assert changed["field_sources"]["doc_date"] == changed["field_sources"]["doc_type"] == "corrected"
    assert changed["ai_summary"].startswith("Credit Note ")


@pytest.mark.parametrize("value", ["20/11/2025", "2025-11-31", "2025-W47-4"])
def test_a_document_date_that_is_not_yyyy_mm_dd_is_refused(value):
    with pytest.raises(InvalidInput, match="doc_date"):
        correct(extracted_record(), doc_date=value)


def test_line_items_are_replaced_whole_and_checked_again():
    document = extracted_record(total_amount="18500.00")
    items = [
        {"description": "Consulting services", "quantity": 10, "unit_price": 1400.0, "amount": 14000.0},
        {"description": "Travel", "amount": 1000},
    ]
    changed = correct(document, line_items=items)
    assert changed["line_items"] == items
    assert changed["field_sources"]["line_items"] == "corrected"
    assert check(changed, "line_items_sum_to_subtotal")["passed"] is True

    changed = correct(document, line_items=items[:1])
    assert check(changed, "line_items_sum_to_subtotal")["passed"] is False
    assert "line items do not sum" in changed["confidence_reasoning"]


# ---------------------------------------------------------------- a later extraction run


def engine_result(**fields: str | None) -> dict:
    """What a new extraction run of the same file concludes, as the pipeline hands it to keep_corrections."""
    values = {
        "vendor": "Northwind Traders Ltd",
        "invoice_number": "INV-2025-1147",
        "invoice_date": "2025-11-15",
        "due_date": "2025-12-15",
        "currency": "USD",
        "subtotal": "15000.00",
        "tax_amount": "3500.00",
        "total_amount": "18500.00",
        **fields,
    }
    return {
        "doc_type": "Invoice",
        "doc_date": "2025-11-15",
        "extracted_fields": values,
        "line_items": [{"description": "Consulting services", "quantity": 10, "unit_price": 1500.0, "amount": 15000.0}],
        "ai_summary": "Invoice INV-2025-1147 from Northwind Traders Ltd.",
        "confidence_score": 87,
        "confidence_label": "Good",
        "confidence_reasoning": "All 8 fields extracted successfully.",
        "field_confidence": {
            "vendor": 60,
            "invoice_number": 92,
            "invoice_date": 92,
            "due_date": 92,
            "currency": 90,
            "subtotal": 98,
            "tax_amount": 90,
            "total_amount": 90,
        },
        "missing_fields": [],
        "validation": [],
        "error": None,
    }


def test_a_run_on_a_document_nobody_corrected_is_stored_as_read_with_its_sources():
    result = engine_result(due_date=None)
    kept = keep_corrections(result, extracted_record(), INVOICE_PROFILE)
    assert kept["extracted_fields"] == result["extracted_fields"]
    assert kept["confidence_score"] == 87
    sources = kept["field_sources"]
    assert set(sources) == {*(set(result["extracted_fields"]) - {"due_date"}), "line_items", "doc_type", "doc_date"}
    assert set(sources.values()) == {"extracted"}


def test_fields_a_senders_hint_found_are_stored_as_learned_unless_a_person_corrected_them():
    document = extracted_record(vendor="Northwind Traders Limited")
    document["field_sources"]["vendor"] = "corrected"
    kept = keep_corrections(engine_result(), document, INVOICE_PROFILE, learned={"vendor", "invoice_number"})
    assert kept["field_sources"]["invoice_number"] == "learned"
    assert kept["field_sources"]["vendor"] == "corrected"
    assert kept["field_sources"]["total_amount"] == "extracted"
    first_run = keep_corrections(engine_result(), extracted_record(), INVOICE_PROFILE, learned={"invoice_number"})
    assert first_run["field_sources"]["invoice_number"] == "learned"


def test_a_corrected_field_is_kept_over_a_new_run():
    document = extracted_record(vendor="Northwind Traders Limited")
    document["field_sources"]["vendor"] = "corrected"

    kept = keep_corrections(engine_result(), document, INVOICE_PROFILE)

    assert kept["extracted_fields"]["vendor"] == "Northwind Traders Limited"
    assert kept["extracted_fields"]["total_amount"] == "18500.00", "the run's other readings are stored"
    assert kept["field_sources"]["vendor"] == "corrected"
    assert kept["field_sources"]["total_amount"] == "extracted"
    assert kept["field_confidence"]["vendor"] == 100
    assert kept["field_confidence"]["invoice_number"] == 92
    # Scored again: vendor at 100 instead of the engine's 60.
    assert kept["confidence_score"] > 87
    assert kept["confidence_label"] == ConfidenceLabel.for_score(kept["confidence_score"]).value
    assert "Northwind Traders Limited" in kept["ai_summary"]


def test_a_field_a_person_cleared_stays_cleared_after_a_new_run():
    document = extracted_record(due_date=None)
    document["field_sources"]["due_date"] = "corrected"
    kept = keep_corrections(engine_result(), document, INVOICE_PROFILE)
    assert kept["extracted_fields"]["due_date"] is None
    assert kept["missing_fields"] == ["due_date"]
    assert kept["field_sources"]["due_date"] == "corrected"


def test_corrected_line_items_type_and_date_are_kept_over_a_new_run():
    document = extracted_record()
    document.update(
        doc_type="Credit Note",
        doc_date="2025-11-01",
        line_items=[{"description": "Agreed fee", "amount": 15000}],
    )
    document["field_sources"].update(doc_type="corrected", doc_date="corrected", line_items="corrected")

    kept = keep_corrections(engine_result(), document, INVOICE_PROFILE)

    assert (kept["doc_type"], kept["doc_date"]) == ("Credit Note", "2025-11-01")
    assert kept["line_items"] == [{"description": "Agreed fee", "amount": 15000}]
    assert {kept["field_sources"][name] for name in ("doc_type", "doc_date", "line_items")} == {"corrected"}
    assert kept["ai_summary"].startswith("Credit Note ")
