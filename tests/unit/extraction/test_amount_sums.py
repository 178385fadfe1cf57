"""Subtotal, tax and total that show themselves by adding up, and the signs and spacing of money as text
layers print it, on generated PDFs."""

from __future__ import annotations

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction import extract_document
from recordengine.media import PDF
from recordengine.models import ExtractionResult
from tests.unit.extraction.pdf_fixtures import Line, make_pdf

HEADER: list[Line] = [
    "Brightwater Analytics Ltd",
    "14 Quay Street, Manchester M3 3HN",
    "",
    [(350, "Invoice No:"), (450, "BW-2024-0311")],
    [(350, "Invoice Date:"), (450, "March 5, 2024")],
    "",
]


def extract(lines: list[Line]) -> ExtractionResult:
    return extract_document(make_pdf(lines), PDF, INVOICE_PROFILE, einvoice=False)


def amounts(lines: list[Line]) -> tuple[str | None, str | None, str | None]:
    fields = extract(lines).extracted_fields
    return fields["subtotal"], fields["tax_amount"], fields["total_amount"]


def test_the_amount_to_pay_beats_a_net_total() -> None:
    found = amounts(
        [
            *HEADER,
            [(370, "Total"), (480, "£1,000.00")],
            [(370, "VAT 20%"), (480, "£200.00")],
            [(370, "Amount to pay"), (480, "£1,200.00")],
        ]
    )
    assert found == ("1000.00", "200.00", "1200.00")


def test_net_amounts_on_several_rows_with_their_tax_rows() -> None:
    found = amounts(
        [
            *HEADER,
            [(250, "Net amount, goods"), (480, "800.00 EUR")],
            [(250, "Net amount, shipping"), (480, "10.00 EUR")],
            [(250, "Items VAT 19% on 800.00"), (480, "152.00 EUR")],
            [(250, "Shipping VAT 19% on 10.00"), (480, "1.90 EUR")],
            [(250, "Grand total"), (480, "963.90 EUR")],
        ]
    )
    assert found == ("810.00", "153.90", "963.90")


def test_a_tax_row_between_unlabelled_net_and_gross_rows() -> None:
    found = amounts(
        [
            *HEADER,
            [(50, "Annual premium"), (450, "120,00 €")],
            [(50, "Insurance premium tax 12 %"), (450, "14,40 €")],
            [(50, "Premium for the year"), (450, "134,40 €")],
        ]
    )
    assert found == ("120.00", "14.40", "134.40")


def test_a_credit_note_keeps_its_minus_signs_and_asks_for_a_check() -> None:
    result = extract(
        [
            *HEADER,
            "CREDIT NOTE",
            [(370, "Subtotal"), (480, "-100.00 EUR")],
            [(370, "VAT 20%"), (480, "20.00 EUR")],
            [(370, "Total"), (480, "-120.00 EUR")],
        ]
    )
    fields = result.extracted_fields
    # The tax is printed without its minus; the totals say it is a credit.
    assert (fields["subtotal"], fields["tax_amount"], fields["total_amount"]) == ("-100.00", "-20.00", "-120.00")
    # Whether a credit is booked negative or positive is the reader's convention, not the document's.
    assert result.field_confidence["total_amount"] < 90
    assert result.confidence_score < 90


def test_trailing_minus_credit_amounts() -> None:
    found = amounts(
        [
            *HEADER,
            [(370, "Subtotal"), (480, "1,000.00-")],
            [(370, "VAT 20%"), (480, "200.00-")],
            [(370, "Total"), (480, "1,200.00-")],
        ]
    )
    assert found == ("-1000.00", "-200.00", "-1200.00")


def test_a_space_before_the_decimals_of_an_ocr_text_layer() -> None:
    found = amounts(
        [
            *HEADER,
            [(370, "Subtotal"), (480, "1 000 ,00 EUR")],
            [(370, "VAT 20%"), (480, "200 ,00 EUR")],
            [(370, "Total"), (480, "1 200 ,00 EUR")],
        ]
    )
    assert found == ("1000.00", "200.00", "1200.00")
    assert amounts([*HEADER, [(370, "Total due"), (480, "$12 .50")]])[2] == "12.50"
