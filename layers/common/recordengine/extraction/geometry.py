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


def span_box(pieces: list[Piece], start: int, end: int) -> Box | None:
    """The box of ``line[start:end]``: the part of each piece it covers (characters taken as equally wide
    within a piece, as a piece's own characters' widths are not kept), joined."""
    boxes: list[Box] = []
    for piece in pieces:
        left, right = max(start, piece.start), min(end, piece.end)
        if left >= right:
            continue
        length = piece.end - piece.start
        x0, y0, x1, y1 = piece.box
        width = (x1 - x0) / length
        boxes.append((x0 + (left - piece.start) * width, y0, x0 + (right - piece.start) * width, y1))
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
