"""Words that look like an amount's label but are not one, and labels in more languages, on generated PDFs."""

from __future__ import annotations

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction import extract_document
from recordengine.media import PDF
from tests.unit.extraction.pdf_fixtures import Line, make_pdf


def amounts(lines: list[Line]) -> tuple[str | None, str | None, str | None]:
    fields = extract_document(make_pdf(lines), PDF, INVOICE_PROFILE, einvoice=False).extracted_fields
    return fields["subtotal"], fields["tax_amount"], fields["total_amount"]


def test_column_headings_of_prices_without_tax_are_no_tax_label() -> None:
    found = amounts(
        [
            "Nordlicht Technik GmbH",
            [(330, "Rechnungsnummer:"), (450, "R-2024-17")],
            "",
            [(50, "Beschreibung"), (200, "Menge"), (260, "Preis exkl. MwSt."), (420, "Betrag MwSt. exkl.")],
            [(50, "Wartung"), (200, "2"), (260, "500,00"), (420, "1.000,00")],
            "",
            [(330, "Gesamtbetrag"), (450, "1.000,00 €")],
            "Kein Ausweis der Umsatzsteuer (Kleinunternehmer).",
        ]
    )
    assert found == (None, None, "1000.00")


def test_a_vat_identifier_is_no_tax_amount() -> None:
    found = amounts(
        [
            "Atelier Dupont SARL - 8 rue des Lilas - 69003 Lyon",
            "TVA : FR12345678901 - SARL au capital de 50 000,00 €",
            [(330, "Facture N° :"), (440, "FA-2023-118")],
            "",
            [(330, "Net à payer"), (440, "480,00 €")],
            "TVA non applicable, art. 293 B du CGI",
        ]
    )
    assert found == (None, None, "480.00")


def test_portuguese_net_and_vat_totals() -> None:
    found = amounts(
        [
            "Restaurante Exemplo, Lda",
            [(330, "Fatura Nº"), (440, "FT 2024/118")],
            "",
            [(330, "VALOR LÍQUIDO"), (480, "40,00 €")],
            [(330, "TOTAL DE IVA"), (480, "9,20 €")],
            [(330, "TOTAL"), (480, "49,20 €")],
        ]
    )
    assert found == ("40.00", "9.20", "49.20")


def test_the_total_of_the_lines_is_not_the_invoice_total() -> None:
    found = amounts(
        [
            "Northwind Traders Ltd",
            [(330, "Invoice No:"), (440, "NW-2024-88")],
            "",
            [(300, "Total amount of lines:"), (480, "520,00 EUR")],
            [(300, "Allowances amount:"), (480, "20,00 EUR")],
            [(300, "Total amount without VAT:"), (480, "500,00 EUR")],
            [(300, "Total VAT amount:"), (480, "100,00 EUR")],
            [(300, "Total gross amount:"), (480, "600,00 EUR")],
        ]
    )
    assert found == ("500.00", "100.00", "600.00")
