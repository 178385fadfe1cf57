"""Photos of receipts made into pages: the paper found on a darker table and cropped to, and what OCR reads
afterwards. Every photo is generated: a receipt drawn with Pillow, turned and pasted
onto a dark, grainy background, as a phone photographs one lying on a table."""

from __future__ import annotations

import pytest
from PIL import Image, ImageFilter

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction import extract_document, images, paper
from recordengine.media import JPEG, PNG
from tests.support import scans

TABLE = (1500, 2000)
PASTED_AT = (380, 260)


def receipt() -> Image.Image:
    return scans.receipt_page(scans.RECEIPT_LINES)


def table(shade: int = 70) -> Image.Image:
    """A table of grey level ``shade`` with a coarse grain and a fine one, so that it is no flat colour."""
    coarse = Image.effect_noise((TABLE[0] // 20, TABLE[1] // 20), 40).resize(TABLE, Image.Resampling.BICUBIC)
    fine = Image.effect_noise(TABLE, 12)
    grain = Image.blend(coarse, fine, 0.5)
    return grain.point(lambda value: max(0, min(255, shade + value - 128)))


def photographed(
    page: Image.Image, degrees: float = 0.0, shade: int = 70
) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """``page`` turned by ``degrees`` and lying on a table; and where the paper's corners lie in the photo."""
    mask = Image.new("L", page.size, 255).rotate(degrees, expand=True)
    turned = page.rotate(degrees, expand=True, fillcolor=0, resample=Image.Resampling.BICUBIC)
    photo = table(shade)
    photo.paste(turned, PASTED_AT, mask)
    left, top = PASTED_AT
    return photo, (left, top, left + turned.width, top + turned.height)


def faint(image: Image.Image) -> Image.Image:
    """Faded thermal print photographed in dim light: grey ink on grey paper."""
    return image.point(lambda value: 110 + value * 50 // 255)


def assert_receipt(fields: dict[str, str | None]) -> None:
    assert fields["vendor"] == "HARBOUR GROCERS LTD"
    assert fields["invoice_date"] == "2024-06-14"
    assert fields["total_amount"] == "13.75"


def read(content: bytes, media_type: str) -> dict[str, str | None]:
    return extract_document(content, media_type, INVOICE_PROFILE).extracted_fields


# --- the paper ----------------------------------------------------------------------------------------


def test_the_paper_is_found_on_a_dark_table_with_a_small_margin() -> None:
    photo, paper_at = photographed(receipt())
    found = paper.find_paper(photo)
    assert found is not None
    box = found.box
    # The whole receipt is inside the box, and little of the table is.
    assert box[0] <= paper_at[0] and box[1] <= paper_at[1] and box[2] >= paper_at[2] and box[3] >= paper_at[3]
    slack = max(paper_at[2] - paper_at[0], paper_at[3] - paper_at[1]) * 0.06
    assert all(abs(found - actual) <= slack for found, actual in zip(box, paper_at, strict=True))


def test_a_scan_that_is_all_paper_is_not_cropped() -> None:
    assert paper.find_paper(receipt()) is None
    assert paper.find_paper(scans.invoice_page()) is None


def test_a_page_on_a_table_as_bright_as_paper_is_not_cropped() -> None:
    photo, _ = photographed(receipt(), shade=235)
    assert paper.find_paper(photo) is None


def test_a_receipt_that_fills_the_photo_is_not_cropped() -> None:
    page = receipt()
    photo = table().resize((page.width + 60, page.height + 60))
    photo.paste(page, (30, 30))
    assert paper.find_paper(photo) is None


def test_the_table_left_in_the_corners_of_a_tilted_receipt_is_painted_over() -> None:
    photo, _ = photographed(receipt(), degrees=5.0)
    page = paper.crop_to_paper(photo)
    assert page.width < 0.6 * photo.width
    # The box's corners, table before, are now as bright as paper.
    assert min(page.getpixel((2, 2)), page.getpixel((page.width - 3, page.height - 3))) > 200


# --- what OCR reads afterwards --------------------------------------------------------------------------


def test_a_slightly_tilted_receipt_photographed_on_a_table_is_read() -> None:
    # Pages are not levelled: a tilt of a degree or two is one Tesseract and the layout take out.
    photo, _ = photographed(receipt(), degrees=2.0)
    assert_receipt(read(scans.jpeg(photo), JPEG))


def test_a_faint_receipt_photographed_on_a_table_is_read() -> None:
    photo, _ = photographed(faint(receipt()), degrees=-3.0, shade=40)
    assert_receipt(read(scans.png(photo), PNG))


def test_a_photo_whose_exif_orientation_is_wrong_is_read_upright() -> None:
    # The pixels are upright, but the EXIF tag says they are stored turned (as when an editor turned the
    # pixels and kept the tag): the tag is a hint, the text decides.
    assert_receipt(read(scans.jpeg(receipt(), exif_orientation=6), JPEG))


def test_a_decoded_photo_is_a_grayscale_page_cropped_to_its_paper() -> None:
    photo, _ = photographed(receipt(), degrees=5.0)
    (page,) = images.decode_pages(scans.jpeg(photo))
    assert page.mode == "L"
    assert page.width < 0.6 * photo.width


def test_decoded_pages_remember_the_turn_their_exif_orientation_gave_them() -> None:
    # Orientation 6: viewers turn the stored pixels 90 degrees clockwise (270 counter-clockwise).
    (turned,) = images.decode_pages(scans.jpeg(receipt(), exif_orientation=6))
    assert images.exif_turn(turned) == 270
    assert turned.width > turned.height
    (untagged,) = images.decode_pages(scans.jpeg(receipt()))
    assert images.exif_turn(untagged) == 0


def _largest_by_floodfill(mask: Image.Image, step: int) -> tuple[int, tuple[int, int, int, int], bytes] | None:
    """The largest bright region as Pillow's pixel-by-pixel flood fill finds it, seeded on the same grid."""
    from PIL import ImageDraw

    mask = mask.copy()
    largest: tuple[int, tuple[int, int, int, int], bytes] | None = None
    for y in range(0, mask.height, step):
        for x in range(0, mask.width, step):
            if mask.getpixel((x, y)) != 255:
                continue
            ImageDraw.floodfill(mask, (x, y), 128)
            region = mask.point(lambda value: 255 if value == 128 else 0)
            size = region.histogram()[255]
            box = region.getbbox()
            if box is not None and (largest is None or size > largest[0]):
                largest = (size, box, region.tobytes())
            mask.paste(0, mask=region)
    return largest


def test_the_largest_bright_region_is_the_one_a_flood_fill_finds() -> None:
    # Bright blobs of every shape (rings, blobs that touch at a corner only, holes) on a dark ground.
    for seed in range(6):
        noise = Image.effect_noise((90, 70), 60 + 10 * seed).filter(ImageFilter.BoxBlur(2))
        mask = noise.point(lambda value: 255 if value > 128 else 0)
        found = paper._largest_bright_region(mask, step=3)
        expected = _largest_by_floodfill(mask, 3)
        assert found is not None
        assert (found[0], found[1], found[2].tobytes()) == expected
    assert paper._largest_bright_region(Image.new("L", (20, 20), 0), step=2) is None


def test_finding_the_paper_does_without_pillows_python_flood_fill(monkeypatch: pytest.MonkeyPatch) -> None:
    # ImageDraw.floodfill visits pixel by pixel in Python: 0.3 to 0.5 s on every scan that is all paper.
    from PIL import ImageDraw

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("ImageDraw.floodfill")

    monkeypatch.setattr(ImageDraw, "floodfill", refused)
    photo, _ = photographed(receipt(), 5.0)
    assert paper.find_paper(photo) is not None
    assert paper.find_paper(scans.invoice_page()) is None
