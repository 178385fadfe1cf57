"""Dates as invoices print them, in English, German, French, Dutch, Spanish and Italian."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "januar", "jänner", "janvier", "janv", "januari", "enero", "ene", "gennaio", "genn"),
    2: ("february", "feb", "febr", "februar", "février", "fevrier", "févr", "fevr", "februari", "febrero", "febbraio"),
    3: ("march", "mar", "märz", "maerz", "mär", "mars", "maart", "mrt", "marzo"),
    4: ("april", "apr", "avril", "avr", "abril", "abr", "aprile"),
    5: ("may", "mai", "mei", "mayo", "maggio", "magg"),
    6: ("june", "jun", "juni", "juin", "junio", "giugno"),
    7: ("july", "jul", "juli", "juillet", "juil", "julio", "luglio"),
    8: ("august", "aug", "août", "aout", "augustus", "agosto", "ago"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "settembre", "set"),
    10: ("october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott"),
    11: ("november", "nov", "novembre", "noviembre"),
    12: ("december", "dec", "dezember", "dez", "décembre", "decembre", "déc", "diciembre", "dic", "dicembre"),
}
_MONTH_BY_NAME = {name: number for number, names in _MONTHS.items() for name in names}
_MONTH = "(?:" + "|".join(sorted(map(re.escape, _MONTH_BY_NAME), key=len, reverse=True)) + ")"

_ISO = re.compile(r"(?<![\d.,/\-])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d]|[.,/\-]\d)")
_NUMERIC = re.compile(r"(?<![\d.,/\-])(\d{1,2})([./\-])(\d{1,2})\2(\d{4}|\d{2})(?![\d]|[.,/\-]\d)")
_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")
# Any word before a day and a year, kept only when the word is a month's name: one pattern of letters is
# much faster to scan with than the alternation of every month's names in every language.
_MONTH_FIRST = re.compile(
    r"(?<![\w])(?P<month>[^\W\d_]{3,10})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\.?\s*,?\s*(?P<year>\d{4})(?!\d)",
    re.IGNORECASE,
)
_DAY_FIRST = re.compile(
    rf"(?<![\w.])(?P<day>\d{{1,2}})(?:st|nd|rd|th|er|e|\.)?\s*(?:de\s+|of\s+)?(?P<month>{_MONTH})\.?,?\s*(?:de\s+)?(?P<year>\d{{4}})(?!\d)",
    re.IGNORECASE,
)

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
# The dates a document issued today could carry: none before 1990, none more than a year ahead.
EARLIEST_PLAUSIBLE = date(1990, 1, 1)
PLAUSIBLE_AHEAD = timedelta(days=366)


def plausible(value: date, today: date | None = None) -> bool:
    return EARLIEST_PLAUSIBLE <= value <= (today or date.today()) + PLAUSIBLE_AHEAD


@dataclass(frozen=True)
class FoundDate:
    value: date
    start: int
    end: int


def _make(year: int, month: int, day: int) -> date | None:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _full_year(year: str) -> int:
    if len(year) == 4:
        return int(year)
    # Two-digit years on invoices are recent; 70 splits the century the way most software does.
    short = int(year)
    return 2000 + short if short < 70 else 1900 + short


def infer_dayfirst(text: str) -> bool | None:
    """Whether ambiguous slash dates in ``text`` are day-first, judging by its unambiguous ones; failing
    those, by its dotted dates (23.06.23), which only day-first locales print."""
    day_first = month_first = dotted = 0
    for match in _NUMERIC.finditer(text):
        if match.group(2) != "/":
            dotted += match.group(2) == "."
            continue
        first, second = int(match.group(1)), int(match.group(3))
        if first > 12 >= second:
            day_first += 1
        elif second > 12 >= first:
            month_first += 1
    if day_first != month_first:
        return day_first > month_first
    return True if dotted else None


def find_dates(text: str, *, dayfirst: bool = True, compact: bool = False) -> list[FoundDate]:
    """Every date in ``text``, in order. ``dayfirst`` settles 03/08/2014; dots and dashes are day-first."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, value: date | None) -> None:
        if value is None or any(start < t_end and t_start < end for t_start, t_end in taken):
            return
        taken.append((start, end))
        found.append(FoundDate(value, start, end))

    for match in _MONTH_FIRST.finditer(text):
        named = _MONTH_BY_NAME.get(match.group("month").lower())
        if named is not None:
            add(match.start(), match.end(), _make(int(match.group("year")), named, int(match.group("day"))))
    for match in _DAY_FIRST.finditer(text):
        month = _MONTH_BY_NAME[match.group("month").lower()]
        add(match.start(), match.end(), _make(int(match.group("year")), month, int(match.group("day"))))
    for match in _ISO.finditer(text):
        add(match.start(), match.end(), _make(int(match.group(1)), int(match.group(3)), int(match.group(4))))
    for match in _NUMERIC.finditer(text):
        first, sep, second = int(match.group(1)), match.group(2), int(match.group(3))
        year = _full_year(match.group(4))
        if sep == "/" and not dayfirst and first <= 12:
            value = _make(year, first, second)
        else:
            value = _make(year, second, first)
        if value is None:
            # The other order is the only valid one (e.g. 08/13/2014 in a day-first document).
            value = _make(year, first, second) if sep == "/" else None
        add(match.start(), match.end(), value)
    if compact:
        for match in _COMPACT.finditer(text):
            add(match.start(), match.end(), _make(int(match.group(1)), int(match.group(2)), int(match.group(3))))
    found.sort(key=lambda item: item.start)
    return found


def parse_date(text: str, *, dayfirst: bool = True) -> date | None:
    """The first date in ``text``, e.g. ``"Aug 3, 2014"`` → ``date(2014, 8, 3)``."""
    found = find_dates(text, dayfirst=dayfirst, compact=True)
    return found[0].value if found else None
