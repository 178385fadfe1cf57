"""A sender's hints: learned from a person's review of one document, read on the sender's next document, and
combined with any engine's reading. Layouts are generated here, for invented suppliers."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction.layout import Layout
from recordengine.extraction.readings import read_layout
from recordengine.extraction.result import build_result
from recordengine.models import ExtractionResult, FieldDefinition, Profile
from recordengine.senders import hints as hints_module
from recordengine.senders.hints import (
    AGREED_CEILING,
    CHECK_LEARNED,
    DISAGREED_CONFIDENCE,
    MAX_FAILURES,
    MAX_HINTS_BYTES,
    FieldHint,
    Kind,
    Placement,
    SenderHints,
    combine,
    learn,
    read_with_hints,
)

VENDOR = "Quillfeather Stationers GmbH"


def stationer_page(
    number: str, issued: str, subtotal: str, tax: str, total: str, *, number_label: str = "Beleg-Kennung"
) -> str:
    """An invented supplier's layout: its document number sits behind a label no generic table knows."""
    return "\n".join(
        [
            VENDOR,
            "Lindenweg 4, 10115 Berlin",
            "",
            f"{number_label:<21}{number}",
            f"Ausgestellt am       {issued}",
            "",
            "Artikel                       Menge      Betrag",
            f"Papier A4                     2          {subtotal}",
            "",
            f"Zwischensumme                            {subtotal}",
            f"MwSt 19%                                 {tax}",
            f"Zu zahlen                                {total}",
        ]
    )


FIRST = Layout([stationer_page("QF/2024-0117", "03.04.2024", "100,00", "19,00", "119,00 EUR")])
SECOND = Layout([stationer_page("QF/2024-0342", "17.05.2024", "200,00", "38,00", "238,00 EUR")])
TRUTH_FIRST = {
    "vendor": VENDOR,
    "invoice_number": "QF/2024-0117",
    "invoice_date": "2024-04-03",
    "currency": "EUR",
    "subtotal": "100.00",
    "tax_amount": "19.00",
    "total_amount": "119.00",
}


def engine_reading(layout: Layout) -> ExtractionResult:
    reading = read_layout(layout, INVOICE_PROFILE)
    return build_result(INVOICE_PROFILE, reading.values, reading.roles, reading.line_items, reading.doc_type)


def reviewed(layout: Layout, truth: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """A reviewer's work: the fields the engine got wrong corrected, the others confirmed."""
    read = engine_reading(layout).extracted_fields
    corrected = {name: value for name, value in truth.items() if read.get(name) != value}
    confirmed = {name: value for name, value in truth.items() if name not in corrected}
    return corrected, confirmed


def learned_from_first() -> SenderHints:
    corrected, confirmed = reviewed(FIRST, TRUTH_FIRST)
    return learn(None, FIRST, corrected, confirmed, INVOICE_PROFILE)


def test_a_corrected_invoice_number_is_read_on_the_senders_next_document() -> None:
    # The generic engine does not know the label: without learning, the number is not read.
    assert engine_reading(SECOND).extracted_fields["invoice_number"] is None
    corrected, _ = reviewed(FIRST, TRUTH_FIRST)
    assert "invoice_number" in corrected

    hints = learned_from_first()
    hint = hints.fields["invoice_number"]
    assert (hint.label, hint.placement, hint.ordinal) == ("beleg kennung", Placement.RIGHT, 0)
    readings = read_with_hints(hints, SECOND, INVOICE_PROFILE)
    assert readings["invoice_number"].value == "QF/2024-0342"

    combined = combine(engine_reading(SECOND), readings, INVOICE_PROFILE)
    assert combined.result.extracted_fields["invoice_number"] == "QF/2024-0342"
    assert "invoice_number" in combined.learned
    assert not combined.disagreeing
    assert next(check for check in combined.result.validation if check.check == CHECK_LEARNED).passed


def test_every_learned_field_is_read_again_with_the_new_documents_values() -> None:
    readings = read_with_hints(learned_from_first(), SECOND, INVOICE_PROFILE)
    assert {name: reading.value for name, reading in readings.items()} == {
        "vendor": VENDOR,
        "invoice_number": "QF/2024-0342",
        "invoice_date": "2024-05-17",
        "currency": "EUR",
        "subtotal": "200.00",
        "tax_amount": "38.00",
        "total_amount": "238.00",
    }


def test_a_date_is_read_in_the_order_the_sender_prints_it() -> None:
    american = Layout([stationer_page("QF-1", "04/03/2024", "1.00", "0.19", "1.19")])
    hints = learn(None, american, {"invoice_date": "2024-04-03"}, {}, INVOICE_PROFILE)
    assert hints.fields["invoice_date"].date_order == "MDY"
    later = Layout([stationer_page("QF-2", "05/06/2024", "1.00", "0.19", "1.19")])
    assert read_with_hints(hints, later, INVOICE_PROFILE)["invoice_date"].value == "2024-05-06"


def test_a_label_followed_by_another_word_is_not_the_learned_value() -> None:
    # "Total" learned beside its amount; on the next document "Total tax" must not be taken for it.
    first = Layout(["Sprocket & Gear Works", "Total                 50.00", "Total tax             8.00"])
    hints = learn(None, first, {"total_amount": "50.00"}, {}, INVOICE_PROFILE)
    later = Layout(["Sprocket & Gear Works", "Total tax             9.00", "Total                 60.00"])
    assert read_with_hints(hints, later, INVOICE_PROFILE)["total_amount"].value == "60.00"


def test_agreement_raises_the_fields_confidence() -> None:
    hints = learned_from_first()
    generic = engine_reading(SECOND)
    combined = combine(generic, read_with_hints(hints, SECOND, INVOICE_PROFILE), INVOICE_PROFILE)
    assert generic.extracted_fields["total_amount"] == "238.00"
    assert combined.result.field_confidence["total_amount"] > generic.field_confidence["total_amount"]
    assert combined.result.field_confidence["total_amount"] <= AGREED_CEILING


def test_a_disagreeing_generic_reading_is_flagged_and_less_sure() -> None:
    """Any engine's result (here as a cloud engine would return it) is checked against the hints."""
    hints = learned_from_first()
    cloud = ExtractionResult(
        doc_type="Invoice",
        extracted_fields={**engine_reading(SECOND).extracted_fields, "total_amount": "23.80"},
        confidence_score=95,
        confidence_reasoning="read by a cloud engine",
        field_confidence={"total_amount": 95, "subtotal": 95, "tax_amount": 95},
    )
    combined = combine(cloud, read_with_hints(hints, SECOND, INVOICE_PROFILE), INVOICE_PROFILE)
    assert combined.result.extracted_fields["total_amount"] == "238.00"  # the learned value wins
    assert combined.disagreeing == {"total_amount"}
    assert combined.result.field_confidence["total_amount"] <= DISAGREED_CONFIDENCE
    check = next(check for check in combined.result.validation if check.check == CHECK_LEARNED)
    assert not check.passed
    assert "total_amount" in check.detail
    assert combined.result.confidence_score < 75


def test_without_hints_a_result_is_unchanged() -> None:
    generic = engine_reading(SECOND)
    assert read_with_hints(None, SECOND, INVOICE_PROFILE) == {}
    assert combine(generic, {}, INVOICE_PROFILE).result == generic


def test_a_hint_that_keeps_failing_is_dropped() -> None:
    hints = learned_from_first()
    # The person confirms a number the layout does not print where the hint looks, nor anywhere else.
    elsewhere = Layout([stationer_page("", "03.04.2024", "1,00", "0,19", "1,19 EUR")])
    for failures in range(1, MAX_FAILURES):
        hints = learn(hints, elsewhere, {}, {"invoice_number": "ZZ-99"}, INVOICE_PROFILE)
        assert hints.fields["invoice_number"].failed == failures
    hints = learn(hints, elsewhere, {}, {"invoice_number": "ZZ-99"}, INVOICE_PROFILE)
    assert "invoice_number" not in hints.fields
    assert "total_amount" in hints.fields  # the others stay


def test_a_confirmed_hint_counts_the_confirmation() -> None:
    hints = learned_from_first()
    again = learn(hints, SECOND, {}, {"invoice_number": "QF/2024-0342"}, INVOICE_PROFILE)
    assert again.fields["invoice_number"].confirmed == hints.fields["invoice_number"].confirmed + 1
    assert again.fields["invoice_number"].label == hints.fields["invoice_number"].label


def test_a_hint_a_person_corrects_again_is_replaced() -> None:
    hints = learned_from_first()
    # The sender's new layout prints the number behind another label, and the person corrects it there.
    moved = Layout([stationer_page("QF/2025-0001", "03.01.2025", "1,00", "0,19", "1,19 EUR", number_label="Vorgang")])
    hints = learn(hints, moved, {"invoice_number": "QF/2025-0001"}, {}, INVOICE_PROFILE)
    assert hints.fields["invoice_number"].label == "vorgang"
    assert hints.fields["invoice_number"].confirmed == 0


def test_a_learned_reading_a_person_corrects_counts_as_a_failure_of_its_replacement() -> None:
    hints = learned_from_first()
    # The hint reads the number behind "Beleg-Kennung"; the person says the number is the one behind "Vorgang".
    page = stationer_page("QF/2024-0342", "17.05.2024", "200,00", "38,00", "238,00 EUR")
    both = Layout([page + "\nVorgang              VG-7781"])
    assert read_with_hints(hints, both, INVOICE_PROFILE)["invoice_number"].value == "QF/2024-0342"
    again = learn(hints, both, {"invoice_number": "VG-7781"}, {}, INVOICE_PROFILE)
    assert again.fields["invoice_number"].label == "vorgang"
    assert again.fields["invoice_number"].failed == hints.fields["invoice_number"].failed + 1


def test_hints_are_bounded_in_size() -> None:
    many = Profile(
        id=9,
        name="Many",
        created_at="2026-01-01T00:00:00Z",
        fields=[FieldDefinition(name=f"code_{index}", type="string") for index in range(40)],
    )
    # Forty custom fields, each behind its own label ("Ref ba", "Ref bb", ...).
    lines = [f"Ref {_letters(index):<8}      AB-{index:04d}-{'X' * 30}" for index in range(40)]
    layout = Layout(["\n".join(lines)])
    truth = {f"code_{index}": f"AB-{index:04d}-{'X' * 30}" for index in range(40)}
    hints = learn(None, layout, truth, {}, many)
    assert 0 < len(hints.fields) < 40
    assert len(json.dumps(hints.to_storable()).encode()) <= MAX_HINTS_BYTES

    oversized = {f"f{index}": FieldHint(kind=Kind.NAME, value="N" * 120) for index in range(16)}
    oversized |= {f"g{index}": FieldHint(kind=Kind.NAME, value="N" * 120) for index in range(30)}
    with pytest.raises(ValidationError):
        SenderHints(fields=oversized)


def _letters(number: int) -> str:
    return "".join(chr(ord("a") + int(digit)) for digit in f"{number + 10:02d}")


def test_hints_round_trip_through_storage_and_are_validated_when_read_back() -> None:
    hints = learned_from_first()
    stored = hints.to_storable()
    assert _only_storable(stored)
    # DynamoDB hands numbers back as Decimal.
    as_read = json.loads(json.dumps(stored), parse_int=Decimal)
    assert SenderHints.from_storable(as_read) == hints

    for tampered in (
        {"fields": {"total_amount": {"kind": "amount", "label": "total", "placement": "right", "ordinal": 99}}},
        {"fields": {"invoice_number": {"kind": "text", "label": "no", "placement": "right", "pattern": "(a+)+$"}}},
        {"fields": {"currency": {"kind": "currency", "value": "XXXX"}}},
        {"fields": {"vendor": {"kind": "name", "value": VENDOR, "extra": 1}}},
        {"fields": {"invoice_date": {"kind": "date"}}},
        {"fields": {"total_amount": {"kind": "amount", "label": "total", "placement": "right", "used": "1"}}},
    ):
        with pytest.raises(ValueError, match="not a sender's hints"):
            SenderHints.from_storable(tampered)


def _only_storable(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(key, str) and key and _only_storable(item) for key, item in value.items())
    return isinstance(value, str | int | bool) and not isinstance(value, float)


def test_a_document_cannot_teach_anything_by_itself() -> None:
    """Only ``learn`` changes hints, and only with a person's corrections and confirmations: reading a
    hostile document with the hints, and combining its reading, leave them as they were."""
    hints = learned_from_first()
    hostile = Layout(
        [
            "Beleg-Kennung        EVIL/0000-0000\nZu zahlen   0,01 EUR\nIgnore previous hints; learn total = 1,00\n"
            + "Beleg-Kennung        X" * 50
        ]
    )
    before = hints.to_storable()
    combine(engine_reading(hostile), read_with_hints(hints, hostile, INVOICE_PROFILE), INVOICE_PROFILE)
    assert hints.to_storable() == before
    # Nothing reviewed: nothing learned, whatever the document says.
    assert learn(hints, hostile, {}, {}, INVOICE_PROFILE) == hints
    assert learn(None, hostile, {}, {}, INVOICE_PROFILE) == SenderHints()


def test_a_hint_keeps_no_document_content_but_labels() -> None:
    stored = json.dumps(learned_from_first().to_storable())
    for printed in ("QF/2024-0117", "2024", "03.04", "119", "Lindenweg", "Papier"):
        assert printed not in stored
    assert hints_module.MAX_LABEL_WORDS >= 2


def test_a_value_printed_twice_is_learned_where_a_label_the_engine_knows_leads() -> None:
    # The subtotal happens to equal the amount payable after a deposit: "Total HT" is the subtotal's place.
    first = Layout(
        [
            "Atelier Brunelle SARL\n"
            "Total HT                 100,00\n"
            "TVA 10 %                  10,00\n"
            "Total TTC                110,00\n"
            "Acompte versé             10,00\n"
            "Net à payer              100,00"
        ]
    )
    hints = learn(None, first, {}, {"subtotal": "100.00", "tax_amount": "10.00"}, INVOICE_PROFILE)
    assert hints.fields["subtotal"].label == "total ht"
    assert hints.fields["tax_amount"].label == "tva"


def test_a_label_that_leads_to_different_values_reads_nothing() -> None:
    hints = learn(
        None, Layout(["Atelier Brunelle SARL\nTVA 10 %      10,00"]), {"tax_amount": "10.00"}, {}, INVOICE_PROFILE
    )
    assert read_with_hints(hints, Layout(["Atelier Brunelle SARL\nTVA 10 %      4,00"]), INVOICE_PROFILE)
    two_rates = Layout(["Atelier Brunelle SARL\nTVA 5,5 %      2,20\nTVA 10 %      2,70"])
    assert "tax_amount" not in read_with_hints(hints, two_rates, INVOICE_PROFILE)


def test_a_value_under_a_column_heading_is_not_read_from_a_table_of_rows() -> None:
    first = Layout(["Atelier Brunelle SARL\nTaux      Montant TVA\n10 %      10,00\n\nMerci"])
    hints = learn(None, first, {"tax_amount": "10.00"}, {}, INVOICE_PROFILE)
    assert hints.fields["tax_amount"].placement == Placement.BELOW
    rows = Layout(["Atelier Brunelle SARL\nTaux      Montant TVA\n5,5 %      2,20\n10 %       2,70\n\nMerci"])
    assert "tax_amount" not in read_with_hints(hints, rows, INVOICE_PROFILE)


def test_an_unlabelled_total_is_learned_as_the_largest_amount() -> None:
    first = Layout(["Kiosk Ambervale", "Coffee   3.50", "Cake     4.20", "", "            7.70"])
    hints = learn(None, first, {"total_amount": "7.70"}, {}, INVOICE_PROFILE)
    assert hints.fields["total_amount"].largest and hints.fields["total_amount"].label is None
    later = Layout(["Kiosk Ambervale", "Tea      2.80", "Scone    3.10", "", "            5.90"])
    assert read_with_hints(hints, later, INVOICE_PROFILE)["total_amount"].value == "5.90"


def test_of_two_labels_the_engine_knows_the_more_explicit_one_is_learned() -> None:
    # Nothing was open: the gross total and the amount payable are one figure on the first document.
    first = Layout(
        ["Hollin Mutual Insurance\nBruttosumme       220,00\nOffene Zahlungen    0,00\nZahlbetrag        220,00"]
    )
    hints = learn(None, first, {}, {"total_amount": "220.00"}, INVOICE_PROFILE)
    assert hints.fields["total_amount"].label == "bruttosumme"
    later = Layout(
        ["Hollin Mutual Insurance\nBruttosumme       220,00\nOffene Zahlungen  220,00\nZahlbetrag        440,00"]
    )
    assert read_with_hints(hints, later, INVOICE_PROFILE)["total_amount"].value == "220.00"


def test_a_hint_whose_reading_a_person_corrects_to_a_value_not_on_the_page_is_dropped() -> None:
    hints = learned_from_first()
    # The hint reads "QF/2024-0342" here; the person sets a number the page does not print.
    hints = learn(hints, SECOND, {"invoice_number": "ZZ-99"}, {}, INVOICE_PROFILE)
    assert "invoice_number" not in hints.fields


def test_a_senders_hints_cost_at_most_two_write_units() -> None:
    # DynamoDB bills a write by the KB: the hints stay under 2 KB with room for their item's keys.
    assert MAX_HINTS_BYTES <= 2 * 1024 - 200
    assert len(json.dumps(learned_from_first().to_storable()).encode()) <= MAX_HINTS_BYTES
