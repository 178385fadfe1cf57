"""PDF_TEXT_READER=pdfium: the text layer laid out from PDFium's characters, within the same limits."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction import UnreadableDocument, extract_document, text
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
    assert header.split("  ") == ["Description", "Qty", "Unit Price", "Amount"]
    # Strings drawn at their own positions are cells (three or more spaces apart).
    row = next(line for line in lines if line.startswith("Consulting services"))
    assert [cell.strip() for cell in row.split("   ") if cell.strip()] == [
        "Consulting services",
        "10",
        "1,500.00",
        "15,000.00",
    ]


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
