"""The pages as a person reviews them: one image a page, bounded, with the words read on it where they are."""

from __future__ import annotations

import io

from PIL import Image

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction.engine import extract_document
from recordengine.extraction.page_views import MAX_PAGES, MAX_WIDTH
from recordengine.models import PageView
from tests.unit.extraction.pdf_fixtures import make_pdf
from tests.unit.extraction.receipt_fixtures import drawn_receipt

INVOICE = [
    "Harbour Lane Tools Ltd",
    [(350, "Invoice No:"), (450, "HL-7781")],
    "",
    [(350, "Total due"), (480, "120.00")],
]


def _views(content: bytes, media_type: str = "application/pdf") -> list[PageView]:
    return extract_document(content, media_type, INVOICE_PROFILE, einvoice=False, views=True).page_views


def _ink_in(view: PageView, box: list[float]) -> int:
    image = Image.open(io.BytesIO(view.image)).convert("L")
    x0, y0, x1, y1 = box
    crop = image.crop((int(x0 * image.width), int(y0 * image.height), int(x1 * image.width), int(y1 * image.height)))
    return sum(crop.histogram()[:128])


def test_a_text_layer_pdf_is_rendered_once_a_page_with_its_words_where_they_are_printed() -> None:
    views = _views(make_pdf(pages=[INVOICE, ["Terms overleaf."]]))

    assert [view.page for view in views] == [1, 2]
    first = views[0]
    image = Image.open(io.BytesIO(first.image))
    assert image.format == "JPEG"
    assert (image.width, image.height) == (first.width, first.height)
    assert first.width <= MAX_WIDTH and first.height > first.width  # an A4 page, upright
    (total,) = [word for word in first.words if word.text == "120.00"]
    assert _ink_in(first, total.box) > 20, "the word's box is where the image shows it"
    assert [word.text for word in views[1].words] == ["Terms", "overleaf."]


def test_the_total_box_and_its_word_box_agree() -> None:
    content = make_pdf(INVOICE)
    result = extract_document(content, "application/pdf", INVOICE_PROFILE, einvoice=False, views=True)

    (total,) = [word for word in result.page_views[0].words if word.text == "120.00"]
    assert total.box == result.field_locations["total_amount"].box


def test_no_more_than_so_many_pages_are_rendered() -> None:
    views = _views(make_pdf(pages=[INVOICE, *[[f"Page {number}"] for number in range(MAX_PAGES + 3)]]))

    assert len(views) == MAX_PAGES


def test_an_image_is_its_own_single_page_as_ocr_read_it() -> None:
    content, _ = drawn_receipt()

    (view,) = _views(content, "image/png")

    assert view.page == 1
    (bakery,) = [word for word in view.words if word.text == "BAKERY"]
    assert _ink_in(view, bakery.box) > 20


def test_no_views_unless_asked_for() -> None:
    assert extract_document(make_pdf(INVOICE), "application/pdf", INVOICE_PROFILE).page_views == []
