"""Where each value was read: the page and box extraction records for its fields and line items."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from PIL import Image

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction.engine import extract_document
from recordengine.extraction.found import Found
from recordengine.extraction.geometry import Box, PageGeometry, Piece, span_box, unturned
from recordengine.extraction.labels import Reader
from recordengine.extraction.layout import Layout
from recordengine.extraction.locations import MAX_LOCATED_ITEMS, field_locations
from recordengine.models import ExtractionResult, FieldLocation
from tests.unit.extraction.pdf_fixtures import Line, make_pdf
from tests.unit.extraction.receipt_fixtures import drawn_receipt

PDF = "application/pdf"
# A4 in points, as pdf_fixtures draws it: lines from y = 800 down, 16 points apart, Helvetica 10.
PAGE_WIDTH, PAGE_HEIGHT = 595.2755905511812, 841.8897637795277
FONT_SIZE = 10.0
# How far a box may reach past the printed value's ink: a fraction of the page (about 3 points).
SLACK = 0.005

INVOICE: list[Line] = [
    "Harbour Lane Tools Ltd",
    [(350, "Invoice No:"), (450, "HL-7781")],
    [(350, "Invoice Date:"), (450, "2025-03-05")],
    "",
    [(50, "Description"), (480, "Amount")],
    [(50, "Garden hose 20 m"), (480, "60.00")],
    [(50, "Brass nozzle"), (480, "40.00")],
    "",
    [(350, "Subtotal"), (480, "100.00")],
    [(350, "VAT 20%"), (480, "20.00")],
    [(350, "Total due"), (480, "120.00")],
]


def _printed(
    line: int, x: float, text: str, width: float = PAGE_WIDTH, height: float = PAGE_HEIGHT, top: float = 800
) -> Box:
    """The box a fixture line's ``text`` at ``x`` is printed in, as fractions of the page from its top-left."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    baseline = top - 16 * line
    return (
        x / width,
        (height - baseline - 0.72 * FONT_SIZE) / height,
        (x + stringWidth(text, "Helvetica", FONT_SIZE)) / width,
        (height - baseline) / height,
    )


def _covers(location: FieldLocation, printed: Box) -> bool:
    """The box holds the printed value and little else."""
    x0, y0, x1, y1 = location.box
    inside = (
        x0 <= printed[0] + SLACK and y0 <= printed[1] + SLACK and x1 >= printed[2] - SLACK and y1 >= printed[3] - SLACK
    )
    tight = printed[0] - x0 < 0.02 and x1 - printed[2] < 0.02 and printed[1] - y0 < 0.02 and y1 - printed[3] < 0.02
    return inside and tight


def _extract(content: bytes, media_type: str = PDF) -> ExtractionResult:
    return extract_document(content, media_type, INVOICE_PROFILE, einvoice=False)


def test_a_text_layer_value_is_located_where_it_is_printed() -> None:
    result = _extract(make_pdf(INVOICE))

    assert result.extracted_fields["total_amount"] == "120.00"
    locations = result.field_locations
    assert locations["total_amount"].page == 1
    assert _covers(locations["total_amount"], _printed(10, 480, "120.00"))
    assert _covers(locations["subtotal"], _printed(8, 480, "100.00"))
    assert _covers(locations["tax_amount"], _printed(9, 480, "20.00"))
    assert _covers(locations["invoice_number"], _printed(1, 450, "HL-7781"))
    assert _covers(locations["invoice_date"], _printed(2, 450, "2025-03-05"))
    assert _covers(locations["vendor"], _printed(0, 50, "Harbour Lane Tools Ltd"))


def test_each_line_item_is_located_on_its_own_row() -> None:
    result = _extract(make_pdf(INVOICE))

    assert [item["description"] for item in result.line_items] == ["Garden hose 20 m", "Brass nozzle"]
    first, second = result.field_locations["line_items.0"], result.field_locations["line_items.1"]
    hose, nozzle = _printed(5, 50, "Garden hose 20 m"), _printed(6, 50, "Brass nozzle")
    assert first.box[1] <= hose[1] + SLACK and first.box[3] >= hose[3] - SLACK and first.box[3] < nozzle[1] + SLACK
    assert second.box[1] <= nozzle[1] + SLACK and second.box[3] >= nozzle[3] - SLACK
    # A row runs from the description to the amount.
    assert first.box[0] <= hose[0] + SLACK and first.box[2] >= _printed(5, 480, "60.00")[2] - SLACK


def test_a_value_on_a_later_page_is_located_on_that_page() -> None:
    first_page: list[Line] = ["Harbour Lane Tools Ltd", [(350, "Invoice No:"), (450, "HL-7781")], "Terms overleaf."]
    second_page: list[Line] = ["", "", [(350, "Total due"), (480, "75.40")]]

    result = _extract(make_pdf(pages=[first_page, second_page]))

    assert result.extracted_fields["total_amount"] == "75.40"
    assert result.field_locations["total_amount"].page == 2
    assert _covers(result.field_locations["total_amount"], _printed(2, 480, "75.40"))
    assert result.field_locations["invoice_number"].page == 1


def test_a_turned_pdf_page_gives_boxes_on_the_page_as_shown() -> None:
    import pypdfium2 as pdfium
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    # reportlab lays an A4 page turned a quarter on its side (a landscape MediaBox): lines from y = 560 down.
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setPageRotation(90)
    page.setFont("Helvetica", 10)
    for index, line in enumerate(INVOICE):
        for x, text in [(50.0, line)] if isinstance(line, str) else line:
            page.drawString(x, 560 - 16 * index, text)
    page.save()
    content = buffer.getvalue()

    location = _extract(content).field_locations["total_amount"]

    # On the page rendered as a viewer shows it (upright A4), the box holds ink; turned back a quarter, it is
    # where the value is printed on the landscape MediaBox.
    shown = pdfium.PdfDocument(content)[0]
    rendered = shown.render(scale=2).to_pil().convert("L")
    assert rendered.height > rendered.width
    x0, y0, x1, y1 = location.box
    inked = rendered.crop(
        (int(x0 * rendered.width), int(y0 * rendered.height), int(x1 * rendered.width), int(y1 * rendered.height))
    )
    assert inked.getextrema()[0] < 100
    on_its_side = unturned((x0, y0, x1, y1), 270)
    assert _covers(
        FieldLocation(page=1, box=list(on_its_side)), _printed(10, 480, "120.00", PAGE_HEIGHT, PAGE_WIDTH, 560)
    )


def test_a_photographed_receipt_value_is_located_by_ocr_words() -> None:
    content, inked = drawn_receipt()

    result = _extract(content, "image/png")

    assert result.extracted_fields["total_amount"] == "9.75"
    assert result.field_locations["total_amount"].page == 1
    assert _covers(result.field_locations["total_amount"], inked["9.75"])
    # The date's box is its own word's, at the end of its printed line.
    date_box, line = result.field_locations["invoice_date"].box, inked["Date: 05/03/2025"]
    assert line[0] + 0.1 < date_box[0] and abs(date_box[2] - line[2]) < SLACK and abs(date_box[3] - line[3]) < 0.01
    assert "line_items.1" in result.field_locations


def test_ocr_boxes_on_a_turned_reading_map_back_to_the_image_as_given() -> None:
    # A dark square on an image, found on the image turned as OCR turns a sideways page.
    image = Image.new("L", (400, 200), 255)
    image.paste(0, (300, 20, 340, 60))
    for turn in (90, 180, 270):
        turned = image.rotate(turn, expand=True)
        left, top, right, bottom = turned.point(lambda value: 255 - value).getbbox() or (0, 0, 0, 0)
        box = (left / turned.width, top / turned.height, right / turned.width, bottom / turned.height)
        assert [round(edge, 3) for edge in unturned(box, turn)] == [0.75, 0.1, 0.85, 0.3], turn


def test_a_span_takes_its_share_of_a_piece_and_joins_pieces() -> None:
    pieces = [Piece(0, 10, (0.1, 0.2, 0.2, 0.3)), Piece(14, 20, (0.5, 0.2, 0.56, 0.3))]

    assert span_box(pieces, 5, 10) == pytest.approx((0.15, 0.2, 0.2, 0.3))
    assert span_box(pieces, 5, 17) == pytest.approx((0.15, 0.2, 0.53, 0.3))
    assert span_box(pieces, 11, 13) is None


def test_nothing_is_located_where_the_reader_kept_no_positions() -> None:
    layout = Layout(["Total due   120.00"])
    values = {"total_amount": Found("120.00", 90, Decimal("120.00"), 0)}

    assert field_locations(Reader(layout), values, []) == {}


def test_locations_are_bounded_one_box_a_field_and_at_most_so_many_items() -> None:
    rows = MAX_LOCATED_ITEMS + 50
    text = "\n".join(f"Item {index}   {index}.00" for index in range(rows))
    geometry = PageGeometry(1, [[Piece(0, 20, (0.1, index / rows, 0.9, (index + 1) / rows))] for index in range(rows)])
    layout = Layout([text], geometry=[geometry])
    items = [{"description": f"Item {index}", "amount": float(index)} for index in range(rows)]

    located = field_locations(Reader(layout), {"total_amount": Found("7.00", 90, Decimal("7.00"), None)}, items)

    assert len(located) == MAX_LOCATED_ITEMS + 1
    assert located["total_amount"]["page"] == 1
    assert located["line_items.3"]["box"] == [0.1, round(3 / rows, 4), 0.9, round(4 / rows, 4)]


@pytest.mark.parametrize("font", ["Helvetica", "Times-Roman", "Courier"])
@pytest.mark.parametrize("label", ["Grand total incl. VAT: ", "Amount due EUR ", "TOTAL "])
def test_a_value_printed_in_one_string_with_its_label_is_boxed_within_a_few_points(font: str, label: str) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    # One text-showing operator draws label and value: the box of the value is its share of the string's.
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT))
    page.setFont(font, FONT_SIZE)
    page.drawString(72, 780, "Harbour Lane Tools Ltd")
    page.drawString(72, 760, "Invoice number: HL-7781")
    page.drawString(300, 300, label + "12,345.67")
    page.save()

    location = _extract(buffer.getvalue()).field_locations["total_amount"]

    left = 300 + stringWidth(label, font, FONT_SIZE)
    right = left + stringWidth("12,345.67", font, FONT_SIZE)
    assert abs(location.box[0] * PAGE_WIDTH - left) < 3.5
    assert abs(location.box[2] * PAGE_WIDTH - right) < 3.5
