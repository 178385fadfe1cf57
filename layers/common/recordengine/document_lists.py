"""The queue's view of a document list: sorted by one of its columns, each row with the fields a clerk
triages by (vendor, total, due date, sender), and the same list as a CSV file for a spreadsheet program.

Sorting by `created` (the default, newest first) is what the list indexes are sorted by: a page costs what
it shows. Any other order is not held by an index, so it reads every match (at most MAX_SORTED_MATCHES, else
422: narrow the filters) and, for the columns that live in the extracted fields, the documents' own
attributes: see the README's table of what each sort costs."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import InvalidInput

# The most matches a list sorted by anything but `created` reads to sort them, and the most rows one export
# holds: a clerk's filtered queue, not the archive.
MAX_SORTED_MATCHES = 1000
MAX_EXPORT_ROWS = MAX_SORTED_MATCHES
CREATED = "created"


def _total(row: Mapping[str, Any]) -> Decimal | None:
    text = (row.get("extracted_fields") or {}).get("total_amount")
    try:
        return Decimal(str(text)) if text is not None else None
    except InvalidOperation:
        return None


def _field(name: str) -> Callable[[Mapping[str, Any]], Any]:
    return lambda row: (row.get("extracted_fields") or {}).get(name)


def _vendor(row: Mapping[str, Any]) -> str | None:
    vendor = _field("vendor")(row)
    return str(vendor).casefold() if vendor else None


# Sort key → (the row's value, whether the value lives in the document rather than its index entry).
SORT_VALUES: dict[str, tuple[Callable[[Mapping[str, Any]], Any], bool]] = {
    CREATED: (lambda row: (row.get("created_at"), int(row["id"])), False),
    "confidence": (lambda row: row.get("confidence_score"), False),
    "doc_date": (lambda row: row.get("doc_date"), False),
    "due_date": (_field("due_date"), True),
    "total": (_total, True),
    "vendor": (_vendor, True),
}


@dataclass(frozen=True)
class ListOrder:
    """`sort=<key>` ascending, `sort=-<key>` descending; ties (and rows without the value, always last) keep
    the list's own order, newest first."""

    key: str = CREATED
    descending: bool = True

    @classmethod
    def parse(cls, text: str | None) -> ListOrder:
        if text is None or text == "":
            return cls()
        key = text.removeprefix("-")
        if key not in SORT_VALUES:
            shown = text if len(text) <= 40 else text[:40] + "…"
            keys = ", ".join(sorted(SORT_VALUES))
            raise InvalidInput(f"sort: {shown!r} is not a sort key; use one of {keys}, with '-' for descending.")
        return cls(key, text.startswith("-"))

    @property
    def by_index(self) -> bool:
        """The list indexes' own order (newest first): no other read is needed."""
        return self.key == CREATED and self.descending

    @property
    def needs_documents(self) -> bool:
        return SORT_VALUES[self.key][1]

    def sorted(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        value = SORT_VALUES[self.key][0]
        present = [row for row in rows if value(row) is not None]
        absent = [row for row in rows if value(row) is None]
        return sorted(present, key=value, reverse=self.descending) + absent


# The extracted fields a queue row shows (DocumentSummary), read when its details are asked for.
DETAIL_FIELDS = ("vendor", "total_amount", "currency", "due_date")


def summary_of(row: Mapping[str, Any], details: bool) -> dict[str, Any]:
    """A list row as DocumentSummary takes it: with the fields a queue shows when they were read."""
    if not details:
        return dict(row)
    fields = row.get("extracted_fields") or {}
    return {**row, **{name: fields.get(name) for name in DETAIL_FIELDS}}


# A cell a spreadsheet program would evaluate as a formula starts with one of these (tab and carriage return
# too: some programs skip them and evaluate what follows).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = (
    ("id", lambda row: row.get("id")),
    ("filename", lambda row: row.get("filename")),
    ("status", lambda row: row.get("status")),
    ("doc_type", lambda row: row.get("doc_type")),
    ("vendor", _field("vendor")),
    ("total_amount", _field("total_amount")),
    ("currency", _field("currency")),
    ("doc_date", lambda row: row.get("doc_date")),
    ("due_date", _field("due_date")),
    ("confidence_score", lambda row: row.get("confidence_score")),
    ("contact_id", lambda row: row.get("contact_id")),
    ("folder_id", lambda row: row.get("folder_id")),
    ("sender_id", lambda row: row.get("sender_id")),
    ("created_at", lambda row: row.get("created_at")),
)


def neutralised(value: Any) -> str:
    """The cell's text, with a leading apostrophe when a spreadsheet program would read it as a formula (OWASP's
    advice for CSV injection); the apostrophe shows the text as written. An amount such as -12.50 is text a
    person typed or an engine read: it is neutralised too, since a number cell is no defence."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def csv_document(rows: Iterable[Mapping[str, Any]]) -> bytes:
    """The rows as CSV in UTF-8 with a byte-order mark (which spreadsheet programs need to read it as UTF-8),
    every field quoted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([name for name, _ in CSV_COLUMNS])
    for row in rows:
        writer.writerow([neutralised(value(row)) for _, value in CSV_COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
