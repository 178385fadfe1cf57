"""The document's currency: a currency label, the total's line, or the currency the text mentions most."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from recordengine.extraction.amounts import currencies_in
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
    def parse(text: str) -> str | None:
        found = currencies_in(text)
        return found[0] if found else None

    labelled = reader.search(_CURRENCY_LABELS, parse, below=1)
    if labelled:
        return labelled[0]
    layout = reader.layout
    if total is not None:
        on_total_line = currencies_in(layout.lines[total.line])
        if on_total_line:
            return Candidate(on_total_line[0], 90, total.line, 1, (total.line, 0))
    counts = Counter(currencies_in(layout.text))
    if not counts:
        return None
    code = counts.most_common(1)[0][0]
    confidence = 85 if len(counts) == 1 else 70
    if code == "USD" and "USD" not in layout.text and "dollar" not in layout.text.lower():
        # A bare "$" is also the Canadian, Australian, Mexican... dollar.
        confidence -= 10
    return Candidate(code, confidence, 0, 2, (0, 0))
