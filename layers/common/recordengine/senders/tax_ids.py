"""Tax and business registration numbers, per country: their printed shape and, where the scheme has one,
their check digit. A number whose check digit fails is a misreading (or not a number of that scheme) and
identifies nobody.

Each scheme says whether it may be taken unlabelled: a VAT number with its country prefix and a passing check
digit is unmistakable anywhere on the page; a bare run of digits is a tax number only beside its label.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_DIGITS = "0123456789"


def _luhn(number: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def _german_vat(digits: str) -> bool:
    if digits[0] == "0":
        return False
    # ISO 7064 MOD 11,10 over the first eight digits.
    product = 10
    for char in digits[:8]:
        total = (int(char) + product) % 10 or 10
        product = (2 * total) % 11
    return (11 - product) % 10 == int(digits[8])


def _austrian_vat(digits: str) -> bool:
    total = 0
    for position, char in enumerate(digits[:7]):
        digit = int(char)
        if position % 2:
            digit = digit // 5 + (digit * 2) % 10
        total += digit
    return (96 - total) % 10 == int(digits[7])


def _french_vat(key_and_siren: str) -> bool:
    key, siren = key_and_siren[:2], key_and_siren[2:]
    if not _luhn(siren):
        return False
    if not key.isdigit():
        return True  # the newer alphanumeric keys have no published check
    return int(key) == (12 + 3 * (int(siren) % 97)) % 97


def _british_vat(digits: str) -> bool:
    body = digits[:9]
    total = sum(int(char) * weight for char, weight in zip(body[:7], range(8, 1, -1), strict=True)) + int(body[7:9])
    # Numbers issued since 2010 (from 100 up) check to 42 or 55 as well as 0.
    return total % 97 == 0 or (int(body[:3]) >= 100 and total % 97 in (42, 55))


def _dutch_vat(number: str) -> bool:
    digits = number[:9]
    if number.endswith("B00"):
        return False
    # Sole traders' numbers (since 2020) check by ISO 7064 mod 97 over the whole number; companies' by mod 11.
    as_number = int("".join(str(int(char, 36)) for char in f"NL{number}"))
    weighted = sum(int(char) * weight for char, weight in zip(digits[:8], range(9, 1, -1), strict=True))
    return as_number % 97 == 1 or weighted % 11 == int(digits[8])


def _belgian_vat(digits: str) -> bool:
    return (int(digits[:8]) + int(digits[8:])) % 97 == 0


def _italian_vat(digits: str) -> bool:
    # Digits 8 to 10 name the issuing office: 001-100, or 120, 121, 888, 999.
    office = digits[7:10]
    return ("001" <= office <= "100" or office in ("120", "121", "888", "999")) and _luhn(digits)


def _portuguese_vat(digits: str) -> bool:
    if digits[0] == "0":
        return False
    total = sum(int(char) * weight for char, weight in zip(digits[:8], range(9, 1, -1), strict=True))
    check = 11 - total % 11
    return (0 if check >= 10 else check) == int(digits[8])


def _polish_vat(digits: str) -> bool:
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    return sum(int(char) * weight for char, weight in zip(digits[:9], weights, strict=True)) % 11 == int(digits[9])


def _australian_abn(digits: str) -> bool:
    if int(digits[:2]) < 11:  # the check digits run from 11 to 99
        return False
    weights = (10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19)
    values = [int(digits[0]) - 1, *(int(char) for char in digits[1:])]
    return sum(value * weight for value, weight in zip(values, weights, strict=True)) % 89 == 0


def _swiss_uid(digits: str) -> bool:
    weights = (5, 4, 3, 2, 7, 6, 5, 4)
    check = 11 - sum(int(char) * weight for char, weight in zip(digits[:8], weights, strict=True)) % 11
    return check != 10 and (check % 11) == int(digits[8])


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _chinese_uscc(code: str) -> bool:
    total = sum(_USCC_ALPHABET.index(char) * weight for char, weight in zip(code[:17], _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31] == code[17]


def _canadian_bn(number: str) -> bool:
    return _luhn(number[:9])


@dataclass(frozen=True)
class TaxScheme:
    """One kind of number: its name (the identifier's prefix), its compact shape (spaces, dots and dashes
    removed, upper case), its check, and whether it needs a label beside it to be taken."""

    name: str
    shape: re.Pattern[str]
    check: Callable[[str], bool] | None
    labelled_only: bool


def _scheme(name: str, shape: str, check: Callable[[str], bool] | None = None, *, labelled: bool = False) -> TaxScheme:
    return TaxScheme(name, re.compile(shape), check, labelled)


# The `body` group is what the check reads. Schemes without a check digit are taken only beside a label.
SCHEMES: tuple[TaxScheme, ...] = (
    _scheme("DE", r"^DE(?P<body>\d{9})$", _german_vat),
    _scheme("AT", r"^ATU(?P<body>\d{8})$", _austrian_vat),
    _scheme("FR", r"^FR(?P<body>[0-9A-HJ-NP-Z]{2}\d{9})$", _french_vat),
    _scheme("GB", r"^(?:GB|XI)(?P<body>\d{9}(?:\d{3})?)$", _british_vat),
    _scheme("NL", r"^NL(?P<body>\d{9}B\d{2})$", _dutch_vat),
    _scheme("BE", r"^BE(?P<body>[01]\d{9})$", _belgian_vat),
    _scheme("IT", r"^IT(?P<body>\d{11})$", _italian_vat),
    _scheme("PT", r"^PT(?P<body>\d{9})$", _portuguese_vat),
    _scheme("PL", r"^PL(?P<body>\d{10})$", _polish_vat),
    _scheme("ES", r"^ES(?P<body>[A-Z0-9]\d{7}[A-Z0-9])$", labelled=True),
    _scheme("LU", r"^LU(?P<body>\d{8})$", labelled=True),
    _scheme("DK", r"^DK(?P<body>\d{8})$", labelled=True),
    _scheme("SE", r"^SE(?P<body>\d{10}01)$", labelled=True),
    _scheme("FI", r"^FI(?P<body>\d{8})$", labelled=True),
    _scheme("IE", r"^IE(?P<body>\d[A-Z0-9+*]\d{5}[A-Z]{1,2})$", labelled=True),
    _scheme("CZ", r"^CZ(?P<body>\d{8,10})$", labelled=True),
    _scheme("CH", r"^CHE(?P<body>\d{9})(?:MWST|TVA|IVA)?$", _swiss_uid),
    # A national number printed without its country prefix: taken only beside a tax label.
    _scheme("ES-NIF", r"^(?P<body>[A-HJ-NP-SUVW]\d{7}[0-9A-J])$", labelled=True),
    _scheme("IT-PIVA", r"^(?P<body>\d{11})$", _italian_vat, labelled=True),
    _scheme("DE-STNR", r"^(?P<body>\d{2,3}/\d{3,4}/\d{4,5})$", labelled=True),
    _scheme("MY-SST", r"^(?P<body>[A-Z]\d{2}-?\d{4}-?\d{8})$", labelled=True),
    _scheme("MY-GST", r"^(?P<body>\d{12})$", labelled=True),
    _scheme("CA-BN", r"^(?P<body>\d{9}RT\d{4})$", _canadian_bn),
    _scheme("CN-USCC", r"^(?P<body>[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10})$", _chinese_uscc),
    _scheme("AU-ABN", r"^(?P<body>\d{11})$", _australian_abn, labelled=True),
    _scheme("US-EIN", r"^(?P<body>\d{2}-\d{7})$", labelled=True),
)

# Where a number that needs no label can start: a country prefix of a scheme above, a Canadian business number
# (nine digits, then RT), a Chinese credit code (18 characters). Words that start no such number are tried
# only beside a tax label, which keeps a page of figures cheap to read.
UNLABELLED_START = re.compile(
    r"^(?:(?:DE|ATU|FR|GB|XI|NL|BE|IT|PT|PL|CHE)[\d\-.]|(?:DE|ATU|FR|GB|XI|NL|BE|IT|PT|PL|CHE)$|"
    r"\d{9}(?:RT\d{4})?$|[0-9A-Z]{18}$)",
    re.IGNORECASE,
)

# A line that holds such a start somewhere (searched before the line's words are looked at one by one).
UNLABELLED_ON_LINE = re.compile(
    r"\b(?:DE|ATU|FR|GB|XI|NL|BE|IT|PT|PL|CHE)[\s.\-]?\d|\b\d{9}\s?RT|\b[0-9A-Z]{18}\b", re.IGNORECASE
)

# What may be printed inside a number and is not part of it.
_SEPARATORS = re.compile(r"[\s.]")


def compact(text: str) -> str:
    """The number as schemes match it: upper case, without spaces and dots (dashes and slashes stay: the
    Steuernummer and the EIN are told apart by them)."""
    return _SEPARATORS.sub("", text).upper()


# A number of any scheme, compacted, is this long.
_SHORTEST, _LONGEST = 8, 22


def tax_numbers(text: str) -> list[tuple[str, bool]]:
    """(`<scheme>:<number>`, whether it needs a label) for each scheme of which the printed `text` is a valid
    number, schemes that need no label first."""
    number = compact(text)
    if not _SHORTEST <= len(number) <= _LONGEST + 2 or sum(char.isdigit() for char in number) < 6:
        return []
    found: list[tuple[str, bool]] = []
    for variant in dict.fromkeys((number, number.replace("-", ""))):
        for scheme in SCHEMES:
            match = scheme.shape.match(variant)
            if match is not None and (scheme.check is None or scheme.check(match.group("body"))):
                found.append((f"{scheme.name}:{variant}", scheme.labelled_only))
    return sorted(found, key=lambda item: item[1])


def tax_number(text: str, *, labelled: bool) -> str | None:
    """`<scheme>:<number>` for a printed number that is a valid number of some scheme (only schemes that need
    no label unless `labelled`), else None."""
    return next((number for number, needs_label in tax_numbers(text) if labelled or not needs_label), None)
