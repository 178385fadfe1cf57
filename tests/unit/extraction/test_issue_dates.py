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
