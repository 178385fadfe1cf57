"""Embedded e-invoices: the Factur-X / ZUGFeRD (UN/CEFACT CII) or XRechnung / UBL XML a PDF/A-3 carries.

When a PDF carries its invoice as structured data, that data is the invoice: it is read instead of
guessing from the printed layout. The XML comes from an untrusted upload, so it is parsed defensively:
size-capped, and refused outright when it declares a DTD or entities (no entity can then be expanded,
which rules out "billion laughs" bombs and external entity reads).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from .amounts import format_amount, to_number

if TYPE_CHECKING:
    from pypdf import PdfReader

    from .fields import Found

# Larger than any real invoice's XML (the corpus' largest is about 100 KB), small enough to parse quickly.
MAX_XML_BYTES = 5_000_000
MAX_ATTACHMENTS = 20
MAX_LINE_ITEMS = 500
# Fields read from a schema-defined element: as sure as extraction gets, short of a person checking.
XML_CONFIDENCE = 97

_DECLARATIONS = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)

# UNTDID 1001 document type codes used by CII and UBL.
_DOC_TYPES = {
    "380": "Invoice",
    "381": "Credit Note",
    "383": "Invoice",
    "384": "Invoice",
    "386": "Invoice",
    "389": "Invoice",
    "326": "Invoice",
    "751": "Invoice",
    "261": "Credit Note",
    "262": "Credit Note",
    "396": "Credit Note",
    "220": "Purchase Order",
    "105": "Purchase Order",
}


@dataclass
class EInvoice:
    """An invoice read from embedded XML: the same fields the layout heuristics produce, and its lines."""

    syntax: str
    fields: dict[str, Found | None]
    line_items: list[dict[str, Any]] = field(default_factory=list)
    doc_type: str = "Invoice"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _safe_root(data: bytes) -> ET.Element | None:
    """The parsed XML, or None when it is too big, not XML, or declares a DTD or entities."""
    if len(data) > MAX_XML_BYTES or b"\x00" in data or _DECLARATIONS.search(data):
        # NUL bytes mean UTF-16/32, where the declaration check above could be dodged; real e-invoices
        # are UTF-8.
        return None
    try:
        root = ET.fromstring(data)  # noqa: S314 - DTDs and entities were refused above
    except ET.ParseError:
        return None
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = _local(element.tag)
    return root


def _child(element: ET.Element | None, *names: str) -> ET.Element | None:
    """The first direct child with one of ``names`` (tried in order)."""
    if element is None:
        return None
    for name in names:
        found = element.find(name)
        if found is not None:
            return found
    return None


def _path(element: ET.Element | None, *steps: str) -> ET.Element | None:
    """Follow child steps; each step may offer alternatives as ``"A|B"``."""
    for step in steps:
        element = _child(element, *step.split("|"))
        if element is None:
            return None
    return element


def _text(element: ET.Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    text = " ".join(element.text.split())
    return text or None


def _decimal(element: ET.Element | None) -> Decimal | None:
    text = _text(element)
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _amount(parent: ET.Element | None, name: str, currency: str | None) -> Decimal | None:
    """An amount element; where it is repeated per currency (tax in CII), the invoice currency's one."""
    if parent is None:
        return None
    candidates = parent.findall(name)
    for candidate in candidates:
        if currency is None or candidate.get("currencyID") in (None, currency):
            return _decimal(candidate)
    return _decimal(candidates[0]) if candidates else None


def _cii_date(element: ET.Element | None) -> date | None:
    text = _text(_child(element, "DateTimeString")) if element is not None else None
    if text is None:
        return None
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 8:
        try:
            return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
        except ValueError:
            return None
    return None


def _iso_date(element: ET.Element | None) -> date | None:
    text = _text(element)
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _found(values: dict[str, object]) -> dict[str, Found | None]:
    from .fields import Found

    result: dict[str, Found | None] = {}
    for name, value in values.items():
        if value is None:
            result[name] = None
        elif isinstance(value, Decimal):
            result[name] = Found(format_amount(value), XML_CONFIDENCE, value)
        elif isinstance(value, date):
            result[name] = Found(value.isoformat(), XML_CONFIDENCE, value)
        else:
            result[name] = Found(str(value), XML_CONFIDENCE, value)
    return result


def _line(description: str | None, quantity: Decimal | None, price: Decimal | None, amount: Decimal | None) -> Any:
    if amount is None and price is not None and quantity is not None:
        amount = price * quantity
    if not description and amount is None:
        return None
    return {
        "description": (description or "")[:200],
        "quantity": to_number(quantity) if quantity is not None else None,
        "unit_price": float(price) if price is not None else None,
        "amount": float(amount) if amount is not None else None,
    }


def _parse_cii(root: ET.Element) -> EInvoice:
    version_one = root.tag == "CrossIndustryDocument"
    header = _child(root, "ExchangedDocument", "HeaderExchangedDocument")
    transaction = _child(root, "SupplyChainTradeTransaction", "SpecifiedSupplyChainTradeTransaction")
    agreement = _child(transaction, "ApplicableHeaderTradeAgreement", "ApplicableSupplyChainTradeAgreement")
    settlement = _child(transaction, "ApplicableHeaderTradeSettlement", "ApplicableSupplyChainTradeSettlement")
    summation = _child(
        settlement, "SpecifiedTradeSettlementHeaderMonetarySummation", "SpecifiedTradeSettlementMonetarySummation"
    )
    currency = _text(_child(settlement, "InvoiceCurrencyCode"))
    due = None
    for terms in settlement.findall("SpecifiedTradePaymentTerms") if settlement is not None else []:
        due = _cii_date(_child(terms, "DueDateDateTime"))
        if due is not None:
            break
    subtotal = _amount(summation, "TaxBasisTotalAmount", currency)
    if subtotal is None:
        subtotal = _amount(summation, "LineTotalAmount", currency)
    total = _amount(summation, "GrandTotalAmount", currency)
    if total is None:
        total = _amount(summation, "DuePayableAmount", currency)
    if currency is None:
        currency = _text(_child(settlement, "OrderCurrencyCode"))
    values: dict[str, object] = {
        "vendor": _text(_path(agreement, "SellerTradeParty", "Name")),
        "invoice_number": _text(_child(header, "ID")),
        "invoice_date": _cii_date(_child(header, "IssueDateTime")),
        "due_date": due,
        "currency": currency,
        "subtotal": subtotal,
        "tax_amount": _amount(summation, "TaxTotalAmount", currency),
        "total_amount": total,
    }
    lines: list[dict[str, Any]] = []
    for item in (transaction.findall("IncludedSupplyChainTradeLineItem") if transaction is not None else [])[
        :MAX_LINE_ITEMS
    ]:
        line_agreement = _child(item, "SpecifiedLineTradeAgreement", "SpecifiedSupplyChainTradeAgreement")
        delivery = _child(item, "SpecifiedLineTradeDelivery", "SpecifiedSupplyChainTradeDelivery")
        line_settlement = _child(item, "SpecifiedLineTradeSettlement", "SpecifiedSupplyChainTradeSettlement")
        line_sum = _child(
            line_settlement,
            "SpecifiedTradeSettlementLineMonetarySummation",
            "SpecifiedTradeSettlementMonetarySummation",
        )
        price = _decimal(_path(line_agreement, "NetPriceProductTradePrice", "ChargeAmount"))
        if price is None:
            price = _decimal(_path(line_agreement, "GrossPriceProductTradePrice", "ChargeAmount"))
        line = _line(
            _text(_path(item, "SpecifiedTradeProduct", "Name")),
            _decimal(_child(delivery, "BilledQuantity", "RequestedQuantity")),
            price,
            _decimal(_child(line_sum, "LineTotalAmount")),
        )
        if line is not None:
            lines.append(line)
    type_code = _text(_child(header, "TypeCode"))
    if root.tag == _ORDER_X:
        syntax, default = "Order-X (CII)", "Purchase Order"
    else:
        syntax, default = ("ZUGFeRD 1.0 (CII)" if version_one else "Factur-X / ZUGFeRD (CII)"), "Invoice"
    return EInvoice(
        syntax=syntax, fields=_found(values), line_items=lines, doc_type=_DOC_TYPES.get(type_code or "", default)
    )


def _parse_ubl(root: ET.Element) -> EInvoice:
    credit = root.tag == "CreditNote"
    currency = _text(_child(root, "DocumentCurrencyCode"))
    supplier = _path(root, "AccountingSupplierParty", "Party")
    vendor = _text(_path(supplier, "PartyLegalEntity", "RegistrationName")) or _text(
        _path(supplier, "PartyName", "Name")
    )
    monetary = _child(root, "LegalMonetaryTotal")
    tax = None
    for tax_total in root.findall("TaxTotal"):
        tax = _amount(tax_total, "TaxAmount", currency)
        if tax is not None:
            break
    due = _iso_date(_child(root, "DueDate")) or _iso_date(_path(root, "PaymentMeans", "PaymentDueDate"))
    subtotal = _amount(monetary, "TaxExclusiveAmount", currency)
    if subtotal is None:
        subtotal = _amount(monetary, "LineExtensionAmount", currency)
    total = _amount(monetary, "TaxInclusiveAmount", currency)
    if total is None:
        total = _amount(monetary, "PayableAmount", currency)
    values: dict[str, object] = {
        "vendor": vendor,
        "invoice_number": _text(_child(root, "ID")),
        "invoice_date": _iso_date(_child(root, "IssueDate")),
        "due_date": due,
        "currency": currency,
        "subtotal": subtotal,
        "tax_amount": tax,
        "total_amount": total,
    }
    lines: list[dict[str, Any]] = []
    for item in root.findall("CreditNoteLine" if credit else "InvoiceLine")[:MAX_LINE_ITEMS]:
        product = _child(item, "Item")
        line = _line(
            _text(_child(product, "Name")) or _text(_child(product, "Description")),
            _decimal(_child(item, "CreditedQuantity" if credit else "InvoicedQuantity")),
            _decimal(_path(item, "Price", "PriceAmount")),
            _decimal(_child(item, "LineExtensionAmount")),
        )
        if line is not None:
            lines.append(line)
    type_code = _text(_child(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode"))
    doc_type = _DOC_TYPES.get(type_code or "", "Credit Note" if credit else "Invoice")
    return EInvoice(syntax="XRechnung / UBL", fields=_found(values), line_items=lines, doc_type=doc_type)


# Order-X (the CII purchase order embedded the way Factur-X embeds invoices) shares CII's structure.
_ORDER_X = "SCRDMCCBDACIOMessageStructure"


def parse_einvoice_xml(data: bytes) -> EInvoice | None:
    """The invoice in a CII or UBL document; None when the XML is unsafe, malformed or of another kind."""
    root = _safe_root(data)
    if root is None:
        return None
    if root.tag in ("CrossIndustryInvoice", "CrossIndustryDocument", _ORDER_X):
        found = _parse_cii(root)
    elif root.tag in ("Invoice", "CreditNote"):
        found = _parse_ubl(root)
    else:
        return None
    # An XML with none of the key figures is not the invoice (a metadata or order attachment, say).
    key = ("invoice_number", "total_amount")
    return found if any(found.fields.get(name) is not None for name in key) else None


def _attachment_order(name: str) -> tuple[int, str]:
    lowered = name.lower()
    known = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "zugferd_invoice.xml")
    return (0 if lowered in known else 1, lowered)


def read_embedded_einvoice(reader: PdfReader) -> EInvoice | None:
    """The e-invoice a PDF carries as an embedded file, if any; never raises on a malformed PDF."""
    try:
        attachments = reader.attachments
        names = sorted((name for name in attachments if name.lower().endswith(".xml")), key=_attachment_order)
    except Exception:  # pypdf raises many types on malformed name trees; no attachment then
        return None
    for name in names[:MAX_ATTACHMENTS]:
        try:
            contents = attachments[name]
        except Exception:  # noqa: S112 - a broken attachment is skipped, others may be fine
            continue
        for data in contents[:2]:
            found = parse_einvoice_xml(data)
            if found is not None:
                return found
    return None
