"""Line items from the item table: a header row naming the columns, then one row per item."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .amounts import Amount, find_amounts, to_number
from .dates import find_dates
from .layout import Layout, Segment

MAX_ITEMS = 200
# Lines of prose, notes or wrapped descriptions tolerated between two items before the table is over.
MAX_GAP = 12

# The words of each kind of column heading, per language; a heading is of the first kind whose words it has
# ("Prix unitaire" is a unit price, "Montant HT" an amount).
_COLUMN_WORDS: dict[str, dict[str, str]] = {
    "quantity": {
        "en": r"qty|quantity|units|hours|hrs",
        "de": r"menge|anzahl|anz\.|stk",
        "fr": r"quantit[ée]|qt[ée]",
        "nl": r"aantal|hoeveelheid",
        "es": r"cantidad|cant\.|uds\.?|unidades",
        "it": r"quantit[àa]|q\.t[àa]|qt[àa]",
        "pt": r"quantidade|qtd\.?|qtde\.?",
        "pl": r"ilo[śs][ćc]",
        "ro": r"cantitate|cant\.",
    },
    "unit_price": {
        "en": r"unit\s*(?:net\s*)?(?:price|cost)|price|rate",
        "de": r"(?:einzel|netto|stück)?preis\w*(?:/\w*)?|e-preis",
        "fr": r"prix|p\.\s*u",
        "nl": r"prijs",
        "es": r"precio(?!\s+total)|p\.\s*unit\.?",
        "it": r"prezzo(?!\s+totale)",
        "pt": r"pre[çc]o(?!\s+total)|valor\s+unit[áa]rio|v\.\s*unit\.?",
        "pl": r"cena",
        "ro": r"pre[țţt](?:ul)?(?:\s+unitar)?",
    },
    "amount": {
        "en": r"amount|total|line\s+total|gross\s+value|net\s+value",
        "de": r"betrag|nettobetrag|gesamt|summe|entgelt|(?:netto|brutto|gesamt|positions|waren)wert",
        "fr": r"montant|total\s*ht",
        "nl": r"bedrag",
        "es": r"importe",
        "it": r"importo",
        "pt": r"valor(?:\s+total)?",
        "pl": r"warto[śs][ćc]",
        "ro": r"valoare(?:a)?",
    },
    "description": {
        "en": r"description|item|items|article|product|service|item\s+name",
        "de": r"artikel\w*|beschreibung|bezeichnung|produkt|leistung",
        "fr": r"d[ée]signation|libell[ée]",
        "nl": r"omschrijving",
        "es": r"descripci[óo]n|concepto|art[íi]culo",
        "it": r"descrizione|articolo|prodotto",
        "pt": r"descri[çc][ãa]o|produto|artigo",
        "pl": r"nazwa|opis|towar\w*",
        "ro": r"denumire(?:a)?|produs|descriere",
    },
    "other": {
        "en": r"tax|vat|%|pos|no\.|nr|unit|date|code",
        "de": r"ust|mwst|einheit|datum",
        "fr": r"tva",
        "nl": r"btw",
        "es": r"iva",
    },
}
_COLUMN_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rf"(?<!\w)(?:{'|'.join(by_language.values())})(?!\w)", re.IGNORECASE))
    for kind, by_language in _COLUMN_WORDS.items()
)
_STOP = re.compile(
    # "Bruttopreis: 1,50" under an item is a detail of that item, not the gross total.
    r"^(?!\w*(?:preis|price|prijs|prix)\b)(?:sub\s*-?\s*total|total|totaal|subtotaal|summe|gesamt|zwischensumme|netto|brutto|rechnungssumme|"
    r"positionssumme|positionen\s+netto|exclusief|excl|tax\b|vat\b|btw\b|tva\b|mwst|ust\b|zzgl|zuzügl|"
    r"sales\s+tax|gst\b|hst\b|shipping|"
    r"amount\s+due|balance|grand|payments?\b|invoice\s+total|belegsummen|umsatzsteuer|endsumme|versandkosten|"
    r"d[ée]tail\s+tva|montant|net\s+[àa]\s+payer|zu\s+zahlen|razem|suma\b|do\s+zap[łl]aty|totale|"
    r"base\s+imponible|importe\s+total|iva\b|a\s+pagar|valoare\s+total)",
    re.IGNORECASE,
)
_TOTAL_WORD = re.compile(r"\b(?:sub\s*-?\s*total|total|totaal|summe|gesamtbetrag|rechnungsbetrag)\b", re.IGNORECASE)
_POSITION = re.compile(r"^\d{1,3}\.?$")


@dataclass(frozen=True)
class Column:
    kind: str
    start: int
    end: int


def _classify(text: str) -> str | None:
    for kind, pattern in _COLUMN_KINDS:
        if pattern.search(text):
            return kind
    return None


_HEADER_CELL = re.compile(r"\S+(?: \S+)*")
_KIND_RANK = {"amount": 0, "unit_price": 1, "quantity": 2, "description": 3, "other": 4}
# Headings wrapped over several lines ("Preis/" over "Einheit") are merged with up to this many
# neighbouring heading lines on each side.
HEADER_SPAN = 2


def _heading_cells(layout: Layout, index: int) -> list[Column] | None:
    """The cells of a line that reads as headings (short, no money, no dates), else None."""
    line = layout.lines[index]
    # Headings are short and often only two spaces apart ("Betrag  USt. %"), so split them finer than
    # the three-space cells used elsewhere.
    cells = list(_HEADER_CELL.finditer(line))
    if not cells or any(len(cell.group(0)) > 40 for cell in cells):
        return None
    if any(amount.explicit for amount in find_amounts(line)) or find_dates(line):
        return None
    return [Column(_classify(cell.group(0)) or "other", cell.start(), cell.end()) for cell in cells]


def column_text(layout: Layout, line: int, column: Column) -> str:
    return layout.lines[line][column.start : column.end]


def _merge(columns: list[Column]) -> list[Column]:
    merged: list[Column] = []
    for column in sorted(columns, key=lambda item: item.start):
        if merged and column.start <= merged[-1].end:
            last = merged[-1]
            kind = min(last.kind, column.kind, key=_KIND_RANK.__getitem__)
            merged[-1] = Column(kind, last.start, max(last.end, column.end))
        else:
            merged.append(column)
    return merged


def _header(layout: Layout, index: int) -> tuple[list[Column], int] | None:
    """The table's columns if a heading row starts here, and the heading's last line."""
    own = _heading_cells(layout, index)
    if own is None or len(own) < 2 or not _is_header([column.kind for column in own]):
        return None
    cells = list(own)
    last = index
    for step in (-1, 1):
        neighbour = index
        for _ in range(HEADER_SPAN):
            neighbour += step
            if not 0 <= neighbour < len(layout.lines) or not layout.segments[neighbour]:
                break
            extra = _heading_cells(layout, neighbour)
            if extra is None or any(re.search(r"\d", column_text(layout, neighbour, cell)) for cell in extra):
                # Headings wrapped over lines are words; a line with figures (opening hours, an
                # address) above or below the heading row is something else.
                break
            cells += extra
            last = max(last, neighbour)
    columns = _merge(cells)
    kinds = [column.kind for column in columns]
    if kinds.count("description") > 1:
        # "Artikel ... Omschrijving": the item code column comes first, the wording after it.
        first = kinds.index("description")
        columns[first] = Column("other", columns[first].start, columns[first].end)
        kinds[first] = "other"
    if "amount" not in kinds and kinds.count("unit_price") >= 2:
        # "Prijs per stuk ... Prijs incl. BTW": the last price column is the line total.
        final = len(kinds) - 1 - kinds[::-1].index("unit_price")
        columns[final] = Column("amount", columns[final].start, columns[final].end)
    return columns, last


_FIGURE_KINDS = frozenset({"quantity", "unit_price", "amount"})


def _is_header(kinds: list[str]) -> bool:
    numeric = _FIGURE_KINDS & set(kinds)
    if not numeric & {"amount", "unit_price"}:
        return False
    return len(numeric) + ("description" in kinds) >= 2


def _column_for(columns: list[Column], start: int, end: int) -> Column:
    def fit(column: Column) -> tuple[int, int]:
        overlap = min(end, column.end + 2) - max(start, column.start - 2)
        centres = abs((start + end) - (column.start + column.end))
        distance = min(abs(start - column.end), abs(end - column.start), centres)
        return (overlap if overlap > 0 else 0, -distance)

    return max(columns, key=fit)


def extract_line_items(layout: Layout, *, dayfirst: bool = True) -> list[dict[str, Any]]:
    index = 0
    while index < len(layout.lines):
        header = _header(layout, index)
        if header is None:
            index += 1
            continue
        columns, last = header
        items = _rows(layout, last, columns, dayfirst)
        if items:
            return items
        index = last + 1
    return _headerless(layout, dayfirst)


@dataclass
class _TillRow:
    """A line of a table without headings, bottom up: an item with where its amount ends and whether a tax
    class follows the amount, or (``item`` None) a quantity line with its quantity and unit price."""

    item: dict[str, Any] | None
    end: int = 0
    taxed: bool = False
    times: tuple[Decimal, Decimal] | None = None
    # An item's line whose amount OCR lost.
    misread: bool = False


# Rows that all end in a till's tax class are items even when OCR lost one of them (or the total): the
# sum no longer has to agree once there are this many.
TAXED_ROWS_ENOUGH = 3
# Lines among a till's items whose amount or wording OCR lost, passed over before the items are taken to
# have ended.
MAX_MISREAD_ROWS = 3


def _headerless(layout: Layout, dayfirst: bool) -> list[dict[str, Any]]:
    """Items of a table printed without a heading row: lines of wording and an amount, right-aligned,
    right above a total line whose amount they add up to (the sum is what makes them items), or that all
    end in a till's tax class. A till's "2 x 1,29" line under or over an item gives that item its
    quantity and unit price."""
    for index, segments in enumerate(layout.segments):
        totalled = _names_a_total(segments, misreadable=layout.ocr)
        # A till's items may end at the payment when OCR lost the total line ("Geg. BAR  EUR 10,00"), or even
        # the payment's amount ("Geg. Mastercard"): then only the tax classes say they are items.
        paid = not totalled and _PAYMENT.match(layout.lines[index]) is not None
        if not totalled and not paid:
            continue
        target = _last_money(layout.lines[index], dayfirst)
        if (target is None or target.value == 0) and not paid:
            continue
        # Rows that add up to the total are the items; otherwise the most rows that all end in a tax class,
        # passing over more lines OCR garbled.
        best: list[_TillRow] = []
        for misread_allowed in (1, MAX_MISREAD_ROWS):
            rows = list(reversed(_rows_above(layout, index, dayfirst, misread_allowed)))
            verdict = _till_items(rows, target if totalled else None)
            if verdict == "adds up":
                best = rows
                break
            if verdict == "taxed" and _count_items(rows) > _count_items(best):
                best = rows
        if best:
            _attach_quantities(best)
            return [row.item for row in best if row.item is not None]
    return []


def _count_items(rows: list[_TillRow]) -> int:
    return sum(row.item is not None for row in rows)


def _till_items(rows: list[_TillRow], total: Amount | None) -> str | None:
    """Whether ``rows`` are items: right-aligned, and adding up to the ``total`` printed under them ("adds
    up") or all ending in a till's tax class ("taxed"); else None."""
    found = [row for row in rows if row.item is not None]
    if not found:
        return None
    ends = [row.end for row in found]
    if max(ends) - min(ends) > 3:
        return None
    added = sum((Decimal(str(row.item["amount"])) for row in found if row.item), Decimal(0))
    misread = any(row.misread for row in rows)
    if total is not None and not misread and abs(added - total.value) <= Decimal("0.011") * len(found):
        return "adds up"
    return "taxed" if len(found) >= TAXED_ROWS_ENOUGH and all(row.taxed for row in found) else None


def _rows_above(layout: Layout, index: int, dayfirst: bool, misread_allowed: int) -> list[_TillRow]:
    """The item and quantity lines right above line ``index``, bottom up, passing over at most
    ``misread_allowed`` lines of items OCR garbled (and, when more than one, lines of wording without
    an amount)."""
    rows: list[_TillRow] = []
    above = index - 1
    blanks = 0
    misread = 0
    while above >= 0 and layout.page_of_line[above] == layout.page_of_line[index] and len(rows) < MAX_ITEMS:
        line = layout.lines[above]
        above -= 1
        if not layout.segments[above + 1] or _RULE.match(line):
            blanks += 1
            if blanks > 1:
                break
            continue
        blanks = 0
        if _BULLET.match(line):
            # "- Einbruchdiebstahl - Teil B § 3": a point of the item above, whatever figures it holds.
            continue
        if _QUANTITY_HINT.match(line):
            # A quantity line OCR garbled ("0,352 kg x 269 e/kg") is still no item.
            match = _QUANTITY_LINE.match(line)
            rows.append(_TillRow(None, times=_times(match) if match else None))
            continue
        row = _plain_row(layout, above + 1, dayfirst)
        if row is None and misread < misread_allowed and _misread_item(line, dayfirst, lost=misread_allowed > 1):
            # An item whose amount or wording OCR lost ("COCA-COLA      À", "0,55ex   2   1,10 AW", "Pfand"):
            # passed over, the rows above it are still the till's items.
            misread += 1
            rows.append(_TillRow(None, misread=True))
            continue
        if row is None:
            break
        rows.append(row)
    return rows


def _misread_item(line: str, dayfirst: bool, lost: bool) -> bool:
    """An item's line with its amount or its wording lost: wording and a lone tax class (``lost``: or no
    amount at all), or an amount with a tax class and no wording."""
    amount = _last_money(line, dayfirst)
    if _WORDING.search(line):
        return _LOST_AMOUNT.search(line) is not None or (lost and amount is None)
    return amount is not None and _row_end(line[amount.end :]) is True


# Words a till prints on its total line, which OCR misreads by a letter ("SUNME", "T0TAL").
_TILL_TOTAL_WORDS = ("summe", "total", "subtotal", "totale", "totaal", "gesamt", "gesamtbetrag", "zwischensumme")


def _names_a_total(segments: list[Segment], misreadable: bool = False) -> bool:
    """Whether a line is a total's (or the tax's, the payment's), which ends the items; ``misreadable``:
    OCR read it, and may have misread a letter of the total's word."""
    return any(
        _STOP.match(segment.text) or _TOTAL_WORD.search(segment.text) or (misreadable and _misread_total(segment.text))
        for segment in segments
    )


def _misread_total(text: str) -> bool:
    """Whether ``text`` starts with a till's total word with one letter misread."""
    word = text.split(" ", 1)[0].casefold()
    return any(
        len(word) == len(known) and sum(mine != theirs for mine, theirs in zip(word, known, strict=True)) == 1
        for known in _TILL_TOTAL_WORDS
    )


# The end of an item's line whose amount OCR lost: only its tax class is left, far right.
_LOST_AMOUNT = re.compile(r"\S\s{3,}[A-ZÀ-Ý]\s?\*?$")
# A bulleted point under an item: what it covers.
_BULLET = re.compile(r"^\s*[-–•·]\s+[^\W\d_]")
# A line drawn under the items ("-------", "=====").
_RULE = re.compile(r"^[\s\-=_*.~]+$")
# A till's quantity line: "2 x 1,29", "2 Stk x 1,49", "0,296 kg x 2,95 EUR/kg" (OCR may read a dash or two
# before the currency).
_QUANTITY_TIMES = (
    r"(?P<quantity>\d{1,4}(?:[.,]\d{1,3})?)\s*(?:stk|st|pcs|pc|kg|x)?\.?\s*[x×*]\s*"
    r"(?P<price>-?\d{1,6}[.,]\d{2})[-~_]*(?:\s*(?:€|eur))?(?:\s*/\s*[^\W\d_]{1,5})?"
)
# OCR reads specks in the margin before it ("|   2 Stk x 0,49", "7   3Stkx 0,25"), and may lose the price.
_SPECK = r"^[\W_]*(?:\S{1,2}\s{2,})?"
_QUANTITY_LINE = re.compile(rf"{_SPECK}{_QUANTITY_TIMES}\s*$", re.IGNORECASE)
_QUANTITY_HINT = re.compile(rf"{_SPECK}\d[\d.,]*\s*(?:stk|st|pcs|pc|kg)?\.?\s*[x×*](?:[\s_]*\d|\s*$)", re.IGNORECASE)
_QUANTITY_IN_ROW = re.compile(rf"(?<![\w.,]){_QUANTITY_TIMES}", re.IGNORECASE)
# Some tills print the unit price first: "Kefir   0,89x  2   1,78 A".
_PRICE_TIMES_IN_ROW = re.compile(
    r"(?<![\w.,])(?P<price>\d{1,6}[.,]\d{2})\s*[x×*]\s*(?P<quantity>\d{1,3})(?![\d.,])", re.IGNORECASE
)
# The first words of a till's payment lines (after a speck OCR read in the margin).
_PAYMENT = re.compile(
    r"^\W*(?:[^\W\d_]{1,3}\s+)?(?:geg\.|gegeben|bar\b|ec[\s-]*cash|karten?zahlung|girocard|mastercard|visa\b|maestro|"
    r"esp[èe]ces|efectivo|contanti|dinheiro|got[óo]wk[ai]|karta\b|cash\b)",
    re.IGNORECASE,
)


def _times(match: re.Match[str]) -> tuple[Decimal, Decimal] | None:
    quantity = Decimal(match.group("quantity").replace(",", "."))
    price = Decimal(match.group("price").replace(",", "."))
    return (quantity, price) if quantity > 0 else None


def _attach_quantities(rows: list[_TillRow]) -> None:
    """Give each quantity line's quantity and price to the item next to it whose amount they make, the
    item above first (most tills print the quantity under the item)."""
    for position, row in enumerate(rows):
        if row.times is None:
            continue
        quantity, price = row.times
        for neighbour in (position - 1, position + 1):
            other = rows[neighbour].item if 0 <= neighbour < len(rows) else None
            # A returned bottle's amount is negative, its quantity line is not ("3 Stk x 0,25").
            if other is not None and abs(quantity * price - abs(Decimal(str(other["amount"])))) <= Decimal("0.011"):
                other["quantity"], other["unit_price"] = to_number(quantity), float(price)
                break


# What a till prints after an item's amount: a currency, then its tax class ("2,49 A", "1,10 B*", "3,99 1"),
# and what OCR makes of the margin beyond ("6,49 A    |").
_CURRENCY_AFTER = re.compile(r"^[\s€$£¥*]*(?:(?i:eur|usd|gbp|chf|pln|ron)\b)?[\s*]*")
_TAX_CLASS = re.compile(r"^(?:[^\W\d_]{1,2}|\d)\*?$")
_MARGIN_NOISE = re.compile(r"^[^\d]{1,3}$")


def _row_end(rest: str) -> bool | None:
    """After an item's amount: None when it is not the end of an item's row, else whether a tax class
    follows."""
    rest = _CURRENCY_AFTER.sub("", rest, count=1).strip()
    if not rest:
        return False
    # Well apart from the tax class, OCR reads the paper's edge as anything short ("1,69 B      4").
    near, _, margin = rest.partition("   ")
    tokens = near.split()
    if not _TAX_CLASS.match(tokens[0]) or not all(_MARGIN_NOISE.match(token) for token in tokens[1:]):
        return None
    if not all(_MARGIN_NOISE.match(token) or len(token) <= 2 for token in margin.split()):
        return None
    return True


# Money lines that are about paying, not about what was bought ("Amount paid", "Cash", "Change").
_NOT_AN_ITEM = re.compile(
    r"\b(?:paid|payments?|balance|due|deposit|change|cash|tendered|rounding|credit|bezahlt|anzahlung|"
    r"skonto|acompte|pay[ée]|betaald|aanbetaling)\b",
    re.IGNORECASE,
)


def _last_money(line: str, dayfirst: bool) -> Amount | None:
    masked = [(found.start, found.end) for found in find_dates(line, dayfirst=dayfirst)]
    found = [amount for amount in find_amounts(line, masked=masked) if _money(line, amount)]
    return found[-1] if found else None


def _plain_row(layout: Layout, index: int, dayfirst: bool) -> _TillRow | None:
    """Wording, then an amount at the end of the line (and perhaps a tax class)."""
    line = layout.lines[index]
    segments = layout.segments[index]
    if _NOT_AN_ITEM.search(line) or _names_a_total(segments):
        return None
    amount = _last_money(line, dayfirst)
    taxed = None if amount is None else _row_end(line[amount.end :])
    if amount is None or taxed is None or _DETAIL_LABEL.search(line):
        return None
    wording = [segment for segment in segments if segment.end <= amount.start and _WORDING.search(segment.text)]
    if not wording:
        return None
    item: dict[str, Any] = {"description": None, "quantity": None, "unit_price": None, "amount": float(amount.value)}
    text = wording[0].text
    times = _QUANTITY_IN_ROW.search(line, 0, amount.start) or _PRICE_TIMES_IN_ROW.search(line, 0, amount.start)
    if times is not None and (found := _times(times)) is not None:
        quantity, price = found
        if abs(quantity * price - amount.value) <= Decimal("0.011"):
            item["quantity"], item["unit_price"] = to_number(quantity), float(price)
        text = text[: max(0, times.start() - wording[0].start)] or text
    item["description"] = re.sub(r"\s{2,}", " ", text).strip()[:200]
    return _TillRow(item, amount.end, taxed)


def _rows(layout: Layout, header: int, columns: list[Column], dayfirst: bool) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    kinds = {column.kind for column in columns}
    gap = 0
    page = layout.page_of_line[header]
    index = header
    # The last line of the last item read: an item's name is printed below it (and below the heading, which
    # may have taken in a first item's name printed right under it).
    taken: int | None = None
    while index + 1 < len(layout.lines):
        index += 1
        if len(items) >= MAX_ITEMS or gap > MAX_GAP:
            break
        if layout.page_of_line[index] != page:
            # The table goes on over the page, often under its heading printed again.
            if not items:
                break
            page = layout.page_of_line[index]
            gap = 0
            repeated = _next_heading(layout, index, columns)
            if repeated is not None:
                index = repeated
                continue
        segments = layout.segments[index]
        if not segments or _CARRIED.match(segments[0].text):
            continue
        if not items and _more_heading(layout, index):
            # A heading wrapped over more lines than the header took in ("USt." under "Positions-").
            continue
        if _names_a_total(segments, misreadable=layout.ocr):
            break
        row = _row(layout.lines[index], segments, columns, kinds, dayfirst)
        if row is None:
            gap += 1
            continue
        item, start = row
        if _ALLOWANCE.match(item["description"] or ""):
            # "REMISE : REMISE COMMERCIALE  -5,00": an allowance or charge on the whole invoice.
            gap += 1
            continue
        if item["description"] is not None and _is_detail(item["description"], dayfirst):
            # "Période de 01/11/2026 au 30/11/2026" or "(SK): SKU4410" on the row of figures: the item's name
            # is printed above it, in a cell whose lines the row of figures sits in the middle of.
            named = _name_above(layout, index, taken, columns, dayfirst)
            if named:
                item["description"] = f"{named} {item['description']}"[:200]
        if item["description"] is None and items and item["amount"] < 0 and _LINE_ALLOWANCE.search(layout.lines[index]):
            # "abzgl. 10% Rabatt  -3,00" under an item's row: the item's own discount, taken off its amount.
            items[-1]["amount"] = float(Decimal(str(items[-1]["amount"])) + Decimal(str(item["amount"])))
            gap += 1
            continue
        if item["description"] is None:
            # Figures without wording: the description is printed on the next line (two-line rows
            # under two-line headings, "Art-Nr / Artikelbezeichnung").
            below = _description_below(layout, index)
            if below is None:
                gap += 1
                continue
            item["description"], start, index = below
        extra, index = _continuation(layout, index, start)
        if extra:
            item["description"] = f"{item['description']} {extra}"[:200]
        gap = 0
        items.append(item)
        taken = index
    return items


# Allowances and charges on the whole document, printed in the item table as "Word: reason".
_ALLOWANCE = re.compile(
    r"^(?:remise|rabais|charge|frais|rabatt|nachlass|zuschlag|discount|allowance|surcharge|descuento|recargo|"
    r"sconto|maggiorazione|desconto|rabat|korting|toeslag)\s?:",
    re.IGNORECASE,
)


# Words of an item's own discount, printed on a line of its own under the item's row, per language.
_LINE_ALLOWANCE_WORDS = {
    "en": r"discount|less",
    "de": r"rabatt|nachlass|abzgl\.?|abzüglich",
    "fr": r"remise|rabais",
    "es": r"descuento|dto\.",
    "it": r"sconto",
    "pt": r"desconto",
    "nl": r"korting",
    "pl": r"rabat|upust",
}
_LINE_ALLOWANCE = re.compile(rf"(?<!\w)(?:{'|'.join(_LINE_ALLOWANCE_WORDS.values())})(?!\w)", re.IGNORECASE)


# Lines of an item's details (its period, labelled attributes) printed between its name and its row of
# figures.
MAX_NAME_ABOVE = 4
# Wording that is a detail of an item, not its name: a labelled value ("Date de livraison : ...", "(AOP): ...",
# "NIVEAU : ...") or one code of letters and digits ("LOT2026117").
_LABELLED_WORDING = re.compile(r"[^\W\d_]{2,}\)?\s?:|^\(\w+\)")
_CODE = re.compile(r"(?=\S*\d)(?=\S*[^\W\d_])\S+")


def _is_detail(text: str, dayfirst: bool) -> bool:
    return bool(find_dates(text, dayfirst=dayfirst) or _LABELLED_WORDING.search(text) or _CODE.fullmatch(text))


def _name_above(layout: Layout, index: int, taken: int | None, columns: list[Column], dayfirst: bool) -> str | None:
    """The nearest description-column wording above row ``index`` that is no detail, passing over details;
    not above line ``taken`` (the previous item's; None: the first item's, not above the heading), nor
    above another row of figures."""
    kinds = {column.kind for column in columns}
    printed = [line for line in range(index - 1, -1 if taken is None else taken, -1) if layout.segments[line]]
    for above in printed[:MAX_NAME_ABOVE]:
        heading = _heading_cells(layout, above)
        if taken is None and heading is not None and any(cell.kind in _FIGURE_KINDS for cell in heading):
            # The heading row: no item's name above it.
            return None
        if _row(layout.lines[above], layout.segments[above], columns, kinds, dayfirst) is not None:
            return None
        name = _description(layout.segments[above], columns)[0]
        if name and not _is_detail(name, dayfirst):
            return name
    return None


# "Übertrag 1.234,56": the running sum carried from one page to the next, not an item.
_CARRIED = re.compile(
    r"(?:übertrag|uebertrag|carried\s+forward|brought\s+forward|carry\s+forward|[àa]\s+reporter|report\b|"
    r"transport\b)",
    re.IGNORECASE,
)


def _next_heading(layout: Layout, index: int, columns: list[Column]) -> int | None:
    """The last line of the table's heading row when the page at ``index`` prints it again at its top."""
    for line in (index, *layout.lines_below(index, 8)):
        header = _header(layout, line)
        if header is not None:
            found, last = header
            same = {column.kind for column in found} == {column.kind for column in columns}
            return last if same else None
        if any(amount.explicit for amount in find_amounts(layout.lines[line])):
            return None
    return None


def _more_heading(layout: Layout, index: int) -> bool:
    cells = _heading_cells(layout, index)
    return cells is not None and not re.search(r"\d", layout.lines[index])


_DETAIL_LABEL = re.compile(r"[^\W\d_]{2,}\.?\s?:(?=\s|$)")
# A figure printed after its own label ("(Brut: 60,00)", "(Net): 60,00", "Rabatt: -0,03"): a detail of the
# item, not one of the table's columns; one further than a space from its label may be the next column's
# ("GTIN:    9,90"), and is only counted as a label's.
_LABELLED_FIGURE = re.compile(r"[^\W\d_]{2,}\.?\)?\s?:(?P<gap>\s{0,3})(?P<figure>[-+]?\d+(?:[.,]\d+)*)")
_MONEY_FIGURE = re.compile(r"[-+]?\d[\d.,]*[.,]\d{2}$")


def _unlabelled_amounts(line: str, dayfirst: bool) -> list[Amount]:
    """The numbers of a row that are neither dates nor a labelled detail's figure."""
    masked = [(found.start, found.end) for found in find_dates(line, dayfirst=dayfirst)]
    masked += [match.span("figure") for match in _LABELLED_FIGURE.finditer(line) if len(match["gap"]) <= 1]
    return find_amounts(line, masked=masked)


_WORDING = re.compile(r"[^\W\d_]{3,}")
# Continuation lines of a wrapped description: at most this many, each of at most this many words.
MAX_CONTINUATION_LINES = 2
MAX_CONTINUATION_WORDS = 6


def _description_below(layout: Layout, index: int) -> tuple[str, int, int] | None:
    """The wording on the one or two lines right under a row of figures, with its column and line."""
    for below in layout.lines_below(index, 2):
        if below > index + 2:
            break
        line = layout.lines[below]
        if any(amount.explicit for amount in find_amounts(line)) or _DETAIL_LABEL.search(line):
            return None
        for segment in layout.segments[below]:
            if _names_a_total([segment], misreadable=layout.ocr):
                # "Amount Due" under the total's figure: the table is over.
                return None
            if _WORDING.search(segment.text):
                return segment.text.strip()[:200], segment.start, below
    return None


def _continuation(layout: Layout, index: int, start: int) -> tuple[str, int]:
    """Wrapped description lines right under an item, in its description's column; and the last line."""
    parts: list[str] = []
    last = index
    for _ in range(MAX_CONTINUATION_LINES):
        following = _next_row(layout, last)
        if following is None:
            break
        segments = layout.segments[following]
        if len(segments) != 1:
            break
        text = segments[0].text
        if (
            abs(segments[0].start - start) > 2
            or re.search(r"[\d:=*]", text)
            or len(text.split()) > MAX_CONTINUATION_WORDS
            or not _WORDING.search(text)
            or _STOP.match(text)
        ):
            break
        parts.append(text)
        last = following
    return " ".join(parts), last


def _next_row(layout: Layout, index: int) -> int | None:
    """The line right after ``index``; at the foot of a page, the first line of the next page, where a
    row cut by the page break goes on."""
    following = index + 1
    if following >= len(layout.lines):
        return None
    if layout.page_of_line[following] == layout.page_of_line[index]:
        if layout.segments[following] or not _rest_of_page_blank(layout, following):
            return following
        while following < len(layout.lines) and layout.page_of_line[following] == layout.page_of_line[index]:
            following += 1
    if following >= len(layout.lines) or layout.page_of_line[following] != layout.page_of_line[index] + 1:
        return None
    while following < len(layout.lines) and not layout.segments[following]:
        following += 1
    return following if following < len(layout.lines) else None


def _rest_of_page_blank(layout: Layout, index: int) -> bool:
    page = layout.page_of_line[index]
    return all(
        not layout.segments[line] for line in range(index, len(layout.lines)) if layout.page_of_line[line] == page
    )


def _row(
    line: str, segments: list[Segment], columns: list[Column], kinds: set[str], dayfirst: bool
) -> tuple[dict[str, Any], int] | None:
    """An item read from a row, and where its description starts; the description is None when the row
    has figures but no wording."""
    numbers = _unlabelled_amounts(line, dayfirst)
    labelled_money = [match for match in _LABELLED_FIGURE.finditer(line) if _MONEY_FIGURE.match(match["figure"])]
    if not any(number.explicit for number in numbers) or len(labelled_money) >= 2:
        # Only labelled figures, or two labelled amounts ("Basis: 75,00 €   Rabatt: -0,03 €"): details of the
        # item above, not an item.
        return None
    description, description_start, description_end = _description(segments, columns)

    values: dict[str, list[Amount]] = {"quantity": [], "unit_price": [], "amount": []}
    numeric_columns = [column.kind for column in columns if column.kind in values]
    trailing = [number for number in numbers if number.start >= description_end]
    if len(trailing) == len(numeric_columns):
        # As many numbers after the description as numeric headings: read them in order. Layout mode
        # shifts cells, so a heading's column is only approximately where its values are.
        for kind, number in zip(numeric_columns, trailing, strict=True):
            values[kind].append(number)
    else:
        for number in numbers:
            column = _column_for(columns, number.start, number.end)
            if column.kind in values and number.start >= description_end:
                values[column.kind].append(number)

    money = {kind: [amount for amount in found if _money(line, amount)] for kind, found in values.items()}
    amount_value: Decimal | None = None
    if money["amount"]:
        amount_value = money["amount"][-1].value
    elif "amount" not in kinds and money["unit_price"]:
        amount_value = money["unit_price"][-1].value
    if amount_value is None:
        return None
    quantity = values["quantity"][0].value if values["quantity"] else None
    unit_price = money["unit_price"][0].value if money["unit_price"] else None
    if quantity is not None and unit_price is not None:
        quantity = _quantity_that_adds_up(
            line[values["quantity"][0].start : values["quantity"][0].end], quantity, unit_price, amount_value
        )
    item = {
        "description": description or None,
        "quantity": to_number(quantity) if quantity is not None else None,
        "unit_price": float(unit_price) if unit_price is not None else None,
        "amount": float(amount_value),
    }
    return item, description_start


# "5,000" is five thousand or, in a quantity column weighed in kilograms, five.
_THREE_DECIMALS = re.compile(r"^\d{1,3}[.,]\d{3}$")


def _quantity_that_adds_up(printed: str, quantity: Decimal, unit_price: Decimal, amount: Decimal) -> Decimal:
    """The reading of a quantity printed with three digits after its separator that makes quantity x unit
    price the row's amount."""
    if not _THREE_DECIMALS.match(printed.strip()) or abs(quantity * unit_price - amount) <= Decimal("0.011"):
        return quantity
    fraction = quantity / 1000 if quantity >= 1000 else quantity * 1000
    return fraction if abs(fraction * unit_price - amount) <= Decimal("0.011") else quantity


def _money(line: str, amount: Amount) -> bool:
    """Printed as money: with a currency marker, or with two (or four) decimals; "7,0" is a rate."""
    if amount.currency is not None:
        return True
    return amount.explicit and not re.search(r"[.,]\d$", line[amount.start : amount.end])


def _description(segments: list[Segment], columns: list[Column]) -> tuple[str, int, int]:
    """The item's wording, and where it starts and ends on the line (the numbers come after it)."""
    has_description_column = any(column.kind == "description" for column in columns)
    parts: list[str] = []
    start = end = 0
    for segment in segments:
        if not re.search(r"[^\W\d_]{3,}", segment.text):
            continue
        kind = _column_for(columns, segment.start, segment.end).kind
        if has_description_column and kind != "description":
            continue
        if not has_description_column and kind in {"quantity", "unit_price", "amount"}:
            continue
        if not parts:
            start = segment.start
        parts.append(segment.text)
        end = segment.end
        if not has_description_column:
            break
    text = " ".join(parts)
    text = re.sub(r"^\d{1,3}\.?\s+", "", text) if _POSITION.match(text.split(" ")[0] if text else "") else text
    return re.sub(r"\s{2,}", " ", text).strip()[:200], start, end
