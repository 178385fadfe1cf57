"""Totals printed as a table: a heading row names the net, tax and gross columns ("Netto | MwSt. | Brutto",
"HT | TVA | TTC") and the figures stand under it, one row per tax rate and often a sum row last; or a
total row of three figures without headings, where the first two add up to the third.

Reading such a row by its label alone takes its first figure, the net amount, for the total; reading a
tax row to its end takes the gross amount for the tax. Here each figure is read by its column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from recordengine.extraction.amounts import ISO_4217, Amount
from recordengine.extraction.labels import TIER_CONFIDENCE, Candidate, Reader
from recordengine.extraction.layout import COLUMN_SLACK, Hit

from .reconcile import TOLERANCE

NET, TAX, GROSS, RATE = "net", "tax", "gross", "rate"
# How many lines under its heading a totals table may run (rules and blank lines aside).
MAX_TABLE_LINES = 8

_FIGURE_WORDS = r"(?:[\s\-]*(?:amount|betrag|bedrag|value|wert|summe|total|montant))?"
_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (role, re.compile(pattern, re.IGNORECASE))
    for role, pattern in (
        (
            TAX,
            r"(?:total\s+(?:de\s+)?|summe\s+|montant\s+(?:de\s+la\s+|du\s+)?|valor\s+(?:do\s+|de\s+)?)?"
            rf"(?:tax|taxes|vat|tva|mwst|ust|u\.st|gst|btw|iva|steuer|ptu)\.?{_FIGURE_WORDS}"
            r"|steuerbetrag|umsatzsteuer(?:betrag)?|(?:cuota|importe|valor)\s+(?:de\s+|do\s+)?iva|imposta|"
            r"(?:kwota|warto[śs][ćc])\s+(?:vat|ptu|podatku)|税额",
        ),
        (
            NET,
            rf"(?:total\s+|summe\s+|montant\s+)?(?:net|netto|h\.?t\.?){_FIGURE_WORDS}"
            r"|nettobetrag|nettowert|nettosumme|warenwert|sub\s*-?\s*total|subtotaal|zwischensumme|"
            r"(?:tax(?:able)?\s+)?base(?:\s+(?:tva|ht|imponible|amount))?|taxable(?:\s+(?:amount|value))?|"
            r"(?:steuer)?basis(?:betrag)?|grondslag|incid[êe]ncias?|imponibile|valor\s+l[íi]quido|"
            r"(?:total|amount|betrag)\s+(?:excl|exkl|ohne|without|before|hors)\b.*|"
            r"(?:warto[śs][ćc]|razem|suma)\s+netto|importe\s+neto|金额|不含税金额",
        ),
        (
            GROSS,
            rf"(?:total\s+|summe\s+|montant\s+)?(?:brutto|gross|t\.?t\.?c\.?){_FIGURE_WORDS}"
            r"|bruttobetrag|bruttosumme|bruttowert|endbetrag|endsumme|gesamt(?:betrag|summe)?|totaal|totale|"
            r"total(?:\s+(?:amount|t\.?t\.?c\.?))?|(?:total|amount|betrag)\s+(?:incl|inkl|including|with)\b.*|"
            r"rechnungsbetrag|zahlbetrag|amount\s+due|(?:warto[śs][ćc]|razem|suma)\s+brutto|importe\s+total|"
            r"valor\s+total|totale\s+(?:fattura|documento)|价税合计",
        ),
        (RATE, r".*(?:%|\b(?:rate|satz|taux|tarifa?)\b).*"),
    )
)
# A heading's currency or unit is not part of its name: "Netto EUR", "Total TTC (€)".
_HEADING_NOISE = re.compile(r"\(\s*(?:[A-Z]{3}|in\s+\w+|[€$£])\s*\)|[€$£:*]|\b[A-Z]{3}\b")
# Headings of an item table: its rows are items, not totals.
_ITEM_HEADING = re.compile(
    r"\b(?:qty|quantity|quantit[ée]|qt[ée]|menge|anzahl|aantal|hoeveelheid|cantidad|description|beschreibung|"
    r"bezeichnung|artikel\w*|article|items?|d[ée]signation|omschrijving|descripci[óo]n|unit\s*price|"
    r"einzelpreis|prix\s+unitaire|p\.\s*u|st[üu]ckpreis|product|produkt|pos)\b",
    re.IGNORECASE,
)
_ROLE_WORD = re.compile(
    r"net|tax|vat|tva|mwst|ust|btw|iva|steuer|brutto|gross|ttc|total|betrag|wert|summe|imponib|imposta|ptu|"
    r"warto|kwota|importe|valor|base|\bh\.?t\b|金额|税额|合计",
    re.IGNORECASE,
)
# Cells of a heading row are often only two spaces apart ("MwSt-Betrag  MwSt-%").
_CELL = re.compile(r"\S+(?: \S+)*")
# A word in a row (a currency code or sign aside): "Acompte", "Net à payer".
_LABEL_WORD = re.compile(r"[^\W\d_]{3,}")
# A sum row's label that names no other amount ("Summe", "Total:"; not "Total TTC").
_BARE_SUM = re.compile(r"\s*(?:total[es]?|totaal|summe|gesamt|sum|somme|razem|suma|og[óo][łl]em)\s*:?", re.IGNORECASE)
# How many lines apart the two halves of one row may come out.
_SPLIT_ROW_LINES = 2
_SUM_ROW = re.compile(
    r"^\s*(?:total[es]?|totaal|summe|gesamt|sum|somme|σ|razem|suma|og[óo][łl]em|totale|合\s*计)(?:\b|(?=\s|$))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Column:
    role: str | None
    start: int
    end: int


@dataclass
class TotalsTable:
    """Candidates read from totals tables and total rows, and where those are (their labels are read)."""

    subtotals: list[Candidate[Decimal]] = field(default_factory=list)
    taxes: list[Candidate[Decimal]] = field(default_factory=list)
    totals: list[Candidate[Decimal]] = field(default_factory=list)
    # Each table's lines and the columns it spans: another label may stand beside it on the same line.
    regions: list[tuple[set[int], int, int]] = field(default_factory=list)

    def add(self, role: str, candidate: Candidate[Decimal]) -> None:
        {NET: self.subtotals, TAX: self.taxes, GROSS: self.totals}[role].append(candidate)

    def covers(self, hit: Hit) -> bool:
        return any(
            hit.line in lines and hit.start < end + COLUMN_SLACK and start - COLUMN_SLACK < hit.end
            for lines, start, end in self.regions
        )


def heading_role(text: str) -> str | None:
    """Whether a table heading names the net, tax or gross amount column (or a tax rate's)."""
    bare = _HEADING_NOISE.sub(lambda noise: " " if _is_noise(noise.group(0)) else noise.group(0), text)
    bare = re.sub(r"\s+", " ", bare).strip(" .")
    for role, pattern in _ROLES:
        if pattern.fullmatch(bare):
            return role
    return None


def _is_noise(text: str) -> bool:
    return not text.isalpha() or text in ISO_4217


def read_totals_tables(reader: Reader) -> TotalsTable:
    found = TotalsTable()
    layout = reader.layout
    for index, line in enumerate(layout.lines):
        if not line or len(_ROLE_WORD.findall(line)) < 2:
            continue
        columns = _heading(reader, index)
        if columns is not None:
            _read_table(reader, index, columns, found)
    for index, line in enumerate(layout.lines):
        # Also under a table's headings: OCR may have lost the headings of some of its figures.
        if _SUM_ROW.match(line):
            _read_total_row(reader, index, found)
    return found


def _heading(reader: Reader, index: int) -> list[Column] | None:
    line = reader.layout.lines[index]
    columns: list[Column] = []
    for cell in _CELL.finditer(line):
        if _ITEM_HEADING.search(cell.group(0)):
            return None
        columns.append(Column(heading_role(cell.group(0)), cell.start(), cell.end()))
    roles = {column.role for column in columns} - {None, RATE}
    # Headings carry no figures: a line with amounts is a row.
    return columns if len(roles) >= 2 and not reader.amounts(line) else None


def _read_table(reader: Reader, heading: int, columns: list[Column], found: TotalsTable) -> None:
    layout = reader.layout
    figures: dict[int, list[tuple[Decimal, int]]] = {}
    rows: list[int] = []
    # The columns filled by the last row: a row printed a little off its own baseline comes out of layout
    # mode as two lines whose figures fill different columns ("100,00  ...  120,00" then "20,00").
    last_row: set[int] = set()
    sum_row: int | None = None
    for index in layout.lines_below(heading, MAX_TABLE_LINES):
        line = layout.lines[index]
        if not re.search(r"[^\W_]", line):
            continue  # a rule: "-----", "====="
        placed = _place(columns, line, reader.amounts(line))
        if _labelled_row(columns, line):
            if rows and _complete(columns, placed):
                # A labelled row whose net and tax add up to its gross sums the table, whatever OCR made
                # of its label ("Gesantbetrag").
                sum_row = index
                rows.append(index)
                for position, amount in placed.items():
                    figures.setdefault(position, []).append((amount.value, index))
            # Else a row of its own under the table's columns ("Acompte : 10,00", "Net à payer 100,00"):
            # the table ended above it.
            if rows:
                break
            continue
        if not placed:
            if rows:
                break
            continue
        split = bool(rows) and index - rows[-1] <= _SPLIT_ROW_LINES and not last_row & placed.keys()
        if split:
            last_row |= placed.keys()
        else:
            rows.append(index)
            last_row = set(placed)
        for position, amount in placed.items():
            figures.setdefault(position, []).append((amount.value, rows[-1]))
        if _SUM_ROW.match(line):
            sum_row = index
            break
    if not rows:
        return
    named = [column for column in columns if column.role is not None]
    found.regions.append(({heading, *rows}, named[0].start, named[-1].end))
    summed_rows = set(rows) - {sum_row}
    for role, position in _role_columns(columns).items():
        column = figures.get(position, [])
        in_sum_row = [value for value, row in column if row == sum_row]
        if in_sum_row and sum_row is not None:
            # The sum row says what the rows add up to, even when a row above was misread.
            order = (sum_row, columns[position].start)
            found.add(role, Candidate(in_sum_row[0], TIER_CONFIDENCE[1], sum_row, 1, order))
            continue
        if summed_rows - {line for _, line in column}:
            # Blank in a row that has other figures: the column was not read reliably.
            continue
        candidate = _column_figure(column, columns[position].start)
        if candidate is not None:
            found.add(role, candidate)


def _role_columns(columns: list[Column]) -> dict[str, int]:
    """The column of each role: the tax amount (after the net amount's, when a heading before it names the
    tax), the gross amount furthest right, and the net amount nearest before the tax ("Warenwert ...
    Nettobetrag | MwSt-Betrag": after discounts)."""
    chosen: dict[str, int] = {}
    first_net = next((position for position, column in enumerate(columns) if column.role == NET), None)
    for position, column in enumerate(columns):
        if column.role == TAX and (TAX not in chosen or chosen[TAX] < (first_net or 0) < position):
            # A tax heading before the net amount's heads the tax code ("Steuer  %  Netto  Steuer  Brutto").
            chosen[TAX] = position
        elif column.role == GROSS:
            chosen[GROSS] = position
    nets = [position for position, column in enumerate(columns) if column.role == NET]
    if nets:
        before_tax = [position for position in nets if TAX not in chosen or position < chosen[TAX]]
        chosen[NET] = before_tax[-1] if before_tax else nets[0]
    return chosen


def _column_figure(figures: list[tuple[Decimal, int]], start: int) -> Candidate[Decimal] | None:
    """The column's total: its only figure, or its last one when that sums up (or repeats) the others;
    else the sum of its rows (one per tax rate), which is less sure."""
    if not figures:
        return None
    values = [value for value, _ in figures]
    last, line = figures[-1]
    earlier = values[:-1]
    if not earlier or abs(sum(earlier) - last) <= TOLERANCE * len(figures) or all(v == last for v in earlier):
        return Candidate(last, TIER_CONFIDENCE[1], line, 1, (line, start))
    return Candidate(sum(values, Decimal(0)), TIER_CONFIDENCE[2], line, 2, (line, start))


def _labelled_row(columns: list[Column], line: str) -> bool:
    """Whether words stand under a net, tax or gross heading: the row is labelled by them, not by the table.
    A rate's row label ("19% MwSt.") and a bare sum row's ("Summe") belong to the table."""
    roles = [column for column in columns if column.role in (NET, TAX, GROSS)]
    for cell in _CELL.finditer(line):
        text = cell.group(0)
        if not _LABEL_WORD.search(_HEADING_NOISE.sub(" ", text)) or re.search(r"\d", text) or _BARE_SUM.fullmatch(text):
            continue
        if any(
            cell.start() < column.end + COLUMN_SLACK and column.start - COLUMN_SLACK < cell.end() for column in roles
        ):
            return True
    return False


def _figure_cell(text: str) -> bool:
    """A cell that holds a figure and nothing else but its currency: not a sentence that ends in an amount."""
    return not _LABEL_WORD.search(_HEADING_NOISE.sub(" ", text))


def _place(columns: list[Column], line: str, amounts: list[Amount]) -> dict[int, Amount]:
    """The row's figures by heading column: right under the headings, or cell for cell from the right
    (layout mode can shift a whole row off its headings), whichever places more net, tax and gross
    figures that make sense together; under the headings when both do as well."""
    cells = list(_CELL.finditer(line))
    by_cell: dict[int, Amount] = {}
    for position, cell in zip(reversed(range(len(columns))), reversed(cells), strict=False):
        inside = [amount for amount in amounts if cell.start() <= amount.start and amount.end <= cell.end()]
        if len(inside) == 1 and _figure_cell(cell.group(0)):
            by_cell[position] = inside[0]
    options = [_under_headings(columns, amounts), by_cell]
    plausible = [option for option in options if _plausible(columns, option)]
    return max(plausible, key=lambda option: len(_role_figures(columns, option)), default={})


def _under_headings(columns: list[Column], amounts: list[Amount]) -> dict[int, Amount]:
    placed: dict[int, Amount] = {}
    for amount in amounts:
        nearest = min(range(len(columns)), key=lambda position: _gap(columns[position], amount))
        if _gap(columns[nearest], amount) <= COLUMN_SLACK and nearest not in placed:
            placed[nearest] = amount
    return placed


def _complete(columns: list[Column], placed: dict[int, Amount]) -> bool:
    """Whether the row has net, tax and gross figures, and they add up."""
    return len(_role_figures(columns, placed)) == 3 and _plausible(columns, placed)


def _role_figures(columns: list[Column], placed: dict[int, Amount]) -> dict[str, Decimal]:
    return {role: placed[position].value for role, position in _role_columns(columns).items() if position in placed}


def _plausible(columns: list[Column], placed: dict[int, Amount]) -> bool:
    """Rates are percentages, the tax is smaller than the net and gross amounts, and net plus tax is gross."""
    if any(columns[position].role == RATE and abs(amount.value) > 100 for position, amount in placed.items()):
        return False
    figures = _role_figures(columns, placed)
    tax = abs(figures.get(TAX, Decimal(0)))
    if any(role in figures and abs(figures[role]) < tax for role in (NET, GROSS)):
        return False
    if len(figures) == 3:
        return abs(figures[NET] + figures[TAX] - figures[GROSS]) <= TOLERANCE
    return True


def _gap(column: Column, amount: Amount) -> int:
    return max(0, column.start - amount.end, amount.start - column.end)


def _read_total_row(reader: Reader, index: int, found: TotalsTable) -> None:
    """ "Total  1.000,00  190,00  1.190,00": net, tax and gross when the first two add up to the third. Some
    tills print the tax first ("Summe  1,74  24,86  26,60"): the smaller of the two is the tax."""
    amounts = reader.amounts(reader.layout.lines[index])
    for first, second, gross in _triples(amounts):
        net, tax = (first, second) if abs(first.value) >= abs(second.value) else (second, first)
        if tax.value != 0 and abs(net.value + tax.value - gross.value) <= TOLERANCE:
            for role, amount in ((NET, net), (TAX, tax), (GROSS, gross)):
                found.add(role, Candidate(amount.value, TIER_CONFIDENCE[1], index, 1, (index, amount.start)))
            found.regions.append(({index}, 0, len(reader.layout.lines[index])))
            return


def _triples(amounts: list[Amount]) -> Iterator[tuple[Amount, Amount, Amount]]:
    for end in range(len(amounts), 2, -1):
        yield amounts[end - 3], amounts[end - 2], amounts[end - 1]
