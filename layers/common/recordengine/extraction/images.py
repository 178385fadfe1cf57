"""Scans and photos as images ready for OCR: checked before decoding, turned upright, and normalised.

Pillow (in the extraction function's layer) decodes PNG, JPEG and TIFF. An image's pixel buffer, not its
file size, is what exhausts memory, so dimensions are read from the header (every page's, for a TIFF) and
checked before anything is decoded, and a document's pages are decoded only within a pixel budget; a JPEG's
scans are counted first, as each is a pass of the decoder over the whole image. A decoder cannot be stopped
once begun, so a page is begun only when the run's time left would decode it.

Photos from phones carry their rotation in EXIF, and are turned by it; but the tag is only a hint (editors
turn the pixels and keep the tag), so the turn is remembered with the page (``exif_turn``) and OCR tries
the pixels as stored next when the page so turned reads as noise. A receipt photographed small on
a table is then cropped to its paper (paper.py). Each page is then made grayscale, scaled so that receipt-sized text
reaches the height Tesseract reads best while a 600 dpi A4 scan is brought down to a size that reads in
bounded time, and its contrast stretched.
Binarisation is left to Tesseract's adaptive (Sauvola) thresholding, which copes with faded print and with
shadows across a photo where one global threshold loses half the page.
"""

from __future__ import annotations

import io
import math
import struct
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import paper
from .budget import within
from .errors import UnreadableDocument

if TYPE_CHECKING:
    from PIL.Image import Image

# A photo of a receipt is a few megapixels; A4 at 600 dpi is 35. Anything over this is refused before it
# is decoded.
MAX_IMAGE_PIXELS = 60_000_000
MAX_IMAGE_SIDE = 30_000
# Pages of a multi-page TIFF (a fax, a scanner's output) or a scanned PDF that are read.
MAX_PAGES = 5
# The images one page of a PDF draws, together; and what a document's pages (a TIFF's frames, a scanned
# PDF's pages) decode in all: its first pages are read until the next would pass this. Each image is
# decoded whole before it is scaled, so these bound the memory and the time a document's images take.
MAX_PAGE_PIXELS = MAX_IMAGE_PIXELS
MAX_DOCUMENT_PIXELS = 2 * MAX_IMAGE_PIXELS
# A progressive JPEG is decoded in passes over the whole image, one a scan: encoders write about ten, and a
# file of thousands keeps the decoder busy for minutes, which nothing can interrupt. Counted from its markers.
MAX_JPEG_SCANS = 100
# Decoding a frame cannot be interrupted: one is begun only when the time left would decode it and make it
# grayscale at this rate, so that no decoding goes on after the run's deadline. Measured: a 60-megapixel
# RGBA TIFF page, Deflate-compressed, in about 2 s of CPU (33 ns a pixel); twice that, as the time left is
# wall-clock time and the CPU may be shared.
SECONDS_PER_DECODED_PIXEL = 70e-9
# Narrow receipts are printed about 40 characters wide: below this width their text is too small for
# Tesseract (it reads best at a cap height of 20 to 40 pixels), so the image is enlarged.
MIN_SHORT_SIDE = 1000
MAX_UPSCALE = 3.0
# Larger pages are brought down: OCR time grows with the pixels, and 300 dpi is all text needs.
MAX_LONG_SIDE = 4200

# Where a decoded page keeps the turn its EXIF orientation tag gave it (see exif_turn).
EXIF_TURN = "recordengine.exif_turn"
# EXIF orientations that turn the image (Pillow's exif_transpose), and by how many degrees counter-clockwise;
# the mirrored ones (2, 4, 5, 7) come from scanners' settings, not from how a phone was held.
_EXIF_TURNS = {3: 180, 6: 270, 8: 90}
_EXIF_ORIENTATION = 0x0112

IMAGE_TOO_LARGE = "The image is too large to read ({width} x {height} pixels)."
IMAGE_TOO_LARGE_IN_PDF = "The PDF contains an image too large to read."
IMAGE_CORRUPT = "The image file is corrupt or truncated."
IMAGE_TOO_MANY_SCANS = "The JPEG image is encoded in too many scans to read ({scans})."
IMAGE_TOO_MANY_SCANS_IN_PDF = "The PDF contains a JPEG image encoded in too many scans to read ({scans})."
DECODE_TIMED_OUT = "Decoding the image's pages took too long."
IMAGE_LIBRARY_MISSING = "This is an image; the image library (Pillow) is not installed in this deployment."


# ---------------------------------------------------------------------------------------------------
# Image headers: dimensions without decoding


def image_size(content: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG, JPEG or TIFF header; None when the header cannot be read."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        if len(content) < 24 or content[12:16] != b"IHDR":
            return None
        width, height = struct.unpack(">II", content[16:24])
        return width, height
    if content.startswith(b"\xff\xd8"):
        return _jpeg_size(content)
    if content[:4] in (b"II*\x00", b"MM\x00*"):
        return _tiff_size(content)
    return None


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    index = 2
    # Markers with a frame header (SOF0..SOF15 but DHT, JPG and DAC) carry the dimensions.
    frames = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
    while index + 4 <= len(content):
        if content[index] != 0xFF:
            return None
        marker = content[index + 1]
        if marker == 0xFF:
            index += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            index += 2
            continue
        (length,) = struct.unpack(">H", content[index + 2 : index + 4])
        if marker in frames:
            if index + 9 > len(content):
                return None
            height, width = struct.unpack(">HH", content[index + 5 : index + 9])
            return width, height
        if marker == 0xDA or length < 2:
            return None
        index += 2 + length
    return None


def _tiff_size(content: bytes) -> tuple[int, int] | None:
    frames = tiff_frames(content, 1)
    return frames[0] if frames else None


def tiff_frames(content: bytes, limit: int) -> list[tuple[int, int]]:
    """Width and height of the TIFF's first ``limit`` pages (image file directories), from their entries: the
    chain of directories is followed no further, however long it is, and stops where it loops or breaks."""
    order = "<" if content[:2] == b"II" else ">"
    frames: list[tuple[int, int]] = []
    seen: set[int] = set()
    try:
        (offset,) = struct.unpack(order + "I", content[4:8])
        while offset and offset not in seen and len(frames) < limit:
            seen.add(offset)
            (count,) = struct.unpack(order + "H", content[offset : offset + 2])
            width = height = 0
            for entry in range(min(count, 200)):
                start = offset + 2 + 12 * entry
                tag, kind = struct.unpack(order + "HH", content[start : start + 4])
                if kind == 3:
                    (value,) = struct.unpack(order + "H", content[start + 8 : start + 10])
                else:
                    (value,) = struct.unpack(order + "I", content[start + 8 : start + 12])
                if tag == 256:
                    width = value
                elif tag == 257:
                    height = value
            frames.append((width, height))
            link = offset + 2 + 12 * count
            (offset,) = struct.unpack(order + "I", content[link : link + 4])
    except struct.error:
        pass
    # Up to the first page whose size is not given: Pillow cannot decode that one either.
    complete = [index for index, (width, height) in enumerate(frames) if not (width and height)]
    return frames[: complete[0]] if complete else frames


def check_image(content: bytes) -> None:
    """Refuse images whose header is unreadable or whose pixel count would exhaust memory when decoded, and
    JPEGs whose scans would keep the decoder busy for minutes."""
    size = image_size(content)
    if size is None:
        raise UnreadableDocument(IMAGE_CORRUPT)
    check_dimensions(*size)
    if content.startswith(b"\xff\xd8"):
        # Inside the entropy-coded data a 0xFF byte is always followed by 0x00 or a restart marker: every
        # 0xFF 0xDA is a scan's start (or one in an embedded thumbnail, which only counts high).
        scans = content.count(b"\xff\xda")
        if scans > MAX_JPEG_SCANS:
            raise UnreadableDocument(IMAGE_TOO_MANY_SCANS.format(scans=scans))


def check_frames(content: bytes, max_pages: int) -> None:
    """Refuse a TIFF any of whose first ``max_pages`` pages is too large, from their headers, before any is
    decoded: its later pages may be larger than its first."""
    if content[:4] in (b"II*\x00", b"MM\x00*"):
        for width, height in tiff_frames(content, max_pages):
            check_dimensions(width, height)


def time_left_for(pixels: int, deadline: float) -> bool:
    """Whether an image of ``pixels`` can be decoded, or scaled whole, before ``deadline``: such a step
    cannot be interrupted, so it is begun only when it would end in time."""
    return time.monotonic() + pixels * SECONDS_PER_DECODED_PIXEL <= deadline


def pages_within_budget(pixels: list[int]) -> int:
    """How many of the first pages, whose images decode to ``pixels`` each, fit in ``MAX_DOCUMENT_PIXELS``
    together (the first always does: it has passed the one-page limit)."""
    total = 0
    for read, page in enumerate(pixels):
        total += page
        if total > MAX_DOCUMENT_PIXELS and read > 0:
            return read
    return len(pixels)


def check_dimensions(width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        raise UnreadableDocument(IMAGE_CORRUPT)
    if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_SIDE:
        raise UnreadableDocument(IMAGE_TOO_LARGE.format(width=width, height=height))


# ---------------------------------------------------------------------------------------------------
# Decoding


def decode_pages(content: bytes, max_pages: int = MAX_PAGES, deadline: float | None = None) -> list[Image]:
    """The image's pages (one, or a multi-page TIFF's first ``max_pages`` within ``MAX_DOCUMENT_PIXELS``, and
    those begun before ``deadline``), decoded, turned as EXIF says (see ``exif_turn``), in grayscale, a photo
    of a receipt on a table cropped to its paper."""
    check_image(content)
    check_frames(content, max_pages)
    try:
        from PIL import Image as PILImage
    except ImportError as exc:
        raise UnreadableDocument(IMAGE_LIBRARY_MISSING) from exc

    pages: list[Image] = []
    decoded = 0
    try:
        with PILImage.open(io.BytesIO(content)) as opened:
            # Pillow's own guard against decompression bombs, at the same limit as the header checks (it
            # also covers the later frames of formats whose headers are not read here, such as MPO).
            PILImage.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
            for index in range(max_pages):
                # Frames are found one by one: n_frames would walk a TIFF's whole chain of pages.
                if index:
                    try:
                        opened.seek(index)
                    except EOFError:
                        break
                check_dimensions(*opened.size)
                pixels = opened.size[0] * opened.size[1]
                decoded += pixels
                if pages and decoded > MAX_DOCUMENT_PIXELS:
                    break
                if deadline is not None and not time_left_for(pixels, deadline):
                    if pages:
                        break
                    raise UnreadableDocument(DECODE_TIMED_OUT)
                opened.load()
                orientation = int(opened.getexif().get(_EXIF_ORIENTATION, 1) or 1)
                # Made grayscale first: one byte a pixel, where the copies a turn takes of a colour frame
                # would take three or four.
                gray = _grayscale(opened)
                page = paper.crop_to_paper(_upright(gray, orientation))
                turn = _EXIF_TURNS.get(orientation, 0)
                page.info[EXIF_TURN] = turn
                pages.append(page)
    except UnreadableDocument:
        raise
    except (OSError, ValueError, SyntaxError, EOFError, struct.error, PILImage.DecompressionBombError) as exc:
        # Pillow raises these (and DecompressionBombError, a subclass of Exception) for truncated, corrupt
        # or mislabelled files.
        raise UnreadableDocument(IMAGE_CORRUPT) from exc
    if not pages:
        raise UnreadableDocument(IMAGE_CORRUPT)
    return pages


def _upright(image: Image, orientation: int) -> Image:
    """``image`` as its EXIF ``orientation`` says it is seen (Pillow's exif_transpose, which reads the tag
    from the image it is given: here the grayscale page made from the decoded frame)."""
    from PIL import Image as PILImage

    method = {
        2: PILImage.Transpose.FLIP_LEFT_RIGHT,
        3: PILImage.Transpose.ROTATE_180,
        4: PILImage.Transpose.FLIP_TOP_BOTTOM,
        5: PILImage.Transpose.TRANSPOSE,
        6: PILImage.Transpose.ROTATE_270,
        7: PILImage.Transpose.TRANSVERSE,
        8: PILImage.Transpose.ROTATE_90,
    }.get(orientation)
    return image.transpose(method) if method is not None else image


def exif_turn(page: Image) -> int:
    """Degrees (counter-clockwise) ``decode_pages`` turned ``page`` by because its EXIF orientation tag said
    so; 0 when it was not turned. When the page reads as noise, turning it back by this much (to the pixels
    as they were stored) is the likeliest fix: the tag was wrong."""
    return int(page.info.get(EXIF_TURN, 0))


@dataclass(frozen=True)
class Preparation:
    """One way of preparing a page for OCR: how large its short side is made, whether its lighting is evened
    out and its contrast stretched, with the thresholding Tesseract then applies (Sauvola's adaptive, or one
    global Otsu)."""

    name: str
    short_side: int
    stretch_contrast: bool
    adaptive_threshold: bool
    even_lighting: bool = False


# The first is how every page is read; the others are second readings of a page whose figures do not
# settle (see readings.py). Measured on receipt scans and photos, each of the others reads some dates and
# totals the first misreads: a global threshold keeps thin dot-matrix digits whole, a larger page keeps
# small print apart, and evening out the lighting reads the dim or shadowed side of a photo (it is tried only
# when no reading found a total or a date).
PREPARATIONS = (
    Preparation("adaptive", MIN_SHORT_SIDE, stretch_contrast=True, adaptive_threshold=True),
    Preparation("global threshold", MIN_SHORT_SIDE, stretch_contrast=False, adaptive_threshold=False),
    Preparation("enlarged", 1400, stretch_contrast=True, adaptive_threshold=True),
    Preparation("even lighting", MIN_SHORT_SIDE, stretch_contrast=True, adaptive_threshold=False, even_lighting=True),
)

# Evening out the lighting: the paper's brightness is measured on a copy this many pixels on its long side,
# where a window of ``_PAPER_WINDOW`` pixels is wider than any printed stroke (receipt text at the size OCR
# reads it is 20 to 40 pixels high, 2 to 4 on the copy), so the brightest pixel in it is paper.
_LIGHTING_LONG_SIDE = 320
_PAPER_WINDOW = 7


def prepare_for_ocr(image: Image, preparation: Preparation = PREPARATIONS[0]) -> Image:
    """Grayscale, scaled to a size Tesseract reads well and in bounded time, its contrast stretched.

    The stretch ignores only the darkest 0.1% of pixels: ignoring more (1%, the usual choice) maps the
    specks of a mostly blank scan to black (measured: a receipt on an A4 scan went from 83 words read to
    43), while faded print still gets the full range."""
    from PIL import Image as PILImage
    from PIL import ImageOps

    # Called with no deadline of its own: the caller's (the run's) is the one no work may outlast.
    if not time_left_for(image.size[0] * image.size[1], within(math.inf)):
        raise UnreadableDocument(DECODE_TIMED_OUT)
    gray = _grayscale(image)
    width, height = gray.size
    scale = 1.0
    if min(width, height) < preparation.short_side:
        scale = min(MAX_UPSCALE, preparation.short_side / max(1, min(width, height)))
    if max(width, height) * scale > MAX_LONG_SIDE:
        scale = MAX_LONG_SIDE / max(width, height)
    if abs(scale - 1.0) > 0.05:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        gray = gray.resize(size, PILImage.Resampling.LANCZOS)
    if preparation.even_lighting:
        gray = even_out_lighting(gray)
    if preparation.stretch_contrast:
        gray = ImageOps.autocontrast(gray, cutoff=(0.1, 1))
    return gray


def even_out_lighting(gray: Image) -> Image:
    """``gray`` (mode "L") divided by the brightness of the paper around each pixel, so that a dim photo, a
    shadow across it or grey thermal paper becomes white paper and faint print keeps its contrast to it.
    Stretching the contrast of the whole page cannot do that: the dark corner of a photo is darker than the
    print in its lit middle."""
    from PIL import Image as PILImage
    from PIL import ImageFilter, ImageMath

    small = paper.working_copy(gray, _LIGHTING_LONG_SIDE)
    lit = small.filter(ImageFilter.MaxFilter(_PAPER_WINDOW)).filter(ImageFilter.GaussianBlur(_PAPER_WINDOW))
    # Never 0: black paper (a dark table, a photo's black border) divides to itself, not to white.
    lit = lit.point(lambda value: max(value, 1)).resize(gray.size, PILImage.Resampling.BILINEAR)
    evened = ImageMath.lambda_eval(
        lambda names: names["convert"](names["page"] * 255 / names["lit"], "L"), page=gray, lit=lit
    )
    return evened if isinstance(evened, PILImage.Image) else gray


def _grayscale(image: Image) -> Image:
    from PIL import Image as PILImage

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # A transparent background is white paper, not black; composed in grayscale (a byte a pixel).
        gray, alpha = image.convert("LA").split()
        return PILImage.composite(gray, PILImage.new("L", image.size, 255), alpha)
    if image.mode.startswith("I"):
        # 16- and 32-bit grayscale: converting straight to 8 bits would clip everything above 255 to white.
        image = image.convert("I").point(lambda value: value * (1 / 256))
    return image.convert("L")
