"""Receipts as laid-out text, the shape OCR gives the field heuristics: one line per printed line, the label
at the left and its amount at the right, each word with the confidence OCR read it at."""

from __future__ import annotations

import re
from collections.abc import Mapping

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction.layout import Layout, Span
from recordengine.extraction.readings import Reading, read_layout

WIDTH = 48


def line(label: str, amount: str = "") -> str:
    """A receipt line: ``label`` at the left and ``amount`` flush right, as a till prints them."""
    if not amount:
        return label
    return label + " " * max(3, WIDTH - len(label) - len(amount)) + amount


def ocr_layout(lines: list[str], confidence: float = 95.0, unsure: Mapping[str, float] | None = None) -> Layout:
    """The lines as an OCR'd page: every word read at ``confidence``, the words in ``unsure`` at theirs."""
    spans: list[list[Span]] = []
    for text in lines:
        spans.append(
            [
                (found.start(), found.end(), (unsure or {}).get(found.group(0), confidence))
                for found in re.finditer(r"\S+", text)
            ]
        )
    return Layout(["\n".join(lines)], [spans])


def read(lines: list[str], **options: object) -> Reading:
    return read_layout(ocr_layout(lines, **options), INVOICE_PROFILE)  # type: ignore[arg-type]


def fields(lines: list[str], **options: object) -> dict[str, str | None]:
    reading = read(lines, **options)
    return {name: (found.value if found is not None else None) for name, found in reading.roles.items()}


# A till receipt drawn with Pillow: (text, x, y) on a 600 x 900 white image, in Vera 28 px.
DRAWN_RECEIPT = [
    ("CORNER BAKERY", 40, 40),
    ("Date: 05/03/2025", 40, 140),
    ("Rye bread", 40, 300),
    ("3.50", 420, 300),
    ("Plum cake", 40, 350),
    ("6.25", 420, 350),
    ("TOTAL", 40, 500),
    ("9.75", 420, 500),
]
DRAWN_SIZE = (600, 900)


def drawn_receipt() -> tuple[bytes, dict[str, tuple[float, float, float, float]]]:
    """DRAWN_RECEIPT as a PNG, and where each of its texts is inked (fractions of the image, from its top-left)."""
    import io
    from pathlib import Path

    from PIL import Image, ImageDraw, ImageFont
    from reportlab import rl_config

    font = ImageFont.truetype(str(Path(rl_config.__file__).parent / "fonts" / "Vera.ttf"), 28)
    image = Image.new("RGB", DRAWN_SIZE, "white")
    draw = ImageDraw.Draw(image)
    width, height = DRAWN_SIZE
    inked: dict[str, tuple[float, float, float, float]] = {}
    for text, x, y in DRAWN_RECEIPT:
        draw.text((x, y), text, fill="black", font=font)
        left, top, right, bottom = draw.textbbox((x, y), text, font=font)
        inked[text] = (left / width, top / height, right / width, bottom / height)
    encoded = io.BytesIO()
    image.save(encoded, "PNG")
    return encoded.getvalue(), inked
