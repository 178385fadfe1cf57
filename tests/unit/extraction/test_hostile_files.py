"""Hostile files end in UnreadableDocument with a reason, each within bounded time and memory.

The bounds are generous (these are not benchmarks): a few seconds and a couple of hundred megabytes of
Python allocations, where an unbounded reader would take minutes and gigabytes.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable

import pytest

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction import UnreadableDocument, extract_document, images, ocr, raster, text
from recordengine.media import JPEG, PDF, PNG, TIFF
from tests.unit.extraction import hostile_fixtures as hostile
from tests.unit.extraction.pdf_fixtures import ENGLISH_INVOICE, make_pdf

SECONDS = 10.0
PEAK_BYTES = 250_000_000


def reason_within_bounds(content: bytes, media_type: str = PDF) -> str:
    """The reason the file is refused, after checking the time (on its own: tracing memory slows Python
    down several times) and then the peak of Python allocations it took."""
    started = time.monotonic()
    with pytest.raises(UnreadableDocument) as caught:
        extract_document(content, media_type, INVOICE_PROFILE)
    elapsed = time.monotonic() - started
    assert elapsed < SECONDS, f"took {elapsed:.1f} s"

    tracemalloc.start()
    try:
        with pytest.raises(UnreadableDocument):
            extract_document(content, media_type, INVOICE_PROFILE)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < PEAK_BYTES, f"allocated {peak / 1e6:.0f} MB"
    assert str(caught.value)
    return str(caught.value)


@pytest.fixture
def no_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)


@pytest.fixture
def refuse_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    """OCR installed but never reached: the checks before it must refuse the file."""

    def refuse(*_: object, **__: object) -> ocr.OcrPage:
        raise AssertionError("a hostile image reached OCR")

    monkeypatch.setattr(ocr, "read_page", refuse)


def test_a_decompression_bomb_is_stopped_at_the_cap() -> None:
    # A 1 MB file whose content stream inflates to a gigabyte.
    assert reason_within_bounds(hostile.decompression_bomb()) == text.TOO_LARGE


def test_a_huge_page_count_is_refused() -> None:
    # 200,000 pages in a 1.6 MB file.
    assert reason_within_bounds(hostile.huge_page_count()) == text.TOO_LARGE


def test_a_page_tree_that_contains_itself() -> None:
    assert reason_within_bounds(hostile.page_tree_loop()) in {text.NOT_A_PDF, text.TOO_LARGE}


@pytest.mark.usefixtures("no_ocr")
def test_a_form_that_draws_itself_without_ocr() -> None:
    # The page has no text once the loop is cut: read as a scan, for which OCR is off here.
    assert reason_within_bounds(hostile.form_xobject_loop()) in {text.NOT_A_PDF, ocr.SCAN_NOT_AVAILABLE}


def test_a_form_that_draws_itself_is_rendered_and_read_as_a_blank_scan() -> None:
    assert reason_within_bounds(hostile.form_xobject_loop()) in {text.NOT_A_PDF, ocr.NO_TEXT_FOUND}


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.99])
def test_truncated_pdfs(fraction: float) -> None:
    content = make_pdf(ENGLISH_INVOICE)
    assert reason_within_bounds(content[: int(len(content) * fraction)]) == text.NOT_A_PDF


def test_an_encrypted_pdf() -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    content = make_pdf(ENGLISH_INVOICE, encrypt=StandardEncryption("user-secret", "owner-secret"))
    assert reason_within_bounds(content) == text.ENCRYPTED


@pytest.mark.usefixtures("refuse_ocr")
@pytest.mark.parametrize(
    ("make", "media_type"),
    [
        (lambda: hostile.png_header(100_000, 100_000), PNG),
        (lambda: hostile.png_header(4_000_000_000, 1), PNG),
        (lambda: hostile.jpeg_header(65_000, 65_000), JPEG),
    ],
    ids=["png-10-gigapixels", "png-absurd-width", "jpeg-4-gigapixels"],
)
def test_images_with_absurd_dimensions_are_refused_before_decoding(make: Callable[[], bytes], media_type: str) -> None:
    assert reason_within_bounds(make(), media_type).startswith("The image is too large to read")


@pytest.mark.usefixtures("refuse_ocr")
def test_a_scan_with_an_absurd_image_is_refused_before_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> list[object]:
        raise AssertionError("a hostile scan reached the renderer")

    monkeypatch.setattr(raster, "render_pages", refuse)
    assert reason_within_bounds(hostile.pdf_with_huge_image()) == images.IMAGE_TOO_LARGE_IN_PDF


@pytest.mark.usefixtures("refuse_ocr")
@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n" + b"\x00" * 4, b"\xff\xd8\xff\xe0\x00", b"II*\x00\xff\xff\xff\xff"],
    ids=["png", "jpeg", "tiff"],
)
def test_images_with_broken_headers(content: bytes) -> None:
    assert reason_within_bounds(content, PNG) == images.IMAGE_CORRUPT


@pytest.mark.parametrize(
    ("content", "claimed", "expected"),
    [
        (b"PK\x03\x04" + b"\x00" * 100, PDF, text.NOT_A_PDF),
        (b"<html><body>invoice</body></html>", PDF, text.NOT_A_PDF),
        (b"<html><body>invoice</body></html>", PNG, images.IMAGE_CORRUPT),
        (b"GIF89a" + b"\x00" * 100, JPEG, images.IMAGE_CORRUPT),
        (b"MZ\x90\x00" + b"\x00" * 100, "application/octet-stream", "This file type is not supported."),
    ],
    ids=["zip-as-pdf", "html-as-pdf", "html-as-png", "gif-as-jpeg", "exe-as-binary"],
)
def test_files_that_are_not_what_they_claim(content: bytes, claimed: str, expected: str) -> None:
    assert reason_within_bounds(content, claimed) == expected


def test_the_content_not_the_claim_decides_the_reader() -> None:
    # A real PDF uploaded as an image is read as the PDF it is.
    result = extract_document(make_pdf(ENGLISH_INVOICE), TIFF, INVOICE_PROFILE)
    assert result.extracted_fields["invoice_number"] == "BW-2024-0193"


@pytest.mark.usefixtures("no_ocr")
def test_an_image_named_pdf_needs_ocr() -> None:
    assert reason_within_bounds(hostile.png_header(800, 600), PDF) == ocr.OCR_NOT_AVAILABLE


def test_an_attachment_tree_that_contains_itself_is_skipped() -> None:
    started = time.monotonic()
    result = extract_document(hostile.attachment_tree_loop(), PDF, INVOICE_PROFILE, einvoice=True)
    assert time.monotonic() - started < SECONDS
    assert result.extracted_fields["invoice_number"] == "12345"


def test_a_page_drawing_hundreds_of_thousands_of_text_pieces_is_refused_quickly() -> None:
    # 10 KB on disk, 200,000 pieces of text on one page: laid out, minutes of CPU and hundreds of megabytes.
    assert reason_within_bounds(hostile.text_operator_flood()) == text.TOO_BUSY


def test_bytes_after_the_end_of_a_pdf_do_not_make_it_unreadable() -> None:
    result = extract_document(hostile.with_trailing_bytes(make_pdf(ENGLISH_INVOICE)), PDF, INVOICE_PROFILE)
    assert result.extracted_fields["invoice_number"] == "BW-2024-0193"


def test_an_update_cut_off_after_an_earlier_end_is_still_truncated() -> None:
    content = make_pdf(ENGLISH_INVOICE)
    cut_update = content + b"\n12 0 obj\n<< /Type /Page /Contents 13 0 R >>\nendobj\n13 0 obj\n<< /Length 900"
    assert reason_within_bounds(cut_update) == text.NOT_A_PDF


def test_pages_whose_pieces_of_text_add_up_are_read_only_until_the_documents_budget() -> None:
    from recordengine.extraction.text import MAX_TEXT_SHOWS_PER_DOCUMENT, read_pdf

    content = hostile.crowded_pages(pages=50, operators=19_000)
    read = read_pdf(content).pages
    assert len(read) <= MAX_TEXT_SHOWS_PER_DOCUMENT // 19_000
