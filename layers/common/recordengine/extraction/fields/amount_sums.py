"""Subtotal, tax and total that only show themselves by adding up: a net "Total" that the tax takes to
the amount to pay, a credit note's tax printed without its minus, net amounts split over several rows,
and unlabelled net and gross rows around a tax row."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from recordengine.extraction.amounts import find_amounts
from recordengine.extraction.labels import TIER_CONFIDENCE, Candidate, Reader

from .reconcile import TOLERANCE

# Rows of a run (net amounts per kind of goods, tax per rate) follow each other within this many lines.
_RUN_GAP = 2
Triple = tuple[Candidate[Decimal], Candidate[Decimal], Candidate[Decimal]]


def _adds_up(net: Decimal, tax: Decimal, gross: Decimal, parts: int = 2) -> bool:
    return abs(net + tax - gross) <= TOLERANCE * max(1, parts - 1)


def net_totals(totals: list[Candidate[Decimal]], taxes: list[Candidate[Decimal]]) -> list[Candidate[Decimal]]:
    """Bare "Total" figures that are net: the tax takes them to another, more explicit total ("Total
    1.000,00 / VAT 200,00 / Amount to pay 1.200,00"). They may stand for the subtotal."""
    found: list[Candidate[Decimal]] = []
    for total in totals:
        if total.tier != 2:
            continue
        if any(
            tax.value != 0 and other.tier != 2 and _adds_up(total.value, tax.value, other.value)
            for tax in taxes
            for other in totals
        ):
            found.append(total)
    return found


def credit_note_taxes(taxes: list[Candidate[Decimal]], totals: list[Candidate[Decimal]]) -> list[Candidate[Decimal]]:
    """On a credit note whose totals are negative, the tax may be printed without its minus sign."""
    if not any(total.value < 0 for total in totals):
        return []
    return [Candidate(-tax.value, tax.confidence, tax.line, tax.tier, tax.order) for tax in taxes if tax.value > 0]


def summed_rows(
    subtotals: list[Candidate[Decimal]], taxes: list[Candidate[Decimal]], total: Candidate[Decimal] | None
) -> Triple | None:
    """Net amounts on consecutive rows ("goods, net", "shipping, net") and their tax rows that
    together make up the total."""
    if total is None:
        return None
    for nets in _runs(subtotals):
        for tax_rows in _runs(taxes, shortest=1):
            net = sum((candidate.value for candidate in nets), Decimal(0))
            tax = sum((candidate.value for candidate in tax_rows), Decimal(0))
            if tax != 0 and _adds_up(net, tax, total.value, len(nets) + len(tax_rows)):
                return _derived(net, nets[0]), _derived(tax, tax_rows[0]), total
    return None


def _runs(candidates: list[Candidate[Decimal]], shortest: int = 2) -> Iterator[list[Candidate[Decimal]]]:
    """Runs of candidates on nearby rows, one per row, in document order."""
    by_line: dict[int, Candidate[Decimal]] = {}
    for candidate in candidates:
        by_line.setdefault(candidate.line, candidate)
    ordered = [by_line[line] for line in sorted(by_line)]
    run: list[Candidate[Decimal]] = []
    for candidate in ordered:
        if run and candidate.line - run[-1].line > _RUN_GAP:
            if len(run) >= shortest:
                yield run
            run = []
        run.append(candidate)
    if len(run) >= shortest:
        yield run


def tax_between(reader: Reader, taxes: list[Candidate[Decimal]]) -> Triple | None:
    """A tax row between the net row above it and the gross row below it, whatever those are called
    ("Annual premium / Insurance premium tax / Premium for the year")."""
    layout = reader.layout
    for tax in taxes:
        if tax.value == 0:
            continue
        above = _previous_line(reader, tax.line)
        below = next(layout.lines_below(tax.line, 1), None)
        if above is None or below is None:
            continue
        net, gross = _single_amount(reader, above), _single_amount(reader, below)
        if net is not None and gross is not None and _adds_up(net, tax.value, gross):
            return _derived(net, tax, above), tax, _derived(gross, tax, below)
    return None


def _previous_line(reader: Reader, line: int) -> int | None:
    layout = reader.layout
    for index in range(line - 1, max(-1, line - 4), -1):
        if layout.page_of_line[index] != layout.page_of_line[line]:
            return None
        if layout.segments[index]:
            return index
    return None


def _single_amount(reader: Reader, line: int) -> Decimal | None:
    found = reader.amounts(reader.layout.lines[line])
    return found[0].value if len(found) == 1 else None


def _derived(value: Decimal, source: Candidate[Decimal], line: int | None = None) -> Candidate[Decimal]:
    at = source.line if line is None else line
    return Candidate(value, TIER_CONFIDENCE[2], at, 2, (at, 0))


# How far apart (in characters) the right edges of an item's amount and the total's may be and still be one
# column: tills print a tax class after the item's amount ("1,49 AW") and OCR shifts words a little.
_COLUMN_EDGE = 4
ITEMS_CONFIDENCE = 60


def _first_total(totals: list[Candidate[Decimal]]) -> Candidate[Decimal] | None:
    return min((total for total in totals if total.value > 0), key=lambda total: total.printed_on, default=None)


def total_column(reader: Reader, totals: list[Candidate[Decimal]]) -> list[tuple[int, Decimal]]:
    """The amounts printed in the first total's column on the lines above it (the items, and what else the
    column holds), bottom up, each with its line."""
    first = _first_total(totals)
    if first is None:
        return []
    lines = reader.layout.lines
    # Not only the amounts marked as money: "SUMME  €      2031" loses its marker to the gap.
    edge = next((amount.end for amount in find_amounts(lines[first.printed_on]) if amount.value == first.value), None)
    if edge is None:
        return []
    column: list[tuple[int, Decimal]] = []
    for index in range(first.printed_on - 1, -1, -1):
        amounts = reader.amounts(lines[index])
        if amounts and abs(amounts[-1].end - edge) <= _COLUMN_EDGE:
            column.append((index, amounts[-1].value))
    return column


def items_sum(reader: Reader, totals: list[Candidate[Decimal]], stops: set[int]) -> Candidate[Decimal] | None:
    """The sum of the amounts in the first total's column above it, up to the top or to a line in ``stops``
    (a subtotal, a tax, a payment: the items end there); None without any."""
    first = _first_total(totals)
    column = total_column(reader, totals)
    found: list[Decimal] = []
    for line, value in column:
        if line in stops:
            break
        found.append(value)
    if first is None or not found:
        return None
    line = first.printed_on
    return Candidate(sum(found, Decimal(0)), ITEMS_CONFIDENCE, line, 3, (line, 0))


# A tax is a share of the net amount: no rate reaches this one.
_HIGHEST_RATE = Decimal("0.3")
# How many lines under the subtotal an unlabelled tax line may stand.
_TAX_LINES = 3
UNLABELLED_TAX_CONFIDENCE = 70


def unlabelled_tax(
    reader: Reader, subtotal: Candidate[Decimal], total: Candidate[Decimal], others: set[int]
) -> Candidate[Decimal] | None:
    """The tax printed under the subtotal without a label OCR could read ("mo, 13.0000 %  $3.14"): the one
    amount of a line just under it that takes the subtotal to the total and is a plausible share of it.
    ``others``: lines whose amounts are something else (a tip, a payment)."""
    difference = total.value - subtotal.value
    if not 0 < difference <= subtotal.value * _HIGHEST_RATE:
        return None
    last = total.printed_on if total.printed_on > subtotal.printed_on else subtotal.printed_on + _TAX_LINES + 1
    for index in range(subtotal.printed_on + 1, min(last, subtotal.printed_on + _TAX_LINES + 1)):
        if index in others:
            continue
        found = reader.amounts(reader.layout.lines[index])
        if len(found) == 1 and abs(found[0].value - difference) <= TOLERANCE:
            return Candidate(found[0].value, UNLABELLED_TAX_CONFIDENCE, index, 3, (index, found[0].start))
    return None


# A rate printed on a tax summary's row ("Z @0%", "S 6%", "A 7,00 %").
RATE = re.compile(r"(?<![\d.,])(\d{1,2}(?:[.,]\d{1,4})?)\s?%")


def summary_gross(reader: Reader, totals: list[Candidate[Decimal]]) -> Decimal | None:
    """What the tax summary under the total says was paid: the sum over its rows (a rate, then the net
    amount and the tax, or only the net amount at 0%) of net plus tax; None without such rows."""
    first = _first_total(totals)
    if first is None:
        return None
    gross = Decimal(0)
    rows = 0
    for line in reader.layout.lines[first.printed_on + 1 :]:
        rates = RATE.findall(line)
        if len(rates) != 1:
            continue
        rate = Decimal(rates[0].replace(",", "."))
        found = [amount.value for amount in reader.amounts(RATE.sub(" ", line))]
        if len(found) == 2 and 0 <= found[1] <= found[0] * _HIGHEST_RATE:
            gross += found[0] + found[1]
        elif len(found) == 1 and rate == 0:
            gross += found[0]
        else:
            continue
        rows += 1
    return gross if rows else None
