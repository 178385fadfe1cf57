"""Heuristics for the built-in Invoice profile's fields, multilingual and vendor-agnostic.

Each field is looked for by its labels, most explicit first (``Invoice number`` before a bare ``#``), and
read from beside or under the label. Amounts are then cross-checked: when some subtotal, tax and total
candidates add up, that combination wins over the individually likeliest ones.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .amounts import currencies_in, format_amount
from .labels import Candidate, Label, Reader, labels
from .layout import Hit, Layout, Segment

INVOICE_FIELDS = (
    "vendor",
    "invoice_number",
    "invoice_date",
    "due_date",
    "currency",
    "subtotal",
    "tax_amount",
    "total_amount",
)


@dataclass(frozen=True)
class Found:
    """One field's value as the API shows it, with how sure we are and the parsed value for checks."""

    value: str
    confidence: int
    raw: object = None
    line: int | None = None


# ---------------------------------------------------------------------------------------------------
# Document type

_DOC_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        (
            "Credit Note",
            r"\bcredit\s*(?:note|memo)\b|gutschrift|rechnungskorrektur|stornorechnung|"
            r"^\s*avoir\b|\bnote\s+de\s+cr[ée]dit|\bcreditnota|\bcreditfactuur|\bnota\s+de\s+cr[ée]dito",
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
            r"\bre[çc]u\b|\bkwitantie\b|\brecibo\b",
        ),
        ("Invoice", r"\binvoice\b|rechnung|\bfacture\b|\bfactuur\b|\bfactura\b|\bfattura\b|\btax\s+invoice\b"),
    )
)
_TITLE_LINES = 15
_TITLE_WORDS = 6


def detect_doc_type(layout: Layout) -> str:
    """The kind of document, from its title: the first keyword in a short cell near the top, else in a
    short cell anywhere, else anywhere at all ("payable on receipt" in a sentence is no title)."""
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


# ---------------------------------------------------------------------------------------------------
# Invoice number

_NUMBER_LABELS = labels(
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
# A document-type word followed by an identifier: "Invoice 103767", "Facture FA-2017-0010".
_TITLE_WORD = (
    r"(?:tax\s+invoice|invoice|\w*rechnung|gutschrift|facture|avoir|factuur|credit\s*note|receipt|factura|fattura)"
)
_NUMBER_TITLE_LABELS = labels(
    2,
    rf"\b{_TITLE_WORD}(?:\s+\(\d+\))?\s*(?:n\s*[°º]|no\b\.?|nr\b\.?|num\b\.?|#)?(?=\s*[:#]?\s*\S*\d)",
)
_NUMBER_WEAK_LABELS = labels(3, r"(?<!\w)#(?=\s*\w*\d)", r"(?<![\w.])(?:nr|no|n\s*[°º])\.?(?=\s*:?\s*[A-Z]*\d)")
_NUMBER_HEADING_LABELS = labels(3, rf"(?<!\S){_TITLE_WORD}(?:\s*(?:nr|no|#)\.?)?(?=\s{{3}}|\s*$)")
_ID_TOKEN = re.compile(r"[A-Za-z0-9][\w\-/.]*[A-Za-z0-9]|\d")
_ID_PREFIX = re.compile(r"^(?:(?:no|nr|n\s*[°º]|number|num[ée]ro|nummer)\b\.?\s*[:#]?\s*)", re.IGNORECASE)
_DECIMAL_ONLY = re.compile(r"^-?\d{1,3}(?:[.,]\d{3})*[.,]\d{2}$")


def parse_identifier(reader: Reader, text: str) -> str | None:
    text = _ID_PREFIX.sub("", text.strip(" :#.-—–")).strip(" :#")
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
    title = re.compile(_TITLE_WORD, re.IGNORECASE)
    found = reader.search(_NUMBER_TITLE_LABELS, parse, below=1) + reader.search(
        _NUMBER_WEAK_LABELS, parse, right=1, below=1, accept=lambda hit: _near_title(reader.layout, hit, title)
    )
    if found:
        return min(found, key=lambda candidate: candidate.order)
    # Last, a heading cell that is just the title word, with the number under it ("Factuur" / "VF100519").
    found = reader.search(
        _NUMBER_HEADING_LABELS, parse, right=0, below=1, accept=lambda hit: _starts_cell(reader.layout, hit)
    )
    return found[0] if found else None


def _near_title(layout: Layout, hit: Hit, title: re.Pattern[str]) -> bool:
    return any(title.search(layout.lines[index]) for index in range(max(0, hit.line - 2), hit.line + 1))


# ---------------------------------------------------------------------------------------------------
# Dates

_ISSUE_DATE_LABELS = labels(
    1,
    r"\binvoice\s+date\b",
    r"\bdate\s+of\s+(?:the\s+)?invoice\b",
    r"\binvoice\s+dated\b",
    r"\bdate\s+of\s+issue\b",
    r"\bissue\s+date\b",
    r"\bissued\s+on\b",
    r"\bdate\s+issued\b",
    r"\bbilling\s+date\b",
    r"\bbill\s+date\b",
    r"\breceipt\s+date\b",
    r"\brechnungs\s*-?\s*datum\b",
    r"\bbelegdatum\b",
    r"\bausstellungsdatum\b",
    r"\bdate\s+de\s+(?:la\s+)?factur(?:e|ation)\b(?!\s+associ)",
    r"\bdate\s+d[’']?[ée]mission\b",
    r"\bfactuur\s*datum\b",
    r"\bfecha\s+de\s+(?:la\s+)?factura\b",
    r"\bdata\s+(?:della\s+)?fattura\b",
)
_GENERIC_DATE_LABELS = labels(2, r"(?<![\w\-])(?:date|datum|dated|fecha|data|den)(?![\w\-])")
# Dates that are not the date of issue, whatever "date" label they carry.
_OTHER_DATE_BEFORE = re.compile(
    r"(?:due|delivery|order|ship\w*|service|payment|sale|start|end|expiry|expiration|valid|birth|"
    r"performance|next\s+billing|vervaldatum|lever|zahlungs|paid)\W*$",
    re.IGNORECASE,
)
_OTHER_DATE_AFTER = re.compile(
    r"^\W*(?:due\b|of\s+(?:sale|delivery|order|service|supply|payment|birth)|"
    r"de\s+(?:livraison|d[ée]but|fin|commande|paiement|prestation|facture\s+associ)|d[’']?[ée]ch[ée]ance)",
    re.IGNORECASE,
)
_DUE_DATE_LABELS = labels(
    1,
    r"\bdue\s+date\b",
    r"\bdate\s+due\b",
    r"\bpayment\s+due(?:\s+date)?\b",
    r"\bdue\s+(?:on|by)\b",
    r"\bpay(?:able)?\s+by\b",
    r"\bf[äa]llig(?:keit(?:sdatum|stag|stermin)?|\s+am|\s+bis)?\b",
    r"\bzahlbar\s+bis\b",
    r"\bzahlungsziel\b",
    r"\bdate\s+d[’']?[ée]ch[ée]ance\b",
    r"\b[ée]ch[ée]ance\b",
    r"\bvervaldatum\b",
    r"\bvervaldag\b",
    r"\buiterste\s+betaaldatum\b",
    r"\bfecha\s+de\s+vencimiento\b",
    r"\bscadenza\b",
)
_DUE_DATE_WEAK_LABELS = labels(
    2,
    r"\bdue\b",
    r"\bzahlbar\b[^\n]{0,50}?\bbis(?:\s+zum)?\b",
    r"\b(?:überweisen|zahlen|begleichen)\b[^\n]{0,40}?\bbis(?:\s+zum)?\b",
    r"\bbetalen\s+voor\b",
    r"\b(?:remit|pay(?:ment)?|payable)\s+(?:until|by|before|no\s+later\s+than)\b",
    r"\b(?:r[ée]gler|payer)\s+avant\b",
)


_DATE_SLACK = 16


def _issue_date_context(layout: Layout, hit: Hit) -> bool:
    line = layout.lines[hit.line]
    return not _OTHER_DATE_BEFORE.search(line[max(0, hit.start - 25) : hit.start]) and not _OTHER_DATE_AFTER.search(
        line[hit.end : hit.end + 30]
    )


def extract_dates(reader: Reader, number_line: int | None) -> tuple[Candidate[date] | None, Candidate[date] | None]:
    def parse(text: str) -> date | None:
        return reader.leading_date(text)

    layout = reader.layout
    issue = reader.search(_ISSUE_DATE_LABELS, parse, slack=_DATE_SLACK)
    if not issue:
        issue = reader.search(
            _GENERIC_DATE_LABELS, parse, slack=_DATE_SLACK, accept=lambda hit: _issue_date_context(layout, hit)
        )
    issue_date = issue[0] if issue else None
    if issue_date is None:
        issue_date = _fallback_issue_date(reader, number_line)

    # Dates under a heading are often printed well off its column (a date is wider than "Due"), and
    # only a date is accepted there, so the column match can be loose.
    due = reader.search(_DUE_DATE_LABELS, parse, slack=_DATE_SLACK, lone=True) or reader.search(
        _DUE_DATE_WEAK_LABELS, parse, below=0
    )
    return issue_date, (due[0] if due else None)


def _fallback_issue_date(reader: Reader, number_line: int | None) -> Candidate[date] | None:
    layout = reader.layout
    # The document number's line often carries the date ("Rechnung Nr. 123 vom 19.05.2014"), or the
    # next line does ("Invoice 103767" / "February 17, 2026").
    if number_line is not None:
        for index in (number_line, *layout.lines_below(number_line, 2)):
            found = reader.dates(layout.lines[index])
            if found:
                return Candidate(found[0], 65, index, 3, (index, 0))
    # Otherwise the first date on the first page: letters put their date at the top.
    for index, line in enumerate(layout.lines):
        if layout.page_of_line[index] > 0:
            break
        found = reader.dates(line)
        if found:
            return Candidate(found[0], 45, index, 3, (index, 0))
    return None


# ---------------------------------------------------------------------------------------------------
# Amounts

_TOTAL_LABELS = [
    *labels(
        1,
        r"\bgrand\s*total\b",
        r"\binvoice\s+total\b",
        r"\btotal\s+(?:amount|invoice|payable|to\s+pay|for\s+this\s+invoice)\b",
        r"\btotal\s*\(?\s*(?:incl|inkl|including|with\s+(?:tax|vat))",
        r"\btotal\s+(?:\S{1,3}\s+)?incl",
        r"\bamount\s+(?:payable|to\s+pay)\b",
        r"\binvoice\s+amount\b",
        r"\btotal\s+t\.?t\.?c\b\.?",
        r"\bmontant\s+(?:total|t\.?t\.?c\b\.?)",
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
        r"\btotal\s+(?:excl|excluding|before|ex\b|w/o|without)",
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
    ),
    *labels(2, r"\bpositionssumme\b", r"\bpositionen\s+netto\b", r"\bsumme\s+positionen\b", r"\bnetto\b"),
]
_TAX_LABELS = [
    *labels(
        1,
        r"\btotal\s+(?:tax|taxes|vat|tva|gst|mwst|ust)\b",
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
# A tax word that names something else: an identifier, a rate, or part of another amount's label.
_NOT_TAX_AFTER = re.compile(
    r"^[\s.\-]*(?:id\b|-?id|nr\b|no\b|n°|number|num\b|reg|ident|nummer|rate|%|satz|clause|code|exempt|invoice|"
    r"point|period|#|registration|identifier)",
    re.IGNORECASE,
)
_NOT_TAX_BEFORE = re.compile(
    r"(?:incl|inkl|including|inclusive|inclusief|excl|exclusief|excluding|ohne|ex|hors|sans|before|avant|"
    r"prijzen|prices|preise|n\s*[°º])\.?\s*(?:\(?\s*\d+(?:[.,]\d+)?\s*%\s*)?\(?\s*$",
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


def _cell_prefix(layout: Layout, hit: Hit) -> str:
    """The text before the label in its own cell."""
    segment = layout.segment_at(hit.line, hit.start)
    start = segment.start if segment else 0
    return layout.lines[hit.line][start : hit.start]


# "Net total", "VAT total", "Line total": totals of something else.
_NOT_TOTAL_BEFORE = re.compile(
    r"(?:net|netto|sub|vat|tax|tva|btw|mwst|ust|gst|line|item|position|zwischen|discount|rabatt)[\s\-]*$",
    re.IGNORECASE,
)


def _tax_context(layout: Layout, hit: Hit) -> bool:
    line = layout.lines[hit.line]
    before = _cell_prefix(layout, hit)
    return not (
        _NOT_TAX_AFTER.search(line[hit.end : hit.end + 20])
        or _NOT_TAX_BEFORE.search(before)
        or _NOT_TAX_CELL.search(before)
    )


def extract_amounts(reader: Reader) -> Amounts:
    layout = reader.layout
    totals = reader.search(
        _TOTAL_LABELS,
        _amount_parser(reader, last=False),
        right=3,
        stop_on_text=False,
        accept=lambda hit: not _NOT_TOTAL_BEFORE.search(_cell_prefix(layout, hit)),
    )
    subtotals = reader.search(_SUBTOTAL_LABELS, _amount_parser(reader, last=False), right=3, stop_on_text=False)
    # Tax rows often print the base before the tax ("USt. 7%  275,00  19,25"): read the whole row and
    # take its last amount.
    taxes = reader.search(
        [label for label in _TAX_LABELS if label.tier == 1],
        _amount_parser(reader, last=True),
        row=True,
        accept=lambda hit: not _NOT_TAX_AFTER.search(layout.lines[hit.line][hit.end : hit.end + 20]),
    )
    explicit_lines = {candidate.line for candidate in taxes}
    taxes += [
        candidate
        for candidate in reader.search(
            [label for label in _TAX_LABELS if label.tier > 1],
            _amount_parser(reader, last=True),
            row=True,
            accept=lambda hit: _tax_context(layout, hit),
        )
        if candidate.line not in explicit_lines
    ]
    return _resolve(subtotals, taxes, totals)


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


# ---------------------------------------------------------------------------------------------------
# Currency

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


# ---------------------------------------------------------------------------------------------------
# Vendor

_SELLER_LABELS = labels(
    1,
    r"\b(?:seller|vendor|supplier|service\s+provider|bill(?:ed)?\s+from|verk[äa]ufer|lieferant|rechnungs\s*-?\s*"
    r"(?:steller|ersteller)|leistungserbringer|absender|fournisseur|vendeur|[ée]metteur|prestataire|leverancier|"
    r"verkoper|proveedor|emisor|fornitore)(?=\s*[:/]|\s*$|\s{3})",
)
_SELLER_INLINE_LABELS = labels(1, r"\b(?:sold|issued|provided|billed)\s+by\b", r"\bpurchased\s+.{1,40}?\bthrough\b")
_BUYER_LABELS = re.compile(
    r"\b(?:bill(?:ed)?\s+to|invoice\s+to|sold\s+to|ship(?:ped)?\s+to|deliver(?:y|ed)?\s+to|"
    r"customer(?!\s*(?:id|no|number|nr|ref|code|service|account))|client(?!\s*(?:id|no|number|nr|ref))|buyer|"
    r"recipient|attn|rechnungsempf[äa]nger|rechnung\s+an|leistungsempf[äa]nger|k[äa]ufer|kunde|lieferanschrift|"
    r"lieferadresse|warenempf[äa]nger|adresse\s+du\s+client|adresse\s+de\s+(?:livraison|facturation)|destinataire|"
    r"factuuradres|afleveradres|klant|cliente|destinatario)\b|^\s*(?:to|an|à)\s*:?\s*$",
    re.IGNORECASE,
)
_BLOCK_LINES = 6

# Legal forms that end a company name. The short upper-case ones are matched case-sensitively: in lower
# case they are ordinary words ("as", "ag", "se").
_SUFFIX_WORDS = (
    "inc inc. incorporated llc l.l.c. ltd ltd. limited plc gmbh corp corp. corporation sarl s.a.r.l. sas "
    "s.a.s. s.a. srl s.r.l. spa s.p.a. b.v. b.v n.v. n.v a.g. e.k. pty pvt kft oy a/s aps llp sp."
)
_SUFFIXES = frozenset(_SUFFIX_WORDS.split())
_CASED_SUFFIXES = frozenset(["AG", "KG", "SE", "SA", "NV", "BV", "AB", "AS", "OHG", "UG", "GbR", "LP", "SL"])
_CONNECTORS = frozenset(["&", "+", "und", "and", "et", "of", "de", "der", "van", "von", "du", "la", "le", "y"])
_STREET = re.compile(
    r"(?:stra(?:ß|ss)e\b|str\.|street\b|\bst\.|\broad\b|\brd\b|avenue\b|\bave\b|\brue\b|\bweg\b|platz\b|\blaan\b|"
    r"gasse\b|allee\b|\bsuite\b|\bp\.?o\.?\s*box\b|postfach)",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(
    r"^(?:invoice|rechnung|facture|factuur|receipt|credit note|gutschrift|page|seite|total|summary|original|copy|"
    r"kopie|paid|bezahlt|germany|deutschland|united states|usa|france|nederland|netherlands|austria|österreich|"
    r"switzerland|schweiz|ireland|united kingdom|uk|description|pay online)\b",
    re.IGNORECASE,
)


def _is_suffix(token: str) -> bool:
    bare = token.rstrip(",;:")
    return bare.lower() in _SUFFIXES or bare in _CASED_SUFFIXES


def _name_token(token: str) -> bool:
    bare = token.rstrip(",")
    if bare in _CONNECTORS:
        return True
    if bare.endswith(":") or bare in {"-", "–", "—", "|", "·", "●", "•"}:
        return False
    return bool(bare) and (bare[0].isupper() or bare[0].isdigit() or any(char.isupper() for char in bare[1:3]))


def company_names(line: str) -> list[str]:
    """Names ending in a legal form: ``"sold by Amazon Web Services, Inc."`` → Amazon Web Services, Inc."""
    tokens = [(match.start(), match.end(), match.group(0)) for match in re.finditer(r"\S+", line)]
    names: list[str] = []
    for index, (_, _, token) in enumerate(tokens):
        if not _is_suffix(token):
            continue
        last = index
        # "GmbH & Co. KG"
        while last + 2 < len(tokens) and tokens[last + 1][2] == "&" and tokens[last + 2][2].lower().startswith("co"):
            last += 2
            if last + 1 < len(tokens) and tokens[last + 1][2] in _CASED_SUFFIXES:
                last += 1
        first = index
        while (
            first > 0
            and index - first < 6
            and tokens[first][0] - tokens[first - 1][1] <= 6
            and _name_token(tokens[first - 1][2])
        ):
            first -= 1
        while first < index and tokens[first][2].rstrip(",") in _CONNECTORS:
            first += 1
        if first == index:
            continue
        name = " ".join(token for _, _, token in tokens[first : last + 1]).strip(" ,;")
        if _plausible_name(name):
            names.append(name)
    return names


def _plausible_name(text: str) -> bool:
    text = text.strip(" ,;:")
    if not 2 <= len(text) <= 80 or "@" in text or "www." in text.lower() or "http" in text.lower():
        return False
    if text.endswith(":") or text.startswith("(") or _NOT_A_NAME.match(text) or _STREET.search(text):
        return False
    compact = text.replace(" ", "")
    letters = sum(char.isalpha() for char in compact)
    return letters >= 2 and letters >= 0.5 * len(compact) and not text[0].isdigit() and ":" not in text


def _key(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.lower())


def _buyer_keys(layout: Layout) -> set[str]:
    """Names printed in a bill-to / customer block: those are the recipient, not the vendor."""
    keys: set[str] = set()
    for hit in layout.find(_BUYER_LABELS):
        texts = [layout.inline_after(hit)] + [segment.text for segment in layout.right_of(hit, 1)]
        for cells in layout.block(hit):
            if _SELLER_LABELS[0].pattern.search(cells[0].text):
                break
            texts.append(_label_value(cells) or cells[0].text)
        for text in texts:
            for name in company_names(text) or [_clean_name(text)]:
                keys.add(_key(name))
    keys.discard("")
    return keys


_LABEL_CELL = re.compile(r"^([^\W\d][\w .\-/]{0,40}?)\s*:\s*(.*)$")
_NAME_LABEL = re.compile(r"^(?:name|firma|company|raison\s+sociale|naam|nom|empresa)$", re.IGNORECASE)


def _label_value(cells: list[Segment]) -> str | None:
    """For a "Label: value" row, the value (in the same cell or the next); None for other rows."""
    match = _LABEL_CELL.match(cells[0].text)
    if not match:
        return None
    if match.group(2):
        return match.group(2)
    return cells[1].text if len(cells) > 1 else ""


def _row_label(cells: list[Segment]) -> str | None:
    match = _LABEL_CELL.match(cells[0].text)
    return match.group(1).strip() if match else None


_SEPARATORS = re.compile(r"\s+(?:[·●•|]|-\s(?=\d)|–)\s*")


def _clean_name(text: str) -> str:
    text = _SEPARATORS.split(text.strip())[0]
    text = re.sub(r"^(?:name|firma|company|raison sociale|naam)\s*:\s*", "", text, flags=re.IGNORECASE)
    return re.sub(r"\s{2,}", " ", text).strip(" ,;:-")


def extract_vendor(reader: Reader) -> Candidate[str] | None:
    layout = reader.layout
    buyers = _buyer_keys(layout)

    def usable(name: str) -> bool:
        return _plausible_name(name) and _key(name) not in buyers

    for hit in [hit for label in _SELLER_INLINE_LABELS for hit in layout.find(label.pattern)]:
        for name in company_names(layout.inline_after(hit)):
            if usable(name):
                return Candidate(name, 85, hit.line, 1, (hit.line, hit.start))

    for label in _SELLER_LABELS:
        for hit in layout.find(label.pattern):
            if not _starts_cell(layout, hit):
                continue
            found = _seller_block_name(layout, hit, usable)
            if found:
                return Candidate(found, 85, hit.line, 1, (hit.line, hit.start))

    sender = _sender_line_name(layout, usable)
    if sender is not None:
        return sender

    # Company names with a legal form, the recipient's excluded; a vendor's name tends to recur (letter
    # head, footer, payment details) and to sit near the top.
    scores: dict[str, tuple[int, int, str]] = {}
    counts: Counter[str] = Counter()
    for index, line in enumerate(layout.lines):
        for name in company_names(line):
            if not usable(name):
                continue
            key = _key(name)
            counts[key] += 1
            if key not in scores:
                top = layout.page_of_line[index] == 0 and index < 20
                scores[key] = (60 + (10 if top else 0), index, _clean_name(name))
    if scores:
        key = max(scores, key=lambda k: (scores[k][0] + 8 * min(counts[k] - 1, 3), -scores[k][1]))
        base, index, name = scores[key]
        return Candidate(name, min(85, base + 8 * min(counts[key] - 1, 3)), index, 2, (index, 0))

    # Last resort: the first name-like text at the top of the page, where letterheads are.
    seen = 0
    for index, segments in enumerate(layout.segments):
        if not segments:
            continue
        seen += 1
        if seen > 6:
            break
        for segment in segments:
            name = _TITLE_STRIP.sub("", _clean_name(segment.text)).strip(" ,;:-")
            if _BUYER_LABELS.search(name):
                # "Factuuradres", "Bill to": the heading of the customer's block, not a name.
                continue
            if usable(name) and not reader.dates(name):
                return Candidate(name, 45, index, 3, (index, segment.start))
    return None


_TITLE_STRIP = re.compile(rf"\s*\b{_TITLE_WORD}\b\s*$", re.IGNORECASE)


_SENDER_SEPARATOR = re.compile(r"\s+[|·●•]\s+|\s+[-–]\s+")
_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}-?)?\d{4,5}\b")


def _sender_line_name(layout: Layout, usable: Callable[[str], bool]) -> Candidate[str] | None:
    """The sender's name from the return-address line of a letter: "ACME GmbH · Hauptstr. 1 · 12345 Ort"."""
    for index, line in enumerate(layout.lines[:40]):
        if layout.page_of_line[index] > 0:
            break
        parts = _SENDER_SEPARATOR.split(line.strip())
        if len(parts) < 3 or not any(_POSTCODE.search(part) for part in parts[1:4]):
            continue
        first = re.split(r"\s{3,}", parts[0])[-1]
        names = company_names(first)
        name = _clean_name(names[0] if names else first)
        if usable(name):
            return Candidate(name, 80, index, 1, (index, 0))
    return None


def _starts_cell(layout: Layout, hit: Hit) -> bool:
    """Whether the label opens its cell: "Seller:" does, "Art-Nr-Lieferant" (a column heading) does not."""
    segment = layout.segment_at(hit.line, hit.start)
    return segment is None or not layout.lines[hit.line][segment.start : hit.start].strip()


def _seller_block_name(layout: Layout, hit: Hit, usable: Callable[[str], bool]) -> str | None:
    inline = layout.inline_after(hit).strip(" :")
    if inline and not inline.endswith(":"):
        name = _clean_name(inline)
        return name if usable(name) else None
    named: list[str] = []
    plain: list[str] = []
    for cells in layout.block(hit):
        if _BUYER_LABELS.search(cells[0].text) or _SELLER_LABELS[0].pattern.search(cells[0].text):
            break
        label = _row_label(cells)
        if label is not None:
            # "Name: Lieferant GmbH" names the seller; "Nummer: 549910", "Telefon: ..." do not.
            if _NAME_LABEL.match(label):
                named.append(_label_value(cells) or "")
            continue
        plain.append(cells[0].text)
    for text in named + plain:
        for name in company_names(text):
            if usable(name):
                return _clean_name(name)
    for text in named + plain[:2]:
        name = _clean_name(text)
        if usable(name):
            return name
    return None


# ---------------------------------------------------------------------------------------------------


def extract_invoice_fields(reader: Reader) -> dict[str, Found | None]:
    number = extract_invoice_number(reader)
    issue, due = extract_dates(reader, number.line if number else None)
    amounts = extract_amounts(reader)
    currency = extract_currency(reader, amounts.total)
    vendor = extract_vendor(reader)

    def text_field(candidate: Candidate[str] | None) -> Found | None:
        if candidate is None:
            return None
        return Found(candidate.value, candidate.confidence, candidate.value, candidate.line)

    def date_field(candidate: Candidate[date] | None) -> Found | None:
        if candidate is None:
            return None
        return Found(candidate.value.isoformat(), candidate.confidence, candidate.value, candidate.line)

    def amount_field(candidate: Candidate[Decimal] | None) -> Found | None:
        if candidate is None:
            return None
        return Found(format_amount(candidate.value), candidate.confidence, candidate.value, candidate.line)

    return {
        "vendor": text_field(vendor),
        "invoice_number": text_field(number),
        "invoice_date": date_field(issue),
        "due_date": date_field(due),
        "currency": text_field(currency),
        "subtotal": amount_field(amounts.subtotal),
        "tax_amount": amount_field(amounts.tax),
        "total_amount": amount_field(amounts.total),
    }


__all__ = ["INVOICE_FIELDS", "Found", "Label", "detect_doc_type", "extract_invoice_fields"]
