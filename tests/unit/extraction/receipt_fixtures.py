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
