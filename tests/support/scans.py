"""Scans and photos generated for the OCR tests: invoices and receipts drawn with Pillow's bundled font,
then turned, faded, shadowed, shrunk or wrapped in a PDF as real uploads are."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

Row = tuple[int, int, str]

INVOICE_ROWS: list[Row] = [
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


def draw_page(
    rows: Sequence[Row], size: tuple[int, int], font_size: int = 34, ink: int = 0, paper: int = 255
) -> Image.Image:
    image = Image.new("L", size, paper)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=font_size)
    for x, y, words in rows:
        draw.text((x, y), words, font=font, fill=ink)
    return image


def invoice_page(**options: int) -> Image.Image:
    return draw_page(INVOICE_ROWS, (1700, 1100), **options)


def receipt_page(lines: Sequence[tuple[str, str]], width: int = 620, font_size: int = 30) -> Image.Image:
    """A narrow till receipt: each line's label at the left, its price flush against the right edge."""
    line_height = int(font_size * 1.6)
    image = Image.new("L", (width, 60 + line_height * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=font_size)
    for index, (label, price) in enumerate(lines):
        y = 30 + index * line_height
        draw.text((20, y), label, font=font, fill=0)
        if price:
            right = draw.textlength(price, font=font)
            draw.text((width - 20 - right, y), price, font=font, fill=0)
    return image


RECEIPT_LINES: list[tuple[str, str]] = [
    ("HARBOUR GROCERS LTD", ""),
    ("12 Quay Street, Cork", ""),
    ("Date: 14/06/2024 18:02", ""),
    ("", ""),
    ("Milk 2L", "2.49"),
    ("Sourdough bread", "4.20"),
    ("Free range eggs", "3.95"),
    ("Apples 1kg", "2.80"),
    ("", ""),
    ("SUBTOTAL", "13.44"),
    ("VAT", "0.31"),
    ("TOTAL", "EUR 13.75"),
    ("CASH", "20.00"),
    ("CHANGE", "6.25"),
    ("", ""),
    ("Thank you for shopping", ""),
]


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg(image: Image.Image, *, exif_orientation: int | None = None) -> bytes:
    """A JPEG; with ``exif_orientation`` the pixels are stored turned, as a phone does, and EXIF says how."""
    exif = Image.Exif()
    if exif_orientation is not None:
        exif[0x0112] = exif_orientation
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=92, exif=exif.tobytes())
    return buffer.getvalue()


def tiff(pages: Sequence[Image.Image]) -> bytes:
    buffer = io.BytesIO()
    pages[0].save(buffer, format="TIFF", save_all=True, append_images=list(pages[1:]), compression="tiff_deflate")
    return buffer.getvalue()


def faded(image: Image.Image) -> Image.Image:
    """Grey ink on grey paper: a thermal receipt that has faded."""
    return image.point(lambda value: 120 + value * 60 // 255)


def shadowed(image: Image.Image) -> Image.Image:
    """The lower half in a shadow, as in a photo taken under a lamp: one global threshold loses it."""
    shadow = image.point(lambda value: value * 150 // 255)
    result = image.copy()
    half = image.height // 2
    result.paste(shadow.crop((0, half, image.width, image.height)), (0, half))
    return result


def scanned_pdf(image: Image.Image) -> bytes:
    """A PDF whose only content is the page as an image (no text layer), as a scanner makes it."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    width = A4[0] - 40
    height = width * image.height / image.width
    page.drawImage(ImageReader(io.BytesIO(png(image))), 20, A4[1] - 40 - height, width=width, height=height)
    page.save()
    return buffer.getvalue()
