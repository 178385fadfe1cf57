"""What makes a receipt a receipt: how it was paid (cash tendered and change, a card slip), rounding to the
smallest coin, discounts, tips and service charges, and the till's own words (cashier, terminal).

These lines are not fields, but they pin the total down: cash tendered minus change is the amount paid, a
card slip repeats it, and a total rounded to the coin is the total before rounding plus the adjustment.
The amounts' reconciliation (reconcile.py) uses them both to choose among readings and to set confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from recordengine.extraction.labels import Candidate, Label, Reader, labels
from recordengine.extraction.layout import Hit, Layout

# Money handed over in cash (change may come back), and payments by card or transfer (exactly the amount).
_CASH_LABELS = labels(
    2,
    r"(?<![\w\-])(?:cash|bargeld|bar|esp[èe]ces|contant)(?:\s+(?:tendered|paid|payment|received))?(?![\w\-])",
    r"\b(?:amount\s+)?tender(?:ed)?\b",
    r"\bgegeben\b",
)
_CARD_LABELS = labels(
    2,
    r"\b(?:visa|master\s*card|mcard|amex|american\s+express|maestro|interac|debit|eftpos|edc|credit\s+card|"
    r"credit(?!\s+note)|card|girocard|ec[\s\-]?karte|carte\s+bancaire|bankkarte)\b",
    r"\bpayment(?:\s+(?:received|amount))?\b(?!\s+(?:mode|method|terms?|due|type|details|info))",
    r"\bpaid\b(?!\s+(?:to|by|on|in))",
)
_CHANGE_LABELS = labels(
    2,
    r"\bchange(?:\s+due)?\b(?!\s+(?:of|to|in|request))",
    r"\bkembali(?:an)?\b",
    r"\br[üu]ckgeld\b",
    r"\bwechselgeld\b",
    r"\b(?:monnaie\s+)?rendue?\b",
    r"\bwisselgeld\b",
)
_ROUNDING_LABELS = labels(
    2,
    r"\b(?:cent\s+)?round(?:ing|ed)?(?:\s+(?:adj(?:ustment)?s?\.?|off|diff(?:erence)?))?\b(?!\s+total)",
    r"\brundung(?:sdifferenz)?\b",
    r"\barrondi\b",
    r"\bafronding\b",
)
_DISCOUNT_LABELS = labels(2, r"\b(?:discount|rabatt|remise|korting|savings?|coupon)\b")
# Added on top of subtotal and tax before the total.
_SURCHARGE_LABELS = labels(
    2, r"\bservice\s*(?:charge|chg|fee)?\b", r"\bsvc\s*(?:chg|charge)?\b", r"\b(?:tips?|gratuity|trinkgeld|pourboire)\b"
)
# How tills word the three amounts where invoices word them otherwise: the total "inclusive of GST", "nett"
# or "rounded", the subtotal "excluding GST", and the tax "included" in the total.
TILL_TOTAL_LABELS = labels(
    1,
    r"\btotal\b[^\n\d:]{0,30}?\(?\s*inc(?:l(?:\.|uding|usive)?|!)?\b(?!ludes)",
    r"\b(?:nett|rounded|final)\s+total\b",
    r"\btotal\s+(?:rounded|after\s+(?:rounding|discount|tax)|payable)\b",
)
TILL_SUBTOTAL_LABELS = labels(
    1,
    r"\btotal\b[^\n\d:]{0,30}?\(?\s*(?:excl(?:\.|uding|usive)?|before\s+(?:tax|gst|vat|hst))\b",
)
TILL_TAX_LABELS = labels(
    1,
    r"\b(?:gst|vat|tax|hst|mwst|tva)\b[^\n\d]{0,20}?\bincluded\b",
    r"\btotal\s+includes\b",
    r"^\s*inc(?:l|lusive)?\.?\s*(?:of\s+)?\d{1,2}(?:[.,]\d+)?\s*%\s*(?:gst|vat|tax|mwst|tva)\b",
)
# A card slip printed under the receipt: its amount line is the card payment.
_SLIP_AMOUNT_LABELS = labels(2, r"\b(?:amount|betrag|montant|bedrag|importe)\b")
_SLIP_WORDS = re.compile(
    r"\b(?:acct|account|card|visa|master\s*card|amex|debit|credit|approved|approval|auth(?:ori[sz]ation)?|"
    r"contactless|chip|pin\s+verified|terminal\s+id|karte|carte)\b",
    re.IGNORECASE,
)
_SLIP_LINES = 4
# A till's own document numbers: the bill, the transaction, the "invoice" of a simplified tax invoice.
TILL_NUMBER_LABELS = labels(
    2,
    r"\b(?:inv|doc(?:ument)?|bill|cash\s+inv(?:oice)?|trans(?:action)?|ticket|check|cheque|receipt)\s*"
    r"(?:no\b\.?|nr\b\.?|#|number|num\b\.?)",
)
# How far below a payment its change is printed.
_CHANGE_LINES = 4
# Words only a till prints, and how many different ones make a receipt even when its payment was not read.
_TILL_WORDS_ENOUGH = 3
_TILL_WORDS = re.compile(
    r"\b(?:cashier|kassierer|caissier|till|terminal|pos\b|reg\s*#|trans(?:action)?\s*#|receipt\s*#|"
    r"change\s+due|cash\s+tendered|thank\s+you|come\s+again|approved|auth(?:ori[sz]ation)?\s*(?:code|#|no)|"
    r"member|table|pax|served\s+by|sales\s+associate|items?\s+sold|item\s+count|store\s*#|kassenbon|ticket)",
    re.IGNORECASE,
)
_BILLING_WORDS = re.compile(
    r"\b(?:bill(?:ed)?\s+to|invoice\s+to|due\s+date|payment\s+terms|iban|bic|swift|purchase\s+order|"
    r"rechnungsempf|zahlungsziel|f[äa]llig|[ée]ch[ée]ance)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Ledger:
    """The amounts a receipt prints beside its subtotal, tax and total."""

    cash: list[Candidate[Decimal]] = field(default_factory=list)
    cards: list[Candidate[Decimal]] = field(default_factory=list)
    change: list[Candidate[Decimal]] = field(default_factory=list)
    rounding: list[Candidate[Decimal]] = field(default_factory=list)
    discounts: list[Candidate[Decimal]] = field(default_factory=list)
    surcharges: list[Candidate[Decimal]] = field(default_factory=list)
    # Lines labelled as change, whether or not their amount could be read.
    change_lines: list[int] = field(default_factory=list)

    def paid(self) -> list[Candidate[Decimal]]:
        """What was certainly paid: an amount tendered less the change given back after it, or a card
        payment (exactly the amount) with no change after it."""
        paid: list[Candidate[Decimal]] = []
        for payment in sorted((*self.cash, *self.cards), key=lambda candidate: candidate.line):
            change = self.change_after(payment)
            if change is not None:
                paid.append(replace(payment, value=payment.value - abs(change.value)))
            elif payment in self.cards:
                paid.append(payment)
        return paid

    def change_after(self, payment: Candidate[Decimal]) -> Candidate[Decimal] | None:
        """The change given back for ``payment``: the first change line below it, before the next payment."""
        later_payments = [other.line for other in (*self.cash, *self.cards) if other.line > payment.line]
        limit = min([*later_payments, payment.line + _CHANGE_LINES])
        after = [change for change in self.change if payment.line <= change.line <= limit]
        return min(after, key=lambda change: change.line) if after else None

    def gave_change(self, payment: Candidate[Decimal]) -> bool:
        """Whether a change line follows ``payment``, even one whose amount was not read."""
        return any(payment.line < line <= payment.line + _CHANGE_LINES for line in self.change_lines)

    def tendered(self) -> list[Decimal]:
        """Every amount handed over, as printed: a cash amount with no change line may be the exact total."""
        return [payment.value for payment in (*self.cash, *self.cards)]


def read_ledger(reader: Reader) -> Ledger:
    """The payments, change, rounding, discounts and surcharges the document prints (read once per reader)."""
    known = reader.memo.get("ledger")
    if isinstance(known, Ledger):
        return known
    ledger = _read_ledger(reader)
    reader.memo["ledger"] = ledger
    return ledger


def _read_ledger(reader: Reader) -> Ledger:
    layout = reader.layout

    def parse(text: str) -> Decimal | None:
        # The last amount of the row: "Cash  RM 50.00", "VISA **** 1234   27.30".
        found = reader.amounts(text)
        return found[-1].value if found else None

    def search(label_list: list[Label]) -> list[Candidate[Decimal]]:
        # Read as a whole row first: a rounding or a discount keeps its minus sign ("Rounding   -0.02").
        found = reader.search(label_list, parse, row=True, below=1, stop_on_text=False)
        return [candidate for candidate in found if not _is_rate(layout, candidate.line)]

    def on_a_card_slip(hit: Hit) -> bool:
        return any(_SLIP_WORDS.search(layout.lines[index]) for index in range(max(0, hit.line - _SLIP_LINES), hit.line))

    slip = reader.search(_SLIP_AMOUNT_LABELS, parse, row=True, below=0, stop_on_text=False, accept=on_a_card_slip)
    return Ledger(
        cash=[payment for payment in search(_CASH_LABELS) if payment.value > 0],
        cards=[payment for payment in [*search(_CARD_LABELS), *slip] if payment.value > 0],
        change=[change for change in search(_CHANGE_LABELS) if abs(change.value) < 100_000],
        rounding=[rounding for rounding in search(_ROUNDING_LABELS) if abs(rounding.value) < 1],
        discounts=search(_DISCOUNT_LABELS),
        surcharges=[surcharge for surcharge in search(_SURCHARGE_LABELS) if surcharge.value > 0],
        change_lines=sorted({hit.line for label in _CHANGE_LABELS for hit in layout.find(label.pattern)}),
    )


def _is_rate(layout: Layout, line: int) -> bool:
    """A line that states a percentage only ("Service charge 10%") has no amount of its own to give."""
    text = layout.lines[line]
    return "%" in text and not re.search(r"\d[.,]\d{2}(?!\s*%)", text)


def looks_like_receipt(reader: Reader, *, untitled: bool = False) -> bool:
    """A till receipt rather than an invoice: it says how it was paid (cash and change, a card), or uses a
    till's words, and has none of an invoice's billing details (bill-to block, due date, bank details).
    A photo or scan with no title needs only one of a till's words."""
    key = f"receipt untitled={untitled}"
    known = reader.memo.get(key)
    if isinstance(known, bool):
        return known
    reader.memo[key] = receipt = _looks_like_receipt(reader, untitled)
    return receipt


def _looks_like_receipt(reader: Reader, untitled: bool) -> bool:
    text = reader.layout.searchable
    if _BILLING_WORDS.search(text):
        return False
    ledger = read_ledger(reader)
    till_words = len({match.group(0).lower() for match in _TILL_WORDS.finditer(text)})
    paid = bool(ledger.change) or (bool(ledger.cash or ledger.cards) and till_words >= 1)
    enough = 1 if untitled and reader.misreadable else _TILL_WORDS_ENOUGH
    return paid or till_words >= enough
