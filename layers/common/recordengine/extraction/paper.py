"""A photo of a page lying on a table made into a page: the paper found and cropped.

Everything is measured on a small copy of the image (its long side ``WORKING_LONG_SIDE`` pixels) with
Pillow's C filters and a fill of bright regions over a byte array, so that a page costs tens of
milliseconds, and then applied to the full image:

- Ink: pixels clearly darker than their neighbourhood. A local comparison, not one threshold, so that a
  shadow across the photo or a dark table around the paper is not taken for text.
- Paper: the largest bright region of a heavily blurred copy, when it is clearly brighter than what
  surrounds it, holds the print, and leaves a large share of background: a scan that is all paper, or a
  photo the receipt fills, is never cropped.

Pages are not deskewed: levelling text lines by their projection profile (measured on receipt photos and
scans) lost as many fields as it won; Tesseract and the layout (ocr.lay_out) take out a small tilt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

WORKING_LONG_SIDE = 600
# The paper is a large shape: it is looked for on a smaller copy still.
PAPER_LONG_SIDE = 240
# Ink is this many grey levels darker than the average of its neighbourhood (after the small copy's
# contrast is stretched): faint thermal print still counts, paper grain does not.
INK_DARKER_BY = 24
# The paper must be this many grey levels brighter than its surroundings to be cropped to...
PAPER_BRIGHTER_BY = 40
# ... cover at least this share of the photo (smaller bright regions are a reflection, a wall) ...
MIN_PAPER_SHARE = 0.12
# ... and at most this share: a receipt that fills most of the photo is read as it is. Measured on
# receipt photos that fill the frame (a strip of table at the sides), cropping them gained nothing and
# lost a total; what a crop is for is the receipt photographed small on a large table, whose text would
# otherwise be scaled for the photo's size, not the receipt's.
MAX_PAPER_SHARE = 0.6
# ... and hold most of the print: a shadow across a page is darker than the page's lit part, but the
# print goes on in it. Outside the paper, ink is at most this share as dense as inside it.
MAX_INK_OUTSIDE = 0.3
# Print, unlike the grain of a table, is at least this many grey levels darker than what surrounds it.
PRINT_DARKER_BY = 60
# The paper's edge, dark against a bright table, reads as ink: this share of the image around the paper is
# not counted as outside it.
EDGE_BAND = 0.02
# Kept around the paper when cropping, as a share of the paper's width and height.
CROP_MARGIN = 0.02


def working_copy(gray: Image, long_side: int = WORKING_LONG_SIDE) -> Image:
    """A small copy to measure on: ``gray`` (mode "L") shrunk to ``long_side`` pixels on its long side."""
    from PIL import Image as PILImage

    scale = long_side / max(gray.size)
    if scale >= 1.0:
        return gray.copy()
    size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
    return gray.resize(size, PILImage.Resampling.BOX)


def ink(small: Image, darker_by: int = INK_DARKER_BY) -> Image:
    """255 where a pixel of ``small`` is ink (``darker_by`` grey levels darker than its neighbourhood), 0
    elsewhere."""
    from PIL import ImageChops, ImageFilter, ImageOps

    stretched = ImageOps.autocontrast(small, cutoff=1)
    radius = max(4, max(small.size) // 60)
    neighbourhood = stretched.filter(ImageFilter.BoxBlur(radius))
    darker = ImageChops.subtract(neighbourhood, stretched)
    return darker.point(lambda value: 255 if value >= darker_by else 0)


@dataclass(frozen=True)
class Paper:
    """Where the paper lies in a photo: its box (left, top, right, bottom, in the photo's pixels) with a
    margin, and a mask of the paper within that box (255 on paper, 0 on the background), at low resolution."""

    box: tuple[int, int, int, int]
    mask: Image


def find_paper(gray: Image) -> Paper | None:
    """The paper in a photo of paper on a darker background; None when there is nothing to crop: the image
    is all paper, or no region is clearly brighter than the rest."""
    from PIL import ImageFilter

    small = working_copy(gray, PAPER_LONG_SIDE)
    scale = gray.width / small.width
    # Blurred until print merges into the paper it is printed on.
    blurred = small.filter(ImageFilter.BoxBlur(3))
    threshold = _otsu(blurred.histogram())
    mask = blurred.point(lambda value: 255 if value > threshold else 0)
    area = small.width * small.height
    largest = _largest_bright_region(mask, step=max(1, min(small.size) // 30))
    if largest is None or largest[0] < MIN_PAPER_SHARE * area:
        return None
    left, top, right, bottom = largest[1]
    if (right - left) * (bottom - top) > MAX_PAPER_SHARE * area:
        return None
    inside = blurred.crop((left, top, right, bottom))
    outside = _mean_outside(blurred, (left, top, right, bottom))
    if outside is None or _mean(inside) - outside < PAPER_BRIGHTER_BY:
        return None
    margin_x = round((right - left) * CROP_MARGIN) + 1
    margin_y = round((bottom - top) * CROP_MARGIN) + 1
    small_box = (
        max(0, left - margin_x),
        max(0, top - margin_y),
        min(small.width, right + margin_x),
        min(small.height, bottom + margin_y),
    )
    if not _holds_the_print(gray, small_box, small.width):
        return None
    box = (
        round(small_box[0] * scale),
        round(small_box[1] * scale),
        min(gray.width, round(small_box[2] * scale)),
        min(gray.height, round(small_box[3] * scale)),
    )
    # Grown by a pixel of the small copy, so that print at the paper's very edge stays on it.
    return Paper(box, largest[2].filter(ImageFilter.MaxFilter(3)).crop(small_box))


# One row of a region: (row, first column, last column).
_Run = tuple[int, int, int]
_BRIGHT = 255
_TAKEN = 128


def _largest_bright_region(mask: Image, step: int) -> tuple[int, tuple[int, int, int, int], Image] | None:
    """The largest 4-connected region of bright (255) pixels of ``mask`` that holds a point of the grid of
    every ``step``-th pixel (regions are looked for from there, the first found winning a tie): its pixel
    count, its box (left, top, right, bottom) and a mask of it; None when no such region.

    Each region is filled one row run at a time in a byte array: Pillow's ImageDraw.floodfill, which does
    the same pixel by pixel in Python, took 0.3 to 0.5 s on a scan that is all paper."""
    from PIL import Image as PILImage

    width, height = mask.size
    pixels = bytearray(mask.tobytes())
    largest: tuple[int, tuple[int, int, int, int], list[_Run]] | None = None
    for y in range(0, height, step):
        for x in range(0, width, step):
            if pixels[y * width + x] != _BRIGHT:
                continue
            runs = _fill(pixels, width, height, x, y)
            size = sum(last - first + 1 for _, first, last in runs)
            if largest is None or size > largest[0]:
                box = (
                    min(first for _, first, _ in runs),
                    min(row for row, _, _ in runs),
                    max(last for _, _, last in runs) + 1,
                    max(row for row, _, _ in runs) + 1,
                )
                largest = (size, box, runs)
    if largest is None:
        return None
    region = bytearray(width * height)
    for row, first, last in largest[2]:
        region[row * width + first : row * width + last + 1] = bytes([_BRIGHT]) * (last - first + 1)
    return largest[0], largest[1], PILImage.frombytes("L", (width, height), bytes(region))


def _fill(pixels: bytearray, width: int, height: int, x: int, y: int) -> list[_Run]:
    """Marks the 4-connected bright pixels around (x, y) as taken; returns them as row runs."""
    runs: list[_Run] = []
    seeds = [(x, y)]
    while seeds:
        x, y = seeds.pop()
        start = y * width
        if pixels[start + x] != _BRIGHT:
            continue
        first = last = x
        while first > 0 and pixels[start + first - 1] == _BRIGHT:
            first -= 1
        while last < width - 1 and pixels[start + last + 1] == _BRIGHT:
            last += 1
        pixels[start + first : start + last + 1] = bytes([_TAKEN]) * (last - first + 1)
        runs.append((y, first, last))
        for neighbour in (y - 1, y + 1):
            if not 0 <= neighbour < height:
                continue
            row = neighbour * width
            column = first
            while column <= last:
                if pixels[row + column] == _BRIGHT:
                    seeds.append((column, neighbour))
                    while column <= last and pixels[row + column] == _BRIGHT:
                        column += 1
                column += 1
    return runs


def _holds_the_print(gray: Image, box: tuple[int, int, int, int], box_image_width: int) -> bool:
    """Whether the region ``box`` (in an image ``box_image_width`` wide, a copy of ``gray``) holds most of
    the print: the ink outside it, beyond a band where the paper's own edge shows as a dark line, is
    sparse next to the ink inside."""
    ink_map = ink(working_copy(gray), PRINT_DARKER_BY)
    scale = ink_map.width / box_image_width
    band = round(EDGE_BAND * max(ink_map.size))
    left, top, right, bottom = (round(side * scale) for side in box)
    inside = _mean(ink_map.crop((left, top, right, bottom)))
    outside = _mean_outside(ink_map, (left - band, top - band, right + band, bottom + band))
    return outside is None or outside <= MAX_INK_OUTSIDE * inside


def _otsu(histogram: list[int]) -> int:
    """The grey level that best splits ``histogram`` into a dark and a bright class (Otsu's method)."""
    total = sum(histogram)
    weighted = sum(level * count for level, count in enumerate(histogram))
    below = below_weighted = 0
    best_level, best_spread = 127, -1.0
    for level, count in enumerate(histogram):
        below += count
        below_weighted += level * count
        above = total - below
        if below == 0 or above == 0:
            continue
        spread = below * above * (below_weighted / below - (weighted - below_weighted) / above) ** 2
        if spread > best_spread:
            best_level, best_spread = level, spread
    return best_level


def _percentile(histogram: list[int], share: float) -> int:
    """The grey level below which ``share`` of the pixels of ``histogram`` lie."""
    wanted = share * sum(histogram)
    seen = 0
    for level, count in enumerate(histogram):
        seen += count
        if seen >= wanted:
            return level
    return 255


def _mean(image: Image) -> float:
    histogram = image.histogram()
    return sum(level * count for level, count in enumerate(histogram)) / max(1, sum(histogram))


def _mean_outside(image: Image, box: tuple[int, int, int, int]) -> float | None:
    """The mean grey level of ``image`` outside ``box``; None when nothing is outside it."""
    from PIL import Image as PILImage

    outside = PILImage.new("L", image.size, 255)
    outside.paste(0, box)
    histogram = image.histogram(mask=outside)
    count = sum(histogram)
    return sum(level * value for level, value in enumerate(histogram)) / count if count else None


def crop_to_paper(gray: Image) -> Image:
    """``gray`` (mode "L") cropped to its paper when it is a photo of a page lying on a darker background,
    the background left in the crop's corners painted over as blank paper; otherwise ``gray`` itself."""
    from PIL import Image as PILImage

    found = find_paper(gray)
    if found is None:
        return gray
    page = gray.crop(found.box)
    # The table around a tilted receipt, left in the box's corners, would read as stray letters.
    blank = _percentile(working_copy(page).histogram(), 0.9)
    background = found.mask.resize(page.size, PILImage.Resampling.BILINEAR).point(lambda value: 255 - value)
    page.paste(blank, mask=background)
    return page
