"""The evaluation's scoring: what counts as a right field, a matched line item, a calibration band."""

from __future__ import annotations

import pytest

from eval.run import Document, usable_text
from eval.scoring import (
    Calibration,
    LineItemScore,
    band_of,
    description_similarity,
    field_correct,
    match_line_items,
    percentile,
    real_items,
    scorable_fields,
    vendor_matches,
    wrong_fields,
)


@pytest.mark.parametrize(
    ("predicted", "truth"),
    [
        ("Amazon Web Services, Inc.", "Amazon Web Services, Inc."),
        ("AMAZON WEB SERVICES", "Amazon Web Services, Inc."),  # case and legal form
        ("Coolblue", "Coolblue B.V."),
        ("Lieferant GmbH", "Lieferant GmbH"),
        ("Müller & Söhne", "Muller and Sohne GmbH"),  # accents and "&"
        ("Versicherungsverein Musterstadt a.G.", "GLN 4000001000005\nVersicherungsverein Musterstadt a.G."),
        ("Calendly LLC Atlanta", "Calendly"),  # the name plus as many words again at most
        ("BOOK TA .K (TAMAN DAYA) SDN BHD", "BOOK TA.K (TAMAN DAYA) SDN BHD"),  # OCR spacing
    ],
)
def test_vendor_names_match_leniently(predicted: str, truth: str) -> None:
    assert vendor_matches(predicted, [truth])


@pytest.mark.parametrize(
    ("predicted", "truth"),
    [
        ("Kunden AG Mitte", "Lieferant GmbH"),
        ("Invoice", "Amazon Web Services"),
        ("Lieferant GmbH Lieferantenstraße 20 80333 München Deutschland", "Lieferant GmbH"),
        ("", "Lieferant GmbH"),
        ("GmbH", "Lieferant GmbH"),  # nothing left once the legal form goes
    ],
)
def test_other_names_do_not(predicted: str, truth: str) -> None:
    assert not vendor_matches(predicted, [truth])


def test_the_alternative_vendor_name_counts() -> None:
    row = {"vendor_name": "Amazon Web Services, Inc.", "vendor_name_alt": "AWS"}
    assert field_correct("vendor_name", "AWS", row)


def test_amounts_are_compared_as_decimals() -> None:
    row = {"total": 4.11, "subtotal": 18500.0, "tax": 0.0}
    assert field_correct("total", "4.11", row)
    assert field_correct("subtotal", "18500.00", row)
    assert field_correct("tax", "0.00", row)
    assert not field_correct("total", "4.12", row)
    assert not field_correct("total", None, row)
    assert not field_correct("total", "four", row)


def test_dates_are_exact_and_identifiers_ignore_case_and_spaces() -> None:
    row = {"invoice_date": "2014-08-03", "invoice_number": "INV 2025-1147", "currency": "EUR"}
    assert field_correct("invoice_date", "2014-08-03", row)
    assert not field_correct("invoice_date", "2014-03-08", row)
    assert field_correct("invoice_number", "inv2025-1147", row)
    assert not field_correct("invoice_number", "2025-1147", row)
    assert field_correct("currency", "eur", row)


def test_only_scorable_fields_are_scored() -> None:
    row = {"fields_scorable": ["vendor_name", "total", "line_items"], "due_date": None}
    assert scorable_fields(row) == ["vendor_name", "total"]


def test_wrong_fields_are_the_scorable_ones_extracted_wrong_or_not_at_all() -> None:
    row = {"fields_scorable": ["vendor_name", "total", "invoice_date"], "vendor_name": "Northwind", "total": 5.0}
    row["invoice_date"] = "2025-01-02"
    extracted = {"vendor": "Northwind Ltd", "total_amount": "5.50", "due_date": "2025-01-01"}
    assert wrong_fields(row, extracted) == ["invoice_date", "total"]


def test_line_items_match_by_wording_and_amount() -> None:
    truth = [
        {
            "description": "GTIN: 4012345001235\nUnsere Art.-Nr.: TB100A4\nTrennblätter A4",
            "quantity": 20.0,
            "amount": 198.0,
        },
        {"description": "Joghurt Banane", "quantity": 50.0, "unit_price": 5.5, "amount": 275.0},
        {"description": "AWS Data Transfer", "unit_price": 0.01},
    ]
    predicted = [
        {"description": "Trennblätter A4", "quantity": 20, "unit_price": 9.9, "amount": 198.0},  # contained
        {"description": "Joghurt Banane", "quantity": 50, "unit_price": 5.5, "amount": 257.0},  # unit price agrees
        {"description": "AWS Data Transfer", "quantity": None, "unit_price": None, "amount": 0.01},
        {"description": "Versandkosten", "amount": 5.0},  # not on the list
    ]
    assert description_similarity("Trennblätter A4", truth[0]["description"]) == 1.0
    assert match_line_items(predicted, truth) == 3
    wrong_amount = [{"description": "Joghurt Banane", "unit_price": 5.0, "amount": 250.0}]
    assert match_line_items(wrong_amount, truth) == 0


def test_each_labelled_item_is_matched_once() -> None:
    truth = [{"description": "Consulting", "amount": 100.0}]
    predicted = [{"description": "Consulting", "amount": 100.0}, {"description": "Consulting", "amount": 100.0}]
    score = LineItemScore()
    score.add(predicted, truth)
    assert (score.matched, score.predicted, score.truth) == (1, 2, 1)
    assert score.precision == 0.5 and score.recall == 1.0
    assert score.f1 == pytest.approx(2 / 3)


def test_empty_ground_truth_items_are_not_items() -> None:
    assert real_items([{}, {"description": "Pfand", "amount": 2.0}]) == [{"description": "Pfand", "amount": 2.0}]


def test_bands_and_calibration() -> None:
    assert [band_of(score) for score in (100, 90, 89, 75, 74, 50, 49, 0)] == [
        "90-100",
        "90-100",
        "75-89",
        "75-89",
        "50-74",
        "50-74",
        "0-49",
        "0-49",
    ]
    calibration = Calibration()
    calibration.add(95, scored=8, correct=8)
    calibration.add(91, scored=2, correct=1)
    calibration.add(40, scored=3, correct=0)
    assert calibration.documents == {"90-100": 2, "75-89": 0, "50-74": 0, "0-49": 1}
    assert calibration.share("90-100") == 0.9
    assert calibration.share("75-89") is None


def test_percentiles() -> None:
    assert percentile([], 0.5) == 0.0
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.95) == pytest.approx(4.8)


def test_scans_have_no_usable_text() -> None:
    assert not usable_text("/0/1/2/3/4/5 /6/7 /8/9")
    assert usable_text("Invoice number 42 issued by Northwind Traders for consulting services rendered")


def test_a_document_knows_its_baselines_per_page() -> None:
    document = Document({"document": "a/b.pdf"}, b"", "application/pdf", "text", 4, {"pypdf_layout": 0.2})
    assert document.path == "a/b.pdf"
    assert document.baseline_per_page("pypdf_layout") == pytest.approx(0.05)
    assert document.baseline_per_page("tesseract") is None
