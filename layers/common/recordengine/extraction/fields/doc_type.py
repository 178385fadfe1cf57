"""The kind of document (invoice, receipt, credit note...), from its title."""

from __future__ import annotations

import re

from recordengine.extraction.labels import Reader
from recordengine.extraction.layout import Layout

from .receipts import looks_like_receipt

_DOC_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        (
            "Credit Note",
            r"\bcredit\s*(?:note|memo)\b|gutschrift|rechnungskorrektur|stornorechnung|"
            r"^\s*avoir\b|\bnote\s+de\s+cr[ée]dit|\bcreditnota|\bcreditfactuur|\bnota\s+de\s+cr[ée]dito|"
            r"\bnota\s+di\s+credito\b|\bfaktura\s+koryguj[aą]ca\b|\bfactur[aă]\s+storno\b",
        ),
        (
            "Purchase Order",
            r"\bpurchase\s+order\b|^\s*bestellung\b|\bbon\s+de\s+commande\b|\binkooporder\b|\border\s*-?x\b",
        ),
        ("Quote", r"\bquot(?:e|ation)\b|\bangebot\b|\bkostenvoranschlag\b|\bdevis\b|\bofferte\b|\bpresupuesto\b"),
        (
            "Statement",
            r"\bstatement\s+of\s+account\b|\baccount\s+statement\b|\bkontoauszug\b|\brelev[ée]\s+de\s+compte\b",
        ),
        (
            "Receipt",
            r"(?<!on )(?<!upon )(?<!of )\breceipt\b(?!\s+of\b)|\bquittung\b|\bkassenbon\b|\bkassenbeleg\b|"
            r"\bre[çc]u\b|\bkwitantie\b|\brecibo\b|\bricevuta\b|\bscontrino\b|\bparagon\s+fiskalny\b|"
            r"\bbon\s+fiscal\b",
        ),
        (
            "Invoice",
            r"\binvoice\b|rechnung|\bfacture\b|\bfactuur\b|\bfactura\b|\bfattura\b|\btax\s+invoice\b|\bfatura\b|"
            r"\bfaktura\b|\bfactur[aă]\b|\bnota\s+fiscal\b|发票",
        ),
    )
)
# The words a document is titled with (an identifier often follows: "Invoice 58213", "Facture FA-2031-0042").
TITLE_WORD = (
    r"(?:tax\s+invoice|invoice|\w*rechnung|gutschrift|facture|avoir|factuur|credit\s*note|receipt|factura|factură|"
    r"fattura|fatura|faktura|nota\s+fiscal)"
)
_TITLE_LINES = 15
_TITLE_WORDS = 6


def detect_doc_type(layout: Layout, reader: Reader | None = None) -> str:
    """The kind of document, from its title; a till receipt is a receipt whatever its title says (many are
    headed "Tax invoice", which the law of their country asks for)."""
    titled = _titled_type(layout)
    if titled in ("Invoice", "Other") and looks_like_receipt(reader or Reader(layout), untitled=titled == "Other"):
        return "Receipt"
    return titled


def _titled_type(layout: Layout) -> str:
    """The first keyword in a short cell near the top, else in a short cell anywhere, else anywhere at all
    ("payable on receipt" in a sentence is no title)."""
    non_blank = [index for index, segments in enumerate(layout.segments) if segments]
    passes = ((non_blank[:_TITLE_LINES], True), (non_blank, True), (non_blank, False))
    for window, short_cells_only in passes:
        best: tuple[int, int, str] | None = None
        for rank, (name, pattern) in enumerate(_DOC_TYPES):
            for index in window:
                cells = layout.segments[index]
                texts = [cell.text for cell in cells if len(cell.text.split()) <= _TITLE_WORDS]
                if not short_cells_only:
                    texts = [layout.lines[index]]
                if any(pattern.search(text) for text in texts):
                    key = (index, rank, name)
                    if best is None or key < best:
                        best = key
                    break
        if best is not None:
            return best[2]
    return "Other"
