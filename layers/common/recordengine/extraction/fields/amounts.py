"""Subtotal, tax and total: found by their labels, then cross-checked so that the three add up."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from recordengine.extraction.labels import TIER_CONFIDENCE, Candidate, Label, Reader
from recordengine.extraction.layout import Hit, Layout

from .amount_labels import NET_AND_TAX, PREPAID, SUBTOTAL, TAX, TOTAL, amount_labels
from .amount_sums import (
    RATE,
    credit_note_taxes,
    items_sum,
    net_totals,
    summary_gross,
    summed_rows,
    tax_between,
    total_column,
    unlabelled_tax,
)
from .amount_table import read_totals_tables
from .receipts import TILL_SUBTOTAL_LABELS, TILL_TAX_LABELS, TILL_TOTAL_LABELS, Ledger, read_ledger
from .reconcile import TOLERANCE, Amounts, reconcile

_TOTAL_LABELS = [*TILL_TOTAL_LABELS, *amount_labels(TOTAL)]
_SUBTOTAL_LABELS = [*amount_labels(SUBTOTAL), *TILL_SUBTOTAL_LABELS]
_TAX_LABELS = [*amount_labels(TAX, (1,)), *TILL_TAX_LABELS, *amount_labels(TAX, (2, 3))]
_PREPAID_LABELS = amount_labels(PREPAID)
_NET_AND_TAX_LABELS = amount_labels(NET_AND_TAX)
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


def _labelled(reader: Reader, label_list: list[Label], accept: Callable[[Hit], bool]) -> list[Candidate[Decimal]]:
    """The first amount beside or under each label; failing that, along its row, where a till prints the
    currency in a cell of its own between them ("SUMME   EUR   37,77")."""
    parse = _amount_parser(reader, last=False)
    found = reader.search(label_list, parse, right=3, stop_on_text=False, accept=accept)
    labelled = {candidate.order for candidate in found}
    along_row = reader.search(label_list, parse, row=True, accept=accept)
    return found + [candidate for candidate in along_row if candidate.order not in labelled]


def extract_amounts(reader: Reader) -> Amounts:
    """The subtotal, tax and total, each found by its labels and then chosen so that they agree."""
    layout = reader.layout
    # Figures of a totals table are read by their column; its labels are not read again one by one.
    table = read_totals_tables(reader)

    def outside_table(hit: Hit) -> bool:
        return not table.covers(hit)

    totals = table.totals + _labelled(
        reader, _TOTAL_LABELS, accept=lambda hit: outside_table(hit) and _total_context(layout, hit)
    )
    subtotals = table.subtotals + _labelled(reader, _SUBTOTAL_LABELS, accept=outside_table)
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
    net_rows, tax_rows = _net_and_tax_rows(reader, outside_table)
    subtotals += net_rows
    taxes += tax_rows
    if reader.misreadable:
        taxes = [_zero_rated(reader, tax) for tax in taxes]
    subtotals += net_totals(totals, taxes)
    taxes += credit_note_taxes(taxes, totals)
    totals, ledger = _after_deposits(reader, totals, read_ledger(reader))
    return _sign_unsure(_added_up(reader, subtotals, taxes, totals, ledger))


def _zero_rated(reader: Reader, tax: Candidate[Decimal]) -> Candidate[Decimal]:
    """No tax at a rate of 0%: a figure OCR read on a row whose only rate is zero ("@0%  85.20  0.06") is a
    misread 0.00."""
    rates = RATE.findall(reader.layout.lines[tax.printed_on])
    if tax.value == 0 or not rates or any(Decimal(rate.replace(",", ".")) != 0 for rate in rates):
        return tax
    return replace(tax, value=Decimal("0.00"))


def _net_and_tax_rows(
    reader: Reader, accept: Callable[[Hit], bool]
) -> tuple[list[Candidate[Decimal]], list[Candidate[Decimal]]]:
    """The net amount and the tax of a sum row that prints both ("合 计   ¥46.62   ¥6.08"): its last two
    amounts, the tax the smaller; with one amount read, the net amount alone."""

    def parse(text: str) -> tuple[Decimal, ...] | None:
        found = [amount.value for amount in reader.amounts(text)]
        if len(found) >= 2 and 0 < found[-1] < found[-2]:
            return found[-2], found[-1]
        return (found[0],) if len(found) == 1 else None

    nets: list[Candidate[Decimal]] = []
    taxes: list[Candidate[Decimal]] = []
    for row in reader.search(_NET_AND_TAX_LABELS, parse, row=True, accept=accept):
        figures = dict(zip((SUBTOTAL, TAX), row.value, strict=False))
        for kind, found in ((SUBTOTAL, nets), (TAX, taxes)):
            if kind in figures:
                found.append(Candidate(figures[kind], row.confidence, row.line, row.tier, row.order, row.value_line))
    return nets, taxes


def _after_deposits(
    reader: Reader, totals: list[Candidate[Decimal]], ledger: Ledger
) -> tuple[list[Candidate[Decimal]], Ledger]:
    """The totals and payments once an amount paid before ("Acompte", "Bereits bezahlt") is set aside: the
    amount left to pay after it is not the invoice's total, nor is the deposit a payment of that total. With
    no grand total printed, the total is what is left to pay plus the deposit."""
    deposits = reader.search(_PREPAID_LABELS, _amount_parser(reader, last=False), right=3, stop_on_text=False)
    deposits = [deposit for deposit in deposits if deposit.value > 0]
    if not deposits:
        return totals, ledger
    deposit_lines = {deposit.line for deposit in deposits}
    grand = [total for total in totals if total.tier < 3 and total.line not in deposit_lines]
    left_to_pay = [total for total in totals if total.tier == 3 and total.line not in deposit_lines and total.value > 0]
    paid_before = {deposit.value for deposit in deposits} | {sum((deposit.value for deposit in deposits), Decimal(0))}
    kept = [total for total in totals if total.line not in deposit_lines]
    settled = False
    for due in left_to_pay:
        matching = [
            paid for paid in paid_before if any(abs(total.value - paid - due.value) <= TOLERANCE for total in grand)
        ]
        if matching:
            kept.remove(due)
            settled = True
        elif not grand:
            kept.append(replace(due, value=due.value + max(paid_before), confidence=TIER_CONFIDENCE[3], tier=2))
            kept.remove(due)
            settled = True
    if not settled:
        return totals, ledger

    def not_a_deposit(payment: Candidate[Decimal]) -> bool:
        return payment.line not in deposit_lines

    return kept, replace(
        ledger,
        cash=list(filter(not_a_deposit, ledger.cash)),
        cards=list(filter(not_a_deposit, ledger.cards)),
    )


def _added_up(
    reader: Reader,
    subtotals: list[Candidate[Decimal]],
    taxes: list[Candidate[Decimal]],
    totals: list[Candidate[Decimal]],
    ledger: Ledger,
) -> Amounts:
    """The labelled amounts that add up or that payments confirm; failing that, net or tax rows that add up
    to the total."""
    resolved = reconcile(
        subtotals,
        taxes,
        totals,
        ledger,
        _printed(reader),
        misreadable=reader.misreadable,
        items=items_sum(reader, totals, _item_stops(subtotals, taxes, ledger)),
        column=[value for _, value in reversed(total_column(reader, totals))],
        summary=summary_gross(reader, totals),
    )
    if _consistent(resolved):
        return resolved
    if resolved.tax is None and resolved.subtotal is not None and resolved.total is not None and reader.misreadable:
        others = {candidate.line for candidate in (*ledger.cash, *ledger.cards, *ledger.change, *ledger.surcharges)}
        tax = unlabelled_tax(reader, resolved.subtotal, resolved.total, others)
        if tax is not None:
            return Amounts(resolved.subtotal, tax, resolved.total)
    summed = summed_rows(subtotals, taxes, resolved.total) or tax_between(reader, taxes)
    if summed is None:
        return resolved
    total = resolved.total
    # A total labelled only as such ("Gesamtbeitrag 50,00") that a tax row below takes to a larger gross
    # amount is the net amount.
    net_total = total is not None and total.tier >= 2 and summed[0].value == total.value
    if total is not None and summed[2].value != total.value and not net_total:
        return resolved
    return Amounts(*summed)


# A credit note prints its amounts negative, yet many books record it with positive amounts and the
# document type as the sign: a negative total is read as printed, for a person to confirm.
NEGATIVE_TOTAL_CONFIDENCE = 75


def _sign_unsure(amounts: Amounts) -> Amounts:
    if amounts.total is None or amounts.total.value >= 0:
        if amounts.total is not None and amounts.tax is not None and amounts.tax.value < 0:
            # A tax in parentheses under a positive total is the tax it includes, not a refund.
            return Amounts(amounts.subtotal, replace(amounts.tax, value=-amounts.tax.value), amounts.total)
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


def _item_stops(subtotals: list[Candidate[Decimal]], taxes: list[Candidate[Decimal]], ledger: Ledger) -> set[int]:
    """The lines where a run of items ends going up from the total: a subtotal, a tax, a payment."""
    others = (*subtotals, *taxes, *ledger.cash, *ledger.cards, *ledger.change, *ledger.rounding, *ledger.surcharges)
    return {candidate.printed_on for candidate in others} | {candidate.line for candidate in others}


def _printed(reader: Reader) -> dict[Decimal, set[int]]:
    """Every money amount on the page, with the lines it is printed on."""
    printed: dict[Decimal, set[int]] = {}
    for index, line in enumerate(reader.layout.lines):
        for amount in reader.amounts(line):
            printed.setdefault(amount.value, set()).add(index)
    return printed
