"""The page text as lines of column segments, and the places a labelled value can be printed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .geometry import Location, PageGeometry, Piece, span_box

# pypdf's layout mode pads columns with runs of spaces; words inside one cell are mostly one or two
# spaces apart, so three or more spaces mark a new cell.
_PADDING = re.compile(r" {4,}")
_SEGMENT = re.compile(r"\S+(?: {1,2}\S+)*")
# How far (in characters) a value may sit off its label's column and still count as printed under it:
# layout mode approximates x positions, and numbers are right-aligned under left-aligned headings.
COLUMN_SLACK = 4


@dataclass(frozen=True)
class Segment:
    line: int
    start: int
    end: int
    text: str

    def overlaps(self, start: int, end: int, slack: int = COLUMN_SLACK) -> bool:
        return self.start < end + slack and start - slack < self.end


@dataclass(frozen=True)
class Hit:
    """Where a label was found: its line and span."""

    line: int
    start: int
    end: int


# Where OCR put a word on its line, and how sure it was of it: (start, end, confidence 0-100).
Span = tuple[int, int, float]


class Layout:
    """The pages' lines and their column segments; for OCR'd pages also each word's OCR confidence."""

    def __init__(
        self,
        pages: list[str],
        spans: list[list[list[Span]]] | None = None,
        geometry: list[PageGeometry | None] | None = None,
    ) -> None:
        self.lines: list[str] = []
        self.page_of_line: list[int] = []
        self.spans: list[list[Span]] = []
        # Where each line's text is printed (geometry.py); no pieces where the reader kept no positions.
        self.pieces: list[list[Piece]] = []
        self.page_number_of_line: list[int] = []
        for number, page in enumerate(pages):
            page_spans = spans[number] if spans is not None and number < len(spans) else []
            placed = geometry[number] if geometry is not None and number < len(geometry) else None
            page_pieces = placed.lines if placed is not None else []
            for index, line in enumerate(page.split("\n")):
                self.lines.append(line.rstrip())
                self.page_of_line.append(number)
                self.spans.append(page_spans[index] if index < len(page_spans) else [])
                self.pieces.append(page_pieces[index] if index < len(page_pieces) else [])
                self.page_number_of_line.append(placed.number if placed is not None else number + 1)
        self.ocr = spans is not None
        self.segments: list[list[Segment]] = [
            [Segment(index, m.start(), m.end(), m.group(0)) for m in _SEGMENT.finditer(line)]
            for index, line in enumerate(self.lines)
        ]
        self.text = "\n".join(self.lines)
        # Layout mode pads pages with blank lines, over half of them: no label is found there.
        self._printed = [(index, line) for index, line in enumerate(self.lines) if line]
        # The text to search when only what it says matters, not where: the printed lines with runs of
        # padding cut to three spaces (labels look for "three or more").
        self.searchable = "\n".join(_PADDING.sub("   ", line) for _, line in self._printed)

    def ocr_confidence(self, line: int, start: int = 0, end: int | None = None) -> float | None:
        """How sure OCR was of the text at ``line[start:end]`` (its least sure word); None for a text layer."""
        if not self.ocr:
            return None
        stop = len(self.lines[line]) if end is None else end
        overlapping = [confidence for left, right, confidence in self.spans[line] if left < stop and start < right]
        return min(overlapping) if overlapping else None

    def location(self, line: int, start: int, end: int) -> Location | None:
        """Where ``lines[line][start:end]`` is printed; None when its page kept no positions."""
        box = span_box(self.pieces[line], start, end, self.lines[line]) if 0 <= line < len(self.pieces) else None
        return Location(self.page_number_of_line[line], box) if box is not None else None

    def find(self, pattern: re.Pattern[str]) -> Iterator[Hit]:
        # Most labels appear nowhere in a document: one search of the whole text, without its padding,
        # saves a search of every line.
        if pattern.search(self.searchable) is None:
            return
        for index, line in self._printed:
            for match in pattern.finditer(line):
                yield Hit(index, match.start(), match.end())

    def segment_at(self, line: int, position: int) -> Segment | None:
        for segment in self.segments[line]:
            if segment.start <= position < segment.end:
                return segment
        return None

    def starts_cell(self, hit: Hit) -> bool:
        """Whether the label opens its cell: "Seller:" does, "Art-Nr-Lieferant" (a column heading) does not."""
        segment = self.segment_at(hit.line, hit.start)
        return segment is None or not self.lines[hit.line][segment.start : hit.start].strip()

    def cell_prefix(self, hit: Hit) -> str:
        """The text before the label in its own cell."""
        segment = self.segment_at(hit.line, hit.start)
        start = segment.start if segment else 0
        return self.lines[hit.line][start : hit.start]

    def inline_after(self, hit: Hit) -> str:
        """The rest of the cell the label ends in: ``Invoice No: 123`` → ``": 123"``."""
        segment = self.segment_at(hit.line, max(hit.end - 1, hit.start))
        end = segment.end if segment else hit.end
        return self.lines[hit.line][hit.end : max(end, hit.end)]

    def right_of(self, hit: Hit, limit: int = 3) -> list[Segment]:
        """The next cells on the label's line."""
        segment = self.segment_at(hit.line, max(hit.end - 1, hit.start))
        end = segment.end if segment else hit.end
        return [segment for segment in self.segments[hit.line] if segment.start >= end][:limit]

    def below(self, hit: Hit, lines: int = 2, slack: int = COLUMN_SLACK, lone: bool = False) -> Iterator[Segment]:
        """Cells printed under the label, on the next ``lines`` non-blank lines of the same page.

        Per line, the cells overlapping the label's column come nearest first; with ``lone``, a line's
        only cell counts too wherever it is (layout mode can shift a lone value far off its heading).
        """
        page = self.page_of_line[hit.line]
        centre = hit.start + hit.end
        seen = 0
        index = hit.line + 1
        while index < len(self.lines) and seen < lines and self.page_of_line[index] == page:
            segments = self.segments[index]
            if segments:
                seen += 1
                near = [segment for segment in segments if segment.overlaps(hit.start, hit.end, slack)]
                if not near and lone and len(segments) == 1:
                    near = segments
                yield from sorted(near, key=lambda segment: abs(segment.start + segment.end - centre))
            index += 1

    def lines_below(self, line: int, count: int) -> Iterator[int]:
        """The next ``count`` non-blank line indexes on the same page."""
        page = self.page_of_line[line]
        index = line + 1
        seen = 0
        while index < len(self.lines) and seen < count and self.page_of_line[index] == page:
            if self.segments[index]:
                seen += 1
                yield index
            index += 1

    def block(self, hit: Hit, max_lines: int = 6, slack: int = 6) -> Iterator[list[Segment]]:
        """The lines of an address-like block under a label: the cells from the label's column rightwards.

        The block ends at a blank line once it has content (address blocks are printed contiguously;
        layout mode may leave a blank line between a heading and its block, which is tolerated), or
        after ``max_lines`` lines.
        """
        page = self.page_of_line[hit.line]
        taken = blanks = 0
        index = hit.line + 1
        while index < len(self.lines) and taken < max_lines and self.page_of_line[index] == page:
            cells = [segment for segment in self.segments[index] if segment.end > hit.start - slack]
            if cells and cells[0].start <= hit.end + 40:
                blanks = 0
                taken += 1
                yield cells
            else:
                blanks += 1
                if blanks >= 2 or taken:
                    return
            index += 1
