"""The date of issue and the due date, by their labels in the languages invoices are written in."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from recordengine.extraction.dates import FoundDate, find_dates, plausible
from recordengine.extraction.labels import Candidate, Reader, labels
from recordengine.extraction.layout import Hit, Layout

# The labels of the date of issue, per language, most explicit first.
_ISSUE_DATE_LABEL_TABLE: dict[str, tuple[str, ...]] = {
    "en": (
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
    ),
    "de": (
        r"\brechnungs\s*-?\s*datum\b",
        r"\bdatum\s+der\s+rechnung\b",
        r"\bbelegdatum\b",
        r"\bausstellungsdatum\b",
        r"\bausgestellt\s+am\b",
    ),
    "fr": (
        r"\bdate\s+(?:de\s+(?:la\s+)?)?factur(?:e|ation)\b(?!\s+associ)",
        r"\bdate\s+d[’']?[ée]mission\b",
        r"\bfactur[ée]e?\s+le\b",
        r"\b[ée]mise?\s+le\b",
    ),
    "nl": (r"\bfactuur\s*datum\b", r"\bdatum\s+factuur\b"),
    "es": (
        r"\bfecha\s+(?:de\s+(?:la\s+)?)?factura\b",
        r"\bfecha\s+(?:de\s+)?(?:emisi[óo]n|expedici[óo]n)\b",
    ),
    "it": (
        r"\bdata\s+(?:della\s+)?fattura\b",
        r"\bdata\s+(?:di\s+)?emissione\b",
        r"\bdata\s+(?:del\s+)?documento\b",
    ),
    "pt": (
        r"\bdata\s+(?:da\s+)?fatura\b",
        r"\bdata\s+(?:de\s+|da\s+)?emiss[ãa]o\b",
        r"\bdata\s+do\s+documento\b",
    ),
    "pl": (r"\bdata\s+wystawienia\b", r"\bdata\s+faktury\b"),
    "ro": (r"\bdata\s+(?:emiterii|emitere|facturii|factur[aă]rii)\b",),
    "zh": (r"开票日期", r"发票日期"),
}
_ISSUE_DATE_LABELS = labels(1, *(label for table in _ISSUE_DATE_LABEL_TABLE.values() for label in table))
_GENERIC_DATE_LABELS = labels(2, r"(?<![\w\-])(?:date|datum|dated|fecha|data|den)(?![\w\-])", r"日期")
# Dates that are not the date of issue, whatever "date" label they carry: the words printed before the
# label ("Delivery date", "Liefer-Datum", "gültig bis", "Tel.") and after it ("Date of delivery", "Fecha
# de vencimiento", "Data sprzedaży").
_OTHER_DATE_WORDS_BEFORE = (
    r"due|delivery|order|ship\w*|service|payment|sale|start|end|expiry|expiration|valid\w*|birth|performance|"
    r"next\s+billing|vervaldatum|lever\w*|zahlungs|paid|liefer\w*|leistungs\w*|bestell\w*|auftrags\w*|"
    r"g[üu]ltig\w*(?:\s+bis)?|valable\s+jusqu[’']?(?:au|à)?|v[áa]lid[oa]\s+(?:hasta|at[ée])|"
    r"\b(?:tel|tél|fax|phone|telefon|telefone|tlf|uhrzeit|zeit|time|hora|heure|ora|godzina)\.?"
)
_OTHER_DATE_WORDS_AFTER = (
    r"due\b|of\s+(?:sale|delivery|order|service|supply|payment|birth)|"
    r"de\s+(?:livraison|d[ée]but|fin|commande|paiement|prestation|facture\s+associ)|d[’']?[ée]ch[ée]ance|"
    r"(?:(?:de|do|da|di|del)\s+)?(?:vencimiento|entrega|pedido|pago|servicio|vencimento|pagamento|encomenda|"
    r"validade|scadenza|consegna|ordine)\b|"
    r"sprzeda[żz]y|dostawy|p[łl]atno[śs]ci|zam[óo]wienia|wykonania|"
    r"scaden[țţt]ei|livr[ăa]rii|der\s+(?:lieferung|leistung)"
)
_OTHER_DATE_BEFORE = re.compile(rf"(?:{_OTHER_DATE_WORDS_BEFORE})\W*$", re.IGNORECASE)
_OTHER_DATE_AFTER = re.compile(rf"^\W*(?:{_OTHER_DATE_WORDS_AFTER})", re.IGNORECASE)
# The labels of the due date, per language.
_DUE_DATE_LABEL_TABLE: dict[str, tuple[str, ...]] = {
    "en": (
        r"\bdue\s+date\b",
        r"\bdate\s+due\b",
        r"\bpayment\s+due(?:\s+date)?\b",
        r"\bdue\s+(?:on|by)\b",
        r"\bpay(?:able)?\s+by\b",
    ),
    "de": (
        r"\bf[äa]llig(?:keit(?:sdatum|stag|stermin)?|\s+am|\s+bis)?\b",
        r"\bzahlbar\s+bis\b",
        r"\bzahlungsziel\b",
        r"\bzahlungstermin\b",
    ),
    "fr": (
        r"\bdate\s+d[’']?[ée]ch[ée]ance\b",
        r"\b[ée]ch[ée]ance\b",
        r"\bdate\s+limite\s+de\s+(?:r[èe]glement|paiement)\b",
    ),
    "nl": (r"\bvervaldatum\b", r"\bvervaldag\b", r"\buiterste\s+betaaldatum\b"),
    "es": (r"\bfecha\s+de\s+vencimiento\b", r"\bvencimiento\b", r"\bfecha\s+l[íi]mite\s+de\s+pago\b"),
    "it": (r"\bdata\s+(?:di\s+)?scadenza\b", r"\bscadenza\b"),
    "pt": (r"\bdata\s+de\s+vencimento\b", r"\bvencimento\b", r"\bdata\s+limite\s+de\s+pagamento\b"),
    "pl": (r"\btermin\s+p[łl]atno[śs]ci\b", r"\btermin\s+zap[łl]aty\b", r"\bp[łl]atne\s+do\b"),
    "ro": (r"\bdata\s+scaden[țţt]ei\b", r"\bscaden[țţt][aă]\b", r"\btermen\s+de\s+plat[aă]\b"),
}
_DUE_DATE_LABELS = labels(1, *(label for table in _DUE_DATE_LABEL_TABLE.values() for label in table))
_DUE_DATE_WEAK_LABELS = labels(
    2,
    r"\bdue\b",
    r"\bzahlbar\b[^\n]{0,50}?\bbis(?:\s+zum)?\b",
    r"\b(?:überweisen|zahlen|begleichen)\b[^\n]{0,40}?\bbis(?:\s+zum)?\b",
    r"\bbetalen\s+voor\b",
    r"\b(?:remit|pay(?:ment)?|payable)\s+(?:until|by|before|no\s+later\s+than)\b",
    r"\b(?:r[ée]gler|payer)\s+avant\b",
    r"\b(?:pagar|pagamento)\s+(?:antes\s+de|hasta|at[ée])\b",
    r"\bda\s+pagare\s+entro\b",
    # A direct debit's date: "Der Betrag wird am 20.03.2014 von Ihrem Konto eingezogen", "sera prélevé le".
    r"\b(?:wird|werden)\s+am\b(?=[^\n]{0,120}\b(?:eingezogen|abgebucht|belastet)\b)",
    r"\bpr[ée]lev[ée]e?s?\s+le\b",
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
    if issue_date is not None and reader.misreadable:
        issue_date = _surer_reading(reader, issue_date)
    if issue_date is not None and _printed_ambiguously(reader, issue_date):
        issue_date = replace(issue_date, confidence=min(issue_date.confidence, AMBIGUOUS_CONFIDENCE))

    # Dates under a heading are often printed well off its column (a date is wider than "Due"), and
    # only a date is accepted there, so the column match can be loose.
    due = reader.search(_DUE_DATE_LABELS, parse, slack=_DATE_SLACK, lone=True) or reader.search(
        _DUE_DATE_WEAK_LABELS, parse, below=0
    )
    return issue_date, (due[0] if due else None)


# A date whose parts read in another order are another plausible date ("26/02/11") is no surer than this.
AMBIGUOUS_CONFIDENCE = 55


def _printed_ambiguously(reader: Reader, chosen: Candidate[date]) -> bool:
    return any(
        found.ambiguous and found.value == chosen.value
        for found in find_dates(reader.layout.lines[chosen.printed_on], dayfirst=reader.dayfirst)
    )


# How much surer OCR must be of another reading of the same date for it to be taken instead.
_SURER_BY = 10.0


def _surer_reading(reader: Reader, chosen: Candidate[date]) -> Candidate[date]:
    """The date as read where OCR was surest of it. Receipts print their date more than once (the head, a
    card slip, a footer); where two readings agree on all but one part (day, month or year), one of them
    has a misread digit, and the reading OCR was surer of wins, or the one that is a plausible date."""
    layout = reader.layout
    readings: list[tuple[date, int, float]] = []
    for index, text in enumerate(layout.lines):
        for found in find_dates(text, dayfirst=reader.dayfirst):
            confidence = layout.ocr_confidence(index, found.start, found.end)
            readings.append((found.value, index, confidence if confidence is not None else 0.0))
    own = [
        confidence
        for value, line, confidence in readings
        if value == chosen.value and line in {chosen.line, chosen.printed_on}
    ]
    mine = max(own, default=0.0)
    rivals = [
        reading for reading in readings if reading[0] != chosen.value and _differ_in_one_part(reading[0], chosen.value)
    ]
    if not rivals:
        return chosen
    value, line, confidence = max(rivals, key=lambda reading: reading[2])
    implausible = not plausible(chosen.value) and plausible(value)
    if confidence >= mine + _SURER_BY or implausible:
        return Candidate(value, min(chosen.confidence, 70), line, chosen.tier, chosen.order)
    return chosen


def _differ_in_one_part(first: date, second: date) -> bool:
    same = (first.year == second.year) + (first.month == second.month) + (first.day == second.day)
    return same == 2


def _fallback_issue_date(reader: Reader, number_line: int | None) -> Candidate[date] | None:
    layout = reader.layout
    # The document number's line often carries the date ("Rechnung Nr. 123 vom 19.05.2014"), or the
    # next line does ("Invoice 58213" / "February 17, 2026").
    if number_line is not None:
        for index in (number_line, *layout.lines_below(number_line, 2)):
            found = _dates_of_issue(reader, layout.lines[index])
            if found:
                return Candidate(found[0].value, 65, index, 3, (index, 0))
    # Otherwise the first date on the first page: letters put their date at the top, and a till prints
    # the moment of the sale, a date with its time. A browser's print header is not the document's.
    margins = _browser_print_margins(layout)
    for index, line in enumerate(layout.lines):
        if layout.page_of_line[index] > 0:
            break
        if index in margins:
            continue
        first = next(iter(_dates_of_issue(reader, line)), None)
        if first is not None:
            stamped = _TIME_AFTER.match(line[first.end :]) is not None
            return Candidate(first.value, 70 if stamped else 45, index, 3, (index, 0))
    return None


# A web page printed from a browser: a header line with the moment of printing and the page's title, a
# footer line with the page's address and the page count.
_PRINT_HEADER = re.compile(r"^\s*\S+,?\s+\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?\s{3,}\S", re.IGNORECASE)
_PRINT_FOOTER = re.compile(r"https?://\S+.*\s\d+\s*/\s*\d+\s*$|^\s*\d+\s*/\s*\d+\s{3,}https?://", re.IGNORECASE)


def _browser_print_margins(layout: Layout) -> set[int]:
    """The header and footer lines a browser adds when a web page is printed, when the page has both."""
    written = [index for index, segments in enumerate(layout.segments) if segments]
    if len(written) < 3:
        return set()
    first, last = written[0], written[-1]
    if _PRINT_HEADER.search(layout.lines[first]) and _PRINT_FOOTER.search(layout.lines[last]):
        return {first, last}
    return set()


# A till prints the moment of the sale: a date followed by its time.
_TIME_AFTER = re.compile(r"\s*(?:[,|]\s*)?(?:\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?)(?!\d)", re.IGNORECASE)
# A period's dates: "Service period: 1 Feb 2024 - 29 Feb 2024", "du 01/06/2024 au 30/06/2024".
_RANGE_WORD = r"(?:[-–]|to\b|bis\b|au\b|tot\b|until\b)"
# The date that opens a range ends in a year: "2024 - ", "01/06/24 au " (not "REG #19- ").
_PERIOD_BEFORE = re.compile(
    rf"(?:(?:period|zeitraum|p[ée]riode|periode|from|between|start\w*|beginn\w*)\W*|"
    rf"(?:\d{{4}}|[./\-]\d{{2}})\W*{_RANGE_WORD}\s*)$",
    re.IGNORECASE,
)
_PERIOD_AFTER = re.compile(rf"^\s*{_RANGE_WORD}\s*\w*\s*\d", re.IGNORECASE)


def _dates_of_issue(reader: Reader, line: str) -> list[FoundDate]:
    """The dates on a line that are not the bounds of a period (a service period's start is no date of
    issue), nor dates that another label claims (due, delivery, order...)."""
    return [
        found
        for found in find_dates(line, dayfirst=reader.dayfirst)
        if not _PERIOD_BEFORE.search(line[max(0, found.start - 25) : found.start])
        and not _PERIOD_AFTER.search(line[found.end :])
        and not _OTHER_DATE_BEFORE.search(line[max(0, found.start - 25) : found.start])
    ]
