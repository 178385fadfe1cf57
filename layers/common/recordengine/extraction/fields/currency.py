"""The document's currency: a currency label, the total's line, or the currency the text mentions most."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from recordengine.extraction.amounts import SYMBOL_CODES, currencies_in
from recordengine.extraction.country import CURRENCY
from recordengine.extraction.labels import Candidate, Reader, labels

_CURRENCY_LABELS = [
    *labels(1, r"\b(?:rechnungsw[äa]hrung|invoice\s+currency|devise\s+de\s+facturation)\b"),
    *labels(
        2,
        r"\b(?:currency|w[äa]hrung(?!\s+der\s+umsatz)|devise|valuta|moneda|valuta)\b",
        r"\b(?:betr[äa]ge|amounts?|prices|preise|prix|bedragen)\s+(?:sind\s+)?in\b",
        r"\ball\s+(?:charges|amounts|prices)(?:\s+and\s+\w+)?\s+are\s+in\b",
    ),
]


def extract_currency(reader: Reader, total: Candidate[Decimal] | None) -> Candidate[str] | None:
    """The currency labelled as such, else the one on the total's line, else the one the text mentions
    most; a bare "$" is the dollar of the country the document comes from, and a document with no currency
    mark at all is in its country's currency."""

    def parse(text: str) -> str | None:
        found = currencies_in(text)
        return found[0] if found else None

    labelled = reader.search(_CURRENCY_LABELS, parse, below=1)
    if labelled:
        return labelled[0]
    layout = reader.layout
    dollar = _bare_dollar(reader)
    if total is not None:
        on_total_line = currencies_in(layout.lines[total.line])
        if on_total_line:
            code = on_total_line[0]
            if code == "USD" and dollar is not None:
                return Candidate(dollar, 80, total.line, 2, (total.line, 0))
            if code == "JPY" and _yuan(reader):
                return Candidate("CNY", 80, total.line, 2, (total.line, 0))
            return Candidate(code, 90, total.line, 1, (total.line, 0))
    counts = Counter(currencies_in(layout.searchable))
    if not counts:
        if reader.country in CURRENCY:
            return Candidate(CURRENCY[reader.country], _COUNTRY_ONLY_CONFIDENCE, 0, 3, (0, 0))
        return None
    code = counts.most_common(1)[0][0]
    confidence = 85 if len(counts) == 1 else 70
    if code == "USD" and dollar is not None:
        return Candidate(dollar, confidence - 5, 0, 2, (0, 0))
    if code == "JPY" and _yuan(reader):
        return Candidate("CNY", confidence - 5, 0, 2, (0, 0))
    if code == "USD" and _only_the_symbol(layout.text):
        # A bare "$" is also the Canadian, Australian, Mexican... dollar.
        confidence -= 10
    return Candidate(code, confidence, 0, 2, (0, 0))


# A currency inferred from the country alone, with no mark on the document.
_COUNTRY_ONLY_CONFIDENCE = 60
# Currencies written with a "$" of their own ("CA$", "S$", "R$"): in their countries a bare "$" is theirs.
_DOLLAR_SIGN_CURRENCIES = frozenset(code for symbol, code in SYMBOL_CODES.items() if symbol.endswith("$")) - {"USD"}
_DOLLAR_COUNTRIES = frozenset(country for country, code in CURRENCY.items() if code in _DOLLAR_SIGN_CURRENCIES)
# Chinese characters, and the kana only Japanese writes among them.
_HAN = re.compile(r"[\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")


def _yuan(reader: Reader) -> bool:
    """Whether a bare "¥" or "￥" is the yuan: the document is from China or written in Chinese (Chinese
    characters and no Japanese kana), and names neither the yen nor its code."""
    text = reader.layout.text
    if "JPY" in text or "円" in text or _KANA.search(text):
        return False
    return reader.country == "CN" or bool(_HAN.search(text))


def _only_the_symbol(text: str) -> bool:
    return "USD" not in text and "US$" not in text and "dollar" not in text.lower()


def _bare_dollar(reader: Reader) -> str | None:
    """The dollar a bare "$" means on this document, when its country has a dollar of its own."""
    if reader.country in _DOLLAR_COUNTRIES and _only_the_symbol(reader.layout.text):
        return CURRENCY[reader.country]
    return None
