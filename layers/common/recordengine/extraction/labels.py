"""Label search: find a label, then read the value printed after it, to its right, or under it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Generic, TypeVar

from .amounts import Amount, find_amounts
from .country import MONTH_FIRST, guess_country
from .dates import FoundDate, find_dates, infer_dayfirst
from .layout import COLUMN_SLACK, Hit, Layout

V = TypeVar("V")

# Confidence of a value by how explicit its label is (1: "Invoice number", 3: "#"), and the penalty
# when it was read from under the label rather than beside it: column alignment is a weaker link.
TIER_CONFIDENCE = {1: 92, 2: 84, 3: 72}
BELOW_PENALTY = 6

# A dash right before a digit is a minus sign ("Total HT  -120,00 €"), not a separator; Chinese and
# Japanese print a full-width colon ("发票号码：").
_LEADING_SEPARATORS = re.compile(r"^(?:[\s:：#.=|*>]|[\-—–](?!\d))*")
_LETTERS = re.compile(r"[^\W\d_]{3,}")
_DATE_OPENING = re.compile(
    r"^[\s:：#.\-—–=|*(]*(?:(?:on|am|le|vom|den|du|of|dated|the|at|til|until|zum|bis|by)\b[\s:.,]*)*",
    re.IGNORECASE,
)
_CURRENCY_WORDS = re.compile(r"\b[A-Z]{3}\b|\bRs\b")


@dataclass(frozen=True)
class Label:
    pattern: re.Pattern[str]
    tier: int


# Some text layers glue a label to its value ("Invoice dateMarch 5, 2024"): a label's closing word
# boundary also holds where a lower-case letter meets a capital or a digit.
_WORD_END = r"\b"
_GLUED_WORD_END = r"(?:\b|(?-i:(?<=[a-zà-ÿ])(?=[A-Z\d])))"


def labels(tier: int, *patterns: str) -> list[Label]:
    return [Label(re.compile(_glued_end(pattern), re.IGNORECASE), tier) for pattern in patterns]


def _glued_end(pattern: str) -> str:
    return pattern[: -len(_WORD_END)] + _GLUED_WORD_END if pattern.endswith(_WORD_END) else pattern


@dataclass(frozen=True)
class Candidate(Generic[V]):
    value: V
    confidence: int
    line: int
    tier: int
    # Position of the label: document order breaks ties between equally good labels.
    order: tuple[int, int]
    # The line the value is printed on, when not the label's own (a value under its heading).
    value_line: int | None = None

    @property
    def printed_on(self) -> int:
        return self.line if self.value_line is None else self.value_line


class Reader:
    """A document's layout, with how it writes dates, and label search over it."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        # Label searches parse the same lines again and again.
        self._amounts: dict[str, list[Amount]] = {}
        self._dates: dict[str, list[FoundDate]] = {}
        # What field heuristics work out once per document (a receipt's payments, whether it is one).
        self.memo: dict[str, object] = {}

    @cached_property
    def country(self) -> str | None:
        return guess_country(self.layout.searchable)

    @cached_property
    def dayfirst(self) -> bool:
        inferred = infer_dayfirst(self.layout.searchable)
        if inferred is None and self.country is not None:
            inferred = self.country not in MONTH_FIRST
        if inferred is None:
            # No unambiguous slash date and no country to go by: documents in dollars (and not euros) are
            # most often American, which write month first.
            dollars = "$" in self.layout.text and "€" not in self.layout.text
            inferred = not dollars
        return inferred

    def found_dates(self, text: str) -> list[FoundDate]:
        found = self._dates.get(text)
        if found is None:
            found = self._dates[text] = find_dates(text, dayfirst=self.dayfirst)
        return found

    @property
    def misreadable(self) -> bool:
        """The text was read by OCR: a digit may be misread, and the figures' agreement decides between readings."""
        return self.layout.ocr

    def dates(self, text: str) -> list[date]:
        return [found.value for found in self.found_dates(text)]

    def leading_date(self, text: str) -> date | None:
        """A date that opens ``text`` (after words like "on" or "vom"), not one further along in a sentence."""
        opening = _DATE_OPENING.match(text)
        start = opening.end() if opening else 0
        found = self.found_dates(text)
        return found[0].value if found and found[0].start <= start + 1 else None

    def amounts(self, text: str) -> list[Amount]:
        """The money amounts in ``text``; numbers that are part of a date are not amounts."""
        found = self._amounts.get(text)
        if found is None:
            masked = [(date_found.start, date_found.end) for date_found in self.found_dates(text)]
            found = [amount for amount in find_amounts(text, masked=masked) if amount.explicit]
            self._amounts[text] = found
        return found

    def search(
        self,
        label_list: list[Label],
        parse: Callable[[str], V | None],
        *,
        right: int = 1,
        below: int = 2,
        stop_on_text: bool = True,
        row: bool = False,
        slack: int = COLUMN_SLACK,
        lone: bool = False,
        accept: Callable[[Hit], bool] | None = None,
    ) -> list[Candidate[V]]:
        """One candidate per label occurrence: the first value that parses beside or under it.

        ``right``: how many cells to the right to try; ``below``: how many lines down; ``stop_on_text``:
        give up on a label followed by other words in its own cell ("Invoice Date" is no "Invoice");
        ``row``: read the label's whole row as one value first; ``slack``/``lone``: see Layout.below.
        """
        found: list[Candidate[V]] = []
        claimed: list[Hit] = []
        for label in label_list:
            for hit in self.layout.find(label.pattern):
                # A shorter label inside a longer one already seen ("Date" in "Invoice Date") is that one.
                if any(c.line == hit.line and c.start <= hit.start < c.end for c in claimed):
                    continue
                claimed.append(hit)
                if accept is not None and not accept(hit):
                    continue
                near = self._row_value(hit, parse) if row else None
                if near is None:
                    near = self._value_near(hit, parse, 0 if row else right, below, stop_on_text, slack, lone)
                if near is not None:
                    value, line = near
                    confidence = TIER_CONFIDENCE[label.tier] - (BELOW_PENALTY if line != hit.line else 0)
                    found.append(Candidate(value, confidence, hit.line, label.tier, (hit.line, hit.start), line))
        return found

    def _row_value(self, hit: Hit, parse: Callable[[str], V | None]) -> tuple[V, int] | None:
        """The value read from the label's whole row, up to the next cell of words (another label)."""
        parts = [_LEADING_SEPARATORS.sub("", self.layout.inline_after(hit))]
        for segment in self.layout.right_of(hit, 12):
            if _LETTERS.search(_CURRENCY_WORDS.sub("", segment.text)) and not self.amounts(segment.text):
                break
            parts.append(segment.text)
        value = parse("   ".join(parts))
        return None if value is None else (value, hit.line)

    def _value_near(
        self,
        hit: Hit,
        parse: Callable[[str], V | None],
        right: int,
        below: int,
        stop_on_text: bool,
        slack: int,
        lone: bool,
    ) -> tuple[V, int] | None:
        """The value after the label in its cell, else in the next cells, else under it; and its line."""
        inline = _LEADING_SEPARATORS.sub("", self.layout.inline_after(hit))
        if inline:
            value = parse(inline)
            if value is not None:
                return value, hit.line
            if stop_on_text and _LETTERS.search(inline):
                return None
        for segment in self.layout.right_of(hit, right):
            text = _LEADING_SEPARATORS.sub("", segment.text)
            value = parse(text)
            if value is not None:
                return value, hit.line
            if _LETTERS.search(text):
                # Another cell of words: the next heading of a header row, whose values are below.
                break
        for segment in self.layout.below(hit, below, slack, lone):
            value = parse(_LEADING_SEPARATORS.sub("", segment.text))
            if value is not None:
                return value, segment.line
        return None
