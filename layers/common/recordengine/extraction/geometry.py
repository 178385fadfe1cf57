"""Where the layout's text is printed on its page: boxes in page fractions, from the text layer or OCR.

The layout (layout.py) is text on a fixed-width grid; each line keeps the pieces it was built from (a text
layer's group of characters, an OCR word) with the character span each fills and its box on the page, so
that a value read at ``line[start:end]`` can be shown where it is printed.
"""

from __future__ import annotations

from dataclasses import dataclass

# A box on a page: left, top, right, bottom as fractions (0..1) of the page's width and height, measured
# from its top-left corner (as the page's image is drawn).
Box = tuple[float, float, float, float]

# Boxes are stored on the document: four decimals place them within a tenth of a point on a printed page.
BOX_DECIMALS = 4


@dataclass(frozen=True)
class Piece:
    """Text that fills ``line[start:end]`` and is printed in ``box``."""

    start: int
    end: int
    box: Box
    # Its characters are equally wide (a fixed-pitch font), not as wide as such characters usually are.
    even: bool = False


@dataclass(frozen=True)
class PageGeometry:
    """A page's pieces, line by line as its text is laid out; ``number``: the page's number, from 1."""

    number: int
    lines: list[list[Piece]]


@dataclass(frozen=True)
class Location:
    """Where a value is printed: its page (from 1) and its box there."""

    page: int
    box: Box

    def as_json(self) -> dict[str, object]:
        return {"page": self.page, "box": [round(edge, BOX_DECIMALS) for edge in self.box]}


# How wide characters are against each other (thousandths of an em, Helvetica's widths, which most invoice fonts
# are near): a piece keeps its ends, not its characters' places, which are shared out by these. Any other: 556.
_NARROW = dict.fromkeys(" .,:;!'|/\\[]()", 278) | dict.fromkeys("iljI", 222) | dict.fromkeys("ftr-", 320)
_WIDE = dict.fromkeys("mwMW", 860) | dict.fromkeys("ABCDEGHKNOQRUVXY&%@", 700)
_WIDTHS = _NARROW | _WIDE
_DEFAULT_WIDTH = 556


def _width(text: str) -> int:
    return sum(_WIDTHS.get(char, _DEFAULT_WIDTH) for char in text)


def span_box(pieces: list[Piece], start: int, end: int, line: str = "") -> Box | None:
    """The box of ``line[start:end]``: the part of each piece it covers, joined. Within a piece, its characters
    share its width by how wide such characters are (with ``line``, the text the pieces fill), else equally."""
    boxes: list[Box] = []
    for piece in pieces:
        left, right = max(start, piece.start), min(end, piece.end)
        if left >= right:
            continue
        x0, y0, x1, y1 = piece.box
        text = line[piece.start : piece.end]
        if len(text) == piece.end - piece.start and not piece.even:
            total = _width(text) or 1
            before, inside = _width(text[: left - piece.start]), _width(text[left - piece.start : right - piece.start])
        else:
            total, before, inside = piece.end - piece.start, left - piece.start, right - left
        scale = (x1 - x0) / total
        boxes.append((x0 + before * scale, y0, x0 + (before + inside) * scale, y1))
    return union(boxes) if boxes else None


def union(boxes: list[Box]) -> Box:
    return (
        min(box[0] for box in boxes),
        min(box[1] for box in boxes),
        max(box[2] for box in boxes),
        max(box[3] for box in boxes),
    )


def clamp(box: Box) -> Box:
    x0, y0, x1, y1 = (min(1.0, max(0.0, edge)) for edge in box)
    return (x0, y0, x1, y1)


def unturned(box: Box, turn: int) -> Box:
    """A box on an image turned ``turn`` degrees counter-clockwise (PIL's ``rotate``), on the image as it was."""
    x0, y0, x1, y1 = box
    if turn % 360 == 90:
        return (1 - y1, x0, 1 - y0, x1)
    if turn % 360 == 180:
        return (1 - x1, 1 - y1, 1 - x0, 1 - y0)
    if turn % 360 == 270:
        return (y0, 1 - x1, y1, 1 - x0)
    return box


def turned_clockwise(box: Box, quarters: int) -> Box:
    """A box on a page, on the page as shown turned ``quarters`` quarter turns clockwise (a PDF's /Rotate)."""
    return unturned(box, (quarters * 90) % 360)
