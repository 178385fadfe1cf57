"""The seller: a seller label, a letter's return-address line, a company name with a legal form, or the
letterhead; never the customer named in a bill-to block."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from recordengine.extraction.amounts import ISO_4217
from recordengine.extraction.labels import Candidate, Reader, labels
from recordengine.extraction.layout import Hit, Layout, Segment

from .doc_type import TITLE_WORD
from .merchant import merchant
from .vendor_cues import domain_as_name, names_domain, recurs, thanked_name, web_domains
from .vendor_lines import (
    CUSTOMER_LABEL,
    continues_advert,
    is_advert,
    is_department,
    is_greeting,
    is_heading,
    is_item,
    is_street,
    reads_as_noise,
)
from .vendor_words import (
    CASED_LEGAL_FORMS,
    CJK_BUYER_MARK,
    CJK_NAME_LABEL,
    CJK_SELLER_MARK,
    LEGAL_FORM_WORDS,
    MULTI_WORD_LEGAL_FORMS,
    NAME_CONNECTORS,
    SELLER_NAME_HEADINGS,
    TAX_ID_LABELS,
    UNSPACED_LEGAL_FORMS,
)

_SELLER_LABELS = labels(
    1,
    r"\b(?:seller|vendor|supplier|service\s+provider|bill(?:ed)?\s+from|verk[äa]ufer|lieferant|rechnungs\s*-?\s*"
    r"(?:steller|ersteller)|leistungserbringer|absender|fournisseur|vendeur|[ée]metteur|prestataire|leverancier|"
    r"verkoper|proveedor|emisor|fornitore|venditore|cedente|prestatore|sprzedawca|wystawca|dostawca|from|(?:sold|issued|provided|billed)\s+by|"
    # The seller's name under its own heading: "SELLER TRADE NAME", "Nom commercial du vendeur".
    rf"{SELLER_NAME_HEADINGS})(?=\s*[:/]|\s*$|\s{{3}})",
)
_SELLER_INLINE_LABELS = labels(
    1,
    r"\b(?:sold|issued|provided|billed|payments?\s+received)\s+by\b",
    r"\bpurchased\s+.{1,40}?\bthrough\b",
)
# Who is paid: the seller, or its owner by name (so these come after the company names).
_PAYEE_LABELS = labels(
    1,
    r"\b(?:b[ée]n[ée]ficiaire|beneficiary|account\s+(?:holder|name)|kontoinhaber(?:in)?|zahlungsempf[äa]nger|"
    r"titulaire(?:\s+du\s+compte)?|payee|begunstigde|ten\s+name\s+van|in\s+favou?r\s+of|payable\s+to)\b",
)
_BUYER_LABELS = CUSTOMER_LABEL
_BLOCK_LINES = 6

# Legal forms that end a company name. The short upper-case ones are matched case-sensitively: in lower
# case they are ordinary words ("as", "ag", "se").
_SUFFIXES = frozenset(LEGAL_FORM_WORDS.split())
_CASED_SUFFIXES = CASED_LEGAL_FORMS
_LEGAL_FORM_TAILS: dict[str, list[tuple[str, ...]]] = {}
for _form in MULTI_WORD_LEGAL_FORMS:
    _head, *_tail = _form.split()
    _LEGAL_FORM_TAILS.setdefault(_head, []).append(tuple(_tail))
_CONNECTORS = NAME_CONNECTORS
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
    """Names ending in a legal form: ``"sold by Northwind Traders, Inc."`` → Northwind Traders, Inc."""
    tokens = [(match.start(), match.end(), match.group(0)) for match in re.finditer(r"\S+", line)]
    names: list[str] = []
    for index, (_, _, token) in enumerate(tokens):
        if not _is_suffix(token):
            continue
        last = index
        # "Sp. z o.o.", "S. de R.L.": a legal form of several words.
        for tail in _LEGAL_FORM_TAILS.get(token.lower(), ()):
            words = [word for _, _, word in tokens[index + 1 : index + 1 + len(tail)]]
            if [word.lower().rstrip(",;") for word in words] == list(tail):
                last = index + len(tail)
                break
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
    return names + [found.group(0) for found in _UNSPACED_COMPANY.finditer(_CJK_GAP.sub("", line))]


# In Chinese and Japanese a company's name runs into its legal form ("上海示例科技有限公司"); OCR may space
# the characters out.
_CJK = r"\u3400-\u9fff"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}（）()])\s+(?=[{_CJK}（）()])")
_UNSPACED_COMPANY = re.compile(rf"[{_CJK}（）()]{{2,30}}?(?:{'|'.join(UNSPACED_LEGAL_FORMS)})")


# A party's name row: its mark maybe, then "名称:" (OCR may misread the second character) and the name.
_CJK_NAME_ROW = re.compile(
    rf"(?:(?P<party>[{CJK_SELLER_MARK}{CJK_BUYER_MARK}])[^{_CJK}]{{0,6}})?{CJK_NAME_LABEL[0]}[{_CJK}]?\s*[:：;]\s*"
    rf"(?P<name>[{_CJK}（）()]{{2,40}})"
)


def _chinese_seller_name(layout: Layout, usable: Callable[[str], bool]) -> Candidate[str] | None:
    """The seller's name row of a Chinese VAT invoice: the one marked as the seller's, else the last of the
    parties' name rows (the buyer's block is printed first)."""
    rows: list[tuple[int, str | None, str]] = []
    for index, line in enumerate(layout.lines):
        found = _CJK_NAME_ROW.search(_CJK_GAP.sub("", line))
        if found is not None:
            rows.append((index, found.group("party"), found.group("name")))
    marked = [row for row in rows if row[1] == CJK_SELLER_MARK]
    unmarked = [row for row in rows if row[1] is None]
    if marked:
        (index, _, name), confidence = marked[0], 80
    elif len(unmarked) >= 2 and len(rows) == len(unmarked):
        (index, _, name), confidence = unmarked[-1], 70
    else:
        return None
    names = company_names(name)
    name = names[0] if names else name
    return Candidate(name, confidence, index, 1, (index, 0)) if usable(name) else None


# A British or Irish postcode ("E1 7AW", "D02 X285") opening a line of an address.
_OPENS_WITH_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z\d]{2,3}\b")


def _plausible_name(text: str) -> bool:
    text = text.strip(" ,;:")
    if not 2 <= len(text) <= 80 or "@" in text or "www." in text.lower() or "http" in text.lower():
        return False
    if text.endswith(":") or text.startswith("(") or _NOT_A_NAME.match(text) or _STREET.search(text):
        return False
    if is_heading(text) or is_greeting(text) or is_advert(text) or is_department(text) or is_street(text):
        return False
    if _OPENS_WITH_POSTCODE.match(text):
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


def extract_vendor(reader: Reader, *, receipt: bool = False) -> Candidate[str] | None:
    layout = reader.layout
    if receipt:
        # A till receipt names its merchant in its head, and has no seller label or letterhead.
        head = merchant(reader)
        if head is not None:
            return head
    buyers = _buyer_keys(layout)

    def usable(name: str) -> bool:
        # OCR reads a logo or a smudge as letters: noise is no name, however it is labelled or placed.
        return _plausible_name(name) and _key(name) not in buyers and not (layout.ocr and reads_as_noise(name))

    for hit in [hit for label in _SELLER_INLINE_LABELS for hit in layout.find(label.pattern)]:
        after = layout.inline_after(hit)
        for name in company_names(after):
            if usable(name):
                return Candidate(name, 85, hit.line, 1, (hit.line, hit.start))
        # A name without a legal form ("Payment received by ACME") counts when it is printed again.
        bare = _clean_name(after)
        if usable(bare) and recurs(layout, bare, hit.line):
            return Candidate(bare, 80, hit.line, 1, (hit.line, hit.start))

    chinese = _chinese_seller_name(layout, usable)
    if chinese is not None:
        return chinese

    for label in _SELLER_LABELS:
        for hit in layout.find(label.pattern):
            if not layout.starts_cell(hit):
                continue
            found = _seller_block_name(layout, hit, usable)
            if found:
                issuer = _issuer_by_footer_and_domain(layout, found, usable)
                if issuer is not None:
                    return issuer
                return Candidate(found, 85, hit.line, 1, (hit.line, hit.start))

    sender = _sender_line_name(layout, usable)
    if sender is not None:
        return sender

    spelt = _domain_name(layout, usable)
    if spelt is not None:
        return spelt

    scored = _company_name_by_score(layout, usable)
    if scored is not None:
        return scored

    for hit in [hit for label in _PAYEE_LABELS for hit in layout.find(label.pattern)]:
        payee = _seller_block_name(layout, hit, usable)
        if payee:
            return Candidate(payee, 70, hit.line, 2, (hit.line, hit.start))

    if layout.ocr:
        # A scan's letterhead reads as the head of a receipt does, logo noise and all.
        head = merchant(reader)
        if head is not None:
            return replace(head, confidence=min(head.confidence, 60))

    thanked = thanked_name(layout, usable)
    if thanked is not None:
        return thanked

    spelt_by_domain = domain_as_name(layout)
    if spelt_by_domain is not None:
        return spelt_by_domain

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
            if layout.ocr and is_item(layout.lines[index]):
                # A scan's letterhead is above its items: what follows the first is an item's, however read.
                return None
            if name.upper() in ISO_4217 or is_item(layout.lines[index]) or not _read_as_print(layout, index, segment):
                continue
            if _in_address_or_advert(layout, index, segment) or _legal_details(segment.text):
                continue
            if usable(name) and not reader.dates(name):
                return Candidate(name, 45, index, 3, (index, segment.start))
    return None


def _in_address_or_advert(layout: Layout, index: int, segment: Segment) -> bool:
    """Whether the text is a street (by the postcode and town under it too) or goes on with the advert on the
    line above ("* ENJOY ONLINE GROCERY" over "DELIVERY"). OCR may split a street from its number into two
    cells, so a scan's whole line is read; a text layer's cells are its own."""
    text = (layout.lines[index] if layout.ocr else segment.text).strip()
    following = next((line.strip() for line in layout.lines[index + 1 :] if line.strip()), "")
    previous = next((line.strip() for line in reversed(layout.lines[:index]) if line.strip()), "")
    if is_street(text, following):
        return True
    return is_advert(previous) and not previous.endswith((".", "!", "?")) and continues_advert(text)


def _read_as_print(layout: Layout, index: int, segment: Segment) -> bool:
    """Whether OCR read the text as surely as it reads print (always, for a text layer)."""
    confidence = layout.ocr_confidence(index, segment.start, segment.end)
    return confidence is None or confidence >= _PRINT_CONFIDENCE


# OCR reads printed words at least this surely; logos and specks read lower.
_PRINT_CONFIDENCE = 70
_TITLE_STRIP = re.compile(rf"\s*\b{TITLE_WORD}\b\s*$", re.IGNORECASE)


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
        if _legal_details(first):
            # "SASU au capital de 10 000 € - SIRET ...": the legal footer, not a return address.
            continue
        names = company_names(first)
        name = _clean_name(names[0] if names else first)
        if usable(name):
            return Candidate(name, 80, index, 1, (index, 0))
    return None


def _seller_block_name(layout: Layout, hit: Hit, usable: Callable[[str], bool]) -> str | None:
    inline = layout.inline_after(hit).strip(" :")
    if inline and not inline.endswith(":"):
        name = _clean_name(inline)
        return name if usable(name) else None
    named: list[str] = []
    # "From   Acme Ltd": the name beside the heading, on its own line, comes before the block under it.
    # Another party's heading beside it ("SELLER NAME      Customer address") heads its own block.
    plain: list[str] = [
        cell.text
        for cell in layout.right_of(hit, 1)
        if _row_label([cell]) is None and not _BUYER_LABELS.search(cell.text)
    ]
    for cells in layout.block(hit):
        # Another party's heading ends the block; in a "Name: value" row only the label could be one.
        heading = _row_label(cells) or cells[0].text
        # A seller's heading opens its cell; a name may hold the word ("Au Bon Vendeur", "Der Lieferant").
        if _BUYER_LABELS.search(heading) or _SELLER_LABELS[0].pattern.match(heading.strip()):
            break
        label = _row_label(cells)
        if label is not None:
            # "Name: Muster Handel GmbH" names the seller; "Nummer: 30417", "Telefon: ..." do not.
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


def _company_name_by_score(layout: Layout, usable: Callable[[str], bool]) -> Candidate[str] | None:
    """Company names with a legal form, the recipient's excluded. A vendor's name tends to recur (letter
    head, footer, payment details) and to head the legal footer; printed once at the top, it may as well be
    the recipient's address in the envelope window, which is too unsure for a high confidence."""
    first_seen: dict[str, tuple[int, str]] = {}
    counts: Counter[str] = Counter()
    for index, line in enumerate(layout.lines):
        for name in company_names(line):
            if usable(name):
                counts[_key(name)] += 1
                first_seen.setdefault(_key(name), (index, _clean_name(name)))
    footers = _legal_footer_names(layout)
    for key, (index, name) in footers.items():
        # A seller named without a legal form, at the head of its legal footer.
        if key not in first_seen and usable(name):
            lines = [line for line, text in enumerate(layout.lines) if name in text]
            first_seen[key] = (lines[0] if lines else index, name)
            counts[key] = max(1, len(lines))

    def score(key: str) -> int:
        index = first_seen[key][0]
        repeats = min(counts[key] - 1, 3)
        top = layout.page_of_line[index] == 0 and index < 20
        return 60 + (10 if top and repeats else 0) + (15 if key in footers else 0) + 8 * repeats

    if not first_seen:
        return None
    key = max(first_seen, key=lambda k: (score(k), -first_seen[k][0]))
    index, name = first_seen[key]
    return Candidate(name, min(85, score(key)), index, 2, (index, 0))


def _issuer_by_footer_and_domain(layout: Layout, labelled: str, usable: Callable[[str], bool]) -> Candidate[str] | None:
    """The company whose legal details close the page and whose web address is the footer's, when the block
    labelled as the supplier names another one that no address of the document spells: the labelled one
    supplied the goods, the footer's issued the invoice."""
    domains = web_domains("\n".join(layout.lines[line] for rows in _footer_rows(layout) for line in rows))
    if not domains or names_domain(labelled, web_domains(layout.searchable)):
        return None
    for key, (index, name) in _legal_footer_names(layout).items():
        if key != _key(labelled) and company_names(name) and names_domain(name, domains) and usable(name):
            return Candidate(name, 75, index, 1, (index, 0))
    return None


def _domain_name(layout: Layout, usable: Callable[[str], bool]) -> Candidate[str] | None:
    """The name on the page that the document's own web or e-mail address spells ("NORTHWIND UK" with
    billing@northwind.co.uk), when it is not the customer's: a seller whose block carries no label. Of several,
    the one with a legal form ("Northwind Traders Ltd" over "Northwind", with northwind.com)."""
    domains = web_domains(layout.searchable)
    if not domains:
        return None
    found: dict[str, tuple[str, int, bool]] = {}
    for index, segments in enumerate(layout.segments):
        for segment in segments:
            if "@" in segment.text or "www." in segment.text.lower():
                continue
            legal = company_names(segment.text)
            for name in legal or [_clean_name(segment.text)]:
                if usable(name) and names_domain(name, domains):
                    found.setdefault(_key(name), (name, index, bool(legal)))
    legal_names = [value for value in found.values() if value[2]]
    chosen = legal_names if legal_names else list(found.values())
    if len(chosen) != 1:
        return None
    name, index, _ = chosen[0]
    # A customer's address block may carry the customer's e-mail address too: the seller's own is printed
    # in the footer, or its name again elsewhere.
    footer = web_domains("\n".join(layout.lines[line] for rows in _footer_rows(layout) for line in rows))
    sure = names_domain(name, footer) or recurs(layout, name, index)
    return Candidate(name, 80 if sure else 60, index, 2, (index, 0))


# The company's legal details, printed in the footer by the seller: register, directors, VAT number, bank.
_LEGAL_DETAILS = re.compile(
    r"\b(?:HRB|HRA|amtsgericht|handelsregister|registergericht|gesch[äa]ftsf[üu]hr\w*|managing\s+director|"
    r"registered\s+(?:office|in|number)|company\s+(?:no|number|registration)|r\.?c\.?s|sire[nt]|kvk|"
    r"ust-?id\w*|vat\s+(?:reg\w*|no|number|id)|iban|bic|sitz\s+der\s+gesellschaft|capital\s+(?:social|de))\b",
    re.IGNORECASE,
)
FOOTER_LINES = 12


def _legal_footer_names(layout: Layout) -> dict[str, tuple[int, str]]:
    """Names that stand in a page's last lines next to the company's legal details: those with a legal
    form, and the first part of a line of legal details ("ACME Analytics · Registered in England ...")."""
    names: dict[str, tuple[int, str]] = {}
    for footer in _footer_rows(layout):
        for position, index in enumerate(footer):
            near = footer[max(0, position - 2) : position + 3]
            if not any(_legal_details(layout.lines[line]) for line in near):
                continue
            found = company_names(layout.lines[index])
            if _legal_details(layout.lines[index]):
                lead_text = _SENDER_SEPARATOR.split(layout.segments[index][0].text)[0]
                lead = _clean_name(lead_text)
                labelled = re.match(rf"\s*{re.escape(lead_text)}\s*:", layout.lines[index].lstrip())
                if lead and not labelled and not _legal_details(lead) and _plausible_name(lead):
                    found.append(lead)
            elif _heads_legal_lines(layout, index, footer[position + 1 : position + 3]):
                found.append(_clean_name(layout.lines[index]))
            for name in found:
                names.setdefault(_key(name), (index, _clean_name(name)))
    return names


def _legal_details(text: str) -> bool:
    return _LEGAL_DETAILS.search(text) is not None or TAX_ID_LABELS.search(text) is not None


_FOOTER_NAME_WORDS = 8


def _heads_legal_lines(layout: Layout, index: int, below: list[int]) -> bool:
    """Whether a footer line is the company's name alone over its legal details ("Société Hôtelière du
    Pacano" over "SASU au capital de ... SIRET ..."): one cell, a few words, no figures, above the details
    (a credit line in another column is not their heading)."""
    if len(layout.segments[index]) != 1:
        return False
    name = layout.segments[index][0]
    legal = [
        line
        for line in below
        if _legal_details(layout.lines[line])
        and any(segment.overlaps(name.start, name.end, slack=0) for segment in layout.segments[line])
    ]
    # Legal details that name the company themselves ("ACME SARL au capital de ...") need no line above.
    if not legal or any(company_names(layout.lines[line]) for line in legal):
        return False
    text = name.text.strip()
    return (
        len(text.split()) <= _FOOTER_NAME_WORDS and not any(char.isdigit() for char in text) and _plausible_name(text)
    )


def _footer_rows(layout: Layout) -> list[list[int]]:
    """Each page's last printed lines, in the lower half of what the page prints."""
    rows_by_page: dict[int, list[int]] = {}
    for index, segments in enumerate(layout.segments):
        if segments:
            rows_by_page.setdefault(layout.page_of_line[index], []).append(index)
    return [rows[-min(FOOTER_LINES, len(rows) // 2) :] for rows in rows_by_page.values()]
