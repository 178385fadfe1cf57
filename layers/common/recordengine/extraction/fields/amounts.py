"""Subtotal, tax and total: found by their labels, then cross-checked so that the three add up."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from recordengine.extraction.labels import Candidate, Reader, labels
from recordengine.extraction.layout import Hit, Layout

from .amount_sums import credit_note_taxes, net_totals, summed_rows, tax_between
from .amount_table import read_totals_tables

_TOTAL_LABELS = [
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
        r"\btotal\s+(?:\S{1,3}\s+)?incl",
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


@dataclass(frozen=True)
class Amounts:
    subtotal: Candidate[Decimal] | None
    tax: Candidate[Decimal] | None
    total: Candidate[Decimal] | None


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


def _tax_context(layout: Layout, hit: Hit) -> bool:
    line = layout.lines[hit.line]
    before = layout.cell_prefix(hit)
    return not (
        _NOT_TAX_AFTER.search(line[hit.end : hit.end + 20])
        or _NOT_TAX_BEFORE.search(before)
        or _NOT_TAX_CELL.search(before)
    )


def extract_amounts(reader: Reader) -> Amounts:
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
        accept=lambda hit: outside_table(hit) and not _NOT_TOTAL_BEFORE.search(layout.cell_prefix(hit)),
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
    return _sign_unsure(_added_up(reader, subtotals, taxes, totals))


def _added_up(
    reader: Reader,
    subtotals: list[Candidate[Decimal]],
    taxes: list[Candidate[Decimal]],
    totals: list[Candidate[Decimal]],
) -> Amounts:
    """The labelled amounts that add up; failing that, net or tax rows that add up to the total."""
    resolved = _resolve(subtotals, taxes, totals)
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
        confidence = min(candidate.confidence, NEGATIVE_TOTAL_CONFIDENCE)
        return Candidate(candidate.value, confidence, candidate.line, candidate.tier, candidate.order)

    return Amounts(capped(amounts.subtotal), capped(amounts.tax), capped(amounts.total))


def _consistent(amounts: Amounts) -> bool:
    if amounts.subtotal is None or amounts.tax is None or amounts.total is None:
        return False
    return abs(amounts.subtotal.value + amounts.tax.value - amounts.total.value) <= _TOLERANCE


_TOLERANCE = Decimal("0.011")


def _best(candidates: list[Candidate[Decimal]], *, prefer_max: bool) -> Candidate[Decimal] | None:
    if not candidates:
        return None
    tier = min(candidate.tier for candidate in candidates)
    best_tier = [candidate for candidate in candidates if candidate.tier == tier]
    if prefer_max:
        return max(best_tier, key=lambda candidate: (candidate.value, -candidate.order[0]))
    return min(best_tier, key=lambda candidate: (-candidate.confidence, candidate.order))


def _boost(candidate: Candidate[Decimal]) -> Candidate[Decimal]:
    """More confidence for an amount that adds up with the others."""
    return Candidate(
        candidate.value, min(98, candidate.confidence + 6), candidate.line, candidate.tier, candidate.order
    )


def _resolve(
    subtotals: list[Candidate[Decimal]], taxes: list[Candidate[Decimal]], totals: list[Candidate[Decimal]]
) -> Amounts:
    best_total = _best(totals, prefer_max=True)
    # Prefer a combination that adds up; rank by the total's tier first, as the total matters most.
    best: tuple[tuple[int, int], Candidate[Decimal], Candidate[Decimal], Candidate[Decimal]] | None = None
    for total in totals[:12]:
        for subtotal in subtotals[:12]:
            for tax in taxes[:12]:
                if total.value == 0 or abs(subtotal.value + tax.value - total.value) > _TOLERANCE:
                    continue
                if subtotal.value == total.value and tax.value != 0:
                    continue
                rank = (total.tier, -(total.confidence + subtotal.confidence + tax.confidence))
                if best is None or rank < best[0]:
                    best = (rank, subtotal, tax, total)
    if best is not None and best_total is not None and best[3].tier <= best_total.tier + 1:
        _, subtotal, tax, total = best
        return Amounts(_boost(subtotal), _boost(tax), _boost(total))

    subtotal_choice = _best(subtotals, prefer_max=False)
    tax_choice = _best(taxes, prefer_max=False)
    if best_total is not None and subtotal_choice is not None:
        difference = best_total.value - subtotal_choice.value
        if abs(difference) <= _TOLERANCE and (tax_choice is None or tax_choice.value != 0):
            # Subtotal equals total: no tax was charged, whatever a tax-rate line may suggest.
            tax_choice = (
                None if tax_choice is None else Candidate(Decimal("0.00"), 70, tax_choice.line, 3, tax_choice.order)
            )
        elif difference > 0:
            # Several tax rows (one per rate) that together make up the difference.
            per_line: dict[int, Decimal] = {}
            for tax in taxes:
                per_line.setdefault(tax.line, tax.value)
            if len(per_line) > 1 and abs(sum(per_line.values()) - difference) <= _TOLERANCE:
                tax_choice = Candidate(difference, 85, min(per_line), 2, (min(per_line), 0))
                return Amounts(_boost(subtotal_choice), tax_choice, _boost(best_total))
    return Amounts(subtotal_choice, tax_choice, best_total)
