"""Line items from item tables the way real invoices print them, on generated PDFs."""

from __future__ import annotations

from typing import Any

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction import extract_document
from recordengine.extraction.layout import Layout
from recordengine.extraction.line_items import extract_line_items
from recordengine.media import PDF
from tests.unit.extraction.pdf_fixtures import Line, make_pdf


def items(lines: list[Line]) -> list[dict[str, Any]]:
    return extract_document(make_pdf(lines), PDF, INVOICE_PROFILE, einvoice=False).line_items


def descriptions(found: list[dict[str, Any]]) -> list[str]:
    return [item["description"] for item in found]


HEADER: Line = [(50, "Pos"), (80, "Description"), (300, "Qty"), (370, "Unit Price"), (480, "Amount")]


def test_wrapped_descriptions_are_joined() -> None:
    found = items(
        [
            "Northwind Traders Ltd",
            "Invoice No: NW-1001",
            "",
            HEADER,
            [(50, "1"), (80, "Annual maintenance contract"), (300, "1"), (370, "900.00"), (480, "900.00")],
            [(80, "for the warehouse scanners")],
            [(50, "2"), (80, "Replacement batteries"), (300, "4"), (370, "25.00"), (480, "100.00")],
            "",
            [(370, "Subtotal"), (480, "1,000.00")],
            [(370, "Total"), (480, "1,000.00")],
        ]
    )
    assert descriptions(found) == [
        "Annual maintenance contract for the warehouse scanners",
        "Replacement batteries",
    ]
    assert [item["amount"] for item in found] == [900.0, 100.0]


def test_item_details_under_a_row_do_not_end_the_table() -> None:
    found = items(
        [
            "Musterlieferant GmbH",
            "Rechnung Nr. 4711",
            "",
            [(50, "Pos"), (80, "Beschreibung"), (300, "Menge"), (370, "Nettopreis"), (480, "Betrag")],
            [(50, "1"), (80, "Zitronensäure 100ml"), (300, "100"), (370, "1,00"), (480, "100,00")],
            [(80, "Bruttopreis: 1,00")],
            [(80, "Basis: 100,00   Rabatt: 0,00")],
            [(50, "2"), (80, "Gelierzucker 250g"), (300, "50"), (370, "1,45"), (480, "72,50")],
            "",
            [(370, "Summe netto"), (480, "172,50")],
        ]
    )
    assert descriptions(found) == ["Zitronensäure 100ml", "Gelierzucker 250g"]
    assert [item["quantity"] for item in found] == [100, 50]


def test_two_line_rows_with_the_wording_under_the_figures() -> None:
    found = items(
        [
            "Musterlieferant GmbH",
            "Rechnung Nr. 4712",
            "",
            [(50, "GTIN"), (160, "Art-Nr"), (260, "Menge"), (370, "Nettopreis"), (480, "Nettowert")],
            [(160, "Artikelbezeichnung")],
            [(50, "4123456000014"), (160, "ZS997"), (260, "100"), (370, "1,0000"), (480, "100,00")],
            [(160, "Zitronensäure 100ml")],
            [(160, "Verpackung: Flasche")],
            [(50, "4123456000021"), (160, "GZ250"), (260, "50"), (370, "1,4500"), (480, "72,50")],
            [(160, "Gelierzucker Extra 250g")],
            "",
            [(370, "Summe netto"), (480, "172,50")],
        ]
    )
    assert descriptions(found) == ["Zitronensäure 100ml", "Gelierzucker Extra 250g"]
    assert [item["amount"] for item in found] == [100.0, 72.5]


def test_a_table_without_a_heading_row_is_read_when_it_adds_up() -> None:
    lines: list[Line] = [
        "Musterversicherung AG",
        "Rechnung Nr. 2024-77",
        "",
        "Folgende Risiken sind versichert:",
        [(50, "Privathaftpflicht"), (400, "50,00 €")],
        [(50, "Hausrat"), (400, "30,00 €")],
        [(50, "Gesamtbeitrag"), (400, "80,00 €")],
    ]
    found = items(lines)
    assert descriptions(found) == ["Privathaftpflicht", "Hausrat"]
    assert [item["amount"] for item in found] == [50.0, 30.0]

    # The same lines with a total they do not add up to are no table.
    lines[-1] = [(50, "Gesamtbeitrag"), (400, "95,00 €")]
    assert items(lines) == []


def test_a_rate_is_not_an_amount() -> None:
    found = items(
        [
            "Musterlieferant GmbH",
            "Rechnung Nr. 4713",
            "",
            [(50, "Beschreibung"), (250, "Menge"), (330, "Preis"), (410, "USt-%"), (480, "Betrag")],
            [(50, "Bierbrau Pils"), (250, "15"), (330, "12,00"), (410, "19,0"), (480, "180,00")],
            [(70, "Erdbeer 20 x 150g Becher"), (250, "20"), (410, "7,0")],
            "",
            [(330, "Summe netto"), (480, "180,00")],
        ]
    )
    assert descriptions(found) == ["Bierbrau Pils"]


def test_an_item_table_goes_on_over_the_page_break() -> None:
    heading: Line = [(50, "Pos"), (80, "Description"), (300, "Qty"), (370, "Unit Price"), (480, "Amount")]
    first_page: list[Line] = [
        "Northwind Traders Ltd",
        "Invoice No: NW-1002",
        "",
        heading,
        [(50, "1"), (80, "Annual maintenance contract"), (300, "1"), (370, "900.00"), (480, "900.00")],
        [(50, "2"), (80, "Replacement batteries for the"), (300, "4"), (370, "25.00"), (480, "100.00")],
    ]
    second_page: list[Line] = [
        [(80, "warehouse scanners")],
        [(50, "3"), (80, "Site visit"), (300, "1"), (370, "150.00"), (480, "150.00")],
        "",
        [(370, "Total"), (480, "1,150.00")],
    ]
    found = extract_document(make_pdf(pages=[first_page, second_page]), PDF, INVOICE_PROFILE).line_items
    assert descriptions(found) == [
        "Annual maintenance contract",
        "Replacement batteries for the warehouse scanners",
        "Site visit",
    ]
    assert [item["amount"] for item in found] == [900.0, 100.0, 150.0]

    # Printed again at the top of the next page, the heading row is no item.
    second_page.insert(1, heading)
    found = extract_document(make_pdf(pages=[first_page, second_page]), PDF, INVOICE_PROFILE).line_items
    assert [item["amount"] for item in found] == [900.0, 100.0, 150.0]


def ocr_items(*lines: str) -> list[dict[str, Any]]:
    """Line items of a page read by OCR (whose words may be misread)."""
    return extract_line_items(Layout(["\n".join(lines)], [[]]))


def test_a_subtotal_word_ocr_misread_still_ends_the_table() -> None:
    found = ocr_items(
        "Example Supplies Ltd",
        "Invoice ID   INV-2026-12",
        "Description                                   Quantity    Unit Price      Amount",
        "Desk lamp                                            1        45.00       45.00",
        "Paper tray                                           2         4.50        9.00",
        "Subiotal                                                                  54.00",
        "Delivery to the third floor                                                5.00",
    )
    assert descriptions(found) == ["Desk lamp", "Paper tray"]


def test_the_total_label_under_a_figure_is_no_items_description() -> None:
    found = ocr_items(
        "Example Supplies Ltd",
        "Invoice ID   INV-2026-13",
        "Description                                   Quantity    Unit Price      Amount",
        "Desk lamp                                            1        45.00       45.00",
        "",
        "                                                                          48.60",
        "                                        Amount Due",
    )
    assert descriptions(found) == ["Desk lamp"]
