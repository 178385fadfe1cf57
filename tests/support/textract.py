"""Hand-built Amazon Textract AnalyzeExpense responses: LINE blocks placed on the page, and summary fields."""

from __future__ import annotations

from typing import Any

# A LINE block's width per character of its text, as a fraction of the page's width (about 118 characters
# across an A4 page in a 10-point font).
CHARACTER_WIDTH = 0.0085
LINE_HEIGHT = 0.012


def line(text: str, left: float, top: float, *, page: int = 1, confidence: float = 99.2) -> dict[str, Any]:
    """A LINE block as Textract gives it: the text, its box (fractions of the page), its page."""
    width = len(text) * CHARACTER_WIDTH
    corners = [(left, top), (left + width, top), (left + width, top + LINE_HEIGHT), (left, top + LINE_HEIGHT)]
    return {
        "BlockType": "LINE",
        "Id": f"line-{page}-{top:.3f}-{left:.3f}",
        "Page": page,
        "Text": text,
        "Confidence": confidence,
        "Geometry": {
            "BoundingBox": {"Left": left, "Top": top, "Width": width, "Height": LINE_HEIGHT},
            "Polygon": [{"X": x, "Y": y} for x, y in corners],
        },
    }


def summary_field(kind: str, label: str, value: str, confidence: float = 98.0) -> dict[str, Any]:
    return {
        "Type": {"Text": kind, "Confidence": 99.0},
        "LabelDetection": {"Text": label, "Confidence": confidence},
        "ValueDetection": {"Text": value, "Confidence": confidence},
        "PageNumber": 1,
    }


def expense_response(lines: list[dict[str, Any]], summary: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "DocumentMetadata": {"Pages": max((block["Page"] for block in lines), default=1)},
        "ExpenseDocuments": [
            {"ExpenseIndex": 1, "SummaryFields": summary, "LineItemGroups": [], "Blocks": lines},
        ],
    }


def tool_hire_invoice(number: str, read_number: str | None = None, total: str = "288.00") -> dict[str, Any]:
    """An invoice of an invented tool-hire firm: the firm and its address on the left, the invoice's number
    and date on the right, a table below, the bank details on a second page. Textract's summary reads the
    number as ``read_number`` (the printed one unless told)."""
    lines = [
        line("Brackenridge Tool Hire Ltd", 0.08, 0.050),
        line("INVOICE", 0.70, 0.050),
        line("14 Quarry Lane", 0.08, 0.070),
        line("Ref.", 0.55, 0.070),
        # Printed a little lower than its label: one text line all the same.
        line(number, 0.75, 0.073),
        line("Dunmore DM4 7QX", 0.08, 0.090),
        line("Date:", 0.55, 0.090),
        line("03/02/2026", 0.75, 0.090),
        line("Description", 0.08, 0.200),
        line("Amount", 0.80, 0.200),
        line("Scaffold tower, 2 weeks", 0.08, 0.220),
        line("240.00", 0.82, 0.220),
        line("VAT 20%", 0.55, 0.260),
        line("48.00", 0.83, 0.260),
        line("Total GBP", 0.55, 0.280),
        line(total, 0.82, 0.280),
        line("Bank: GB82 WEST 1234 5698 7654 32", 0.08, 0.050, page=2),
    ]
    summary = [
        summary_field("VENDOR_NAME", "", "Brackenridge Tool Hire Ltd"),
        summary_field("INVOICE_RECEIPT_ID", "Ref.", read_number if read_number is not None else number),
        summary_field("INVOICE_RECEIPT_DATE", "Date:", "03/02/2026"),
        summary_field("SUBTOTAL", "", "240.00"),
        summary_field("TAX", "VAT 20%", "48.00"),
        summary_field("TOTAL", "Total GBP", total),
    ]
    return expense_response(lines, summary)
