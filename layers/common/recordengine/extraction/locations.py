"""Where each value was read: its page and box, found in the layout it was read from (``field_locations``).

A field's reading knows the line its label is on (``Found.line``); the value is printed there or on the next
lines of the page, in the form the document prints it ("1.234,56", "5 March 2024"), which is found again by
what it means. A value whose reading kept no line (a vote between readings, an e-invoice's XML) is looked for
on every line, where an amount is taken from the last line printing it (a total is printed below the items
that may share its amount) and anything else from the first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from .found import Found
from .geometry import Location, union
from .labels import Reader

# The lines under a label its value may be printed on.
LINES_BELOW = 3
# Line items placed on the page: one box each, for as many items as a table shows at once.
MAX_LOCATED_ITEMS = 100
# A line item is found by the start of its description, enough of it to tell items apart.
DESCRIPTION_PREFIX = 24
# Key of a line item's location: "line_items.0" for the first.
LINE_ITEM_KEY = "line_items.{index}"

# Where a value is on a line: (start, end), or None.
_Matcher = Callable[[str], "tuple[int, int] | None"]


def field_locations(
    reader: Reader, values: Mapping[str, Found | None], line_items: list[dict[str, Any]]
) -> dict[str, dict[str, object]]:
    """Each read field's and line item's location, as stored on the document (geometry.Location.as_json)."""
    layout = reader.layout
    if not any(layout.pieces):
        return {}
    located: dict[str, dict[str, object]] = {}
    for name, found in values.items():
        if found is None:
            continue
        where = _locate(reader, found)
        if where is not None:
            located[name] = where.as_json()
    for index, where in enumerate(_item_locations(reader, line_items[:MAX_LOCATED_ITEMS])):
        if where is not None:
            located[LINE_ITEM_KEY.format(index=index)] = where.as_json()
    return located


def _locate(reader: Reader, found: Found) -> Location | None:
    matcher = _matcher(reader, found)
    if matcher is None:
        return None
    layout = reader.layout
    if found.line is not None and 0 <= found.line < len(layout.lines):
        for line in (found.line, *layout.lines_below(found.line, LINES_BELOW)):
            where = _on_line(reader, line, matcher)
            if where is not None:
                return where
    lines: Iterable[int] = range(len(layout.lines))
    if isinstance(found.raw, Decimal):
        lines = reversed(range(len(layout.lines)))
    for line in lines:
        where = _on_line(reader, line, matcher)
        if where is not None:
            return where
    return None


def _on_line(reader: Reader, line: int, matcher: _Matcher) -> Location | None:
    text = reader.layout.lines[line]
    if not text or not reader.layout.pieces[line]:
        return None
    span = matcher(text)
    return reader.layout.location(line, *span) if span is not None else None


def _matcher(reader: Reader, found: Found) -> _Matcher | None:
    raw = found.raw
    if isinstance(raw, Decimal):
        wanted = abs(raw)
        return lambda text: next(
            ((amount.start, amount.end) for amount in reader.amounts(text) if abs(amount.value) == wanted), None
        )
    if isinstance(raw, date):
        return lambda text: next(
            ((found.start, found.end) for found in reader.found_dates(text) if found.value == raw), None
        )
    words = found.value.split()
    if not words:
        return None
    # Printed in another case, or with other spaces between its words (a layout pads columns).
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words), re.IGNORECASE)
    return lambda text: (match.start(), match.end()) if (match := pattern.search(text)) else None


def _item_locations(reader: Reader, items: list[dict[str, Any]]) -> list[Location | None]:
    """Each item's row: the line printing the start of its description, after the previous item's row."""
    layout = reader.layout
    located: list[Location | None] = []
    after = 0
    for item in items:
        description = str(item.get("description") or "")[:DESCRIPTION_PREFIX].strip().lower()
        where = None
        if description:
            for line in range(after, len(layout.lines)):
                pieces = layout.pieces[line]
                if pieces and description in layout.lines[line].lower():
                    where = Location(layout.page_number_of_line[line], union([piece.box for piece in pieces]))
                    after = line + 1
                    break
        located.append(where)
    return located
