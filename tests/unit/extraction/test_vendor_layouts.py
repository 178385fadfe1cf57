"""Seller or buyer: the vendor wherever the layout puts the seller, and no high confidence for a customer
returned as vendor, on generated PDFs."""

from __future__ import annotations

import pytest

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction import extract_document
from recordengine.media import PDF
from recordengine.models import ExtractionResult
from tests.unit.extraction.pdf_fixtures import Line, make_pdf

# Every other field is found, labelled and consistent: only the vendor decides the score.
DETAILS: list[Line] = [
    "",
    [(350, "Invoice No:"), (450, "BW-2024-0311")],
    [(350, "Invoice Date:"), (450, "March 5, 2024")],
    [(350, "Due Date:"), (450, "April 4, 2024")],
    "",
    [(350, "Subtotal"), (470, "£1,000.00")],
    [(350, "VAT 20%"), (470, "£200.00")],
    [(350, "Total"), (470, "£1,200.00")],
]
CUSTOMER: list[Line] = [
    [(50, "Harbour Logistics Ltd")],
    [(50, "2 Dock Road")],
    [(50, "Liverpool L3 4AA")],
]


def extract(lines: list[Line]) -> ExtractionResult:
    return extract_document(make_pdf(lines), PDF, INVOICE_PROFILE, einvoice=False)


@pytest.mark.parametrize("heading", ["Provided by", "From"])
def test_two_column_header_billed_to_and_provided_by(heading: str) -> None:
    result = extract(
        [
            [(50, "Billed to"), (320, heading)],
            [(50, "Harbour Logistics"), (320, "Brightwater Analytics")],
            [(50, "2 Dock Road, Liverpool"), (320, "14 Quay Street, Manchester")],
            *DETAILS,
        ]
    )
    assert result.extracted_fields["vendor"] == "Brightwater Analytics"


def test_customer_block_top_left_and_the_seller_in_the_legal_footer() -> None:
    result = extract(
        [
            [(50, "Harbour Logistics Ltd"), (400, "Brightwater Analytics")],
            [(50, "2 Dock Road"), (400, "14 Quay Street")],
            [(50, "Liverpool L3 4AA"), (400, "Manchester M3 3HN")],
            *DETAILS,
            "",
            "Brightwater Analytics · Registered in England No. 01234567 · VAT Reg GB123456789",
        ]
    )
    assert result.extracted_fields["vendor"] == "Brightwater Analytics"


def test_a_seller_named_only_in_the_footer() -> None:
    result = extract(
        [
            *CUSTOMER,
            *DETAILS,
            "",
            "Brightwater Analytics Ltd",
            "Registered in England No. 01234567 · VAT Reg GB123456789",
            "IBAN GB00 BARC 2000 0012 3456 78",
        ]
    )
    assert result.extracted_fields["vendor"] == "Brightwater Analytics Ltd"


def test_a_seller_named_only_as_the_account_holder() -> None:
    result = extract(
        [
            [(50, "Harbour Logistics")],
            [(50, "2 Dock Road")],
            [(50, "Liverpool L3 4AA")],
            *DETAILS,
            "",
            "Account holder: Brightwater Analytics",
            "IBAN GB00 BARC 2000 0012 3456 78",
        ]
    )
    assert result.extracted_fields["vendor"] == "Brightwater Analytics"


def test_the_seller_spelt_by_its_own_email_domain() -> None:
    result = extract(
        [
            [(50, "Harbour Logistics Ltd"), (400, "NORTHWIND UK")],
            [(50, "2 Dock Road"), (400, "14 Quay Street")],
            [(50, "Liverpool L3 4AA"), (400, "billing@northwind.co.uk")],
            *DETAILS,
        ]
    )
    assert result.extracted_fields["vendor"] == "NORTHWIND UK"


def test_a_sole_traders_trading_name_without_the_owners_name() -> None:
    result = extract(
        [
            [(50, "Seller:"), (320, "Buyer:")],
            [(50, "Brightline Studio Anna Maria Kowalczyk"), (320, "Harbour Logistics Ltd")],
            [(50, "ul. Prosta 5, 00-850 Warszawa"), (320, "2 Dock Road, Liverpool")],
            [(50, "anna@brightlinestudio.pl")],
            *DETAILS,
            "",
            [(350, "Signature of the seller")],
            [(350, "Maria Kowalczyk")],
        ]
    )
    assert result.extracted_fields["vendor"] == "Brightline Studio"


def test_a_customer_returned_as_vendor_is_not_trusted() -> None:
    # No seller anywhere: the only company name is the customer's, in the envelope window.
    result = extract([*CUSTOMER, *DETAILS])
    assert result.extracted_fields["vendor"] == "Harbour Logistics Ltd"
    assert result.field_confidence["vendor"] <= 60
    assert result.confidence_score < 90


def test_a_customer_block_with_the_customers_email_is_not_trusted() -> None:
    result = extract(
        [
            [(50, "Harbour Logistics")],
            [(50, "2 Dock Road, Liverpool L3 4AA")],
            [(50, "accounts@harbourlogistics.com")],
            *DETAILS,
        ]
    )
    assert result.field_confidence["vendor"] <= 60
    assert result.confidence_score < 90
