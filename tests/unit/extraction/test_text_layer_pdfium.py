"""The text layer laid out from PDFium's text objects (the default reader) as pypdf's layout mode lays it out,
within the same limits."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import pytest

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction import UnreadableDocument, extract_document, text, textlayer
from recordengine.media import PDF
from recordengine.settings import get_settings
from tests.support.documents import invoice_pdf
from tests.unit.extraction import hostile_fixtures as hostile


@pytest.fixture
def pdfium_reader(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("PDF_TEXT_READER", "pdfium")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_columns_stay_apart() -> None:
    page = text.read_pdf(invoice_pdf(), reader="pdfium").pages[0]
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    assert "Invoice Number: INV-2025-1147" in lines
    header = next(line for line in lines if line.startswith("Description"))
    # The spaces of one string, which PDFium reads as one, are kept as wide as printed.
    assert header == "Description   Qty   Unit Price   Amount"
    # Strings drawn at their own positions are cells (three or more spaces apart).
    row = next(line for line in lines if line.startswith("Consulting services"))
    assert [cell.strip() for cell in row.split("   ") if cell.strip()] == [
        "Consulting services",
        "10",
        "1,500.00",
        "15,000.00",
    ]


def _pdf(draw: Callable[[object], None]) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    draw(page)
    page.save()
    return buffer.getvalue()


def _raw(*operators: str) -> Callable[[object], None]:
    """Content stream operators drawn with Helvetica 10 (reportlab's /F1) and Courier 9 (/F2)."""

    def draw(page: object) -> None:
        page.setFont("Helvetica", 10)  # type: ignore[attr-defined]
        page.drawString(72, 800, "Statement of account")  # type: ignore[attr-defined]
        page.setFont("Courier", 9)  # type: ignore[attr-defined]
        page.drawString(72, 780, "Customer 1047")  # type: ignore[attr-defined]
        for operator in operators:
            page._code.append(operator)  # type: ignore[attr-defined]

    return draw


LAYOUTS = {
    "generated invoice": invoice_pdf(),
    "long invoice": invoice_pdf(
        vendor="Fabrikam Inc",
        lines=tuple((f"Item {n} consulting", n, f"{n * 10}.00", f"{n * n * 10}.00") for n in range(1, 30)),
    ),
    # One text object drawing a row: the gaps TJ's offsets leave are as many spaces as fit in them.
    "TJ offsets": _pdf(_raw("BT /F1 10 Tf 72 700 Td [(Subtotal) -9000 (120.00) -4000 (EUR)] TJ ET")),
    # Runs of spaces (which PDFium reads as one) and a string placed after one that ends in a space.
    "spaces": _pdf(
        _raw(
            "BT /F2 9 Tf 72 680 Td (Tax:     19.00) Tj ET",
            "BT /F2 9 Tf 72 668 Td [(Net ) -5000 (100.00)] TJ ET",
            "BT /F1 10 Tf 300 668 Td (    Gross EUR ) Tj ET",
        )
    ),
    # Several strings in one BT ... ET block on one line, then on the next lines (Td, T*, ').
    "one block": _pdf(
        _raw(
            "BT /F1 10 Tf 14 TL 72 640 Td (Qty) Tj 100 0 Td (Price) Tj 100 0 Td (Amount) Tj "
            "-200 -14 Td (2) Tj 100 0 Td (4.50) Tj 100 0 Td (9.00) Tj T* (Thank you) Tj (for your order) ' ET"
        )
    ),
    # Scaled text (the size in the matrix), a line a little lower merged with its neighbour, rotated text.
    "matrices": _pdf(
        _raw(
            "BT /F1 1 Tf 12 0 0 12 72 600 Tm (Invoice) Tj ET",
            "BT /F1 8 Tf 300 603 Td (No. 88-1) Tj ET",
            "BT /F1 10 Tf 0 1 -1 0 40 400 Tm (Sideways) Tj ET",
            "BT /F1 10 Tf 72 560 Td () Tj (Due 2025-01-31) Tj ET",
        )
    ),
}


@pytest.mark.parametrize("name", LAYOUTS)
def test_pages_are_laid_out_as_pypdf_lays_them_out(name: str) -> None:
    content = LAYOUTS[name]
    assert text.read_pdf(content, reader="pdfium").pages == text.read_pdf(content, reader="pypdf").pages


def test_text_blocks() -> None:
    content = (
        b"q 1 0 0 1 0 0 cm BT /F1 10 Tf (a) Tj (b) Tj ET BT [(c) -20 <0041>] TJ () Tj ET "
        b"BT (with \\) and (nested) parentheses) Tj [()] TJ <> Tj ET Q "
        b'BT 0 0 (x) " ET'
    )
    assert textlayer.text_blocks(content) == [0, 0, 1, 2, 3]
    # Text shown outside BT ... ET: the blocks cannot be told.
    assert textlayer.text_blocks(b"BT (a) Tj ET (b) Tj") is None


def test_pdfium_is_the_default_reader() -> None:
    assert get_settings().pdf_text_reader == "pdfium"


@pytest.mark.usefixtures("pdfium_reader")
def test_the_engine_reads_the_fields_through_pdfium() -> None:
    fields = extract_document(invoice_pdf(), PDF, INVOICE_PROFILE, einvoice=False).extracted_fields
    assert fields["invoice_number"] == "INV-2025-1147"
    assert fields["total_amount"] == "18500.00"
    items = extract_document(invoice_pdf(), PDF, INVOICE_PROFILE, einvoice=False).line_items
    assert items == [{"description": "Consulting services", "quantity": 10, "unit_price": 1500.0, "amount": 15000.0}]


@pytest.mark.usefixtures("pdfium_reader")
def test_the_reading_limits_still_apply() -> None:
    with pytest.raises(UnreadableDocument) as refused:
        extract_document(hostile.text_operator_flood(), PDF, INVOICE_PROFILE)
    assert str(refused.value) == text.TOO_BUSY
    read = text.read_pdf(hostile.crowded_pages(pages=50, operators=19_000)).pages
    assert len(read) <= text.MAX_TEXT_SHOWS_PER_DOCUMENT // 19_000
