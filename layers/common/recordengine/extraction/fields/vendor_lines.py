"""What a line near a seller's name is when it is not the name: the document's heading, a greeting, an
advert, a street address, the customer's block. The words are in vendor_words; these are the shapes."""

from __future__ import annotations

import re

from .vendor_words import (
    ADVERT_WORDS,
    CUSTOMER_LABELS,
    DEPARTMENTS,
    GERMAN_STREET_ENDINGS,
    GREETINGS,
    HEADINGS,
    NAME_CONNECTORS,
    STREET_WORDS,
)

_HEADING = re.compile(rf"^\W*{HEADINGS}\b", re.IGNORECASE)
# What may follow a heading on its line: its number ("Nr. 2024-17", "N° FA-10"), a date, a bracketed note.
_AFTER_HEADING = re.compile(r"\([^)]*\)|\b(?:n[°ºo]|nr|no|num)\b\.?|[#:\-/.,]|\S*\d\S*", re.IGNORECASE)
_DEPARTMENT = re.compile(rf"^[\W\d_]*{DEPARTMENTS}[\W\d_]*$", re.IGNORECASE)
_GREETING = re.compile(rf"^\W*{GREETINGS}\b", re.IGNORECASE)
# Two advert words, or one in a line that asks or exclaims: one alone ("Members Club", "App Store") can be
# part of a name.
_ADVERT_WORD = re.compile(rf"\b{ADVERT_WORDS}\b", re.IGNORECASE)
_ASKS_OR_EXCLAIMS = re.compile(r"[?!]")
_CONTINUES = re.compile(r"^\W*(?:and|&|und|et|y|e|ou|or|oder|o)\b|^\W*[a-zß-ÿ]")
_HOUSE_NUMBER = r"\d{1,4}\s*[a-z]?(?:\s*[\-/]\s*\d{1,4}\s*[a-z]?)?"
# OCR reads a compound street's hyphen as "=" or "~" too ("MUSTER-KLEIN=STR, 1").
_STREET = re.compile(
    rf"(?:^|\s|,){STREET_WORDS}(?=\s|$)|\b[\w\-]+[=~]?{GERMAN_STREET_ENDINGS}(?=[\s.,]|$)\.?\s*,?\s*{_HOUSE_NUMBER}\b",
    re.IGNORECASE,
)
# A street line without a street word: a name and a house number, over a line of postcode and town.
_NAME_AND_NUMBER = re.compile(rf"^\W*[^\W\d][\w.\-' ]*\s{_HOUSE_NUMBER}\W*$", re.IGNORECASE)
_POSTCODE_AND_TOWN = re.compile(
    r"^\W*(?:[A-Z]{1,2}[\-\s]?)?\d{4,5}(?:[\-\s]\d{3})?\s+[^\W\d]{2,}|^\W*\d{2}-\d{3}\s+[^\W\d]{2,}", re.IGNORECASE
)
# A price, a quantity or a weight: an item's line ("0,360 kg x 1,99 EUR/kg", "Rumpsteak  8,80 A"), never a
# name.
_PRICE_OR_QUANTITY = re.compile(
    r"\d[.,]\d{2}\b|\b\d+(?:[.,]\s?\d+)?\s*(?:kg|g|l|ml|stk|pcs)\b|\b\d+\s*x\s*\d|\b(?:EUR|USD)?\s*/\s*kg\b",
    re.IGNORECASE,
)
CUSTOMER_LABEL = re.compile(rf"\b{CUSTOMER_LABELS}\b|^\s*(?:to|an|à)\s*:?\s*$", re.IGNORECASE)


def is_heading(text: str) -> bool:
    """ "RECHNUNG", "Factura simplificada", "FATURA-RECIBO Nº FT 18A/21509", "TAX INVOICE (GST)"; not "Bon
    Appetit Bistro" or "Original Penang Kopitiam", which only begin with a heading's word."""
    found = _HEADING.match(text)
    if found is None:
        return False
    rest = _AFTER_HEADING.sub(" ", text[found.end() :])
    return not re.search(r"[^\W\d_]{4,}", rest) or bool(_HEADING.match(rest))


def is_department(text: str) -> bool:
    """A department's heading over its items on a till slip ("GROCERY", "** Obst & Gemüse **")."""
    return _DEPARTMENT.match(text) is not None


def is_greeting(text: str) -> bool:
    return _GREETING.match(text) is not None


def is_advert(text: str) -> bool:
    words = _ADVERT_WORD.findall(text)
    return len(words) >= 2 or (len(words) == 1 and _ASKS_OR_EXCLAIMS.search(text) is not None)


def continues_advert(text: str) -> bool:
    """Whether a line under an unfinished advert goes on with it ("AND GET EXCLUSIVE OFFERS", "DELIVERY")."""
    return _ADVERT_WORD.search(text) is not None or _CONTINUES.match(text) is not None


def is_street(text: str, next_line: str = "") -> bool:
    """A street and house number: by its street word, or by the postcode and town printed under it."""
    # Shops are named after places too ("The Coffee Place", "Via Veneto"): a street has a number.
    if _STREET.search(text) and re.search(r"\d", text):
        return True
    return bool(next_line) and _NAME_AND_NUMBER.match(text) is not None and is_postcode_and_town(next_line)


def is_postcode_and_town(text: str) -> bool:
    return _POSTCODE_AND_TOWN.match(text) is not None


def is_item(text: str) -> bool:
    return _PRICE_OR_QUANTITY.search(text) is not None


# What may stand between a name's words without being a fragment of one: "&", "+", "-", a number.
_NEUTRAL_TOKEN = re.compile(r"^(?:[&+\-–/]|\d+[\d.,\-/]*)$")
# Initials with dots or an ampersand between them: "A.B.C.", "K&K", "P&Q".
_INITIALS = re.compile(r"^(?:[^\W\d_][.&]){1,5}[^\W\d_]\.?$|^(?:[^\W\d_]\.){2,6}$")
# A word has three letters in a row ("7-Eleven", "GmbH&Co."); "a]" or "C8f" do not.
_LETTER_RUN = re.compile(r"[^\W\d_]{3,}")
# An initial or a title's abbreviation: "J.", "Dr.", "ST."
_ABBREVIATION = re.compile(r"^[^\W\d_]{1,2}\.$")
_PUNCTUATION_AROUND_A_WORD = "()[]{}.,;:'\"‘’“”"


def reads_as_noise(text: str) -> bool:
    """Whether OCR's reading of a line is a logo, a smudge or the paper's grain rather than printed words
    ("ah So", "Sate WU Ge", "a = FEA a]"): no word of three letters, more fragments (a letter or two; a stray
    symbol counts twice) than words, or fewer letters in words than other marks. Connectors ("de", "&") and numbers are
    neither."""
    words = fragments = word_letters = 0
    marks = sum(not char.isspace() for char in text)
    for token in text.split():
        core = token.strip(_PUNCTUATION_AROUND_A_WORD)
        if _NEUTRAL_TOKEN.match(token) or core.lower() in NAME_CONNECTORS:
            continue
        letters = sum(char.isalpha() for char in core)
        if (_LETTER_RUN.search(core) and 2 * letters >= len(core)) or (core and _INITIALS.match(core)):
            words += 1
            word_letters += letters
        elif _ABBREVIATION.match(token):
            continue
        else:
            # A stray symbol ("=", ">", "©") is surer noise than a letter or two.
            fragments += 1 if any(char.isalnum() for char in core) else 2
    return words == 0 or fragments > words or word_letters < marks / 2
