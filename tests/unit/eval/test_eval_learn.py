"""Issue 17's replay: senders grouped, a first document reviewed into corrections and confirmations."""

from __future__ import annotations

from eval.learn import Scores, no_field_worse, review, sender_of, senders, stored_value
from recordengine.models import ExtractionResult


def row(vendor: str | None, **fields: object) -> dict[str, object]:
    scorable = ["vendor_name", *fields]
    return {"vendor_name": vendor, "fields_scorable": scorable, **fields}


def test_documents_are_grouped_by_their_normalised_vendor() -> None:
    assert sender_of(row("Fernhill Bakery GmbH")) == sender_of(row("FERNHILL  BAKERY")) == "fernhill bakery"
    assert sender_of(row(None)) is None
    rows = [row("Fernhill Bakery GmbH"), row("Oakridge Supplies"), row("fernhill bakery"), row(None)]
    repeated, alone = senders(rows)
    assert list(repeated) == ["fernhill bakery"]
    assert repeated["fernhill bakery"] == [rows[0], rows[2]]
    assert alone == [rows[3], rows[1]]


def test_ground_truth_values_are_stored_as_the_record_stores_them() -> None:
    assert stored_value("total", 12.5) == "12.50"
    assert stored_value("currency", " eur") == "EUR"
    assert stored_value("invoice_date", "2024-03-01") == "2024-03-01"
    assert stored_value("tax", None) is None


def test_a_review_corrects_wrong_fields_and_confirms_right_ones() -> None:
    truth = row("Fernhill Bakery GmbH", invoice_number="FB-17", total=119.0, currency="EUR")
    read = ExtractionResult(
        extracted_fields={
            "vendor": "FERNHILL BAKERY",
            "invoice_number": None,
            "total_amount": "11.90",
            "currency": "EUR",
        },
        confidence_score=50,
        confidence_reasoning="",
    )
    corrected, confirmed = review(truth, read)
    assert corrected == {"invoice_number": "FB-17", "total_amount": "119.00"}
    assert confirmed == {"vendor": "FERNHILL BAKERY", "currency": "EUR"}
    corrected, confirmed = review(truth, None)
    assert set(corrected) == {"vendor", "invoice_number", "total_amount", "currency"} and not confirmed


def test_a_field_worse_with_learning_on_is_caught() -> None:
    scores = Scores()
    truth = row("Fernhill Bakery", total=5.0)
    right = ExtractionResult(extracted_fields={"total_amount": "5.00"}, confidence_score=90, confidence_reasoning="")
    wrong = ExtractionResult(extracted_fields={"total_amount": "6.00"}, confidence_score=90, confidence_reasoning="")
    scores.add(truth, right, right)
    assert no_field_worse(scores)
    scores.add(truth, right, wrong)
    assert not no_field_worse(scores)


def test_documents_may_be_grouped_by_the_sender_they_were_attributed_to() -> None:
    # Two spellings of one supplier's name attributed to one sender by what they print; one not attributed.
    attributed = [("Fernhill Bakery GmbH", 4), ("FERNHILL BKRY", 4), ("Oakridge Supplies", None)]
    rows = [row(vendor, sender=sender) for vendor, sender in attributed]
    repeated, alone = senders(rows, key=lambda one: None if one["sender"] is None else str(one["sender"]))
    assert repeated == {"4": rows[:2]} and alone == [rows[2]]
