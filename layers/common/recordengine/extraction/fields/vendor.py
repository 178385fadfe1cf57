"""The seller: a seller label, a letter's return-address line, a company name with a legal form, or the
letterhead; never the customer named in a bill-to block."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from recordengine.extraction.labels import Candidate, Reader, labels
from recordengine.extraction.layout import Hit, Layout, Segment

from .doc_type import TITLE_WORD
from .merchant import merchant

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


def extract_vendor(reader: Reader, *, receipt: bool = False) -> Candidate[str] | None:
    layout = reader.layout
    if receipt:
        # A till receipt names its merchant in its head, and has no seller label or letterhead.
        head = merchant(reader)
        if head is not None:
            return head
    buyers = _buyer_keys(layout)

    def usable(name: str) -> bool:
        return _plausible_name(name) and _key(name) not in buyers

    for hit in [hit for label in _SELLER_INLINE_LABELS for hit in layout.find(label.pattern)]:
        for name in company_names(layout.inline_after(hit)):
            if usable(name):
                return Candidate(name, 85, hit.line, 1, (hit.line, hit.start))

    for label in _SELLER_LABELS:
        for hit in layout.find(label.pattern):
            if not layout.starts_cell(hit):
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

    if layout.ocr:
        # A scan's letterhead reads as the head of a receipt does, logo noise and all.
        head = merchant(reader)
        if head is not None:
            return replace(head, confidence=min(head.confidence, 60))

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
