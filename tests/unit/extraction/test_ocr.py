"""OCR: Tesseract's words laid out as text for the same field heuristics; real OCR only where it is installed."""

from __future__ import annotations

import io
import shutil
import stat
import time
from pathlib import Path

import pytest

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction import UnreadableDocument, extract_document, ocr, text
from recordengine.media import PDF, PNG
from tests.unit.extraction.hostile_fixtures import png_header

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None,
    reason="Tesseract is not installed here (apt-get install tesseract-ocr); OCR is optional at run time",
)
needs_pdftoppm = pytest.mark.skipif(
    shutil.which("pdftoppm") is None,
    reason="pdftoppm is not installed here (apt-get install poppler-utils); needed to OCR scanned PDFs",
)

TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


def tsv_row(text_: str, left: int, top: int, width: int, height: int = 20, conf: float = 95.0) -> str:
    return f"5\t1\t1\t1\t1\t1\t{left}\t{top}\t{width}\t{height}\t{conf}\t{text_}"


def test_words_keep_their_columns() -> None:
    tsv = "\n".join(
        [
            TSV_HEADER,
            "1\t1\t0\t0\t0\t0\t0\t0\t1000\t500\t-1\t",
            tsv_row("Invoice", 40, 100, 90),
            tsv_row("No:", 140, 101, 40),
            tsv_row("A-17", 600, 99, 60),
            tsv_row("Total", 40, 300, 60),
            tsv_row("12.50", 600, 302, 60),
            tsv_row("smudge", 300, 300, 60, conf=10.0),
        ]
    )
    words = ocr.parse_tsv(tsv)
    assert [word.text for word in words] == ["Invoice", "No:", "A-17", "Total", "12.50"]
    lines = [line for line in ocr.words_to_text(words).split("\n") if line]
    assert [line.split() for line in lines] == [["Invoice", "No:", "A-17"], ["Total", "12.50"]]
    # Words close together stay in one cell; far apart, three spaces or more start a new one.
    assert "Invoice No:" in lines[0]
    assert "No:   " in lines[0]
    # Aligned columns stay aligned.
    assert lines[0].index("A-17") == lines[1].index("12.50")


def test_images_without_tesseract_say_ocr_is_not_available(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "find_tesseract", lambda: None)
    with pytest.raises(UnreadableDocument, match="OCR is not available"):
        extract_document(png_header(800, 600), PNG, INVOICE_PROFILE)


def test_a_hanging_ocr_process_is_cut_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    script = tmp_path / "tesseract"
    script.write_text('#!/bin/sh\nif [ "$1" = "--list-langs" ]; then echo eng; exit 0; fi\nsleep 30\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(ocr, "find_tesseract", lambda: str(script))
    monkeypatch.setattr(ocr, "OCR_TIMEOUT_SECONDS", 1.0)
    started = time.monotonic()
    with pytest.raises(UnreadableDocument) as caught:
        ocr.ocr_words(png_header(800, 600), timeout=1.0)
    assert str(caught.value) == ocr.OCR_TIMED_OUT
    assert time.monotonic() - started < 10


def invoice_image() -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1700, 1100), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=34)
    rows = [
        (80, 80, "Lakeside Printing Ltd"),
        (80, 170, "INVOICE"),
        (950, 170, "Invoice No: LP-30917"),
        (950, 230, "Invoice Date: 2024-03-05"),
        (80, 400, "Description"),
        (1350, 400, "Amount"),
        (80, 470, "Business cards"),
        (1350, 470, "120.00"),
        (80, 540, "Letterheads"),
        (1350, 540, "80.00"),
        (950, 700, "Subtotal"),
        (1350, 700, "200.00"),
        (950, 770, "VAT"),
        (1350, 770, "40.00"),
        (950, 840, "Total"),
        (1350, 840, "GBP 240.00"),
    ]
    for x, y, words in rows:
        draw.text((x, y), words, font=font, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def assert_read(fields: dict[str, str | None]) -> None:
    assert fields["invoice_number"] == "LP-30917"
    assert fields["invoice_date"] == "2024-03-05"
    assert fields["total_amount"] == "240.00"
    assert fields["subtotal"] == "200.00"
    assert fields["currency"] == "GBP"


@needs_tesseract
def test_an_image_is_read_by_ocr() -> None:
    result = extract_document(invoice_image(), PNG, INVOICE_PROFILE)
    assert_read(result.extracted_fields)
    assert [item["amount"] for item in result.line_items] == [120.0, 80.0]


def scanned_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.drawImage(ImageReader(io.BytesIO(invoice_image())), 20, 400, width=555, height=359)
    page.save()
    return buffer.getvalue()


@needs_tesseract
@needs_pdftoppm
def test_a_scanned_pdf_is_rasterised_and_read() -> None:
    assert_read(extract_document(scanned_pdf(), PDF, INVOICE_PROFILE).extracted_fields)


@needs_tesseract
def test_a_scanned_pdf_without_a_rasteriser_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "find_pdftoppm", lambda: None)
    with pytest.raises(UnreadableDocument) as caught:
        extract_document(scanned_pdf(), PDF, INVOICE_PROFILE)
    assert str(caught.value) == text.NO_TEXT
