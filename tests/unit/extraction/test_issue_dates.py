"""The date of issue as text layers print it, on generated PDFs."""

from __future__ import annotations

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction import extract_document
from recordengine.media import PDF
from tests.unit.extraction.pdf_fixtures import Line, make_pdf


def issue_date(lines: list[Line]) -> str | None:
    fields = extract_document(make_pdf(lines), PDF, INVOICE_PROFILE, einvoice=False).extracted_fields
    return fields["invoice_date"]


def test_a_label_glued_to_its_date() -> None:
    found = issue_date(
        [
            "Brightwater Analytics Ltd",
            [(350, "Invoice numberBW-2024-0193")],
            [(350, "Service period: February 1, 2024 - February 29, 2024")],
            [(350, "Invoice dateMarch 5, 2024")],
            "",
            [(370, "Total"), (480, "£1,000.00")],
        ]
    )
    assert found == "2024-03-05"


def test_a_service_period_is_not_the_date_of_issue() -> None:
    found = issue_date(
        [
            "Brightwater Analytics Ltd",
            "Invoice BW-2024-0193",
            "Service period: 1 February 2024 - 29 February 2024",
            "",
            "Dear customer, thank you for your order.",
            "Manchester, 5 March 2024",
            "",
            [(370, "Total"), (480, "£1,000.00")],
        ]
    )
    assert found == "2024-03-05"


def test_a_date_range_without_a_label_is_not_the_date_of_issue() -> None:
    found = issue_date(
        [
            "Nordlicht Technik GmbH",
            "Rechnung Nr. 2024-17",
            "Leistungen 01.02.2024 bis 29.02.2024",
            "Hamburg, 05.03.2024",
            "",
            [(370, "Gesamtbetrag"), (480, "1.000,00 €")],
        ]
    )
    assert found == "2024-03-05"


def test_a_browsers_print_header_is_not_the_date_of_issue() -> None:
    # A web invoice printed from a browser: the moment of printing heads the page, the address ends it.
    found = issue_date(
        [
            [(40, "23.06.23, 11:09"), (300, "Invoice | Planner Cloud")],
            "",
            "11/5/23",
            "Invoice ID #4hrb48vz",
            [(40, "Managers   2 @ $24.00"), (450, "$48.00")],
            [(40, "Total"), (450, "$48.00")],
            "Planner Cloud, 1810 York Road, Timonium, MD 21093",
            [(40, "https://app.example.com/admin/invoices/4hrb48vz"), (500, "1/1")],
        ]
    )
    # The printed-from locale writes dates day first (23.06.23), whatever the seller's address.
    assert found == "2023-05-11"


def test_dotted_dates_tell_a_day_first_locale() -> None:
    found = issue_date(
        ["Planner Cloud", "Printed 23.06.2023", "Invoice date: 04/05/2023", [(40, "Total"), (450, "$48.00")]]
    )
    assert found == "2023-05-04"
