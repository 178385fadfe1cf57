"""Fixture documents, generated (never copied from a corpus)."""

from __future__ import annotations

import io


def invoice_pdf(
    *,
    vendor: str = "Northwind Traders Ltd",
    number: str = "INV-2025-1147",
    issued: str = "2025-11-15",
    due: str = "2025-12-15",
    lines: tuple[tuple[str, int, str, str], ...] = (("Consulting services", 10, "1,500.00", "15,000.00"),),
    subtotal: str = "15,000.00",
    tax: str = "3,500.00",
    total: str = "18,500.00",
) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    y = 800
    for text in (
        vendor,
        "12 Harbour Street, Bristol",
        "",
        "INVOICE",
        f"Invoice Number: {number}",
        f"Invoice Date: {issued}",
        f"Due Date: {due}",
        "",
        "Description   Qty   Unit Price   Amount",
    ):
        page.drawString(60, y, text)
        y -= 18
    for description, quantity, unit, amount in lines:
        page.drawString(60, y, description)
        page.drawString(300, y, str(quantity))
        page.drawString(360, y, unit)
        page.drawString(460, y, amount)
        y -= 18
    for label, value in (("Subtotal", subtotal), ("Tax", tax), ("Total", total)):
        page.drawString(360, y, f"{label}: USD {value}")
        y -= 18
    page.save()
    return buffer.getvalue()


# An invented supplier whose layout the engine reads imperfectly: its document number sits behind a label no
# table of labels knows ("Beleg-Kennung"), so that only what a reviewer taught finds it.
STATIONER = "Quillfeather Stationers GmbH"
STATIONER_VAT = "DE310341316"
STATIONER_IBAN = "DE83381300041321147165"


def stationer_invoice_pdf(
    *,
    number: str = "QF/2024-0117",
    issued: str = "03.04.2024",
    subtotal: str = "100,00",
    tax: str = "19,00",
    total: str = "119,00",
    number_label: str = "Beleg-Kennung",
    vendor: str = STATIONER,
    vat: str = STATIONER_VAT,
    iban: str = STATIONER_IBAN,
    reference: str | None = None,
) -> bytes:
    """One of the stationer's invoices: the same supplier (VAT id, IBAN) and layout each time. ``reference``:
    a second number printed under the address behind a label the engine does know ("Rechnung Nr."), which it
    then reads as the invoice number."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    rows: list[tuple[tuple[int, str], ...]] = [
        ((60, vendor),),
        ((60, "Lindenweg 4, 10115 Berlin"),),
        ((60, "Rechnung Nr."), (200, reference)) if reference else ((60, ""),),
        ((60, number_label), (200, number)),
        ((60, "Ausgestellt am"), (200, issued)),
        ((60, ""),),
        ((60, "Artikel"), (300, "Menge"), (460, "Betrag")),
        ((60, "Papier A4"), (300, "2"), (460, subtotal)),
        ((60, ""),),
        ((60, "Zwischensumme"), (460, subtotal)),
        ((60, "MwSt 19%"), (460, tax)),
        ((60, "Zu zahlen"), (460, f"{total} EUR")),
        ((60, ""),),
        ((60, f"USt-IdNr.: {vat}    IBAN: {iban}"),),
    ]
    y = 800
    for row in rows:
        for x, text in row:
            page.drawString(x, y, text)
        y -= 18
    page.save()
    return buffer.getvalue()


def german_iban(bank_code: str, account: str) -> str:
    """A German IBAN with its check digits (ISO 13616: 98 minus the BBAN with "DE00" behind it, mod 97)."""
    bban = f"{bank_code:0>8}{account:0>10}"
    digits = bban + "131400"  # D=13, E=14, then 00
    return f"DE{98 - int(digits) % 97:02d}{bban}"


def receipt_pdf() -> bytes:
    """A till receipt: a shop, a date, two items and a total; no invoice number, no due date."""
    from reportlab.lib.pagesizes import A6
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A6)
    y = 390
    for text in (
        "Corner Bakery Ltd",
        "4 Mill Lane, Eastbrook",
        "RECEIPT",
        "Date: 2025-11-15",
        "Sourdough loaf        EUR 4.50",
        "Croissant x2          EUR 3.00",
        "Subtotal              EUR 7.50",
        "VAT                   EUR 0.00",
        "TOTAL                 EUR 7.50",
        "Thank you for your visit",
    ):
        page.drawString(20, y, text)
        y -= 16
    page.save()
    return buffer.getvalue()
