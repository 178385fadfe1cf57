"""Totals printed as tables: net, tax and gross read by their column, on generated PDFs."""

from __future__ import annotations

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction import extract_document
from recordengine.media import PDF
from tests.unit.extraction.pdf_fixtures import Line, make_pdf

HEADER: list[Line] = [
    "Nordlicht Technik GmbH",
    "Hafenstraße 3, 20457 Hamburg",
    "",
    [(330, "Rechnungsnummer:"), (450, "R-2024-17")],
    [(330, "Rechnungsdatum:"), (450, "03.08.2024")],
    "",
    [(50, "Pos"), (80, "Beschreibung"), (300, "Menge"), (370, "Einzelpreis"), (480, "Betrag")],
    [(50, "1"), (80, "Wartung Kältetechnik"), (300, "2"), (370, "500,00"), (480, "1.000,00")],
    "",
]


def amounts(lines: list[Line]) -> tuple[str | None, str | None, str | None]:
    fields = extract_document(make_pdf(lines), PDF, INVOICE_PROFILE, einvoice=False).extracted_fields
    return fields["subtotal"], fields["tax_amount"], fields["total_amount"]


def test_a_sum_row_under_net_tax_and_gross_headings() -> None:
    found = amounts(
        [
            *HEADER,
            [(250, "Netto"), (350, "MwSt."), (450, "Brutto")],
            [(50, "Summe"), (250, "1.000,00"), (350, "190,00"), (450, "1.190,00")],
        ]
    )
    assert found == ("1000.00", "190.00", "1190.00")


def test_one_row_per_tax_rate_then_the_sum_row() -> None:
    found = amounts(
        [
            *HEADER,
            [(80, "Warenwert"), (170, "Nettobetrag"), (270, "MwSt-%"), (340, "MwSt-Betrag"), (450, "Endbetrag")],
            [(80, "640,00"), (170, "640,00"), (270, "19,0"), (340, "121,60"), (450, "761,60")],
            [(80, "360,00"), (170, "360,00"), (270, "7,0"), (340, "25,20"), (450, "385,20")],
            "",
            [(80, "1.000,00"), (170, "1.000,00"), (270, "EUR"), (340, "146,80"), (450, "1.146,80")],
        ]
    )
    assert found == ("1000.00", "146.80", "1146.80")


def test_rows_per_rate_without_a_sum_row_add_up() -> None:
    found = amounts(
        [
            *HEADER,
            [(80, "VAT rate"), (200, "Net"), (320, "VAT"), (440, "Gross")],
            [(80, "19 %"), (200, "600.00"), (320, "114.00"), (440, "714.00")],
            [(80, "7 %"), (200, "400.00"), (320, "28.00"), (440, "428.00")],
        ]
    )
    assert found == ("1000.00", "142.00", "1142.00")


def test_french_headings_ht_tva_ttc() -> None:
    found = amounts(
        [
            "Atelier Dupont SARL",
            "8 rue des Lilas, 69003 Lyon",
            [(330, "Facture N° :"), (440, "FA-2023-118")],
            [(330, "Date de facture :"), (440, "15/03/2023")],
            "",
            [(250, "Total HT"), (350, "TVA"), (450, "Total TTC")],
            [(250, "1 250,00 €"), (350, "250,00 €"), (450, "1 500,00 €")],
        ]
    )
    assert found == ("1250.00", "250.00", "1500.00")


def test_a_total_row_of_three_figures_that_add_up_is_net_tax_and_gross() -> None:
    found = amounts(
        [
            *HEADER,
            [(50, "Total"), (250, "1.000,00 €"), (350, "190,00 €"), (450, "1.190,00 €")],
        ]
    )
    assert found == ("1000.00", "190.00", "1190.00")


def test_net_tax_and_gross_labelled_on_one_row() -> None:
    found = amounts(
        [
            "Atelier Dupont SARL",
            "8 rue des Lilas, 69003 Lyon",
            [(330, "Facture N° :"), (440, "FA-2023-118")],
            "",
            [(50, "Total HT 1 250,00 €"), (230, "TVA 250,00 €"), (400, "Total TTC 1 500,00 €")],
        ]
    )
    assert found == ("1250.00", "250.00", "1500.00")


def test_the_net_column_before_the_tax_is_the_subtotal() -> None:
    # The goods' value before a discount is not the net amount the tax is charged on.
    found = amounts(
        [
            *HEADER,
            [(80, "Warenwert"), (170, "Rabatt"), (250, "Nettobetrag"), (340, "MwSt-Betrag"), (450, "Endbetrag")],
            [(80, "1.000,00"), (170, "-50,00"), (250, "950,00"), (340, "180,50"), (450, "1.130,50")],
        ]
    )
    assert found == ("950.00", "180.50", "1130.50")


FRENCH_HEADER: list[Line] = [
    "Atelier Dupont SARL",
    "8 rue des Lilas, 69003 Lyon",
    [(330, "Facture N° :"), (440, "FA-2023-118")],
    [(330, "Date de facture :"), (440, "15/03/2023")],
    "",
]


def test_a_deposit_and_the_amount_left_to_pay_under_the_totals_are_not_the_total() -> None:
    found = amounts(
        [
            *FRENCH_HEADER,
            [(300, "TOTAL HT"), (390, "TOTAL TVA"), (480, "TOTAL TTC")],
            [(50, "Pénalité de retard : 40 €."), (300, "100,00"), (390, "10,00"), (480, "110,00")],
            "",
            [(380, "Acompte :"), (480, "10,00")],
            "",
            [(300, "NET A PAYER"), (480, "100,00 EUR")],
        ]
    )
    assert found == ("100.00", "10.00", "110.00")


def test_a_totals_row_split_over_two_lines_is_one_row() -> None:
    # Layout mode puts a figure printed a little off the row's baseline on a line of its own.
    found = amounts(
        [
            *FRENCH_HEADER,
            [(300, "TOTAL HT"), (390, "TOTAL TVA"), (480, "TOTAL TTC")],
            [(300, "100,00"), (480, "120,00")],
            [(390, "20,00")],
            "",
            [(350, "Montant déjà payé :"), (480, "20,00")],
            [(300, "NET A PAYER"), (480, "100,00 EUR")],
        ]
    )
    assert found == ("100.00", "20.00", "120.00")
