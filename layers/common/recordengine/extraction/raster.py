"""Pages of a scanned PDF as images for OCR, rendered by PDFium (pypdfium2, in the extraction function's layer).

Pages are rendered at a fixed pixel size whatever size the PDF declares (a page claiming to be 200 inches
wide must not become a gigapixel bitmap), in grayscale, one page at a time within the time left. PDFium is
not thread-safe, so one lock serialises every call into it in this process.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .errors import UnreadableDocument
from .images import time_left_for

if TYPE_CHECKING:
    from PIL.Image import Image

# Pixels on a page's long side: A4 at 300 dpi, the resolution OCR needs.
RENDER_LONG_SIDE = 3508

RENDERER_MISSING = "This is a scanned PDF; the PDF renderer (pypdfium2) is not installed in this deployment."
NOT_RENDERED = "The scanned PDF's pages could not be rendered (the file is corrupt or unsupported)."
RENDER_TIMED_OUT = "Rendering the scanned PDF's pages took too long."

PDFIUM = threading.Lock()


def renderer_available() -> bool:
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        return False
    return True


def render_pages(content: bytes, pages: int, deadline: float, image_pixels: Sequence[int] = ()) -> list[Image]:
    """Grayscale images of the first ``pages`` pages; fewer when the time runs out after the first.

    ``image_pixels``: what the images each page draws decode to. Rendering a page cannot be interrupted, so
    a page is begun only when the time left would decode its images (images.time_left_for)."""
    try:
        import pypdfium2 as pdfium
    except ImportError as exc:
        raise UnreadableDocument(RENDERER_MISSING) from exc

    images: list[Image] = []
    with PDFIUM:
        try:
            document = pdfium.PdfDocument(content)
        except pdfium.PdfiumError as exc:
            raise UnreadableDocument(NOT_RENDERED) from exc
        try:
            for index in range(min(pages, len(document))):
                if not time_left_for(image_pixels[index] if index < len(image_pixels) else 0, deadline):
                    if not images:
                        raise UnreadableDocument(RENDER_TIMED_OUT)
                    break
                page = document[index]
                try:
                    width, height = page.get_size()
                    scale = RENDER_LONG_SIDE / max(width, height, 1.0)
                    bitmap = page.render(scale=scale, grayscale=True)
                    images.append(bitmap.to_pil())
                finally:
                    page.close()
        except pdfium.PdfiumError as exc:
            if not images:
                raise UnreadableDocument(NOT_RENDERED) from exc
        finally:
            document.close()
    return images
