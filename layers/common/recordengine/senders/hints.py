"""What a sender's documents taught: where each field is printed on its layout, learned from a person's
corrections and confirmations, and the next document of that sender read with it first.

A hint is a fact about the layout, never the document's content beyond its labels: the label printed beside
a field (its words, normalised), where the value sits from it (to its right on the same line, or n lines
below in its column), which of the values of its kind after the label it is (the k-th amount after
"Total"), where on the page (page, line as a share of the page), and the value's shape (a class pattern of
letters, digits and separators with length ranges; the date order; the decimal separator). The only values
kept are the vendor's canonical name and the currency, which are the same on every document of a sender.

Learning runs only on what a person did (``learn``): a document on its own teaches nothing. Reading
(``read_with_hints``) and combining with any engine's reading (``combine``) never change the hints.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from enum import StrEnum
from itertools import islice
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from recordengine.corrections import parsed_value
from recordengine.extraction.amounts import CURRENCY_MARKER, DETECTABLE_CODES, ISO_4217, Amount, format_amount
from recordengine.extraction.confidence import FAILED_CHECK_CAP, assess
from recordengine.extraction.dates import find_dates
from recordengine.extraction.fields import known_labels
from recordengine.extraction.found import Found
from recordengine.extraction.labels import Reader
from recordengine.extraction.layout import COLUMN_SLACK, Hit, Layout
from recordengine.extraction.summary import summarize
from recordengine.models import ExtractionResult, FieldDefinition, Profile, ValidationCheck
from recordengine.storable import StorableText

# The profile field whose learned value is the sender's canonical name rather than a place on the page.
VENDOR_FIELD = "vendor"

# Bounds: a sender's hints, stored as an item of their own, cost at most 2 DynamoDB write units (1 KB each)
# per learning and 1 read unit (4 KB) per extraction, with room for the item's keys.
MAX_HINTS_BYTES = 1800
MAX_FIELDS = 16
MAX_LABEL_WORDS = 4
MAX_LABEL_CHARACTERS = 48
MAX_PATTERN_CHARACTERS = 48
MAX_NAME_CHARACTERS = 120
MAX_LINES_BELOW = 4
MAX_ORDINAL = 9
MAX_PAGE = 49
PERMILLE = 1000
MAX_COUNT = 10**9
# Learning looks at the first this many places a value is printed (a figure repeated in every line of a
# long statement costs no more than this).
MAX_OCCURRENCES = 12
# Where a value is printed beside several labels, those the engine knows for the field come first, by tier.
UNKNOWN_TIER = 9
# A hint that failed this many times, and more often than it was confirmed, is dropped.
MAX_FAILURES = 3

# Confidence of a learned value: found alone; agreeing with the generic reading (up to the ceiling, which
# stays below a person's 100); disagreeing with it (a person should look).
LEARNED_CONFIDENCE = 88
AGREEMENT_POINTS = 8
AGREED_CEILING = 97
DISAGREED_CONFIDENCE = 45
CHECK_LEARNED = "learned_values_agree"
# Two spellings of a sender's name this similar are one name (OCR drops or misreads a letter).
NAME_SIMILARITY = 0.85

# Text between a label and its value may be punctuation, currency marks and values of the same kind, never
# another word (another label: "Total" is not "Total tax").
_WORD = re.compile(r"[^\W\d_]{2,}")
_TOKEN = re.compile(r"[^\W_]+")
# What may stand between two words of one label ("Invoice No.:", "Rechnung-Nr"); digits too, since a rate
# ("VAT 19 % on") is not kept in the label.
_LABEL_GAP = r"(?:[\W_]|\d){0,12}?"
_DECIMALS = re.compile(r"([.,])\d{1,2}\s*\S*$")
# A shape is a sequence of runs: letters (A) or digits (9) with a length range, or one separator.
_SEPARATORS = " -/._#:"
_SHAPE = re.compile(r"^(?:[A9]\{\d{1,2},\d{1,2}\}|[ \-/._#:])+$")
_RUN = re.compile(r"([A9])\{(\d{1,2}),(\d{1,2})\}|([ \-/._#:])")

FieldName = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]
Label = Annotated[StorableText, Field(min_length=2, max_length=MAX_LABEL_CHARACTERS)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]


class Placement(StrEnum):
    RIGHT = "right"  # on the label's line, after it
    BELOW = "below"  # ``lines_below`` printed lines down, in the label's column


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    AMOUNT = "amount"
    CURRENCY = "currency"
    NAME = "name"


class FieldHint(BaseModel):
    """How one field is found on a sender's documents, and how it fared."""

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")

    kind: Kind
    # NAME and CURRENCY: the sender's canonical name or currency; no place on the page.
    value: Annotated[StorableText, Field(min_length=1, max_length=MAX_NAME_CHARACTERS)] | None = None
    label: Label | None = None
    # The label opens its cell ("Total:" does, "… incl. Total" does not).
    opens_cell: bool = False
    placement: Placement | None = None
    lines_below: int = Field(default=0, ge=0, le=MAX_LINES_BELOW)
    ordinal: int = Field(default=0, ge=0, le=MAX_ORDINAL)
    # AMOUNT: the value was the largest amount on the document (where the label is not found).
    largest: bool = False
    page: int = Field(default=0, ge=0, le=MAX_PAGE)
    line_permille: int = Field(default=0, ge=0, le=PERMILLE)
    pattern: Annotated[str, Field(max_length=MAX_PATTERN_CHARACTERS, pattern=_SHAPE.pattern)] | None = None
    date_order: Literal["DMY", "MDY", "YMD"] | None = None
    decimal_separator: Literal[".", ","] | None = None
    used: Count = 0
    confirmed: Count = 0
    failed: Count = 0

    @model_validator(mode="after")
    def _complete(self) -> FieldHint:
        if self.kind in (Kind.NAME, Kind.CURRENCY):
            if self.value is None:
                raise ValueError(f"a {self.kind.value} hint holds its value")
            if self.kind == Kind.CURRENCY and self.value not in ISO_4217:
                raise ValueError("a currency hint holds an ISO 4217 code")
        elif self.value is not None:
            raise ValueError(f"a {self.kind.value} hint holds no value")
        elif (self.label is None or self.placement is None) and not (self.kind == Kind.AMOUNT and self.largest):
            raise ValueError(f"a {self.kind.value} hint holds a label and a placement (an amount: or is the largest)")
        if self.kind == Kind.TEXT and self.pattern is None:
            raise ValueError("a text hint holds its value's shape")
        return self


class SenderHints(BaseModel):
    """Everything learned about one sender's layout: a hint per field, bounded to MAX_HINTS_BYTES."""

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid")

    fields: dict[FieldName, FieldHint] = Field(default_factory=dict, max_length=MAX_FIELDS)

    @model_validator(mode="after")
    def _bounded(self) -> SenderHints:
        if _size(self.fields) > MAX_HINTS_BYTES:
            raise ValueError(f"a sender's hints take at most {MAX_HINTS_BYTES} bytes")
        return self

    def to_storable(self) -> dict[str, Any]:
        """A dict DynamoDB stores as is (strings, integers, booleans), without what is at its default."""
        return self.model_dump(mode="json", exclude_defaults=True)

    @classmethod
    def from_storable(cls, stored: Mapping[str, Any]) -> SenderHints:
        """The hints as stored, validated like any stored value (``ValueError`` when they are not hints)."""
        try:
            as_json = json.dumps(_plain(stored))
        except (TypeError, ValueError) as error:
            raise ValueError("not a sender's hints: not JSON-like data") from error
        try:
            # As JSON: strict validation takes an enum's value there (and no number for a string, or back).
            return cls.model_validate_json(as_json)
        except ValidationError as error:
            raise ValueError(f"not a sender's hints: {error.error_count()} problem(s)") from error


def _size(fields: Mapping[str, FieldHint]) -> int:
    dumped = {name: hint.model_dump(mode="json", exclude_defaults=True) for name, hint in fields.items()}
    return len(json.dumps({"fields": dumped}, ensure_ascii=False).encode("utf-8"))


def _plain(value: Any) -> Any:
    # Storage may hand integers back as Decimal (DynamoDB's number type).
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


@dataclass(frozen=True)
class LearnedReading:
    """A field's value as a learned hint found it."""

    value: str  # as the record stores the field (ISO date, "1234.50", the code, the text)
    raw: object  # the parsed value (date, Decimal, str) for the checks
    line: int | None = None


# ---------------------------------------------------------------------------------------------------------
# Reading


def read_with_hints(hints: SenderHints | None, layout: Layout, profile: Profile) -> dict[str, LearnedReading]:
    """The profile's fields that the sender's hints find on ``layout`` (those they do not find are absent)."""
    if hints is None:
        return {}
    reader = Reader(layout)
    found: dict[str, LearnedReading] = {}
    for definition in profile.fields:
        hint = hints.fields.get(definition.name)
        if hint is not None and hint.kind == _kind(definition):
            reading = _read(hint, reader)
            if reading is not None:
                found[definition.name] = reading
    return found


def _kind(definition: FieldDefinition) -> Kind:
    if definition.name == VENDOR_FIELD:
        return Kind.NAME
    return {"date": Kind.DATE, "amount": Kind.AMOUNT, "currency": Kind.CURRENCY}.get(definition.type, Kind.TEXT)


def _read(hint: FieldHint, reader: Reader) -> LearnedReading | None:
    layout = reader.layout
    if hint.kind == Kind.NAME:
        # The document was attributed to this sender by its own identifiers: the sender's name is its vendor.
        assert hint.value is not None
        return LearnedReading(hint.value, hint.value)
    if hint.kind == Kind.CURRENCY:
        assert hint.value is not None
        return LearnedReading(hint.value, hint.value) if _currency_possible(hint.value, layout) else None
    readings = list(_by_label(hint, reader)) if hint.label is not None else []
    if len({reading.value for _, reading in readings}) == 1:
        return min(readings, key=lambda pair: pair[0])[1]
    if readings:
        # The label leads to different values here (a tax line per rate where the sender's other documents
        # have one): this document's layout is not the one learned, and the engine's reading stands.
        return None
    if hint.label is None and hint.largest:
        # Only a hint learned without a label: a labelled one whose label is missing is of another layout.
        top = _largest_amount(reader)
        if top is not None:
            return LearnedReading(format_amount(top), top)
    return None


def _by_label(hint: FieldHint, reader: Reader) -> Iterator[tuple[int, LearnedReading]]:
    """Each value the hint's label leads to, with how far its label is from where it was learned."""
    layout = reader.layout
    assert hint.label is not None
    for hit in layout.find(_label_pattern(hint.label)):
        if hint.opens_cell and not layout.starts_cell(hit):
            continue
        reading = _value_at(hint, reader, hit)
        if reading is not None:
            page = layout.page_of_line[hit.line]
            distance = abs(page - hint.page) * PERMILLE + abs(_permille(layout, hit.line) - hint.line_permille)
            yield distance, reading


def _value_at(hint: FieldHint, reader: Reader, hit: Hit) -> LearnedReading | None:
    for region, line in _regions(hint, reader.layout, hit):
        values = _values(hint, reader, region)
        if len(values) <= hint.ordinal:
            continue
        if hint.placement == Placement.BELOW and _column_goes_on(hint, reader, hit, line):
            return None  # a table of rows under the label (a tax line per rate): which row is not known
        start, _, reading = values[hint.ordinal]
        if hint.placement == Placement.RIGHT:
            between = list(region[:start])
            for earlier_start, earlier_end, _ in values[: hint.ordinal]:
                between[earlier_start:earlier_end] = " " * (earlier_end - earlier_start)
            if _WORD.search(_without_currency("".join(between))):
                return None  # another label stands between: this is not the learned value
        return replace(reading, line=line)
    return None


def _regions(hint: FieldHint, layout: Layout, hit: Hit) -> Iterator[tuple[str, int]]:
    """The text a value is read from: the rest of the label's line, or the cells under the label."""
    if hint.placement == Placement.RIGHT:
        yield layout.lines[hit.line][hit.end :], hit.line
        return
    lines = list(layout.lines_below(hit.line, hint.lines_below))
    if len(lines) == hint.lines_below and lines:
        label = layout.segment_at(hit.line, hit.start)
        start, end = (label.start, label.end) if label is not None else (hit.start, hit.end)
        yield _column_text(layout, lines[-1], start, end), lines[-1]


def _column_goes_on(hint: FieldHint, reader: Reader, hit: Hit, line: int) -> bool:
    """Whether the next printed line holds a value of the hint's kind in the label's column too."""
    layout = reader.layout
    label = layout.segment_at(hit.line, hit.start)
    start, end = (label.start, label.end) if label is not None else (hit.start, hit.end)
    return any(_values(hint, reader, _column_text(layout, after, start, end)) for after in layout.lines_below(line, 1))


def _column_text(layout: Layout, line: int, start: int, end: int) -> str:
    cells = [segment for segment in layout.segments[line] if segment.overlaps(start, end, COLUMN_SLACK)]
    return "   ".join(segment.text for segment in cells)


def _values(hint: FieldHint, reader: Reader, text: str) -> list[tuple[int, int, LearnedReading]]:
    """The values of the hint's kind and shape in ``text``, in order: (start, end, reading)."""
    if hint.kind == Kind.AMOUNT:
        return [
            (amount.start, amount.end, LearnedReading(format_amount(amount.value), amount.value))
            for amount in _amounts(hint, reader, text)
        ]
    if hint.kind == Kind.DATE:
        dayfirst = hint.date_order != "MDY"
        return [
            (found.start, found.end, LearnedReading(found.value.isoformat(), found.value))
            for found in find_dates(text, dayfirst=dayfirst)
        ]
    assert hint.pattern is not None
    return [
        (match.start(), match.end(), LearnedReading(match.group(0), match.group(0)))
        for match in _shape_regex(hint.pattern).finditer(text)
    ]


def _amounts(hint: FieldHint, reader: Reader, text: str) -> list[Amount]:
    found = reader.amounts(text)
    if hint.decimal_separator is None:
        return found
    return [
        amount
        for amount in found
        if _decimal_separator(text[amount.start : amount.end]) in (None, hint.decimal_separator)
    ]


def _currency_possible(code: str, layout: Layout) -> bool:
    """A sender's currency holds unless the document names other currencies by code and never this one."""
    named = {word for word in re.findall(r"\b[A-Z]{3}\b", layout.searchable) if word in DETECTABLE_CODES}
    return not named or code in named


def _without_currency(text: str) -> str:
    return CURRENCY_MARKER.sub(" ", text)


# ---------------------------------------------------------------------------------------------------------
# Learning


def learn(
    hints: SenderHints | None,
    layout: Layout,
    corrected: Mapping[str, str],
    confirmed: Mapping[str, str],
    profile: Profile,
) -> SenderHints:
    """The sender's hints after a person reviewed one of its documents.

    Contract: call this only with what a person did: ``corrected`` the fields they changed (field → the
    value they set, as the record stores it), ``confirmed`` the fields they approved unchanged. An
    extraction alone must never call it, so a document cannot teach anything by itself (a hostile document
    can at most fail to be read well). ``layout``: the reviewed document's page text.

    A corrected field gets a new hint learned from where the person's value is printed (the old one is
    replaced; dropped when it read something else and the value is not found on the page). A confirmed
    field's hint that reads the value again is confirmed; one that reads something else or nothing failed,
    and is replaced by a new one when the value can be found. A hint that fails MAX_FAILURES times and more
    often than it was confirmed is dropped. The result stays within bounds: fields beyond them are not
    learned.
    """
    fields = dict(hints.fields) if hints is not None else {}
    reader = Reader(layout)
    by_name = {definition.name: definition for definition in profile.fields}
    reviewed = [(name, value, True) for name, value in corrected.items()]
    reviewed += [(name, value, False) for name, value in confirmed.items() if name not in corrected]
    for name, value, changed in reviewed:
        definition = by_name.get(name)
        if definition is None or value is None or not str(value).strip():
            continue
        kind = _kind(definition)
        old = fields.get(name)
        if old is not None and old.kind != kind:
            old = None
        read = _read(old, reader) if old is not None else None
        if old is not None and read is not None and _same(kind, read.value, str(value)):
            fields[name] = old.model_copy(update={"used": old.used + 1, "confirmed": old.confirmed + 1})
            continue
        new = _learn_field(name, kind, str(value), reader)
        if new is not None and (changed or old is None or read is None or not _same(kind, read.value, str(value))):
            if old is not None and (not changed or read is not None):
                # The hint read another value (or, confirmed, none): a failure its replacement keeps, so that
                # the accuracy of what was learned counts every learned reading a person had to change.
                new = new.model_copy(update={"failed": old.failed + 1, "confirmed": old.confirmed})
            candidate = {**fields, name: new}
            if len(candidate) <= MAX_FIELDS and _size(candidate) <= MAX_HINTS_BYTES:
                fields = candidate
            continue
        if old is not None:
            failed = old.failed + 1
            if (changed and read is not None) or (failed >= MAX_FAILURES and failed > old.confirmed):
                # A person corrected what the hint read, and where their value is printed is not found.
                del fields[name]
            else:
                fields[name] = old.model_copy(update={"used": old.used + (read is not None), "failed": failed})
    return SenderHints(fields=fields)


def _learn_field(name: str, kind: Kind, value: str, reader: Reader) -> FieldHint | None:
    """A hint that reads ``value`` back from this layout: where the value is printed more than once (a
    subtotal that is also the amount payable), the place the engine's most explicit label for the field
    leads to first, then the value nearest its label."""
    if kind == Kind.NAME:
        return FieldHint(kind=kind, value=value.strip()[:MAX_NAME_CHARACTERS])
    if kind == Kind.CURRENCY:
        code = value.strip().upper()
        return FieldHint(kind=kind, value=code) if code in ISO_4217 else None
    try:
        target = _target(kind, value)
    except (ValueError, InvalidOperation):
        return None
    top = _largest_amount(reader) if kind == Kind.AMOUNT else None
    largest = top is not None and top == target
    known = known_labels(name)
    candidates: list[tuple[tuple[int, int, bool, int, bool, int], FieldHint]] = []
    for line, start, end in islice(_printed(kind, target, value, reader), MAX_OCCURRENCES):
        for hint, printed_label in _hints_for(kind, value, reader.layout, line, start, end):
            if not _reads_back(hint, reader, kind, value):
                continue
            # The engine's most explicit label for the field first ("Bruttosumme" before "Zahlbetrag").
            tier = min((label.tier for label in known if label.pattern.search(printed_label)), default=UNKNOWN_TIER)
            # The last occurrence of an amount (a total is printed last), the first of anything else.
            order = line if kind != Kind.AMOUNT else -line
            nearest = (hint.ordinal, hint.placement != Placement.RIGHT, hint.lines_below, not hint.opens_cell)
            candidates.append(((tier, *nearest, order), hint))
    if candidates:
        return min(candidates, key=lambda pair: pair[0])[1]
    if largest:
        # No label leads to it, but it is the largest amount on the page (a till's total under a logo).
        return FieldHint(kind=kind, largest=True)
    return None


def _largest_amount(reader: Reader) -> Decimal | None:
    amounts = [amount.value for line in reader.layout.lines if line for amount in reader.amounts(line)]
    return max(amounts) if amounts else None


def _target(kind: Kind, value: str) -> object:
    if kind == Kind.AMOUNT:
        return Decimal(value)
    if kind == Kind.DATE:
        return date.fromisoformat(value)
    return _squash(value)


def _printed(kind: Kind, target: object, value: str, reader: Reader) -> Iterator[tuple[int, int, int]]:
    """Where the value is printed: (line, start, end), read by the engine's own parsers."""
    layout = reader.layout
    text_pattern = _value_regex(value) if kind == Kind.TEXT else None
    for index, line in enumerate(layout.lines):
        if not line:
            continue
        if kind == Kind.AMOUNT:
            for amount in reader.amounts(line):
                if amount.value == target or amount.value == -Decimal(str(target)):
                    yield index, amount.start, amount.end
        elif kind == Kind.DATE:
            seen: set[tuple[int, int]] = set()
            for dayfirst in (True, False):
                for found in find_dates(line, dayfirst=dayfirst, compact=True):
                    if found.value == target and (found.start, found.end) not in seen:
                        seen.add((found.start, found.end))
                        yield index, found.start, found.end
        elif text_pattern is not None:
            for match in text_pattern.finditer(line):
                yield index, match.start(), match.end()


def _hints_for(
    kind: Kind, value: str, layout: Layout, line: int, start: int, end: int
) -> Iterator[tuple[FieldHint, str]]:
    """The hints that could lead to the value printed at ``line[start:end]``, each with its label as printed:
    from a label before it on its line, and from a label above it in its column."""
    printed = layout.lines[line][start:end]
    facts: dict[str, Any] = {
        "kind": kind,
        "page": min(MAX_PAGE, layout.page_of_line[line]),
        "line_permille": _permille(layout, line),
    }
    if kind == Kind.TEXT:
        facts["pattern"] = _shape_of(printed)
        if len(facts["pattern"]) > MAX_PATTERN_CHARACTERS:
            return
    elif kind == Kind.DATE:
        facts["date_order"] = _date_order(printed, date.fromisoformat(value))
    elif kind == Kind.AMOUNT:
        facts["decimal_separator"] = _decimal_separator(printed)
    labelled: list[tuple[tuple[str, bool, str], Placement, int]] = []
    beside = _label_left_of(layout, line, start)
    if beside is not None:
        labelled.append((beside, Placement.RIGHT, 0))
    labelled += [
        (above, Placement.BELOW, lines_below) for above, lines_below in _labels_above(layout, line, start, end)
    ]
    for (label, whole, printed_label), placement, lines_below in labelled:
        if kind == Kind.TEXT and _shape_regex(facts["pattern"]).search(printed_label):
            continue  # a value of the same shape (the row above's), not a label
        for opens_cell in (True, False) if whole else (False,):
            for ordinal in range(MAX_ORDINAL + 1 if placement == Placement.RIGHT else 3):
                hint = FieldHint(
                    label=label,
                    opens_cell=opens_cell,
                    placement=placement,
                    lines_below=lines_below,
                    ordinal=ordinal,
                    **facts,
                )
                yield hint, printed_label


def _reads_back(hint: FieldHint, reader: Reader, kind: Kind, value: str) -> bool:
    read = _read(hint, reader)
    return read is not None and _same(kind, read.value, value)


def _label_left_of(layout: Layout, line: int, start: int) -> tuple[str, bool, str] | None:
    """The label printed before ``start`` on its line: the words of its own cell before it, else the nearest
    cell of words before it (cells of figures between are values of its kind or marks)."""
    text = layout.lines[line]
    own = layout.segment_at(line, start)
    if own is not None and _WORD.search(_without_currency(text[own.start : start])):
        return _label(text[own.start : start])
    for segment in reversed([segment for segment in layout.segments[line] if segment.end <= start]):
        if _WORD.search(_without_currency(segment.text)):
            return _label(segment.text)
    return None


def _labels_above(layout: Layout, line: int, start: int, end: int) -> Iterator[tuple[tuple[str, bool, str], int]]:
    """Labels printed above the value in its column, with how many printed lines down the value is."""
    page = layout.page_of_line[line]
    lines_below = 0
    index = line - 1
    while index >= 0 and layout.page_of_line[index] == page and lines_below < MAX_LINES_BELOW:
        cells = layout.segments[index]
        if not cells:
            index -= 1
            continue
        lines_below += 1
        for segment in cells:
            if segment.overlaps(start, end, COLUMN_SLACK) and _WORD.search(_without_currency(segment.text)):
                found = _label(segment.text)
                if found is not None:
                    yield found, lines_below
        index -= 1


def _label(text: str) -> tuple[str, bool, str] | None:
    """The normalised label of a cell's words (its last MAX_LABEL_WORDS words without digits, lower case as
    printed, so that the printed label is found again), and whether that is all the cell's words."""
    words = _TOKEN.findall(_without_currency(text).lower())
    tokens = [token for token in words if not any(char.isdigit() for char in token) and token.upper() not in ISO_4217]
    kept = tokens[-MAX_LABEL_WORDS:]
    label = " ".join(kept)[:MAX_LABEL_CHARACTERS].strip()
    if not _WORD.search(label):
        return None
    return label, kept == tokens, text


def _label_pattern(label: str) -> re.Pattern[str]:
    body = _LABEL_GAP.join(re.escape(word) for word in label.split())
    return re.compile(rf"(?<![^\W_]){body}(?![^\W_])", re.IGNORECASE)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _squash(text: str) -> str:
    return "".join(_TOKEN.findall(_fold(text)))


def _value_regex(value: str) -> re.Pattern[str] | None:
    """The person's identifier as printed, spaces between its characters allowed."""
    characters = [char for char in value if not char.isspace()]
    if not characters or len(characters) > 64:
        return None
    body = r"\s?".join(re.escape(char) for char in characters)
    return re.compile(rf"(?<![^\W_]){body}(?![^\W_])", re.IGNORECASE)


def _shape_of(printed: str) -> str:
    """``INV-2024/0012`` → ``A{3,3}-9{4,4}/9{4,4}``: letter and digit runs with their lengths, separators
    as printed (other characters count as separators of one kind)."""
    parts: list[str] = []
    for match in re.finditer(r"[^\W\d_]+|\d+|.", printed):
        run = match.group(0)
        if run[0].isdigit():
            parts.append(f"9{{{len(run)},{len(run)}}}")
        elif run[0].isalpha():
            parts.append(f"A{{{len(run)},{len(run)}}}")
        elif run.isspace():
            parts.append(" ")
        else:
            parts.append(run if run in _SEPARATORS else "-")
    return "".join(parts)


def _shape_regex(pattern: str) -> re.Pattern[str]:
    """The values a shape matches: digit runs one digit shorter or longer too (numbers grow)."""
    parts: list[str] = []
    for match in _RUN.finditer(pattern):
        kind, low, high, separator = match.groups()
        if separator is not None:
            parts.append(r"\s?" if separator == " " else r"[^\w\s]")
        elif kind == "9":
            parts.append(rf"\d{{{max(1, int(low) - 1)},{int(high) + 1}}}")
        else:
            parts.append(rf"[^\W\d_]{{{low},{high}}}")
    return re.compile(rf"(?<![^\W_]){''.join(parts)}(?![^\W_])")


def _date_order(printed: str, value: date) -> Literal["DMY", "MDY", "YMD"]:
    """The order the printed date's parts stand in, told by the date it is."""
    numbers = [int(number) for number in re.findall(r"\d+", printed)]
    if printed.strip()[:4].isdigit():
        return "YMD"
    if _WORD.search(printed):  # a month name: after the day, or before it
        return "DMY" if printed.lstrip()[:1].isdigit() else "MDY"
    if len(numbers) >= 2 and (numbers[0], numbers[1]) == (value.month, value.day) != (value.day, value.month):
        return "MDY"
    return "DMY"


def _decimal_separator(printed: str) -> Literal[".", ","] | None:
    match = _DECIMALS.search(printed)
    if match is None:
        return None
    return "." if match.group(1) == "." else ","


def _permille(layout: Layout, line: int) -> int:
    page = layout.page_of_line[line]
    lines = [index for index, number in enumerate(layout.page_of_line) if number == page]
    return round(PERMILLE * (line - lines[0]) / max(1, len(lines) - 1))


def _same(kind: Kind, read: str, wanted: str) -> bool:
    if kind == Kind.AMOUNT:
        try:
            return Decimal(read) == Decimal(wanted)
        except InvalidOperation:
            return False
    if kind == Kind.NAME:
        # A trading name with or without its legal form or branch ("Fernhill Bakery GmbH", "FERNHILL BAKERY").
        mine, theirs = sorted((_squash(read), _squash(wanted)), key=len)
        return bool(mine) and (mine in theirs or SequenceMatcher(None, mine, theirs).ratio() >= NAME_SIMILARITY)
    if kind == Kind.TEXT:
        return _squash(read) == _squash(wanted)
    return read.strip().upper() == wanted.strip().upper()


# ---------------------------------------------------------------------------------------------------------
# Combining with an engine's reading


@dataclass(frozen=True)
class Combined:
    """An engine's result read again with a sender's hints, and the fields whose value a hint found."""

    result: ExtractionResult
    learned: frozenset[str]
    disagreeing: frozenset[str]


def combine(result: ExtractionResult, learned: Mapping[str, LearnedReading], profile: Profile) -> Combined:
    """Any engine's result (built-in or cloud) with the values the sender's hints found: a learned value wins;
    where the engine read the same value the field is surer, where it read another the field is flagged in
    ``validation`` (check CHECK_LEARNED) and less sure, and the document's score can be no better than
    with a failed check. Scored again by the engine's own checks."""
    if not learned:
        return Combined(result, frozenset(), frozenset())
    fields = dict(result.extracted_fields)
    confidence = dict(result.field_confidence)
    agreeing: list[str] = []
    disagreeing: list[str] = []
    details: list[str] = []
    for definition in profile.fields:
        reading = learned.get(definition.name)
        if reading is None:
            continue
        name = definition.name
        generic = fields.get(name)
        before = int(confidence.get(name) or 0)
        if generic is None:
            confidence[name] = LEARNED_CONFIDENCE
        elif _same(_kind(definition), reading.value, generic):
            agreeing.append(name)
            confidence[name] = min(AGREED_CEILING, max(before, LEARNED_CONFIDENCE) + AGREEMENT_POINTS)
        else:
            disagreeing.append(name)
            confidence[name] = min(before, DISAGREED_CONFIDENCE)
            details.append(f"{name}: learned {reading.value}, read {generic}")
        fields[name] = reading.value
    values: dict[str, Found | None] = {}
    for definition in profile.fields:
        value = fields.get(definition.name)
        values[definition.name] = None if value is None else _found(definition, value, confidence)
    assessment = assess(profile, values, result.line_items, doc_type=result.doc_type)
    field_confidence = dict(assessment.field_confidence)
    for name in learned:
        if name in field_confidence:
            # The checks may only lower what learning concluded (a total that does not add up stays suspect).
            field_confidence[name] = min(field_confidence[name], confidence[name])
    check = ValidationCheck(
        check=CHECK_LEARNED,
        passed=not disagreeing,
        detail="; ".join(details)
        if details
        else f"learned values agree with the reading: {', '.join(agreeing) or 'none read'}",
    )
    score = assessment.score if not disagreeing else min(assessment.score, FAILED_CHECK_CAP)
    reasoning = (
        f"{assessment.reasoning} Read with what this sender's reviewed documents taught ({len(learned)} fields)."
    )
    if disagreeing:
        reasoning += f" The engine read {', '.join(disagreeing)} differently."
    issued = fields.get("invoice_date")
    doc_date = (
        issued
        if "invoice_date" in learned and result.doc_date == result.extracted_fields.get("invoice_date")
        else result.doc_date
    )
    combined = result.model_copy(
        update={
            "extracted_fields": fields,
            "field_confidence": field_confidence,
            "confidence_score": score,
            "confidence_reasoning": reasoning,
            "missing_fields": assessment.missing_fields,
            "validation": [*assessment.validation, check],
            "doc_date": doc_date,
            "ai_summary": summarize(result.doc_type or "Other", values),
        }
    )
    return Combined(combined, frozenset(learned), frozenset(disagreeing))


def _found(definition: FieldDefinition, value: str, confidence: Mapping[str, int]) -> Found:
    sure = int(confidence.get(definition.name) or 0)
    try:
        return Found(value, sure, parsed_value(definition, value))
    except (ValueError, InvalidOperation):
        # A value the engine stored unchecked: it counts, but no check can use it.
        return Found(value, sure, value)
