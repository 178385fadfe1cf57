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
