"""The merchant at the head of a receipt: the vendor of a till receipt.

A receipt opens with the shop's name, then its address, phone and tax numbers, then the till's details.
The name is the line that reads as a company (a legal form such as "SDN BHD", "S/B", "LTD", or a
registration number in parentheses beside or under it), else the first line that reads as a name. Logos
read by OCR as noise (few letters, low word confidence), titles ("TAX INVOICE"), taglines under the name,
addresses starting with a lot, floor or street number, phone numbers and "thank you" lines are not names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from recordengine.extraction.labels import Candidate, Reader
from recordengine.extraction.layout import Layout, Span

from .vendor_cues import web_domains
from .vendor_lines import (
    continues_advert,
    is_advert,
    is_department,
    is_greeting,
    is_heading,
    is_item,
    is_street,
    reads_as_noise,
)

# The header is at most this many non-blank lines, and ends at the till's first details.
_HEADER_LINES = 14
# The shop's name is among this many first lines of the header.
_NAME_LINES = 6
_BODY_START = re.compile(
    r"\b(?:date|datum|time|cashier|kassierer|caissier|table|order|receipt\s*(?:no|#)|invoice\s*(?:no|#)|"
    r"doc(?:ument)?\s*no|bill\s*no|inv\s*(?:no|#)|trans(?:action)?|terminal|server|served|qty|item|description)\b|"
    r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}",
    re.IGNORECASE,
)
# Legal forms ending a company's name, and the ways OCR commonly misreads the Malaysian "SDN BHD" ("SON BHD",
# "SUN BHO").
_LEGAL_FORM = re.compile(
    r"\b(?:s[doau]n\.?\s*bh[do]|s\s*/\s*b|bhd|berhad|pte\.?\s*ltd|pvt\.?\s*ltd|ltd|limited|inc|llc|l\.l\.c|"
    r"corp|corporation|plc|gmbh|ag|kg|sarl|sas|s\.a|srl|spa|b\.v|n\.v|oy|ab|a/s|co|company)\W*$",
    re.IGNORECASE,
)
# "Owned by", "Operated by", "Licensee of": the line under it is the legal owner, not the shop.
_OWNER = re.compile(r"\b(?:owned|operated|managed|franchised)\s+by\b|\blicensee\s+of\b", re.IGNORECASE)
# A registration number in parentheses, or labelled as one: "(867388-U)", "(CO.REG :860671-D)", "Roc: 1026984-X".
_REGISTRATION = re.compile(
    r"\(\s*(?:co(?:mpany)?\.?\s*(?:reg(?:istration)?\.?)?\s*(?:no\.?)?\s*[:.]?\s*)?"
    r"(?=[^)]*\d{4})[\dA-Z][\dA-Z\- :]{4,}\)|"
    r"\b(?:co(?:mpany)?\.?\s*reg(?:istration)?\.?\s*(?:no\.?)?|company\s+no|roc|reg\.?\s*no)\s*[:.;]?\s*\d{4,}|"
    r"\(\s*\d{5,}[\dA-Z\- ]*$",
    re.IGNORECASE,
)
_OCR_SDN_BHD = re.compile(r"\bS[OUA]N\.?(\s*)BH[DO]\b", re.IGNORECASE)
_ADDRESS = re.compile(
    r"^\W*(?:(?:lot|no|unit|level|lvl|floor|fl|suite|ste|blk|block|ground)\b\.?|g-|\d+[a-z]?\s*[,\-/&])\s*\w|\b(?:jalan|jln|lorong|taman|persiaran|street|st\.|road|rd\.?|avenue|ave\.?|boulevard|blvd|"
    r"lane|drive|highway|hwy|stra(?:ß|ss)e|str\.|rue|avenida|plaza|mall)\b|\b\d{5}\b|\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b",
    re.IGNORECASE,
)
_CONTACT = re.compile(
    r"\b(?:tel|phone|fax|mobile|hp|email|e-mail|www|http|gst|vat|tax\s*id|abn|ust|tva|reg\.?\s*no|sst)\b|@|"
    r"\+?\d[\d\s\-]{7,}\d",
    re.IGNORECASE,
)
_CHATTER = re.compile(r"\b(?:thank|thanks|welcome|please|visit|survey|member|download|join|follow)\b", re.I)
# A question or an exclamation in a sentence is a slogan or an advertisement, not a name.
_SLOGAN = re.compile(r"\w+\s+\w+\s+\w+.*[?!]")
_EDGE_JUNK = re.compile(r"^[\W_]+|[\s|‘’'\"“”;,\-_—~]+$")
# A full stop ending a name belongs to it only after an abbreviated legal form ("CO.", "Inc.", "BHD.").
_ABBREVIATION = re.compile(r"\b(?:co|inc|ltd|bhd|sdn|corp|pty|pte|pvt|llc|plc|[a-z])\.$", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{2,}")
_NAME_PUNCTUATION = frozenset(".,()&'’-/")
# Words OCR reads at least this sure of are print; a logo or a smudge reads lower.
_PRINT_CONFIDENCE = 70.0
_NOISE_CONFIDENCE = 50.0
# Characters OCR puts for letters inside a name ("D.1.¥." is "D.I.Y.").
_LETTER_FOR = str.maketrans({"¥": "Y", "€": "E", "£": "E", "$": "S", "|": "I"})


@dataclass(frozen=True)
class _HeaderLine:
    index: int
    text: str
    confidence: float | None
    before_address: bool
    address: bool
    # An advert's line, or the rest of its sentence on the next line ("AND GET EXCLUSIVE OFFERS", "DELIVERY").
    advert: bool


def merchant(reader: Reader) -> Candidate[str] | None:
    """The shop's name from the head of a receipt; None when the head has no line that reads as a name."""
    layout = reader.layout
    header = _header(layout)
    best: tuple[int, int, _HeaderLine, str] | None = None
    domains = web_domains(layout.searchable)
    rank = 0
    for position, line in enumerate(header):
        name = None if line.address or line.advert else _name_in(line.text)
        if name is None or (line.confidence is not None and line.confidence < _NOISE_CONFIDENCE):
            continue
        points = 0
        spelt = _as_domain_spells(name, domains)
        if spelt is not None:
            # The shop's own web address spells the name: a second reading of it, surer than the logo's.
            name = spelt
            points += 4
        elif layout.ocr and reads_as_noise(name):
            continue
        if _LEGAL_FORM.search(name):
            points += 4
        following = header[position + 1].text if position + 1 < len(header) else ""
        if _REGISTRATION.search(line.text) or _REGISTRATION.match(following.strip()):
            points += 3
        if line.before_address:
            # The name opens the slip: a line under many others is a department's or an item's.
            points += max(0, 3 - rank) if position < _NAME_LINES else 0
            rank += 1
        elif not points:
            # After the address come the till's lines; a name there is a company's only with its legal form
            # or registration number.
            continue
        else:
            # A name after the address is the operator's or owner's ("Owned by: ... SDN BHD").
            points -= 4
        if position > 0 and _OWNER.search(header[position - 1].text):
            points -= 4
        if line.confidence is not None and line.confidence < _PRINT_CONFIDENCE:
            points -= 4
        if name == name.lower():
            # Shop names are printed in capitals or title case; lower-case words are handwriting or noise.
            points -= 2
        key = (points, -position)
        if best is None or key > (best[0], best[1]):
            best = (points, -position, line, name)
    if best is None:
        return None
    points, _, line, name = best
    confidence = 80 if points >= 6 else 72 if points >= 3 else 60
    return Candidate(name, confidence, line.index, 2, (line.index, 0))


# A logo read as letters doubles or adds a stroke or two at a word's edge ("SSONNE" for the domain's "sonne").
_EXTRA_STROKES = 2


def _as_domain_spells(name: str, domains: set[str]) -> str | None:
    """The name as the receipt's web or e-mail domain spells it, when a word of it is that domain give or
    take a stroke of the logo ("S& SONNE", "SSONNE" with www.sonne.de → "SONNE"); fragments before it are
    the logo's. None when no word of the name is a domain's."""
    tokens = name.split()
    for position, token in enumerate(tokens):
        letters = "".join(char for char in token.casefold() if char.isalnum())
        for domain in domains:
            plain = domain.replace("-", "")
            if len(plain) < 4 or plain not in letters or len(letters) - len(plain) > _EXTRA_STROKES:
                continue
            if letters == plain:
                spelt = token.strip(".,;:")
            else:
                spelt = plain.upper() if token.isupper() else plain.capitalize()
            before = tokens[:position]
            while before and reads_as_noise(before[0]):
                before.pop(0)
            return " ".join([*before, spelt, *tokens[position + 1 :]])
    return None


def _header(layout: Layout) -> list[_HeaderLine]:
    """The non-blank lines of the first page before the till's details, each with its OCR confidence."""
    lines: list[_HeaderLine] = []
    before_address = True
    printed = [index for index, text in enumerate(layout.lines) if text.strip() and layout.page_of_line[index] == 0]
    for position, index in enumerate(printed[:_HEADER_LINES]):
        text = layout.lines[index]
        if lines and (_BODY_START.search(text) or is_item(text)):
            # The till's details or the first item: the shop's name is above.
            break
        spans = _without_edge_noise(layout.spans[index])
        if spans:
            # Words read as noise beside the name ("Schmitt  iy") are the logo's or the paper's, not the name's.
            text = text[spans[0][0] : spans[-1][1]]
        confidences = [confidence for _, _, confidence in spans]
        confidence = median(confidences) if confidences else None
        following = layout.lines[printed[position + 1]] if position + 1 < len(printed) else ""
        if _is_address(text, following):
            before_address = False
        previous = lines[-1] if lines else None
        advert = is_advert(text) or (
            previous is not None
            and previous.advert
            and previous.index + 1 == index
            and not previous.text.rstrip().endswith((".", "!", "?"))
            and continues_advert(text)
        )
        lines.append(_HeaderLine(index, text, confidence, before_address, _is_address(text, following), advert))
    return lines


def _without_edge_noise(spans: list[Span]) -> list[Span]:
    """The line's words without those standing apart at either end read as noise ("Schmitt      iy"), when
    some word is read as print; a word of the name read unsurely ("GmbH&Co. oHG") stands close to it."""
    if not any(confidence >= _PRINT_CONFIDENCE for _, _, confidence in spans):
        return spans
    start, end = 0, len(spans)
    while spans[start][2] < _NOISE_CONFIDENCE and spans[start + 1][0] - spans[start][1] >= _APART:
        start += 1
    while spans[end - 1][2] < _NOISE_CONFIDENCE and spans[end - 1][0] - spans[end - 2][1] >= _APART:
        end -= 1
    return spans[start:end]


# Words this far apart on a line are not one name's (a name's letters may be spaced: "K&K    Supermarket").
_APART = 8


def _is_address(text: str, following: str) -> bool:
    return (_ADDRESS.search(text) is not None or is_street(text.strip(), following.strip())) and not _LEGAL_FORM.search(
        text
    )


def _name_in(text: str) -> str | None:
    """The line as a shop's name, tidied; None when it is a title, an address, contact details or chatter."""
    text = _REGISTRATION.sub(" ", text)
    if is_item(text):
        return None
    tokens = text.split()
    # Specks and logo fragments beside the name: tokens of neither letters nor a plain number ("99 Speed Mart").
    while tokens and _speck(tokens[0]):
        tokens.pop(0)
    while tokens and _speck(tokens[-1]):
        tokens.pop()
    # A lone small letter before a name in capitals is a fleck of the logo read as a letter ("f MARKT").
    while len(tokens) > 1 and len(tokens[0]) == 1 and tokens[0].islower() and tokens[1][:1].isupper():
        tokens.pop(0)
    text = _EDGE_JUNK.sub("", " ".join(tokens))
    while text.endswith(".") and not _ABBREVIATION.search(text):
        text = text[:-1].rstrip()
    if not text or text.endswith(":") or _CHATTER.search(text) or _CONTACT.search(text) or web_domains(text):
        return None
    if is_heading(text) or is_greeting(text) or is_advert(text) or is_department(text) or _SLOGAN.search(text):
        return None
    if _ADDRESS.search(text) and not _LEGAL_FORM.search(text):
        return None
    letters = sum(char.isalpha() for char in text)
    # Punctuation is part of names ("A.B.C.", "(M)", "K&K"); digits and symbols in quantity are not.
    other = sum(not char.isalpha() and not char.isspace() and char not in _NAME_PUNCTUATION for char in text)
    if letters < 4 or not _WORD.search(text) or other > 0.4 * letters:
        return None
    text = " ".join(_letters_for_lookalikes(token) for token in text.split())
    return _OCR_SDN_BHD.sub(
        lambda found: "SDN" + found.group(1) + "BHD" if found.group(0).isupper() else "Sdn" + found.group(1) + "Bhd",
        text,
    )


def _speck(token: str) -> bool:
    return not token.isdigit() and not any(char.isalpha() for char in token)


def _letters_for_lookalikes(token: str) -> str:
    """Letters for the symbols and digits OCR reads inside a word of letters ("D.1.¥." → "D.I.Y.")."""
    if not any(char.isalpha() for char in token):
        return token
    token = token.translate(_LETTER_FOR)
    # A digit between two letters or dotted initials is a misread letter; numbers in names ("7-Eleven",
    # "Zen and coffee 28") stand apart from letters.
    return re.sub(r"(?<=[A-Za-z.])1(?=[A-Za-z.])", "I", re.sub(r"(?<=[A-Za-z.])0(?=[A-Za-z.])", "O", token))
