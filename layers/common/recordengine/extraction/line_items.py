"""Line items from the item table: a header row naming the columns, then one row per item."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .amounts import Amount, find_amounts, to_number
from .dates import find_dates
from .layout import Layout, Segment

MAX_ITEMS = 200
# Lines of prose, notes or wrapped descriptions tolerated between two items before the table is over.
MAX_GAP = 12

_COLUMN_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (
            "quantity",
            r"\b(?:qty|quantity|quantit[ée]|qt[ée]|menge|anzahl|aantal|hoeveelheid|units|cantidad|quantit[àa]|"
            r"hours|hrs|stk)\b",
        ),
        (
            "unit_price",
            r"\b(?:unit\s*(?:net\s*)?(?:price|cost)|price|rate|(?:einzel|netto|stück)?preis\w*|prix|prijs|precio|prezzo)\b"
            r"|\bp\.\s*u\b|preis/",
        ),
        (
            "amount",
            r"\b(?:amount|total|line\s+total|betrag|nettobetrag|gesamt|summe|montant|bedrag|importe|importo|entgelt|"
            r"gross\s+value|net\s+value)\b|total\s*ht",
        ),
        (
            "description",
            r"\b(?:description|item|items|article|artikel\w*|beschreibung|bezeichnung|produkt|product|service|"
            r"leistung|omschrijving|d[ée]signation|libell[ée]|descripci[óo]n|descrizione|item\s+name)\b",
        ),
        ("other", r"\b(?:tax|vat|ust|mwst|btw|tva|iva|%|pos|no\.|nr|einheit|unit|date|datum|code)\b"),
    )
)
_STOP = re.compile(
    r"^(?:sub\s*-?\s*total|total|totaal|subtotaal|summe|gesamt|zwischensumme|netto|brutto|rechnungssumme|"
    r"positionssumme|positionen\s+netto|exclusief|excl|tax\b|vat\b|btw\b|tva\b|mwst|ust\b|zzgl|zuzügl|"
    r"sales\s+tax|gst\b|hst\b|shipping|"
    r"amount\s+due|balance|grand|payments?\b|invoice\s+total|belegsummen|umsatzsteuer|endsumme|versandkosten|"
    r"d[ée]tail\s+tva|montant|net\s+[àa]\s+payer)",
    re.IGNORECASE,
)
_TOTAL_WORD = re.compile(r"\b(?:sub\s*-?\s*total|total|totaal|summe|gesamtbetrag|rechnungsbetrag)\b", re.IGNORECASE)
_POSITION = re.compile(r"^\d{1,3}\.?$")


@dataclass(frozen=True)
class Column:
    kind: str
    start: int
    end: int


def _classify(text: str) -> str | None:
    for kind, pattern in _COLUMN_KINDS:
        if pattern.search(text):
            return kind
    return None


_HEADER_CELL = re.compile(r"\S+(?: \S+)*")
_KIND_RANK = {"amount": 0, "unit_price": 1, "quantity": 2, "description": 3, "other": 4}
# Headings wrapped over several lines ("Preis/" over "Einheit") are merged with up to this many
# neighbouring heading lines on each side.
HEADER_SPAN = 2


def _heading_cells(layout: Layout, index: int) -> list[Column] | None:
    """The cells of a line that reads as headings (short, no money, no dates), else None."""
    line = layout.lines[index]
    # Headings are short and often only two spaces apart ("Betrag  USt. %"), so split them finer than
    # the three-space cells used elsewhere.
    cells = list(_HEADER_CELL.finditer(line))
    if not cells or any(len(cell.group(0)) > 40 for cell in cells):
        return None
    if any(amount.explicit for amount in find_amounts(line)) or find_dates(line):
        return None
    return [Column(_classify(cell.group(0)) or "other", cell.start(), cell.end()) for cell in cells]


def _merge(columns: list[Column]) -> list[Column]:
    merged: list[Column] = []
    for column in sorted(columns, key=lambda item: item.start):
        if merged and column.start <= merged[-1].end:
            last = merged[-1]
            kind = min(last.kind, column.kind, key=_KIND_RANK.__getitem__)
            merged[-1] = Column(kind, last.start, max(last.end, column.end))
        else:
            merged.append(column)
    return merged


def _header(layout: Layout, index: int) -> tuple[list[Column], int] | None:
    """The table's columns if a heading row starts here, and the heading's last line."""
    own = _heading_cells(layout, index)
    if own is None or len(own) < 2 or not _is_header([column.kind for column in own]):
        return None
    cells = list(own)
    last = index
    for step in (-1, 1):
        neighbour = index
        for _ in range(HEADER_SPAN):
            neighbour += step
            if not 0 <= neighbour < len(layout.lines) or not layout.segments[neighbour]:
                break
            extra = _heading_cells(layout, neighbour)
            if extra is None:
                break
            cells += extra
            last = max(last, neighbour)
    columns = _merge(cells)
    kinds = [column.kind for column in columns]
    if kinds.count("description") > 1:
        # "Artikel ... Omschrijving": the item code column comes first, the wording after it.
        first = kinds.index("description")
        columns[first] = Column("other", columns[first].start, columns[first].end)
        kinds[first] = "other"
    if "amount" not in kinds and kinds.count("unit_price") >= 2:
        # "Prijs per stuk ... Prijs incl. BTW": the last price column is the line total.
        final = len(kinds) - 1 - kinds[::-1].index("unit_price")
        columns[final] = Column("amount", columns[final].start, columns[final].end)
    return columns, last


def _is_header(kinds: list[str]) -> bool:
    numeric = {"quantity", "unit_price", "amount"} & set(kinds)
    if not numeric & {"amount", "unit_price"}:
        return False
    return len(numeric) + ("description" in kinds) >= 2


def _column_for(columns: list[Column], start: int, end: int) -> Column:
    def fit(column: Column) -> tuple[int, int]:
        overlap = min(end, column.end + 2) - max(start, column.start - 2)
        centres = abs((start + end) - (column.start + column.end))
        distance = min(abs(start - column.end), abs(end - column.start), centres)
        return (overlap if overlap > 0 else 0, -distance)

    return max(columns, key=fit)


def extract_line_items(layout: Layout, *, dayfirst: bool = True) -> list[dict[str, Any]]:
    index = 0
    while index < len(layout.lines):
        header = _header(layout, index)
        if header is None:
            index += 1
            continue
        columns, last = header
        items = _rows(layout, last, columns, dayfirst)
        if items:
            return items
        index = last + 1
    return []


def _rows(layout: Layout, header: int, columns: list[Column], dayfirst: bool) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    kinds = {column.kind for column in columns}
    gap = 0
    page = layout.page_of_line[header]
    for index in range(header + 1, len(layout.lines)):
        if layout.page_of_line[index] != page or len(items) >= MAX_ITEMS or gap > MAX_GAP:
            break
        segments = layout.segments[index]
        if not segments:
            continue
        if any(_STOP.match(segment.text) or _TOTAL_WORD.search(segment.text) for segment in segments):
            break
        item = _row(layout.lines[index], segments, columns, kinds, dayfirst)
        if item is None:
            gap += 1
            continue
        gap = 0
        items.append(item)
    return items


def _row(
    line: str, segments: list[Segment], columns: list[Column], kinds: set[str], dayfirst: bool
) -> dict[str, Any] | None:
    masked = [(found.start, found.end) for found in find_dates(line, dayfirst=dayfirst)]
    numbers = find_amounts(line, masked=masked)
    if not any(number.explicit for number in numbers):
        return None
    description, description_end = _description(segments, columns)
    if not description:
        return None

    values: dict[str, list[Amount]] = {"quantity": [], "unit_price": [], "amount": []}
    numeric_columns = [column.kind for column in columns if column.kind in values]
    trailing = [number for number in numbers if number.start >= description_end]
    if len(trailing) == len(numeric_columns):
        # As many numbers after the description as numeric headings: read them in order. Layout mode
        # shifts cells, so a heading's column is only approximately where its values are.
        for kind, number in zip(numeric_columns, trailing, strict=True):
            values[kind].append(number)
    else:
        for number in numbers:
            column = _column_for(columns, number.start, number.end)
            if column.kind in values and number.start >= description_end:
                values[column.kind].append(number)

    money = {kind: [amount for amount in found if amount.explicit] for kind, found in values.items()}
    amount_value: Decimal | None = None
    if money["amount"]:
        amount_value = money["amount"][-1].value
    elif "amount" not in kinds and money["unit_price"]:
        amount_value = money["unit_price"][-1].value
    if amount_value is None:
        return None
    quantity = values["quantity"][0].value if values["quantity"] else None
    unit_price = money["unit_price"][0].value if money["unit_price"] else None
    return {
        "description": description,
        "quantity": to_number(quantity) if quantity is not None else None,
        "unit_price": float(unit_price) if unit_price is not None else None,
        "amount": float(amount_value),
    }


def _description(segments: list[Segment], columns: list[Column]) -> tuple[str, int]:
    """The item's wording, and where it ends on the line (the numbers come after it)."""
    has_description_column = any(column.kind == "description" for column in columns)
    parts: list[str] = []
    end = 0
    for segment in segments:
        if not re.search(r"[^\W\d_]{3,}", segment.text):
            continue
        kind = _column_for(columns, segment.start, segment.end).kind
        if has_description_column and kind != "description":
            continue
        if not has_description_column and kind in {"quantity", "unit_price", "amount"}:
            continue
        parts.append(segment.text)
        end = segment.end
        if not has_description_column:
            break
    text = " ".join(parts)
    text = re.sub(r"^\d{1,3}\.?\s+", "", text) if _POSITION.match(text.split(" ")[0] if text else "") else text
    return re.sub(r"\s{2,}", " ", text).strip()[:200], end
