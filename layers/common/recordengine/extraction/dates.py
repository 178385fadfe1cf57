"""Dates as invoices print them, in English, German, French, Dutch, Spanish, Italian, Portuguese, Polish,
Romanian and Chinese."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

# Month names and their printed abbreviations, per language (Polish prints dates with the genitive:
# "7 grudnia 2026"). A name shared by two languages means the same month in both.
_MONTH_NAMES: dict[str, tuple[tuple[str, ...], ...]] = {
    "en": (
        ("january", "jan"),
        ("february", "feb"),
        ("march", "mar"),
        ("april", "apr"),
        ("may",),
        ("june", "jun"),
        ("july", "jul"),
        ("august", "aug"),
        ("september", "sep", "sept"),
        ("october", "oct"),
        ("november", "nov"),
        ("december", "dec"),
    ),
    "de": (
        ("januar", "jänner", "jan", "jän"),
        ("februar", "feb", "febr"),
        ("märz", "maerz", "mär", "mrz"),
        ("april", "apr"),
        ("mai",),
        ("juni", "jun"),
        ("juli", "jul"),
        ("august", "aug"),
        ("september", "sep", "sept"),
        ("oktober", "okt"),
        ("november", "nov"),
        ("dezember", "dez"),
    ),
    "fr": (
        ("janvier", "janv"),
        ("février", "fevrier", "févr", "fevr", "fév", "fev"),
        ("mars",),
        ("avril", "avr"),
        ("mai",),
        ("juin",),
        ("juillet", "juil"),
        ("août", "aout"),
        ("septembre", "sept"),
        ("octobre", "oct"),
        ("novembre", "nov"),
        ("décembre", "decembre", "déc", "dec"),
    ),
    "nl": (
        ("januari", "jan"),
        ("februari", "feb"),
        ("maart", "mrt"),
        ("april", "apr"),
        ("mei",),
        ("juni", "jun"),
        ("juli", "jul"),
        ("augustus", "aug"),
        ("september", "sep", "sept"),
        ("oktober", "okt"),
        ("november", "nov"),
        ("december", "dec"),
    ),
    "es": (
        ("enero", "ene"),
        ("febrero", "feb"),
        ("marzo", "mar"),
        ("abril", "abr"),
        ("mayo", "may"),
        ("junio", "jun"),
        ("julio", "jul"),
        ("agosto", "ago"),
        ("septiembre", "setiembre", "sep", "sept", "set"),
        ("octubre", "oct"),
        ("noviembre", "nov"),
        ("diciembre", "dic"),
    ),
    "it": (
        ("gennaio", "genn", "gen"),
        ("febbraio", "febbr", "feb"),
        ("marzo", "mar"),
        ("aprile", "apr"),
        ("maggio", "magg", "mag"),
        ("giugno", "giu"),
        ("luglio", "lug"),
        ("agosto", "ago"),
        ("settembre", "sett", "set"),
        ("ottobre", "ott"),
        ("novembre", "nov"),
        ("dicembre", "dic"),
    ),
    "pt": (
        ("janeiro", "jan"),
        ("fevereiro", "fev"),
        ("março", "marco", "mar"),
        ("abril", "abr"),
        ("maio", "mai"),
        ("junho", "jun"),
        ("julho", "jul"),
        ("agosto", "ago"),
        ("setembro", "set"),
        ("outubro", "out"),
        ("novembro", "nov"),
        ("dezembro", "dez"),
    ),
    "pl": (
        ("styczeń", "stycznia", "styczen", "sty"),
        ("luty", "lutego", "lut"),
        ("marzec", "marca", "mar"),
        ("kwiecień", "kwietnia", "kwiecien", "kwi"),
        ("maj", "maja"),
        ("czerwiec", "czerwca", "cze"),
        ("lipiec", "lipca", "lip"),
        ("sierpień", "sierpnia", "sierpien", "sie"),
        ("wrzesień", "września", "wrzesien", "wrzesnia", "wrz"),
        ("październik", "października", "pazdziernik", "pazdziernika", "paź", "paz"),
        ("listopad", "listopada", "lis"),
        ("grudzień", "grudnia", "grudzien", "gru"),
    ),
    "ro": (
        ("ianuarie", "ian"),
        ("februarie", "feb"),
        ("martie", "mar"),
        ("aprilie", "apr"),
        ("mai",),
        ("iunie", "iun"),
        ("iulie", "iul"),
        ("august", "aug"),
        ("septembrie", "sep", "sept"),
        ("octombrie", "oct"),
        ("noiembrie", "noi", "nov"),
        ("decembrie", "dec"),
    ),
}
_MONTH_BY_NAME = {
    name: number for months in _MONTH_NAMES.values() for number, names in enumerate(months, start=1) for name in names
}
_MONTH = "(?:" + "|".join(sorted(map(re.escape, _MONTH_BY_NAME), key=len, reverse=True)) + ")"

_ISO = re.compile(r"(?<![\d.,/\-])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d]|[.,/\-]\d)")
# A time printed with dots ("10.03.10 Uhr") is no date.
_NUMERIC = re.compile(r"(?<![\d.,/\-])(\d{1,2})([./\-])(\d{1,2})\2(\d{4}|\d{2})(?![\d]|[.,/\-]\d|\s*(?i:uhr|h)\b)")
# "03.04. 2025", "03. 04.2025": a space after a dot, as a till prints it or OCR reads the gap after a narrow
# dot; OCR also reads the dot before a four-digit year as a comma ("03.04, 2025").
_DOTTED_SPACED_YEAR = re.compile(r"(?<![\d.,/\-])(\d{1,2})\.\s?(\d{1,2})(?:\.\s?|,\s)(\d{4})(?!\d)")
# "2019 05 08": Chinese VAT invoices print the year, month and day in boxes of their own, with no mark between
# them (the form's 年 月 日 printed apart or not at all). Month and day are both two digits, and no other
# group of digits is beside them, so a phone number or a row of quantities is not taken for one.
_SPACED = re.compile(
    r"(?<![\d.,/\-:])(?<!\d\s)((?:19|20)\d{2})[ \u3000]{1,3}(0[1-9]|1[0-2])[ \u3000]{1,3}(0[1-9]|[12]\d|3[01])"
    r"(?!\d|\s?\d|[.,:]\d)"
)
_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")
# Any word before a day and a year, kept only when the word is a month's name: one pattern of letters is
# much faster to scan with than the alternation of every month's names in every language.
_MONTH_FIRST = re.compile(
    r"(?<![\w])(?P<month>[^\W\d_]{3,10})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\.?\s*,?\s*(?P<year>\d{4})(?!\d)",
    re.IGNORECASE,
)
_DAY_FIRST = re.compile(
    rf"(?<![\w.])(?P<day>\d{{1,2}})(?:st|nd|rd|th|er|e|\.)?\s*(?:de\s+|of\s+)?(?P<month>{_MONTH})\.?,?\s*"
    rf"(?:del?\s+)?(?P<year>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
# "07-Dec-26", "7 dic 26", "07.Dez.26": a named month with a two-digit year, the same separator on both
# sides; a time is no year ("5 Mar 12:30").
_DAY_FIRST_SHORT_YEAR = re.compile(
    rf"(?<![\w.])(?P<day>\d{{1,2}})(?P<sep>[\-/. ])(?P<month>{_MONTH})\.?(?P=sep)(?P<year>\d{{2}})(?![\d:]|[.,]\d)",
    re.IGNORECASE,
)
# "2026年12月7日" (Chinese, Japanese), "2026년 12월 7일" (Korean).
_CJK = re.compile(r"(?<!\d)(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?")
# "07.XII.2026", "7-XII-2026": Roman numeral months (Polish, Romanian, Italian documents).
_ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_ROMAN = re.compile(
    r"(?<![\w.])(\d{1,2})\.?([.\-/])(" + "|".join(sorted(_ROMAN_MONTHS, key=len, reverse=True)) + r")\2(\d{4})(?!\d)"
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
    # Printed so that another order of its parts is a plausible date too: "26/02/11" is 26 February 2011
    # day first, and 11 February 2026 year first (as Canadian, Swedish and East Asian tills print it).
    ambiguous: bool = False


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

    def add(start: int, end: int, value: date | None, ambiguous: bool = False) -> None:
        if value is None or any(start < t_end and t_start < end for t_start, t_end in taken):
            return
        taken.append((start, end))
        found.append(FoundDate(value, start, end, ambiguous))

    for match in _MONTH_FIRST.finditer(text):
        named = _MONTH_BY_NAME.get(match.group("month").lower())
        if named is not None:
            add(match.start(), match.end(), _make(int(match.group("year")), named, int(match.group("day"))))
    for match in _DAY_FIRST.finditer(text):
        month = _MONTH_BY_NAME[match.group("month").lower()]
        add(match.start(), match.end(), _make(int(match.group("year")), month, int(match.group("day"))))
    for match in _DAY_FIRST_SHORT_YEAR.finditer(text):
        month = _MONTH_BY_NAME[match.group("month").lower()]
        add(match.start(), match.end(), _make(_full_year(match.group("year")), month, int(match.group("day"))))
    for match in _CJK.finditer(text):
        add(match.start(), match.end(), _make(int(match.group(1)), int(match.group(2)), int(match.group(3))))
    for match in _ROMAN.finditer(text):
        month = _ROMAN_MONTHS.index(match.group(3)) + 1
        add(match.start(), match.end(), _make(int(match.group(4)), month, int(match.group(1))))
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
        year_first = _year_first(match) if value is not None else None
        if value is not None and year_first is not None and not plausible(value) and plausible(year_first):
            value = year_first
        add(match.start(), match.end(), value, ambiguous=year_first is not None and plausible(year_first))
    for match in _SPACED.finditer(text):
        add(match.start(), match.end(), _make(int(match.group(1)), int(match.group(2)), int(match.group(3))))
    for match in _DOTTED_SPACED_YEAR.finditer(text):
        add(match.start(), match.end(), _make(int(match.group(3)), int(match.group(2)), int(match.group(1))))
    if compact:
        for match in _COMPACT.finditer(text):
            add(match.start(), match.end(), _make(int(match.group(1)), int(match.group(2)), int(match.group(3))))
    found.sort(key=lambda item: item.start)
    return found


def _year_first(match: re.Match[str]) -> date | None:
    """The date a two-digit-year date ("26/02/11") is when read year first (2026-02-11), when that differs
    from the day-first reading; None when it is no date or the same one. Dotted dates are day first."""
    if len(match.group(4)) != 2 or len(match.group(1)) != 2 or match.group(2) == ".":
        return None
    value = _make(_full_year(match.group(1)), int(match.group(3)), int(match.group(4)))
    day_first = _make(_full_year(match.group(4)), int(match.group(3)), int(match.group(1)))
    return value if value is not None and value != day_first else None


def parse_date(text: str, *, dayfirst: bool = True) -> date | None:
    """The first date in ``text``, e.g. ``"Aug 3, 2014"`` → ``date(2014, 8, 3)``."""
    found = find_dates(text, dayfirst=dayfirst, compact=True)
    return found[0].value if found else None
