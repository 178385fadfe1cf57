"""Subtotal, tax and total: found by their labels, then cross-checked so that the three add up."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from recordengine.extraction.labels import Candidate, Reader, labels
from recordengine.extraction.layout import Hit, Layout

from .amount_sums import credit_note_taxes, net_totals, summed_rows, tax_between
from .amount_table import read_totals_tables
from .receipts import TILL_SUBTOTAL_LABELS, TILL_TAX_LABELS, TILL_TOTAL_LABELS, Ledger, read_ledger
from .reconcile import TOLERANCE, Amounts, reconcile

_TOTAL_LABELS = [
    *TILL_TOTAL_LABELS,
    *labels(
        1,
        r"\bgrand\s*total\b",
        r"\binvoice\s+total\b",
        # "Total amount of lines" sums the items; "Total amount without VAT" is the net amount.
        r"\btotal\s+(?:amount|invoice|payable|to\s+pay|for\s+this\s+invoice)\b"
        r"(?!\s+(?:of\s+(?:the\s+)?(?:lines|items|positions)|without|w/o|excl|excluding|before|net)\b)",
        r"\btotal\s+gross(?:\s+amount)?\b",
        r"\bgross\s+(?:amount|total)\b",
        r"\btotal\s*\(?\s*(?:incl|inkl|including|with\s+(?:tax|vat))",
        r"\btotal\s+(?:\S{1,3}\s+)?incl(?!udes)",
        r"\bamount\s+(?:payable|to\s+pay)\b",
        r"\binvoice\s+amount\b",
        r"\btotal\s+t\.?t\.?c\b\.?",
        # Not across a column gap: "Montant" heads the tax table next to "Total HT".
        r"\bmontant\s{1,2}(?:total|t\.?t\.?c\b\.?)",
        r"\btotal\s+[àa]\s+payer\b",
        r"\bgesamtbetrag\b(?!\s+der\s+(?:zu|ab)schl)",
        r"\bgesamtsumme\b",
        r"\brechnungsbetrag\b",
        r"\bendbetrag\b",
        r"\bendsumme\b",
        r"\bbruttosumme\b",
        r"\bsumme\s+(?:brutto|inkl|gesamt)",
        r"\brechnungssumme\s+brutto\b",
        r"\bgesamt\s*brutto\b",
        r"\bbrutto\s*betrag\b",
        r"\btotaal(?:bedrag)?\b(?!\s+(?:excl|btw))",
        r"\bfactuur\s*totaal\b",
        r"\bimporte\s+total\b",
        r"\btotale\s+(?:fattura|documento)\b",
    ),
    *labels(
        2,
        r"(?<![\w\-])total(?!\s*(?:ht|h\.t|net|netto|excl|ex|tax|taxes|tva|vat|mwst|ust|gst|before|hors|sans|"
        r"qty|quantity|units?|items?|hours?|weight|discount)\b)(?![\w\-])",
        r"(?<![\w\-])summe(?!\s*(?:netto|positionen|der\s+pos))\b",
        r"(?<![\w\-])gesamt(?!\s*netto)\b",
    ),
    *labels(
        3,
        r"\bamount\s+due\b",
        r"\bbalance\s+due\b",
        r"\btotal\s+due\b",
        r"\bamount\s+paid\b",
        r"\bzahlbetrag\b",
        r"\bzu\s+zahlen\b",
        r"\bnet\s+[àa]\s+payer\b",
        r"\bsolde\s+[àa]\s+payer\b",
        r"\bte\s+betalen\b",
        r"\bdue\s+payable\b",
        r"\bpayable\b",
    ),
]
_SUBTOTAL_LABELS = [
    *labels(
        1,
        r"\bsub\s*-?\s*total\b",
        r"\bnet\s+total\b",
        r"\btotal\s+net\b",
        r"\bnet\s+amount\b",
        r"\btotal\s+(?:amount\s+)?(?:excl|excluding|before|ex\b|w/o|without)",
        r"\bamount\s+before\s+tax\b",
        r"\btotal\s+h\.?t\b\.?",
        r"\bmontant\s+h\.?t\b\.?",
        r"\btotal\s+hors\s+taxes?\b",
        r"\bzwischensumme\b",
        r"\bnettobetrag\b",
        r"\bnetto\s*summe\b",
        r"\bsumme\s+netto\b",
        r"\bgesamt\s*netto\b",
        r"\brechnungssumme\s+(?:netto|ohne)\b",
        r"\bwarenwert\b",
        r"\bsubtotaal\b",
        r"\btotaal\s+excl",
        r"\bexclusief\s+btw\b",
        r"\bgrondslag\b",
        r"\bexcl\.?\s+btw\b",
        r"\bbase\s+imponible\b",
        r"\bimponibile\b",
        r"\bvalor\s+l[íi]quido\b",
    ),
    *labels(2, r"\bpositionssumme\b", r"\bpositionen\s+netto\b", r"\bsumme\s+positionen\b", r"\bnetto\b"),
    *TILL_SUBTOTAL_LABELS,
]
_TAX_LABELS = [
    *labels(
        1,
        r"\btotal\s+(?:tax|taxes|vat|tva|gst|mwst|ust|(?:de\s+)?iva)\b",
        r"\b(?:tax|vat|gst|tva|btw|iva|mwst|ust)\.?\s*-?\s*(?:amount|total|bedrag|betrag)\b",
        r"\bmontant\s+(?:de\s+la\s+)?tva\b",
        r"\bsteuerbetrag\b",
        r"\bumsatzsteuer(?:betrag)?\b",
        r"\bsumme\s+(?:mwst|ust|umsatzsteuer|steuern?)\b",
        r"\btotaal\s+btw\b",
        r"\bsales\s+tax\b",
    ),
    *TILL_TAX_LABELS,
    *labels(2, r"(?<![\w\-])(?:tax|taxes|vat|gst|hst|pst|mwst|ust|tva|btw|iva)\b\.?", r"\b\w+steuer\b"),
]
# A tax word that names something else: an identifier, a rate, or part of another amount's label. A column
# heading "VAT excl." or "Preis exkl. MwSt." names prices without tax; "TVA : FR12345678901" a VAT identifier.
_NOT_TAX_AFTER = re.compile(
    r"^[\s.\-]*(?:id\b|-?id|nr\b|no\b|n°|number|num\b|reg|ident|nummer|rate|%|satz|clause|code|exempt|invoice|"
    r"point|period|#|registration|identifier|excl|exkl|exclusive|excluding|:?\s*[a-z]{2}\s?\d[\d ]{7,})",
    re.IGNORECASE,
)
_NOT_TAX_BEFORE = re.compile(
    r"(?:incl|inkl|including|inclusive|inklusive|inclusief|excl|exkl|exclusive|exklusive|exclusief|excluding|"
    r"ohne|ex|hors|sans|before|avant|without|w/o|sin|senza|sem|prijzen|prices|preise|n\s*[°º])"
    r"\.?\s*(?:of\s+)?(?:\(?\s*\d+(?:[.,]\d+)?\s*%\s*)?\(?\s*$",
    re.IGNORECASE,
)
# Words earlier in the cell that make it a net or gross amount's label ("Nettobetrag (zzgl. 19% MwSt.)").
_NOT_TAX_CELL = re.compile(r"netto|brutto|sub\s*-?\s*total|summe|total|totaal|gesamt", re.IGNORECASE)


def _amount_parser(reader: Reader, *, last: bool) -> Callable[[str], Decimal | None]:
    def parse(text: str) -> Decimal | None:
        found = reader.amounts(text)
        if not found:
            return None
        return found[-1].value if last else found[0].value

    return parse


# "Net total", "VAT total", "Line total": totals of something else.
_NOT_TOTAL_BEFORE = re.compile(
    r"(?:net|netto|sub|vat|tax|tva|btw|mwst|ust|gst|line|item|position|zwischen|discount|rabatt)[\s\-]*$",
    re.IGNORECASE,
)
# "Total sales (excluding GST)", "Total includes 6% GST": a subtotal or a tax, not the total.
_NOT_TOTAL_AFTER = re.compile(r"^[^\d:]{0,30}?\b(?:excl(?:\.|uding|usive)?|includes|before\s+tax)\b", re.IGNORECASE)


def _total_context(layout: Layout, hit: Hit) -> bool:
    after = layout.lines[hit.line][hit.end :]
    return not _NOT_TOTAL_BEFORE.search(layout.cell_prefix(hit)) and not _NOT_TOTAL_AFTER.search(after)


def _tax_context(layout: Layout, hit: Hit) -> bool:
    line = layout.lines[hit.line]
    before = layout.cell_prefix(hit)
    return not (
        _NOT_TAX_AFTER.search(line[hit.end : hit.end + 20])
        or _NOT_TAX_BEFORE.search(before)
        or _NOT_TAX_CELL.search(before)
    )


def extract_amounts(reader: Reader) -> Amounts:
    """The subtotal, tax and total, each found by its labels and then chosen so that they agree."""
    layout = reader.layout
    # Figures of a totals table are read by their column; its labels are not read again one by one.
    table = read_totals_tables(reader)

    def outside_table(hit: Hit) -> bool:
        return not table.covers(hit)

    totals = table.totals + reader.search(
        _TOTAL_LABELS,
        _amount_parser(reader, last=False),
        right=3,
        stop_on_text=False,
        accept=lambda hit: outside_table(hit) and _total_context(layout, hit),
    )
    subtotals = table.subtotals + reader.search(
        _SUBTOTAL_LABELS, _amount_parser(reader, last=False), right=3, stop_on_text=False, accept=outside_table
    )
    # Tax rows often print the base before the tax ("USt. 7%  275,00  19,25"): read the whole row and
    # take its last amount.
    taxes = table.taxes + reader.search(
        [label for label in _TAX_LABELS if label.tier == 1],
        _amount_parser(reader, last=True),
        row=True,
        accept=lambda hit: (
            outside_table(hit) and not _NOT_TAX_AFTER.search(layout.lines[hit.line][hit.end : hit.end + 20])
        ),
    )
    explicit_lines = {candidate.line for candidate in taxes}
    taxes += [
        candidate
        for candidate in reader.search(
            [label for label in _TAX_LABELS if label.tier > 1],
            _amount_parser(reader, last=True),
            row=True,
            accept=lambda hit: outside_table(hit) and _tax_context(layout, hit),
        )
        if candidate.line not in explicit_lines
    ]
    subtotals += net_totals(totals, taxes)
    taxes += credit_note_taxes(taxes, totals)
    return _sign_unsure(_added_up(reader, subtotals, taxes, totals, read_ledger(reader)))


def _added_up(
    reader: Reader,
    subtotals: list[Candidate[Decimal]],
    taxes: list[Candidate[Decimal]],
    totals: list[Candidate[Decimal]],
    ledger: Ledger,
) -> Amounts:
    """The labelled amounts that add up or that payments confirm; failing that, net or tax rows that add up
    to the total."""
    resolved = reconcile(subtotals, taxes, totals, ledger, _printed(reader), misreadable=reader.misreadable)
    if _consistent(resolved):
        return resolved
    summed = summed_rows(subtotals, taxes, resolved.total) or tax_between(reader, taxes)
    if summed is None or (resolved.total is not None and summed[2].value != resolved.total.value):
        return resolved
    return Amounts(*summed)


# A credit note prints its amounts negative, yet many books record it with positive amounts and the
# document type as the sign: a negative total is read as printed, for a person to confirm.
NEGATIVE_TOTAL_CONFIDENCE = 75


def _sign_unsure(amounts: Amounts) -> Amounts:
    if amounts.total is None or amounts.total.value >= 0:
        return amounts

    def capped(candidate: Candidate[Decimal] | None) -> Candidate[Decimal] | None:
        if candidate is None:
            return None
        return replace(candidate, confidence=min(candidate.confidence, NEGATIVE_TOTAL_CONFIDENCE))

    return Amounts(capped(amounts.subtotal), capped(amounts.tax), capped(amounts.total))


def _consistent(amounts: Amounts) -> bool:
    if amounts.subtotal is None or amounts.tax is None or amounts.total is None:
        return False
    return abs(amounts.subtotal.value + amounts.tax.value - amounts.total.value) <= TOLERANCE


def _printed(reader: Reader) -> dict[Decimal, set[int]]:
    """Every money amount on the page, with the lines it is printed on."""
    printed: dict[Decimal, set[int]] = {}
    for index, line in enumerate(reader.layout.lines):
        for amount in reader.amounts(line):
            printed.setdefault(amount.value, set()).add(index)
    return printed
