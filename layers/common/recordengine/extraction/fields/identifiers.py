"""The document number: "Invoice No.", "Rechnung Nr.", a title followed by an identifier, a bare "#"."""

from __future__ import annotations

import re

from recordengine.extraction.labels import Candidate, Reader, labels
from recordengine.extraction.layout import Hit, Layout

from .doc_type import TITLE_WORD
from .receipts import TILL_NUMBER_LABELS

_NUMBER_LABELS = (
    labels(
        1,
        r"\binvoice\s*(?:number|num\b\.?|no\b\.?|nr\b\.?|#|id\b)",
        r"\b(?:number|no\.?)\s+of\s+(?:the\s+)?invoice\b",
        r"\brechnungs\s*-?\s*(?:nummer|nr\b\.?|no\b\.?)",
        r"\brechnung\s*(?:#|nr\b\.?|no\b\.?|nummer)",
        r"\bbeleg\s*-?\s*(?:nummer|nr\b\.?)",
        r"\bfacture\s*(?:n\s*[°º]|no\b\.?|num[ée]ro|#)",
        r"\bnum[ée]ro\s+de\s+(?:la\s+)?facture\b",
        r"\bn\s*[°º]\s*(?:de\s+)?facture\b(?!\s+associ)",
        r"\bfactuur\s*-?\s*(?:nummer|nr\b\.?|no\b\.?)",
        r"\bbill\s*(?:number|no\b\.?|#)",
        r"\breceipt\s*(?:number|no\b\.?|#)",
        r"\bcredit\s*note\s*(?:number|no\b\.?|#)",
        r"\bgutschrift\w*\s*-?\s*(?:nummer|nr\b\.?)",
        r"\bavoir\s*n\s*[°º]",
        r"\bdocument\s*(?:number|no\b\.?)",
        r"\bdokumentnummer\b",
        r"\bn[uú]mero\s+de\s+factura\b",
        r"\bnumero\s+fattura\b",
    )
    + TILL_NUMBER_LABELS
)
_NUMBER_TITLE_LABELS = labels(
    2,
    rf"\b{TITLE_WORD}(?:\s+\(\d+\))?\s*(?:n\s*[°º]|no\b\.?|nr\b\.?|num\b\.?|#)?(?=\s*[:#]?\s*\S*\d)",
)
_NUMBER_WEAK_LABELS = labels(3, r"(?<!\w)#(?=\s*\w*\d)", r"(?<![\w.])(?:nr|no|n\s*[°º])\.?(?=\s*:?\s*[A-Z]*\d)")
_NUMBER_HEADING_LABELS = labels(3, rf"(?<!\S){TITLE_WORD}(?:\s*(?:nr|no|#)\.?)?(?=\s{{3}}|\s*$)")
_ID_TOKEN = re.compile(r"[A-Za-z0-9][\w\-/.]*[A-Za-z0-9]|\d")
_ID_PREFIX = re.compile(r"^(?:(?:no|nr|n\s*[°º]|number|num[ée]ro|nummer)\b\.?\s*[:#]?\s*)", re.IGNORECASE)
_DECIMAL_ONLY = re.compile(r"^-?\d{1,3}(?:[.,]\d{3})*[.,]\d{2}$")


def parse_identifier(reader: Reader, text: str) -> str | None:
    text = _ID_PREFIX.sub("", text.strip(" :;#.-—–")).strip(" :;#")
    tokens = text.split()
    if not tokens:
        return None
    match = _ID_TOKEN.match(tokens[0])
    if not match or match.end() != len(tokens[0].rstrip(".,;:)")):
        return None
    token = match.group(0)
    if (
        not any(char.isdigit() for char in token)
        or len(token) > 40
        or (token.isdigit() and len(token) < 3)
        or _DECIMAL_ONLY.match(token)
        or reader.dates(token)
    ):
        return None
    # Some billing systems print the number as two groups ("76253815 0004"); keep them together.
    if (
        len(tokens) > 1
        and len(token) >= 6
        and tokens[1].isdigit()
        and len(tokens[1]) <= 6
        and text.startswith(f"{tokens[0]} {tokens[1]}")
    ):
        token = f"{token} {tokens[1]}"
    return token


def extract_invoice_number(reader: Reader) -> Candidate[str] | None:
    def parse(text: str) -> str | None:
        return parse_identifier(reader, text)

    found = reader.search(_NUMBER_LABELS, parse, below=2)
    if found:
        return found[0]
    # Next, an identifier after the document's title ("Invoice 103767", "Rechnung Nr. 471102") or after a
    # bare "Nr."/"#" near it: whichever comes first, as titles come first.
    title = re.compile(TITLE_WORD, re.IGNORECASE)
    found = reader.search(_NUMBER_TITLE_LABELS, parse, below=1) + reader.search(
        _NUMBER_WEAK_LABELS, parse, right=1, below=1, accept=lambda hit: _near_title(reader.layout, hit, title)
    )
    if found:
        return min(found, key=lambda candidate: candidate.order)
    # Last, a heading cell that is just the title word, with the number under it ("Factuur" / "VF100519").
    found = reader.search(
        _NUMBER_HEADING_LABELS, parse, right=0, below=1, accept=lambda hit: reader.layout.starts_cell(hit)
    )
    return found[0] if found else None


def _near_title(layout: Layout, hit: Hit, title: re.Pattern[str]) -> bool:
    return any(title.search(layout.lines[index]) for index in range(max(0, hit.line - 2), hit.line + 1))
