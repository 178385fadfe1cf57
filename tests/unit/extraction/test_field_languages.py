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
