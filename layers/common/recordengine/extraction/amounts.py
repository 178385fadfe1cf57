"""Money as invoices print it: ``1.234,56`` and ``1,234.56``, symbols and codes before or after."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

CENT = Decimal("0.01")

# Codes looked for in free text. Deliberately short of the full list: codes such as ALL, TOP, CUP or
# MOP are also ordinary words in capitalised headings.
_DETECTABLE = (
    "USD EUR GBP CHF JPY CNY CAD AUD NZD SEK NOK DKK PLN CZK HUF RON BGN HRK ISK INR BRL MXN ZAR SGD "
    "HKD KRW RUB TRY ILS AED SAR QAR KWD THB MYR IDR PHP VND TWD ARS CLP COP PEN UAH EGP NGN KES MAD "
    "TND PKR BDT LKR"
)
DETECTABLE_CODES = frozenset(_DETECTABLE.split())

# ISO 4217 active codes, for validating a currency however it was found.
_OTHER_ISO_4217 = (
    "AFN ALL AMD ANG AOA AWG AZN BAM BBD BHD BIF BMD BND BOB BSD BTN BWP BYN BZD CDF CRC CUP CVE DJF "
    "DOP DZD ERN ETB FJD FKP GEL GHS GIP GMD GNF GTQ GYD HNL HTG IQD IRR JMD JOD KGS KHR KMF KPW KYD "
    "KZT LAK LBP LRD LSL LYD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MZN NAD NIO NPR OMR PAB PGK PYG "
    "RSD RWF SBD SCR SDG SHP SLE SOS SRD SSP STN SVC SYP SZL TJS TMT TOP TTD TZS UGX UYU UZS VES VUV "
    "WST XAF XCD XOF XPF YER ZMW ZWL"
)
ISO_4217 = DETECTABLE_CODES | frozenset(_OTHER_ISO_4217.split())

# Longest first, so that "US$" wins over "$".
_SYMBOLS: tuple[tuple[str, str], ...] = (
    ("US$", "USD"),
    ("CA$", "CAD"),
    ("AU$", "AUD"),
    ("NZ$", "NZD"),
    ("HK$", "HKD"),
    ("R$", "BRL"),
    ("S$", "SGD"),
    ("C$", "CAD"),
    ("A$", "AUD"),
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    # The yen sign is also the yuan's: currency.py reads which one from the document's script or country.
    ("¥", "JPY"),
    ("￥", "JPY"),
    ("₹", "INR"),
    ("₩", "KRW"),
    ("₺", "TRY"),
    ("₽", "RUB"),
    ("zł", "PLN"),
)
SYMBOL_CODES = dict(_SYMBOLS)

_CODE_ALT = "|".join(sorted(DETECTABLE_CODES))
_SYMBOL_ALT = "|".join(re.escape(symbol) for symbol, _ in _SYMBOLS)
# Written-out symbols that are words, so matched as whole words: the Indian rupee, the Malaysian ringgit.
_WORD_SYMBOLS = {"Rs": "INR", "RM": "MYR"}
# A currency marker right next to a number: a symbol, an ISO code, or a symbol written as letters.
CURRENCY_MARKER = re.compile(rf"(?:{_SYMBOL_ALT})|\b(?:{_CODE_ALT}|Rs\.?|RM)(?![A-Za-z])")
_MARKER_BEFORE = re.compile(rf"(?:(?:{_SYMBOL_ALT})|\b(?:{_CODE_ALT}|Rs\.?|RM))\s?\(?\s*$")
_MARKER_AFTER = re.compile(rf"^\s?\)?\s?(?:(?:{_SYMBOL_ALT})|(?:{_CODE_ALT})(?![A-Za-z]))")
# Tills print the currency glued to the amount ("RM7.70", "EUR13.75"): a number may follow a letter when the
# word it ends is a currency (checked in find_amounts; a lookbehind per currency would slow every search).
_GLUED_MARKERS = DETECTABLE_CODES | frozenset(_WORD_SYMBOLS)
_WORD_BEFORE = re.compile(r"[A-Za-z]+$")

# A currency code glued after the amount ("12,50EUR", "12,50zł"): the number still ends there.
_GLUED_AFTER = rf"(?:{_CODE_ALT}|zł)(?![A-Za-z])"
_NUMBER = re.compile(
    rf"""
    (?:(?<![\w.,/:\-−'’])|(?<=[A-Za-z]))
    (?P<neg>[-−–]\s?)?
    (?P<body>
        \d{{1,3}}(?P<sep>[.,'’])\d{{3}}(?:(?P=sep)\d{{3}})*(?:[.,]\d{{1,4}})?   # grouped thousands
      | \d{{1,3}}(?:\ \d{{3}})+,\d{{2}}                                       # French: 1 234,56
      | \d{{1,3}}(?:\ \d{{3}})*\ [.,]\d{{2}}(?!\d)                            # OCR'd: 1 234 ,56 / 12 .50
      | \d+(?:[.,]\d{{1,4}})?                                             # plain
    )
    (?P<trail>-(?![\w]))?
    (?!(?!{_GLUED_AFTER})[\w/:%]|[.,'’]\d|\s?%|[-−]\w)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Amount:
    value: Decimal
    start: int
    end: int
    currency: str | None
    # Printed with decimals or next to a currency marker: plain integers are usually quantities,
    # percentages' neighbours, house numbers or years, so they only count when marked as money.
    explicit: bool


def _number_value(body: str) -> Decimal | None:
    text = body.replace("'", "").replace("’", "").replace(" ", "")
    dot, comma = text.rfind("."), text.rfind(",")
    if dot >= 0 and comma >= 0:
        decimal_sep = "." if dot > comma else ","
        group_sep = "," if decimal_sep == "." else "."
        text = text.replace(group_sep, "").replace(decimal_sep, ".")
    elif dot >= 0 or comma >= 0:
        sep = "." if dot >= 0 else ","
        position = max(dot, comma)
        decimals = len(text) - position - 1
        if text.count(sep) > 1 or (decimals == 3 and text[:position].lstrip("0") != ""):
            text = text.replace(sep, "")
        else:
            text = text.replace(sep, ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _marker_code(marker: str) -> str | None:
    marker = marker.strip(" ()").rstrip(".")
    if marker in _WORD_SYMBOLS:
        return _WORD_SYMBOLS[marker]
    if marker in SYMBOL_CODES:
        return SYMBOL_CODES[marker]
    return marker if marker in DETECTABLE_CODES else None


# A phone or fax number after its label, its groups apart by single spaces, dots, dashes or slashes
# ("Tel. 0231/618 079-903", "Fax 089.12 34 56"): none of its groups is an amount.
_PHONE = re.compile(
    r"\b(?:t[ée]l(?:efon|[ée]phone)?|phone|fon|fax|t[ée]l[ée]copie|mobile?|mob|handy|hp|tlf|telp)\b\.?\s*"
    r"(?:no\.?|nr\.?|n°)?\s*[:.]?\s*\+?\(?\d[\d()]*(?:(?:\s?[./\-]\s?|\s)\(?\d[\d()]*)+",
    re.IGNORECASE,
)
_PHONE_DIGITS = 6


def find_amounts(text: str, *, masked: list[tuple[int, int]] | None = None) -> list[Amount]:
    """Every number in ``text`` read as money, skipping the spans in ``masked`` (e.g. dates) and phone numbers."""
    phones = [phone.span() for phone in _PHONE.finditer(text) if sum(map(str.isdigit, phone.group(0))) >= _PHONE_DIGITS]
    masked = [*(masked or []), *phones]
    found: list[Amount] = []
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        if start and text[start - 1].isalpha():
            glued = _WORD_BEFORE.search(text[max(0, start - 4) : start])
            if glued is None or glued.group(0) not in _GLUED_MARKERS:
                continue
        if masked and any(start < m_end and m_start < end for m_start, m_end in masked):
            continue
        value = _number_value(match.group("body"))
        if value is None:
            continue
        before = text[max(0, start - 6) : start]
        after = text[end : end + 6]
        currency = None
        marker = _MARKER_BEFORE.search(before)
        if marker:
            currency = _marker_code(marker.group(0))
        else:
            marker = _MARKER_AFTER.search(after)
            # A symbol between two numbers marks the one it stands before ("(5 )¥ 7018.83"): the number
            # before it is no amount for it.
            if marker and not _NUMBER_NEXT.match(text, end + marker.end()):
                currency = _marker_code(marker.group(0))
        negative = bool(match.group("neg") or match.group("trail"))
        if before.rstrip(" " + _SYMBOL_CHARS).endswith("(") and after.lstrip(" " + _SYMBOL_CHARS).startswith(")"):
            negative = True
        if negative:
            value = -value
        body = match.group("body")
        has_decimals = bool(re.search(r"[.,]\d{1,2}$", body)) or bool(re.search(r"[.,]\d{4}$", body))
        found.append(Amount(value, start, end, currency, has_decimals or currency is not None))
    return found


_SYMBOL_CHARS = "$€£¥₹₩₺₽"
_NUMBER_NEXT = re.compile(r"\s?\d")


def parse_amount(text: str) -> Decimal | None:
    """The first amount in ``text`` (money-looking ones first), e.g. ``"1.234,56 €"`` → ``1234.56``."""
    amounts = find_amounts(text.strip())
    explicit = [amount for amount in amounts if amount.explicit]
    chosen = (explicit or amounts)[:1]
    return chosen[0].value if chosen else None


def format_amount(value: Decimal) -> str:
    """Two decimals, no grouping: the API's amount strings (``"18500.00"``), exact at any length (the default
    context's 28 digits would refuse a 30-digit amount)."""
    precision = Context(prec=max(28, value.adjusted() + 3))
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP, context=precision))


def to_number(value: Decimal) -> int | float:
    """A JSON number for line items: integers stay integers (quantities), the rest become floats."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


_CURRENCY_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bU\.?S\.? ?dollars?\b", re.IGNORECASE), "USD"),
    (re.compile(r"\beuros?\b", re.IGNORECASE), "EUR"),
    (re.compile(r"\bpounds? sterling\b", re.IGNORECASE), "GBP"),
    (re.compile(r"\bswiss francs?\b", re.IGNORECASE), "CHF"),
    (re.compile(r"\bRs\.?(?= ?\d)"), "INR"),
    (re.compile(r"\brupees?\b", re.IGNORECASE), "INR"),
)


def currencies_in(text: str) -> list[str]:
    """Every currency mentioned in ``text``, in order, by code, symbol or name."""
    # Keyed by position: "Rs" is both a marker and a word, and must count once.
    hits: dict[int, str] = {}
    for match in CURRENCY_MARKER.finditer(text):
        code = _marker_code(match.group(0))
        if code:
            hits[match.start()] = code
    for pattern, code in _CURRENCY_WORDS:
        hits.update((match.start(), code) for match in pattern.finditer(text))
    return [hits[start] for start in sorted(hits)]
