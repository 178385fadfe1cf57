"""The document number: "Invoice No.", "Rechnung Nr.", a title followed by an identifier, a bare "#"."""

from __future__ import annotations

import re

from recordengine.extraction.labels import Candidate, Reader, labels
from recordengine.extraction.layout import Hit, Layout

from .doc_type import TITLE_WORD
from .receipts import TILL_NUMBER_LABELS

# The labels of the document's number, per language, most explicit first.
_NUMBER_LABEL_TABLE: dict[str, tuple[str, ...]] = {
    "en": (
        r"\binvoice\s*(?:number|num\b\.?|no\b\.?|nr\b\.?|#|id\b)",
        r"\b(?:number|no\.?)\s+of\s+(?:the\s+)?invoice\b",
        r"\bbill\s*(?:number|no\b\.?|#)",
        r"\breceipt\s*(?:number|no\b\.?|#)",
        r"\bcredit\s*note\s*(?:number|no\b\.?|#)",
        r"\bdocument\s*(?:number|no\b\.?)",
    ),
    "de": (
        r"\brechnungs\s*-?\s*(?:nummer|nr\b\.?|no\b\.?)",
        r"\brechnung\s*(?:#|nr\b\.?|no\b\.?|nummer)",
        r"\bbeleg\s*-?\s*(?:nummer|nr\b\.?)",
        r"\bbon\s*-?\s*(?:nummer|nr\b\.?)",
        r"\bgutschrift\w*\s*-?\s*(?:nummer|nr\b\.?)",
        r"\bdokumentnummer\b",
    ),
    "fr": (
        r"\bfacture\s*(?:n\s*[°º]|no\b\.?|num[ée]ro|#)",
        r"\bnum[ée]ro\s+de\s+(?:la\s+)?facture\b",
        r"\bn\s*[°º]\s*(?:de\s+)?facture\b(?!\s+associ)",
        r"\bavoir\s*n\s*[°º]",
    ),
    "nl": (r"\bfactuur\s*-?\s*(?:nummer|nr\b\.?|no\b\.?)",),
    "es": (
        r"\bn[uú]mero\s+de\s+(?:la\s+)?factura\b",
        r"\bfactura\s*(?:n\.?\s*[°º]|n[uú]m\b\.?|n[uú]mero|nro\b\.?|no\b\.?)",
        r"\b(?:n\.?\s*[°º]|n[uú]m\.?|nro\.?)\s*(?:de\s+)?factura\b",
    ),
    "it": (
        r"\bnumero\s+(?:della\s+)?fattura\b",
        r"\bfattura\s*(?:n\b\.?|nr\b\.?|n\.?\s*[°º]|numero)",
        r"\b(?:n\.|nr\.?)\s*fattura\b",
        r"\bnumero\s+documento\b",
    ),
    "pt": (
        r"\bn[uú]mero\s+da\s+fatura\b",
        r"\bfatura(?:\s*-\s*recibo)?\s*(?:n\.?\s*[°º]|n[uú]mero|no\b\.?|nr\b\.?)",
        r"\bn\.?\s*[°º]\s*(?:da\s+)?fatura\b",
        r"\bnota\s+fiscal\s*(?:n\.?\s*[°º]|n[uú]mero|no\b\.?)?",
    ),
    "pl": (
        r"\bfaktura\s+(?:vat\s+)?(?:nr\b\.?|numer)",
        r"\b(?:numer|nr\.?)\s+faktury\b",
    ),
    "ro": (
        r"\bfactur[aă]\s+(?:fiscal[aă]\s+)?(?:nr\b\.?|num[aă]r)",
        r"\b(?:nr\.?|num[aă]r)\s+factur[aă]\b",
    ),
    "zh": (r"发票号码",),
}
_NUMBER_LABELS = labels(1, *(label for table in _NUMBER_LABEL_TABLE.values() for label in table)) + TILL_NUMBER_LABELS
# What may stand between the title and the number: "Faktura VAT nr", "Factura simplificada Nº", "Rechnung Nr.".
_TITLE_QUALIFIER = r"(?:\s+(?:vat|fiscal[aă]?|simplificada|pro\s*-?\s*forma))?"
_NUMBER_SIGN = r"(?:n\.?\s*[°º]\.?|№|no\b\.?|nr\b\.?|nro\b\.?|n\.(?=\s*\d)|n[uú]m\b\.?|n[uú]mero|numer|nummer|#)"
_NUMBER_TITLE_LABELS = labels(
    2,
    rf"\b{TITLE_WORD}{_TITLE_QUALIFIER}(?:\s+\(\d+\))?\s*{_NUMBER_SIGN}?(?=\s*[:#]?\s*\S*\d)",
)
_NUMBER_WEAK_LABELS = labels(
    3,
    r"(?<!\w)#(?=\s*\w*\d)",
    r"(?<![\w.])(?:nr|no|nro|n\.?\s*[°º]|n[uú]m|n[uú]mero)\.?(?=\s*:?\s*[A-Z]*\d)",
    r"№(?=\s*\d)",
)
_NUMBER_HEADING_LABELS = labels(3, rf"(?<!\S){TITLE_WORD}(?:\s*(?:nr|no|#)\.?)?(?=\s{{3}}|\s*$)")
# A bare "Nr."/"Nº" belongs to the word right before it: "Kunden-Nr.", "Steuer Nr.", "Kd. Nº" number
# something else than the document.
_OWNER_WORD = re.compile(r"[^\W\d_]{2,}\.?\s*-?\s*$")
_ID_TOKEN = re.compile(r"[A-Za-z0-9][\w\-/.]*[A-Za-z0-9]|\d")
_ID_PREFIX = re.compile(
    r"^(?:(?:(?:no|nr|nro|number|num[ée]ro|n[uú]m(?:ero)?|nummer|numer)\b|n\.?\s*[°º]|№)\.?\s*[:#]?\s*)",
    re.IGNORECASE,
)
_SERIES = re.compile(r"^[A-Z]{1,4}$")
# Abbreviations that name another identifier, never a number's series: tax and company registration
# numbers, bank codes, post boxes, phones ("NIF 12345678Z", "PO 1234").
_OTHER_IDENTIFIER = re.compile(
    r"^(?:NIF|CIF|NIE|NIP|VAT|TVA|IVA|UID|BTW|KVK|HRB|HRA|IBAN|BIC|RCS|APE|NAF|ABN|GST|TIN|EIN|CUI|CNPJ|CPF|REGON|"
    r"KRS|PO|BP|CP|APDO|TEL|FAX)$"
)
_SERIES_NUMBER = re.compile(r"^\d[\w\-/.]{2,}$")
_DECIMAL_ONLY = re.compile(r"^-?\d{1,3}(?:[.,]\d{3})*[.,]\d{2}$")


def parse_identifier(reader: Reader, text: str) -> str | None:
    text = _ID_PREFIX.sub("", text.strip(" :;#.-—–")).strip(" :;#")
    tokens = text.split()
    if not tokens:
        return None
    # A series before the number: "FT 2026/147", "A 0147" (Portuguese and Spanish invoices).
    number = tokens[1].rstrip(".,;:)") if len(tokens) > 1 else ""
    if (
        _SERIES.match(tokens[0])
        and not _OTHER_IDENTIFIER.match(tokens[0])
        and _SERIES_NUMBER.match(number)
        and not _DECIMAL_ONLY.match(number)
    ):
        return None if reader.dates(number) else f"{tokens[0]} {number}"
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

    layout = reader.layout
    found = reader.search(_NUMBER_LABELS, parse, below=2, accept=lambda hit: not _in_sentence(layout, hit))
    if found:
        return found[0]
    # Next, an identifier after the document's title ("Invoice 58213", "Rechnung Nr. 90817") or after a
    # bare "Nr."/"#" near it: whichever comes first, as titles come first.
    title = re.compile(TITLE_WORD, re.IGNORECASE)
    found = reader.search(_NUMBER_TITLE_LABELS, parse, below=1) + reader.search(
        _NUMBER_WEAK_LABELS, parse, right=1, below=1, accept=lambda hit: _bare_sign_of_title(reader.layout, hit, title)
    )
    if found:
        return min(found, key=lambda candidate: candidate.order)
    # Last, a heading cell that is just the title word, with the number under it ("Factuur" / "VF100519").
    found = reader.search(
        _NUMBER_HEADING_LABELS, parse, right=0, below=1, accept=lambda hit: reader.layout.starts_cell(hit)
    )
    if found:
        return found[0]
    # A label in a sentence ("please quote order 4711 and document number 2018-11 when writing") is as
    # likely to name another document's number; a bare "Nº 2026/147" opening a cell on the first page, far
    # from the title, is most often the document's own: each only when nothing else names one.
    found = reader.search(_NUMBER_LABELS, parse, below=0, accept=lambda hit: _in_sentence(layout, hit))
    if not found:
        found = reader.search(
            _NUMBER_WEAK_LABELS,
            parse,
            right=1,
            below=0,
            accept=lambda hit: layout.page_of_line[hit.line] == 0 and layout.starts_cell(hit),
        )
    return found[0] if found else None


# Words before a label in its own cell that make it part of a sentence.
_SENTENCE_WORDS = 3


def _in_sentence(layout: Layout, hit: Hit) -> bool:
    return len(layout.cell_prefix(hit).split()) >= _SENTENCE_WORDS


def _bare_sign_of_title(layout: Layout, hit: Hit, title: re.Pattern[str]) -> bool:
    """A bare "Nr."/"#" that numbers the document: printed on the title's line or on one of the two printed
    lines under it, and not glued to a word of its own ("Kunden-Nr.")."""
    if _OWNER_WORD.search(layout.cell_prefix(hit)) and not title.search(layout.cell_prefix(hit)):
        return False
    above = [index for index in range(hit.line - 1, -1, -1) if layout.segments[index]][:2]
    return any(title.search(layout.lines[index]) for index in (hit.line, *above))
