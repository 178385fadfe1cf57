"""The pages as a person reviews them: an image of each page and its words with their boxes.

Made once, by the extraction run, from the images it read (a photo as decoded, turned and cropped to its
paper; a scan's pages as rendered for OCR) or, for a PDF read from its text layer, rendered by PDFium: so the
boxes of ``field_locations`` and of the words fall on the image where the text is. Bounded: the first
``MAX_PAGES`` pages, at most ``MAX_WIDTH`` pixels wide, JPEG (storage.blobs.PAGE_IMAGE_MEDIA_TYPE), at most
``MAX_WORDS`` words a page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from recordengine.models import PageView, PageWord

from .geometry import BOX_DECIMALS, span_box
from .layout import Layout

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_PAGES = 20
# Wide enough for a page to be read on a large screen, and for a zoom to twice a laptop's column.
MAX_WIDTH = 1600
# A PDF page's width at most this many pixels a point (the page's own size may be tiny).
MAX_SCALE = 3.0
JPEG_QUALITY = 80
# An invoice's page prints a few hundred words; a page of fine print a few thousand.
MAX_WORDS = 3000

_WORD = re.compile(r"\S+")


def from_images(images: Sequence[Image], layout: Layout) -> list[PageView]:
    """Views of the pages OCR read, from the images it read them on."""
    return [_view(number, image, layout) for number, image in enumerate(images[:MAX_PAGES], start=1)]


def from_pdf(content: bytes, layout: Layout) -> list[PageView]:
    """Views of a PDF's first pages rendered by PDFium as a viewer shows them (turned as the page says); none
    when PDFium cannot open it."""
    import pypdfium2 as pdfium

    from .raster import PDFIUM

    images: list[Image] = []
    with PDFIUM:
        try:
            document = pdfium.PdfDocument(content)
        except pdfium.PdfiumError:
            return []
        try:
            for index in range(min(MAX_PAGES, len(document))):
                page = document[index]
                try:
                    width, _ = page.get_size()
                    scale = min(MAX_SCALE, MAX_WIDTH / max(width, 1.0))
                    images.append(page.render(scale=scale).to_pil())
                except pdfium.PdfiumError:
                    break
                finally:
                    page.close()
        finally:
            document.close()
    return [_view(number, image, layout) for number, image in enumerate(images, start=1)]


def _view(number: int, image: Image, layout: Layout) -> PageView:
    if image.width > MAX_WIDTH:
        image = image.resize((MAX_WIDTH, max(1, round(image.height * MAX_WIDTH / image.width))))
    encoded = io.BytesIO()
    image.convert("L" if image.mode in ("1", "L") else "RGB").save(encoded, "JPEG", quality=JPEG_QUALITY)
    return PageView(
        page=number, width=image.width, height=image.height, image=encoded.getvalue(), words=words(layout, number)
    )


def words(layout: Layout, page: int) -> list[PageWord]:
    """The words printed on ``page`` (from 1) with their boxes, as many as ``MAX_WORDS``."""
    found: list[PageWord] = []
    for line, pieces in enumerate(layout.pieces):
        if not pieces or layout.page_number_of_line[line] != page:
            continue
        for match in _WORD.finditer(layout.lines[line]):
            box = span_box(pieces, match.start(), match.end(), layout.lines[line])
            if box is None:
                continue
            found.append(PageWord(text=match.group(0), box=[round(edge, BOX_DECIMALS) for edge in box]))
            if len(found) >= MAX_WORDS:
                return found
    return found
