"""Embedded e-invoices (Factur-X / ZUGFeRD CII, XRechnung UBL) read as structured data, and refused when unsafe."""

from __future__ import annotations

import io
import time

import pytest

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction import extract_document
from recordengine.extraction.einvoice import parse_einvoice_xml
from recordengine.media import PDF
from recordengine.settings import get_settings
from tests.unit.extraction.pdf_fixtures import ENGLISH_INVOICE, make_pdf

CII = b"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
    xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocument>
    <ram:ID>FX-2024-0042</ram:ID>
    <ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20240305</udt:DateTimeString></ram:IssueDateTime>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:SpecifiedTradeProduct><ram:Name>Data pipeline audit</ram:Name></ram:SpecifiedTradeProduct>
      <ram:SpecifiedLineTradeAgreement>
        <ram:NetPriceProductTradePrice><ram:ChargeAmount>1200.00</ram:ChargeAmount></ram:NetPriceProductTradePrice>
      </ram:SpecifiedLineTradeAgreement>
      <ram:SpecifiedLineTradeDelivery>
        <ram:BilledQuantity unitCode="C62">2</ram:BilledQuantity>
      </ram:SpecifiedLineTradeDelivery>
      <ram:SpecifiedLineTradeSettlement>
        <ram:SpecifiedTradeSettlementLineMonetarySummation>
          <ram:LineTotalAmount>2400.00</ram:LineTotalAmount>
        </ram:SpecifiedTradeSettlementLineMonetarySummation>
      </ram:SpecifiedLineTradeSettlement>
    </ram:IncludedSupplyChainTradeLineItem>
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:SpecifiedTradeProduct><ram:Name>Dashboard licences</ram:Name></ram:SpecifiedTradeProduct>
      <ram:SpecifiedLineTradeAgreement>
        <ram:NetPriceProductTradePrice><ram:ChargeAmount>35.50</ram:ChargeAmount></ram:NetPriceProductTradePrice>
      </ram:SpecifiedLineTradeAgreement>
      <ram:SpecifiedLineTradeDelivery>
        <ram:BilledQuantity unitCode="C62">10</ram:BilledQuantity>
      </ram:SpecifiedLineTradeDelivery>
      <ram:SpecifiedLineTradeSettlement>
        <ram:SpecifiedTradeSettlementLineMonetarySummation>
          <ram:LineTotalAmount>355.00</ram:LineTotalAmount>
        </ram:SpecifiedTradeSettlementLineMonetarySummation>
      </ram:SpecifiedLineTradeSettlement>
    </ram:IncludedSupplyChainTradeLineItem>
    <ram:ApplicableHeaderTradeAgreement>
      <ram:SellerTradeParty><ram:Name>Brightwater Analytics Ltd</ram:Name></ram:SellerTradeParty>
      <ram:BuyerTradeParty><ram:Name>Harbour Logistics plc</ram:Name></ram:BuyerTradeParty>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>GBP</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradePaymentTerms>
        <ram:DueDateDateTime><udt:DateTimeString format="102">20240404</udt:DateTimeString></ram:DueDateDateTime>
      </ram:SpecifiedTradePaymentTerms>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:LineTotalAmount>2755.00</ram:LineTotalAmount>
        <ram:TaxBasisTotalAmount>2755.00</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="GBP">551.00</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>{total}</ram:GrandTotalAmount>
        <ram:DuePayableAmount>{total}</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
"""

UBL = b"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:ID>XR-77</cbc:ID>
  <cbc:IssueDate>2024-06-01</cbc:IssueDate>
  <cbc:DueDate>2024-07-01</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party>
    <cac:PartyName><cbc:Name>Nordlicht</cbc:Name></cac:PartyName>
    <cac:PartyLegalEntity><cbc:RegistrationName>Nordlicht Software GmbH</cbc:RegistrationName></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">19.00</cbc:TaxAmount></cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="EUR">100.00</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="EUR">119.00</cbc:TaxInclusiveAmount>
    <cbc:PayableAmount currencyID="EUR">119.00</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>
  <cac:InvoiceLine>
    <cbc:ID>1</cbc:ID>
    <cbc:InvoicedQuantity unitCode="HUR">4</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>Consulting hours</cbc:Name></cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="EUR">25.00</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>
</Invoice>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100">
  <rsm:ExchangedDocument><ram:ID>&lol9;</ram:ID></rsm:ExchangedDocument>
</rsm:CrossIndustryInvoice>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:ID>&xxe;</cbc:ID>
</Invoice>
"""


def with_attachment(name: str, data: bytes) -> bytes:
    """The English fixture invoice as a PDF carrying ``data`` as the embedded file ``name``."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(ENGLISH_INVOICE))))
    writer.add_attachment(name, data)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def cii(total: str = "3306.00") -> bytes:
    return CII.replace(b"{total}", total.encode())


def test_factur_x_is_read_from_its_xml() -> None:
    result = extract_document(with_attachment("factur-x.xml", cii()), PDF, INVOICE_PROFILE, einvoice=True)
    assert result.extracted_fields == {
        "vendor": "Brightwater Analytics Ltd",
        "invoice_number": "FX-2024-0042",
        "invoice_date": "2024-03-05",
        "due_date": "2024-04-04",
        "currency": "GBP",
        "subtotal": "2755.00",
        "tax_amount": "551.00",
        "total_amount": "3306.00",
    }
    assert result.line_items == [
        {"description": "Data pipeline audit", "quantity": 2, "unit_price": 1200.0, "amount": 2400.0},
        {"description": "Dashboard licences", "quantity": 10, "unit_price": 35.5, "amount": 355.0},
    ]
    assert result.doc_type == "Invoice"
    assert min(result.field_confidence.values()) >= 95
    assert result.confidence_score >= 95
    assert all(check.passed for check in result.validation)
    assert "embedded" in result.confidence_reasoning


def test_an_extraction_says_it_was_read_from_the_xml() -> None:
    from recordengine.extraction.engine import read_document

    content = with_attachment("factur-x.xml", cii())
    assert read_document(content, PDF, INVOICE_PROFILE, einvoice=True).einvoice
    assert not read_document(content, PDF, INVOICE_PROFILE, einvoice=False).einvoice


def test_reading_it_can_be_turned_off() -> None:
    content = with_attachment("factur-x.xml", cii())
    printed = extract_document(content, PDF, INVOICE_PROFILE, einvoice=False).extracted_fields
    # The printed layout says BW-2024-0193 and dollars; the XML said otherwise.
    assert printed["invoice_number"] == "BW-2024-0193"
    assert printed["total_amount"] == "3906.00"


def test_the_setting_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    content = with_attachment("factur-x.xml", cii())
    get_settings.cache_clear()
    monkeypatch.setenv("EINVOICE_ENABLED", "false")
    try:
        assert extract_document(content, PDF, INVOICE_PROFILE).extracted_fields["invoice_number"] == "BW-2024-0193"
        monkeypatch.setenv("EINVOICE_ENABLED", "true")
        get_settings.cache_clear()
        assert extract_document(content, PDF, INVOICE_PROFILE).extracted_fields["invoice_number"] == "FX-2024-0042"
    finally:
        get_settings.cache_clear()


def test_xml_figures_still_go_through_the_checks() -> None:
    result = extract_document(with_attachment("factur-x.xml", cii("3400.00")), PDF, INVOICE_PROFILE, einvoice=True)
    failed = [check.check for check in result.validation if not check.passed]
    assert failed == ["subtotal_plus_tax_equals_total"]
    assert result.confidence_score <= 70


def test_xrechnung_ubl() -> None:
    result = extract_document(with_attachment("xrechnung.xml", UBL), PDF, INVOICE_PROFILE, einvoice=True)
    assert result.extracted_fields == {
        "vendor": "Nordlicht Software GmbH",
        "invoice_number": "XR-77",
        "invoice_date": "2024-06-01",
        "due_date": "2024-07-01",
        "currency": "EUR",
        "subtotal": "100.00",
        "tax_amount": "19.00",
        "total_amount": "119.00",
    }
    assert result.line_items == [
        {"description": "Consulting hours", "quantity": 4, "unit_price": 25.0, "amount": 100.0}
    ]


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_xml_declaring_entities_is_refused_and_the_print_is_read(xml: bytes) -> None:
    assert parse_einvoice_xml(xml) is None
    started = time.monotonic()
    result = extract_document(with_attachment("factur-x.xml", xml), PDF, INVOICE_PROFILE, einvoice=True)
    assert time.monotonic() - started < 10
    assert result.extracted_fields["invoice_number"] == "BW-2024-0193"


@pytest.mark.parametrize(
    "xml",
    [b"not xml at all", b"<Invoice><unclosed></Invoice>", b"<Order><ID>1</ID></Order>", b"\xff\xfe<\x00I\x00"],
)
def test_other_attachments_are_ignored(xml: bytes) -> None:
    assert parse_einvoice_xml(xml) is None
    result = extract_document(with_attachment("invoice.xml", xml), PDF, INVOICE_PROFILE, einvoice=True)
    assert result.extracted_fields["invoice_number"] == "BW-2024-0193"
