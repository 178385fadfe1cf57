"""What a document says about who issued it: the identifiers of its sender.

Read from the document's own text (its layout) and the vendor the engine read, never from the filename or
who uploaded it. A number printed under the buyer's heading, or labelled as the customer's, is the buyer's
and identifies nobody here.

Identifiers are `<kind>:<value>`, normalised so that two prints of one number are one identifier:
- `tax:<scheme>:<number>` a tax or business registration number (tax_ids.py), checked where the scheme
  has a check digit;
- `iban:<IBAN>` a bank account whose ISO 13616 check holds;
- `domain:<registrable domain>` of the sender's web or e-mail address (not a mail provider or platform);
- `phone:<last 9 digits>` a number labelled as a phone, outside the buyer's block;
- `name:<folded name>` the vendor's name without its legal form, case, accents or punctuation.
The first three are strong (one identifies a supplier); a phone and a name are weak.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from recordengine.extraction.fields.vendor_cues import WEB_HOST, host_of, registrable_domain
from recordengine.extraction.fields.vendor_lines import CUSTOMER_LABEL
from recordengine.extraction.fields.vendor_words import CJK_BUYER_MARK, CJK_SELLER_MARK
from recordengine.extraction.layout import Hit, Layout, Segment

from .tax_ids import UNLABELLED_ON_LINE, UNLABELLED_START, tax_numbers
from .words import (
    BUYER_NUMBER_WORDS,
    LEGAL_FORMS,
    NUMBER_ABBREVIATIONS,
    PHONE_LABELS,
    PLATFORM_HOSTS,
    TAX_LABEL_STARTS,
    TAX_LABELS,
    UNSPACED_FORMS,
)


class Kind(StrEnum):
    TAX = "tax"
    IBAN = "iban"
    DOMAIN = "domain"
    PHONE = "phone"
    NAME = "name"


# Strongest first: when a document's identifiers point at different senders, the strongest match wins.
STRENGTH: dict[Kind, int] = {Kind.TAX: 5, Kind.IBAN: 4, Kind.DOMAIN: 3, Kind.PHONE: 2, Kind.NAME: 1}
STRONG_KINDS = frozenset({Kind.TAX, Kind.IBAN, Kind.DOMAIN})
# Bounds what one document can claim about its sender (a hostile page may print hundreds of numbers).
MAX_IDENTIFIERS = 12
# An identifier's whole text, bounded so that its index key stays small.
MAX_IDENTIFIER_LENGTH = 120


@dataclass(frozen=True)
class Identifier:
    kind: Kind
    value: str

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.value}"

    @property
    def strong(self) -> bool:
        return self.kind in STRONG_KINDS

    @property
    def strength(self) -> int:
        return STRENGTH[self.kind]


def parse_identifier(text: str) -> Identifier | None:
    """The identifier written as `<kind>:<value>`, or None when it is not one."""
    kind, _, value = text.partition(":")
    if not value or len(text) > MAX_IDENTIFIER_LENGTH or kind not in Kind.__members__.values():
        return None
    return Identifier(Kind(kind), value)


def strongest_first(identifiers: list[Identifier]) -> list[Identifier]:
    """Strongest first, without repeats, at most MAX_IDENTIFIERS."""
    unique = list(dict.fromkeys(identifiers))
    return sorted(unique, key=lambda identifier: -identifier.strength)[:MAX_IDENTIFIERS]


# A vendor read less surely than this is as likely a heading or a word of the page ("Qty", "Payment received")
# as the sender's name: two suppliers misread alike would become one sender.
NAME_MIN_CONFIDENCE = 50


def identify(layout: Layout, vendor: str | None, vendor_confidence: int = 100) -> list[Identifier]:
    """The identifiers of the document's sender, strongest first (its name only when the vendor was read at
    least NAME_MIN_CONFIDENCE sure)."""
    buyer = _BuyerSections(layout)
    found: list[Identifier] = []
    found += _tax_numbers(layout, buyer)
    found += _ibans(layout, buyer)
    found += _domains(layout, buyer)
    found += _phones(layout, buyer)
    name = normalised_name(vendor) if vendor and vendor_confidence >= NAME_MIN_CONFIDENCE else None
    if name:
        found.append(Identifier(Kind.NAME, name))
    return strongest_first(found)


# --- the buyer's part of the page -----------------------------------------------------------------------

# How far before a number its own label may end (characters on the line).
_LABEL_REACH = 40


# A block heading that is only the addressee's preposition; and how many lines a buyer's block may run.
_LONE_ADDRESSEE = re.compile(r"(?:to|an|à)\s*:?", re.IGNORECASE)
_BUYER_BLOCK_LINES = 8


class _BuyerSections:
    """Where the page speaks of the buyer: the cells of a bill-to / customer block, the rest of the heading's
    cell, a fapiao's buyer section, and any number whose own label names the customer."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.cells: set[tuple[int, int]] = set()  # (line, segment start)
        headings = list(layout.find(CUSTOMER_LABEL))
        # "To" alone in its cell, with other cells on its line ("To      Date issued"), heads a block too.
        headings += [
            Hit(index, cell.start, cell.end)
            for index, cells in enumerate(layout.segments)
            if len(cells) > 1
            for cell in cells
            if _LONE_ADDRESSEE.fullmatch(cell.text)
        ]
        for hit in headings:
            self._mark(hit.line, hit.start)
            for segment in layout.right_of(hit, 1):
                self._mark(segment.line, segment.start)
            if TAX_LABELS.search(layout.lines[hit.line]) or PHONE_LABELS.search(layout.lines[hit.line]):
                continue  # "Customer VAT No.: …" labels one number, it heads no block
            for cells in layout.block(hit, max_lines=_BUYER_BLOCK_LINES):
                # A block runs to the next blank line, from the heading's column rightwards ("DE VAT  DE…").
                for cell in cells:
                    self._mark(cell.line, cell.start)
        self.marks = [
            (index, line.rfind(CJK_BUYER_MARK), line.rfind(CJK_SELLER_MARK))
            for index, line in enumerate(layout.lines)
            if CJK_BUYER_MARK in line or CJK_SELLER_MARK in line
        ]

    def _mark(self, line: int, position: int) -> None:
        segment = self.layout.segment_at(line, position)
        if segment is not None:
            self.cells.add((line, segment.start))

    def holds(self, line: int, start: int) -> bool:
        segment = self.layout.segment_at(line, start)
        if segment is not None and (line, segment.start) in self.cells:
            return True
        if BUYER_NUMBER_WORDS.search(self._own_label(line, start, segment)):
            return True
        return self._in_buyer_fapiao_section(line, start)

    def _own_label(self, line: int, start: int, segment: Segment | None) -> str:
        """The text that labels what is printed at `start`: before it in its cell (at most _LABEL_REACH
        characters), or the cell before it when it opens its cell."""
        text = self.layout.lines[line]
        if segment is not None and text[segment.start : start].strip():
            return text[max(segment.start, start - _LABEL_REACH) : start]
        earlier = [cell for cell in self.layout.segments[line] if cell.end <= start]
        return earlier[-1].text if earlier else ""

    def _in_buyer_fapiao_section(self, line: int, start: int) -> bool:
        page = self.layout.page_of_line[line]
        for index, buyer_at, seller_at in reversed(self.marks):
            if index > line or self.layout.page_of_line[index] != page:
                continue
            if index == line:
                buyer_at = buyer_at if buyer_at < start else -1
                seller_at = seller_at if seller_at < start else -1
                if buyer_at < 0 and seller_at < 0:
                    continue
            return buyer_at > seller_at
        return False


# --- numbers --------------------------------------------------------------------------------------------

# The words of a line and where they start.
_WORD = re.compile(r"\S+")
# How many words one number may be printed in ("GB 123 4567 89", "DE 89 3704 0044 0532 0130 00").
_MAX_WORDS = 9
# A printed number (with its separators) is at most this long.
_LONGEST_PRINTED = 40


def _words(line: str) -> list[tuple[int, str]]:
    return [(match.start(), match.group().strip(",;:()[]")) for match in _WORD.finditer(line)]


def _labelled_at(layout: Layout, labels: re.Pattern[str], line: int, start: int) -> bool:
    """Whether a label of `labels` ends just before `start` on the line, or stands above it in its column."""
    text = layout.lines[line]
    for match in labels.finditer(text[: start + 1]):
        between = text[match.end() : start]
        if match.end() <= start and not re.search(r"[^\W\d_]{3,}", between) and len(between) <= _LABEL_REACH:
            return True
    above = next((index for index in range(line - 1, max(line - 3, -1), -1) if layout.segments[index]), None)
    if above is None or layout.page_of_line[above] != layout.page_of_line[line]:
        return False
    return any(
        abs(match.start() - start) <= 6 or (match.start() <= start < match.end() + 6)
        for match in labels.finditer(layout.lines[above])
    )


def _runs(line: str, first: re.Pattern[str] | None = None) -> Iterator[tuple[int, list[str]]]:
    """Every run of up to _MAX_WORDS words of the line, by where it starts (only starting at a word that
    matches `first`, when given)."""
    words = _words(line)
    for position, (start, word) in enumerate(words):
        if word and (first is None or first.match(word)):
            yield start, [text for _, text in words[position : position + _MAX_WORDS]]


# A word a tax number may start with: a digit, or a country prefix ("DE", "ATU", "CHE-").
_NUMBER_START = re.compile(r"^(?:[A-Z]{2,3}\b|[A-Z]{0,3}\d)", re.IGNORECASE)


# Where a tax label may begin: a word starting as one does (TAX_LABELS itself is slow to search everywhere).
_LABEL_START = re.compile(
    "(?<![^\\W_])(?:" + "|".join(re.escape(start) for start in sorted(TAX_LABEL_STARTS)) + ")", re.IGNORECASE
)


def _tax_label_ends(text: str) -> list[int]:
    """Where the tax labels of a line end."""
    ends = []
    for start in _LABEL_START.finditer(text):
        label = TAX_LABELS.match(text, start.start())
        if label is not None:
            ends.append(label.end())
    return ends


def _all_label_ends(layout: Layout) -> list[list[int]]:
    """Per line, where its tax labels end, with 0 when the printed line above carries one (its value is
    printed under it)."""
    own = [_tax_label_ends(line) if line else [] for line in layout.lines]
    ends: list[list[int]] = []
    above: int | None = None
    for index, line in enumerate(layout.lines):
        under_label = above is not None and layout.page_of_line[above] == layout.page_of_line[index] and own[above]
        ends.append([*own[index], 0] if under_label else own[index])
        if line:
            above = index
    return ends


def _tax_numbers(layout: Layout, buyer: _BuyerSections) -> list[Identifier]:
    found: list[Identifier] = []
    all_label_ends = _all_label_ends(layout)
    for index, line in enumerate(layout.lines):
        if not re.search(r"\d{2}", line):
            continue
        label_ends = all_label_ends[index]
        if not label_ends and not UNLABELLED_ON_LINE.search(line):
            continue
        covered = -1
        for start, words in _runs(line, _NUMBER_START):
            if start < covered:
                continue
            near_label = any(0 <= start - end <= _LABEL_REACH for end in label_ends)
            if not near_label and not UNLABELLED_START.match(words[0]):
                continue
            for count in range(1, len(words) + 1):
                printed = "".join(words[:count])
                if len(printed) > _LONGEST_PRINTED:
                    break
                numbers = tax_numbers(printed)
                if not numbers:
                    continue
                labelled = not numbers[0][1] or (near_label and _labelled_at(layout, TAX_LABELS, index, start))
                number = next((number for number, needs_label in numbers if labelled or not needs_label), None)
                if number is None:
                    continue
                covered = start + len(" ".join(words[:count]))
                if not buyer.holds(index, start):
                    found.append(Identifier(Kind.TAX, number))
                break
    return found


# IBAN lengths of the countries whose accounts are common on invoices; others: 15 to 34 characters.
_IBAN_LENGTHS = {
    "AT": 20, "BE": 16, "CH": 21, "CZ": 24, "DE": 22, "DK": 18, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "IE": 22,
    "IT": 27, "LU": 20, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "SE": 24, "HU": 28, "RO": 24, "GR": 27, "SK": 24,
}  # fmt: skip
_IBAN_START = re.compile(r"^(?:IBAN:?)?[A-Z]{2}\d{2}", re.IGNORECASE)
_IBAN_ON_LINE = re.compile(r"\b(?:IBAN:?)?[A-Z]{2}\d{2}", re.IGNORECASE)


def iban_valid(iban: str) -> bool:
    """ISO 13616: the country's length, and the number read as digits is 1 modulo 97."""
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", iban):
        return False
    length = _IBAN_LENGTHS.get(iban[:2])
    if length is not None and len(iban) != length:
        return False
    digits = "".join(str(int(char, 36)) for char in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def _ibans(layout: Layout, buyer: _BuyerSections) -> list[Identifier]:
    found: list[Identifier] = []
    for index, line in enumerate(layout.lines):
        if not _IBAN_ON_LINE.search(line):
            continue
        for start, words in _runs(line, _IBAN_START):
            text = re.sub(r"^IBAN:?", "", "".join(words).upper())
            text = re.sub(r"[^A-Z0-9]", "", text)
            length = _IBAN_LENGTHS.get(text[:2])
            for size in [length] if length else range(34, 14, -1):
                if iban_valid(text[:size]):
                    if not buyer.holds(index, start):
                        found.append(Identifier(Kind.IBAN, text[:size]))
                    break
    return found


# A line that may hold a web or e-mail address: searching WEB_HOST is slow, this is not.
_MAY_HOLD_HOST = re.compile(r"[^\W\d_]\.[^\W\d_]{2}|@")


def _bare_domain(host: str, line: str, start: int, end: int) -> bool:
    """Whether a host printed without www., a scheme or an e-mail address is a domain: in lower case (as
    addresses are printed), not an abbreviated label ("Ref.No", "tel.no", "Inv.Nr"), and not a part of a URN
    ("urn:cen.eu:en16931:2017", which names a standard)."""
    in_urn = line[end : end + 1] == ":" or line[max(0, start - 4) : start].lower() == "urn:"
    return host == host.lower() and host.rsplit(".", 1)[-1] not in NUMBER_ABBREVIATIONS and not in_urn


def _domains(layout: Layout, buyer: _BuyerSections) -> list[Identifier]:
    found: list[Identifier] = []
    for index, line in enumerate(layout.lines):
        if not _MAY_HOLD_HOST.search(line):
            continue
        for match in WEB_HOST.finditer(line):
            if match.group(3) and not _bare_domain(match.group(3), line, match.start(3), match.end(3)):
                continue
            domain = registrable_domain(host_of(match))
            if domain is None or domain[1] in PLATFORM_HOSTS or buyer.holds(index, match.start()):
                continue
            found.append(Identifier(Kind.DOMAIN, domain[0]))
    return found


_PHONE = re.compile(r"\+?\(?\d[\d\s()./\-]{6,22}\d")
# A phone number is compared by its last digits: "+49 30 1234567" and "030 1234567" are one number.
_PHONE_DIGITS = 9
_MIN_PHONE_DIGITS = 8


def _phones(layout: Layout, buyer: _BuyerSections) -> list[Identifier]:
    found: list[Identifier] = []
    for hit in layout.find(PHONE_LABELS):
        rest = layout.lines[hit.line][hit.end :]
        number = _PHONE.match(rest.lstrip())
        if number is None or buyer.holds(hit.line, hit.start):
            continue
        digits = re.sub(r"\D", "", number.group())
        if len(digits) >= _MIN_PHONE_DIGITS:
            found.append(Identifier(Kind.PHONE, digits[-_PHONE_DIGITS:]))
    return found


# --- names ----------------------------------------------------------------------------------------------

# A name shorter than this once folded says too little to identify anyone.
_MIN_NAME_CHARACTERS = 3
_MAX_NAME_CHARACTERS = 80


def normalised_name(name: str) -> str | None:
    """The name as senders compare it: case, accents and punctuation folded, its legal form dropped
    ("Brightwater Tools GmbH" and "BRIGHTWATER TOOLS" are one name)."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    for form in UNSPACED_FORMS:
        folded = folded.removesuffix(form)
    # "S.A.R.L." → "sarl": dotted initials are one word.
    folded = re.sub(r"\b(\w)\.(?=\w\b)", r"\1", folded).replace("&", " ")
    words = re.findall(r"[^\W_]+", folded)
    while len(words) > 1 and (words[-1] in LEGAL_FORMS or len(words[-1]) == 1):
        words.pop()
    joined = " ".join(words)[:_MAX_NAME_CHARACTERS]
    return joined if len(joined.replace(" ", "")) >= _MIN_NAME_CHARACTERS else None


__all__ = ["Identifier", "Kind", "identify", "normalised_name", "parse_identifier", "strongest_first"]
