"""Choosing the subtotal, tax and total that belong together, and how sure to be of them.

A document prints many amounts near total-like labels (a total before and after rounding, a total in a tax
summary, a card slip's amount, a misread digit). The figures that confirm each other win: subtotal + tax
(+ service charge, tip or rounding) = total; cash tendered − change = total; a total after rounding = the
total before it + the adjustment; the same amount printed again elsewhere. A confirmed total is trusted
more, and on an OCR'd page a total that nothing confirms may be a misread: a reading that differs by one
commonly confused digit (or by a stray digit, or a lost decimal point) and that the other figures do confirm
is taken instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal

from recordengine.extraction.labels import Candidate

from .receipts import Ledger

TOLERANCE = Decimal("0.011")
# How much a total's label says, by tier (1: "Grand total", 3: "Amount due"), and what each kind of
# confirmation adds: a payment or a rounding step is as telling as a better label.
_LABEL_POINTS = {1: 30, 2: 20, 3: 10}
_CONFIRMED_POINTS = 15
_REPEAT_POINTS = 4
_MAX_REPEATS = 2
# A reading put in place of what OCR printed is surer than nothing, less than what was printed.
_MISREAD_PENALTY = 12
_MISREAD_POINTS = 8
# A total that what was handed over contradicts: for a person to check.
CONTRADICTED_CONFIDENCE = 60
# A total worked out from a first sum and the discounts under it, for a person to check.
ADJUSTED_CONFIDENCE = 55
# How many lines of adjustments (a discount, a deposit) may stand between a first sum and the total.
_ADJUSTMENT_LINES = 3
# Digits OCR confuses in receipt fonts (thermal and dot-matrix print, photos).
_CONFUSABLE: dict[str, str] = {
    "0": "896",
    "1": "74",
    "2": "7",
    "3": "85",
    "4": "1",
    "5": "639",
    "6": "508",
    "7": "12",
    "8": "0369",
    "9": "085",
}

Amount = Candidate[Decimal]


@dataclass(frozen=True)
class Amounts:
    subtotal: Amount | None
    tax: Amount | None
    total: Amount | None


def best(candidates: list[Amount], *, prefer_max: bool) -> Amount | None:
    """The candidate with the most explicit label; among equals the largest amount (a total) or the most
    confident and earliest (a subtotal or tax)."""
    if not candidates:
        return None
    tier = min(candidate.tier for candidate in candidates)
    best_tier = [candidate for candidate in candidates if candidate.tier == tier]
    if prefer_max:
        return max(best_tier, key=lambda candidate: (candidate.value, -candidate.order[0]))
    return min(best_tier, key=lambda candidate: (-candidate.confidence, candidate.order))


def boost(candidate: Amount, points: int = 6) -> Amount:
    """More confidence for an amount that other figures confirm."""
    return replace(candidate, confidence=min(98, candidate.confidence + points))


def reconcile(
    subtotals: list[Amount],
    taxes: list[Amount],
    totals: list[Amount],
    ledger: Ledger | None = None,
    printed: dict[Decimal, set[int]] | None = None,
    *,
    misreadable: bool = False,
    items: Amount | None = None,
    column: list[Decimal] | None = None,
    summary: Decimal | None = None,
) -> Amounts:
    """The subtotal, tax and total that belong together.

    ``ledger``: payments, change, rounding and surcharges on the page; ``printed``: every amount on the page
    and the lines it is printed on; ``misreadable``: the text was OCR'd, so digits may be misread;
    ``items``: the sum of the item amounts printed in the total's column above it, when there are some;
    ``column``: every amount printed in that column above it, top down; ``summary``: net plus tax over the
    rows of the tax summary printed under the total."""
    ledger = ledger or Ledger()
    printed = printed or {}
    best_total = best(totals, prefer_max=True)
    adding_up = _adding_up(subtotals, taxes, totals, _extras(ledger))
    if adding_up is not None and best_total is not None and adding_up[2].tier <= best_total.tier + 1:
        subtotal, tax, total = adding_up
        return Amounts(boost(subtotal), boost(tax), boost(total))

    chosen = _confirmed_total(subtotals, taxes, totals, ledger, printed, misreadable, items, column or [], summary)
    if chosen is not None and misreadable and (best_total is None or chosen.value != best_total.value):
        # A misread total put right may now add up with the subtotal and tax.
        adding_up = _adding_up(subtotals, taxes, [chosen], _extras(ledger))
        if adding_up is not None:
            subtotal, tax, _ = adding_up
            return Amounts(boost(subtotal), boost(tax), chosen)
    return _around(chosen, subtotals, taxes)


def _extras(ledger: Ledger) -> list[Decimal]:
    """What may stand between subtotal + tax and the total: nothing, surcharges, rounding, or both."""
    surcharges = sum((surcharge.value for surcharge in ledger.surcharges), Decimal(0))
    rounding = ledger.rounding[-1].value if ledger.rounding else Decimal(0)
    return sorted({Decimal(0), surcharges, rounding, surcharges + rounding}, key=abs)


def _adding_up(
    subtotals: list[Amount], taxes: list[Amount], totals: list[Amount], extras: list[Decimal]
) -> tuple[Amount, Amount, Amount] | None:
    """The subtotal, tax and total that add up (with one of ``extras``), the total's label ranked first."""
    found: tuple[tuple[int, int, int], Amount, Amount, Amount] | None = None
    for total in totals[:12]:
        for subtotal in subtotals[:12]:
            for tax in taxes[:12]:
                if total.value == 0 or (subtotal.value == total.value and tax.value != 0):
                    continue
                for rank, extra in enumerate(extras):
                    if abs(subtotal.value + tax.value + extra - total.value) > TOLERANCE:
                        continue
                    key = (total.tier, rank, -(total.confidence + subtotal.confidence + tax.confidence))
                    if found is None or key < found[0]:
                        found = (key, subtotal, tax, total)
    return None if found is None else found[1:]


def _confirmed_total(
    subtotals: list[Amount],
    taxes: list[Amount],
    totals: list[Amount],
    ledger: Ledger,
    printed: dict[Decimal, set[int]],
    misreadable: bool,
    items: Amount | None = None,
    column: list[Decimal] | None = None,
    summary: Decimal | None = None,
) -> Amount | None:
    """The total with the best label and the most confirmation; one derived from what was paid or from
    subtotal + tax when no total is labelled. On an OCR'd page, a total larger than everything handed over
    is contradicted (nobody pays less than the total); the items in the total's column and the tax summary
    under it confirm a total (or a misreading of it) they add up to; and when every labelled total is
    contradicted, the items' sum or the first sum less the discounts under it stands in for it."""
    paid = [payment.value for payment in ledger.paid()] or ledger.tendered()
    handed_over = sum(ledger.tendered(), Decimal(0))

    top_tier = min((total.tier for total in totals), default=3)

    def confirmations(value: Decimal, line: int, *, misread: bool = False, tier: int = 1) -> int:
        """Points for the figures that agree with ``value``; a reading that is itself a guessed misread
        counts only figures read as printed. The items add up to a first sum as well as to the total, so
        they do not raise a total above one with a better label."""
        points = 0
        if any(abs(amount - value) <= TOLERANCE for amount in paid):
            points += _CONFIRMED_POINTS
        elif misreadable and not misread and _paid_if_misread(value, ledger):
            points += _CONFIRMED_POINTS - _MISREAD_POINTS
        if _after_rounding(value, line, totals, ledger) or _after_adjustment(value, line, tier, totals, printed):
            points += _CONFIRMED_POINTS
        if _sums_to(value, subtotals, taxes, ledger) or (
            misreadable and summary is not None and abs(summary - value) <= TOLERANCE
        ):
            points += _CONFIRMED_POINTS
        if (
            misreadable
            and tier <= top_tier
            and ((items is not None and abs(items.value - value) <= TOLERANCE) or _run_sums_to(value, column or []))
        ):
            points += _CONFIRMED_POINTS
        return points

    def contradicted(candidate: Amount) -> bool:
        return misreadable and handed_over > 0 and candidate.value > handed_over + TOLERANCE

    def repeats(candidate: Amount) -> int:
        return len(printed.get(candidate.value, set()) - {candidate.line, candidate.printed_on})

    def score(candidate: Amount, *, misread: bool = False) -> tuple[int, bool]:
        """Points, then whether the amount is as printed: on a tie, what OCR read beats a guessed misread."""
        points = _LABEL_POINTS[candidate.tier] + _REPEAT_POINTS * min(_MAX_REPEATS, repeats(candidate))
        points += confirmations(candidate.value, candidate.line, misread=misread, tier=candidate.tier)
        points -= _CONFIRMED_POINTS if contradicted(candidate) else 0
        return points - (_MISREAD_POINTS if misread else 0), not misread

    def backed(candidate: Amount) -> bool:
        """Whether a figure read as printed confirms the amount, or it is printed again elsewhere."""
        return bool(confirmations(candidate.value, candidate.line, misread=True)) or bool(repeats(candidate))

    scored = [(score(candidate), candidate) for candidate in totals if candidate.value > 0]
    if misreadable:
        # Only a total that nothing read as printed backs up may itself be the misread.
        scored += [
            (score(variant, misread=True), variant)
            for candidate in totals
            if not backed(candidate)
            for variant in _misreadings(candidate)
            if confirmations(variant.value, variant.line, misread=True)
        ]
        labelled = [candidate for candidate in totals if candidate.value > 0]
        if labelled and all(map(contradicted, labelled)):
            # What was handed over says every total read is too large: the items' sum, or the first sum
            # less the discounts printed under it, is what was paid for, as long as it was paid for.
            stand_ins = [] if items is None else [items]
            stand_ins += filter(None, (_adjusted(candidate, printed) for candidate in labelled))
            scored += [(score(stand_in), stand_in) for stand_in in stand_ins if not contradicted(stand_in)]
    if scored:
        top = max(key for key, _ in scored)
        leaders = [candidate for key, candidate in scored if key == top]
        chosen = best(leaders, prefer_max=True)
        assert chosen is not None
        if contradicted(chosen):
            return replace(chosen, confidence=min(chosen.confidence, CONTRADICTED_CONFIDENCE))
        if confirmations(chosen.value, chosen.line):
            chosen = boost(chosen)
        return chosen

    return _unlabelled_total(subtotals, taxes, ledger, printed, misreadable)


def _unlabelled_total(
    subtotals: list[Amount], taxes: list[Amount], ledger: Ledger, printed: dict[Decimal, set[int]], misreadable: bool
) -> Amount | None:
    """A total when none is labelled (or its label's amount was not read): what was paid, subtotal + tax,
    an exact cash payment, or the largest amount printed twice (a total and the card slip repeating it)."""
    certain = ledger.paid()
    if certain:
        last = max(certain, key=lambda payment: payment.line)
        return replace(last, confidence=62, tier=3)
    subtotal, tax = best(subtotals, prefer_max=False), best(taxes, prefer_max=False)
    if subtotal is not None and tax is not None:
        return Candidate(subtotal.value + tax.value, 55, max(subtotal.line, tax.line), 3, subtotal.order)
    exact = [cash for cash in ledger.cash if cash.value % 1 != 0 and not ledger.gave_change(cash)]
    if exact:
        # Nobody hands over 20.40 in notes: a cash amount with cents and no change is the amount due.
        return replace(exact[-1], confidence=50, tier=3)
    # On a till receipt's photo, a total is not smaller than an amount printed above it: a deposit or an item
    # bought twice is. (A text PDF's header may print larger figures that are no amounts: account numbers.)
    payments = {payment.line for payment in (*ledger.cash, *ledger.cards, *ledger.change)}
    repeated = [
        value
        for value, lines in printed.items()
        if len(lines) > 1 and value > 0 and not (misreadable and _larger_above(value, max(lines), printed, payments))
    ]
    if repeated:
        value = max(repeated)
        line = max(printed[value])
        return Candidate(value, 45, line, 3, (line, 0))
    return None


def _larger_above(value: Decimal, line: int, printed: dict[Decimal, set[int]], payments: set[int]) -> bool:
    """Whether an amount larger than ``value`` is printed above ``line``, payments (cash handed over) aside."""
    return any(amount > value and any(at < line for at in lines - payments) for amount, lines in printed.items())


def _after_rounding(value: Decimal, line: int, totals: list[Amount], ledger: Ledger) -> bool:
    """Whether ``value`` is an earlier total plus a rounding adjustment printed between the two."""
    for rounding in ledger.rounding:
        if rounding.value == 0 or rounding.line > line:
            continue
        for earlier in totals:
            if earlier.line <= rounding.line and abs(earlier.value + rounding.value - value) <= TOLERANCE:
                return True
    return False


def _run_sums_to(value: Decimal, column: list[Decimal]) -> bool:
    """Whether the amounts of the total's column from its top, or from just above the total up, add up to
    ``value`` (two or more of them, none larger than it): the items, with whatever else the column holds
    above or below them ("Total qty", a tax line) left out."""
    for run in (column, column[::-1]):
        running = Decimal(0)
        for count, amount in enumerate(run, start=1):
            if amount > value:
                break
            running += amount
            if count >= 2 and abs(running - value) <= TOLERANCE:
                return True
    return False


def _adjusted(total: Amount, printed: dict[Decimal, set[int]]) -> Amount | None:
    """The total less the discounts or deposits printed one per line right under it, when there are some."""
    per_line = _by_line(printed)
    adjustments: list[Decimal] = []
    line = total.printed_on + 1
    while line in per_line and len(adjustments) < _ADJUSTMENT_LINES:
        amounts = per_line[line]
        if len(amounts) != 1 or amounts[0] >= 0:
            break
        adjustments.append(amounts[0])
        line += 1
    if not adjustments:
        return None
    value = total.value + sum(adjustments, Decimal(0))
    return Candidate(value, ADJUSTED_CONFIDENCE, line, total.tier, (line, 0)) if value > 0 else None


def _by_line(printed: dict[Decimal, set[int]]) -> dict[int, list[Decimal]]:
    per_line: dict[int, list[Decimal]] = {}
    for amount, lines in printed.items():
        for at in lines:
            per_line.setdefault(at, []).append(amount)
    return per_line


def _after_adjustment(
    value: Decimal, line: int, tier: int, totals: list[Amount], printed: dict[Decimal, set[int]]
) -> bool:
    """Whether ``value`` is an earlier total, labelled no better, plus the amounts printed on the few lines
    between the two: a discount or deposit taken off after a first sum ("Summe 28,30 / Rabatt -0,67 / SUMME
    27,63"). An amount due after a grand total ("Total / Deposit / Balance due") is no such sum."""
    per_line = _by_line(printed)
    for earlier in totals:
        between = range(earlier.line + 1, line)
        if earlier.tier < tier or not 0 < len(between) <= _ADJUSTMENT_LINES:
            continue
        adjustments = [per_line[at] for at in between if at in per_line]
        if not adjustments or any(len(amounts) != 1 for amounts in adjustments):
            continue
        adjustment = sum((amounts[0] for amounts in adjustments), Decimal(0))
        if adjustment != 0 and abs(earlier.value + adjustment - value) <= TOLERANCE:
            return True
    return False


def _sums_to(value: Decimal, subtotals: list[Amount], taxes: list[Amount], ledger: Ledger) -> bool:
    extras = _extras(ledger)
    return any(
        abs(subtotal.value + tax.value + extra - value) <= TOLERANCE
        for subtotal in subtotals[:12]
        for tax in taxes[:12]
        for extra in extras
        if subtotal.value != value
    )


def _paid_if_misread(value: Decimal, ledger: Ledger) -> bool:
    """Whether ``value`` is what was paid, had OCR misread one digit of the amount tendered or the change."""
    for payment in (*ledger.cash, *ledger.cards):
        change = ledger.change_after(payment)
        if change is None:
            continue
        given = abs(change.value)
        if any(abs(tendered - given - value) <= TOLERANCE for tendered in _misread_values(payment.value)):
            return True
        if any(abs(payment.value - other - value) <= TOLERANCE for other in _misread_values(given)):
            return True
    return False


def _misreadings(candidate: Amount) -> Iterator[Amount]:
    """The amount with one commonly confused digit read otherwise, each a little less sure."""
    for value in _misread_values(candidate.value):
        yield replace(candidate, value=value, confidence=candidate.confidence - _MISREAD_PENALTY)


def _misread_values(value: Decimal) -> Iterator[Decimal]:
    """Readings OCR may have turned into ``value``: one digit confused with another, a stray digit added
    ("91.00" for "9.00"), or the decimal point lost ("900" for "9.00")."""
    text = f"{value:.2f}"
    for index, digit in enumerate(text):
        for other in _CONFUSABLE.get(digit, ""):
            if index == 0 and other == "0" and len(text) > 4:
                continue
            reading = Decimal(text[:index] + other + text[index + 1 :])
            if reading > 0:
                yield reading
    whole = text.index(".")
    if whole > 1:
        for index in range(whole):
            reading = Decimal(text[:index] + text[index + 1 :])
            if reading > 0:
                yield reading
    if value == value.to_integral_value() and value >= 100:
        yield value / 100


def _around(total: Amount | None, subtotals: list[Amount], taxes: list[Amount]) -> Amounts:
    """The subtotal and tax to go with a total that they do not add up to."""
    subtotal = best(subtotals, prefer_max=False)
    tax = best(taxes, prefer_max=False)
    if total is None or subtotal is None:
        return Amounts(subtotal, tax, total)
    difference = total.value - subtotal.value
    if abs(difference) <= TOLERANCE and (tax is None or tax.value != 0):
        # Subtotal equals total: no tax was charged, whatever a tax-rate line may suggest.
        zero = None if tax is None else Candidate(Decimal("0.00"), 70, tax.line, 3, tax.order)
        return Amounts(subtotal, zero, total)
    if difference > 0:
        # Several tax rows (one per rate) that together make up the difference.
        per_line: dict[int, Decimal] = {}
        for candidate in taxes:
            per_line.setdefault(candidate.line, candidate.value)
        if len(per_line) > 1 and abs(sum(per_line.values()) - difference) <= TOLERANCE:
            combined = Candidate(difference, 85, min(per_line), 2, (min(per_line), 0))
            return Amounts(boost(subtotal), combined, boost(total))
    return Amounts(subtotal, tax, total)
