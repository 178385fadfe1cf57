"""Invoice numbers, dates and line items as invoices in other languages print them, read from layout text
(a text layer's lines or OCR words laid out as text) written here."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction.dates import find_dates
from recordengine.extraction.layout import Layout
from recordengine.extraction.readings import read_layout


def fields(*lines: str) -> dict[str, str | None]:
    reading = read_layout(Layout(["\n".join(lines)]), INVOICE_PROFILE)
    return {name: found.value if found else None for name, found in reading.values.items()}


def line_items(*lines: str) -> list[dict[str, Any]]:
    return read_layout(Layout(["\n".join(lines)]), INVOICE_PROFILE).line_items


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7 grudnia 2026 r.", date(2026, 12, 7)),
        ("15 października 2025", date(2025, 10, 15)),
        ("7. Mrz. 2026", date(2026, 3, 7)),
        ("7 janv. 2026", date(2026, 1, 7)),
        ("12 févr. 2026", date(2026, 2, 12)),
        ("7 dic. 2026", date(2026, 12, 7)),
        ("7 de diciembre del 2026", date(2026, 12, 7)),
        ("7 de dezembro de 2026", date(2026, 12, 7)),
        ("7 settembre 2026", date(2026, 9, 7)),
        ("3 martie 2025", date(2025, 3, 3)),
        ("07.12.2026", date(2026, 12, 7)),
        ("07.12.26", date(2026, 12, 7)),
        ("07-Dez-26", date(2026, 12, 7)),
        ("2026年12月7日", date(2026, 12, 7)),
    ],
)
def test_dates_in_other_languages(text: str, expected: date) -> None:
    assert [found.value for found in find_dates(text)] == [expected]


def test_a_time_after_a_month_is_no_two_digit_year() -> None:
    assert find_dates("Geöffnet 5 Mar 12:30") == []


ISSUE_DATES = [
    ("Data wystawienia: 2026-12-07", "Data sprzedaży: 2026-11-30"),
    ("Fecha de emisión: 07/12/2026", "Fecha de vencimiento: 06/01/2027"),
    ("Data de emissão: 07/12/2026", "Data de vencimento: 06/01/2027"),
    ("Data fattura: 07/12/2026", "Data di consegna: 30/11/2026"),
    ("Data emiterii: 07.12.2026", "Data scadenței: 06.01.2027"),
    ("Factuurdatum: 07-12-2026", "Leverdatum: 30-11-2026"),
    ("开票日期：2026年12月7日", ""),
]


@pytest.mark.parametrize(("issue_line", "other_line"), ISSUE_DATES)
def test_the_date_of_issue_by_its_label(issue_line: str, other_line: str) -> None:
    found = fields(
        "Firma Przykładowa",
        other_line,
        issue_line,
        "",
        "Total                     100,00 EUR",
    )
    assert found["invoice_date"] == "2026-12-07"


@pytest.mark.parametrize(
    "validity",
    ["Angebot gültig bis 31.01.2027", "Offre valable jusqu'au 31/01/2027", "Tel. 31.01.27"],
)
def test_a_date_that_is_not_of_issue_is_passed_over(validity: str) -> None:
    found = fields(
        "Muster Handel GmbH",
        validity,
        "Rechnung",
        "Berlin, den 7. Dezember 2026",
        "Gesamt                     100,00 EUR",
    )
    assert found["invoice_date"] == "2026-12-07"


@pytest.mark.parametrize(
    "due_line",
    [
        "Fällig am: 06.01.2027",
        "Zahlbar bis 06.01.2027",
        "Échéance : 06/01/2027",
        "Date limite de règlement : 06/01/2027",
        "Vencimiento: 06/01/2027",
        "Scadenza: 06/01/2027",
        "Vervaldatum: 06-01-2027",
        "Termin płatności: 2027-01-06",
        "Data de vencimento: 06/01/2027",
    ],
)
def test_the_due_date_by_its_label(due_line: str) -> None:
    found = fields(
        "Example Vendor",
        "Datum: 07.12.2026",
        due_line,
        "Total                     100,00 EUR",
    )
    assert (found["invoice_date"], found["due_date"]) == ("2026-12-07", "2027-01-06")


INVOICE_NUMBERS = [
    ("es", ["FACTURA", "NIF: B12345678", "Nº: 2026/0147", "Fecha: 07/12/2026"], "2026/0147"),
    ("es", ["Servicios Ejemplo S.L.   CIF: B87654321", "Núm. factura: A-147", "Fecha: 07/12/2026"], "A-147"),
    ("es", ["Factura Nº 2026-0147", "Pedido nº 5561"], "2026-0147"),
    (
        "de",
        ["USt-IdNr.: DE123456789", "Steuernummer: 12/345/67890", "Kunden-Nr.: 10045", "Rechnungs-Nr.: RE-2026-0815"],
        "RE-2026-0815",
    ),
    ("de", ["RECHNUNG", "Kunden-Nr.: 10045", "Nr.: 2026-77", "Datum: 07.12.2026"], "2026-77"),
    ("de", ["Terminal-ID 12345678", "Trace-Nr. 998877", "Bon-Nr. 4711", "Datum 07.12.2026 12:31"], "4711"),
    ("fr", ["SIRET : 50000371000034", "TVA intracom : FR38500003710", "Facture n° F2026-0147"], "F2026-0147"),
    ("fr", ["FACTURE", "", "07/12/2026", "", "nº  2026-6013", "La loi n°92/1442 du 31 décembre 1992"], "2026-6013"),
    ("it", ["P.IVA 01234567890", "Fattura n. 147/2026 del 07/12/2026"], "147/2026"),
    ("pt", ["NIF: 501234567", "Fatura n.º FT 2026/147"], "FT 2026/147"),
    ("pt", ["CNPJ: 12.345.678/0001-90", "Nota Fiscal Nº 000.147.852"], "000.147.852"),
    ("nl", ["KvK 12345678   BTW NL123456789B01", "Factuurnummer: 2026-0147"], "2026-0147"),
    ("pl", ["NIP: 123-456-78-90", "Faktura VAT nr FV/12/2026"], "FV/12/2026"),
    ("ro", ["CIF: RO12345678", "Factura fiscală nr. 147"], "147"),
    ("zh", ["发票代码：012001800311", "发票号码：33207675"], "33207675"),
]


@pytest.mark.parametrize(("language", "lines", "expected"), INVOICE_NUMBERS)
def test_the_invoice_number_by_its_label(language: str, lines: list[str], expected: str) -> None:
    found = fields("Example Vendor", *lines, "", "Total                     100,00 EUR")
    assert found["invoice_number"] == expected, language

