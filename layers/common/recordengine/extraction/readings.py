"""A document's layout read into fields, and several OCR readings of one scan reconciled into one.

Every page of a scan is read once, in English (or in the language of its script, when that is not Latin:
see ocr.read_page). The document's language is told from that reading's text (language.py); when it is
another language whose trained data is installed, the pages are read again in it (with English) and each
page keeps the reading with the more confidently read text. When the fields that matter do not settle (no
plausible date, no total or one that no other figure confirms, no vendor), the pages are read again
prepared another way (see images.PREPARATIONS), as long as time allows, and the readings are reconciled
field by field: a value two readings agree on wins and is surer for it; otherwise the surer reading wins,
and a plausible date wins over an implausible one. Subtotal, tax and total come from one reading, since
they were chosen together."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from . import ocr
from .dates import plausible
from .errors import UnreadableDocument
from .fields import INVOICE_FIELDS, Found, detect_doc_type, extract_invoice_fields
from .generic import fields_for_profile
from .images import PREPARATIONS, Preparation
from .labels import Reader
from .language import ENGLISH, detect_language, han_characters
from .layout import Layout
from .line_items import extract_line_items
from .text import has_usable_text

if TYPE_CHECKING:
    from PIL.Image import Image

    from recordengine.models import Profile

# A reading settles a field when it is at least this sure of it.
SETTLED_CONFIDENCE = 70
# Another reading is started only with at least this much of the time left.
SECONDS_FOR_ANOTHER_READING = 5.0
# Each further reading that agrees on a value makes it this much surer, up to the ceiling.
AGREEMENT_POINTS = 4
AGREED_CEILING = 88
_AMOUNTS = ("subtotal", "tax_amount", "total_amount")
# A reading with this many Han characters has text to read, however few Latin letters it has among its
# numbers (has_usable_text weighs letters, and one Han character says what a Latin word does).
MIN_HAN_CHARACTERS = 30


@dataclass(frozen=True)
class Reading:
    """What one layout says: the invoice concepts, the profile's fields, line items and the document type."""

    roles: dict[str, Found | None]
    values: dict[str, Found | None]
    line_items: list[dict[str, Any]]
    doc_type: str
    reader: Reader
    # The ISO 639-1 code of the language the document is written in.
    language: str = ENGLISH


def read_layout(layout: Layout, profile: Profile, language: str | None = None) -> Reading:
    """The layout's fields; ``language``: the document's, when already known (else told from the text)."""
    reader = Reader(layout)
    roles = extract_invoice_fields(reader)
    values = fields_for_profile(profile, reader, roles)
    line_items = extract_line_items(layout, dayfirst=reader.dayfirst) if profile.line_items else []
    doc_type = detect_doc_type(layout, reader)
    return Reading(roles, values, line_items, doc_type, reader, language or detect_language(layout.text))


def read_scans(pages: list[Image], profile: Profile, deadline: float) -> Reading:
    """The scan's fields, from one reading of its pages or, when that does not settle, from several."""
    first = _read_pages(pages, deadline)
    text = "\n".join(page.text for page in first)
    if not has_usable_text([text]) and han_characters(text) < MIN_HAN_CHARACTERS:
        raise UnreadableDocument(ocr.NO_TEXT_FOUND)
    language = detect_language(text)
    first = _in_language(pages, first, language, deadline)
    readings = [read_layout(_layout(first), profile, language)]
    for preparation in PREPARATIONS[1:]:
        if _settled(readings) or deadline - time.monotonic() < SECONDS_FOR_ANOTHER_READING:
            break
        if preparation.even_lighting and _found_a_total_or_a_date(readings):
            # Evening out the lighting is for a dim or shadowed photo whose readings lost what matters; where
            # they found it, one more reading only adds a vote (and time), and misreads vote too.
            continue
        try:
            again = _read_pages(pages[: len(first)], deadline, preparation, first)
        except UnreadableDocument:  # out of time: the readings made so far are the answer
            break
        readings.append(read_layout(_layout(again), profile, language))
    return reconcile_readings(readings, profile)


def _in_language(pages: list[Image], read: list[ocr.OcrPage], language: str, deadline: float) -> list[ocr.OcrPage]:
    """The pages read in ``language`` too when they were not and its trained data is installed, each page
    keeping the reading with the more confidently read text (an English reading of a page in another
    language drops its accented letters and misreads its words, and is less sure of them)."""
    languages = ocr.languages_for(language)
    if languages is None or time.monotonic() >= deadline:
        return read
    better: list[ocr.OcrPage] = []
    for page, reading in zip(pages, read, strict=False):
        if reading.languages == languages or time.monotonic() >= deadline:
            better.append(reading)
            continue
        try:
            again = ocr.read_page(
                page, deadline, PREPARATIONS[0], reading.rotation, languages, reading.automatic_layout
            )
        except UnreadableDocument:  # out of time: the first reading stands
            again = reading
        better.append(again if again.evidence >= reading.evidence else reading)
    return better


def _read_pages(
    pages: list[Image],
    deadline: float,
    preparation: Preparation = PREPARATIONS[0],
    earlier: list[ocr.OcrPage] | None = None,
) -> list[ocr.OcrPage]:
    """Each page read by OCR within the deadline (at least the first page is read); ``earlier``: a reading of
    the pages, whose turn, languages and layout are kept (orientation is not looked for again)."""
    read: list[ocr.OcrPage] = []
    for index, page in enumerate(pages):
        if read and time.monotonic() >= deadline:
            break
        if earlier is None:
            read.append(ocr.read_page(page, deadline, preparation))
        else:
            before = earlier[index]
            read.append(
                ocr.read_page(page, deadline, preparation, before.rotation, before.languages, before.automatic_layout)
            )
    return read


def _layout(pages: list[ocr.OcrPage]) -> Layout:
    placed = [page.placed(number) for number, page in enumerate(pages, start=1)]
    return Layout([text for text, _, _ in placed], [spans for _, spans, _ in placed], [where for _, _, where in placed])


def _settled(readings: list[Reading]) -> bool:
    roles = reconcile_readings(readings, None).roles if len(readings) > 1 else readings[0].roles
    issued, total, vendor = roles.get("invoice_date"), roles.get("total_amount"), roles.get("vendor")
    return (
        issued is not None
        and isinstance(issued.raw, date)
        and plausible(issued.raw)
        and total is not None
        and total.confidence >= SETTLED_CONFIDENCE
        and vendor is not None
    )


def _found_a_total_or_a_date(readings: list[Reading]) -> bool:
    return any(
        reading.roles.get("total_amount") is not None or reading.roles.get("invoice_date") is not None
        for reading in readings
    )


def reconcile_readings(readings: list[Reading], profile: Profile | None) -> Reading:
    """One reading made of several: each field by vote, the amounts from the reading whose total won."""
    if len(readings) == 1:
        return readings[0]
    total, source = _vote([reading.roles.get("total_amount") for reading in readings])
    base = readings[source if total is not None else 0]
    roles: dict[str, Found | None] = {}
    for name in INVOICE_FIELDS:
        if name in _AMOUNTS:
            roles[name] = total if name == "total_amount" else base.roles.get(name)
        else:
            roles[name] = _vote([reading.roles.get(name) for reading in readings])[0]
    first = readings[0]
    values = fields_for_profile(profile, first.reader, roles) if profile is not None else dict(roles)
    return Reading(roles, values, base.line_items, first.doc_type, first.reader, first.language)


def _vote(founds: list[Found | None]) -> tuple[Found | None, int]:
    """The value most readings agree on (then the surest), made surer by each reading that agrees; and the
    index of the reading it was taken from. A plausible date beats an implausible one."""
    present = [(index, found) for index, found in enumerate(founds) if found is not None]
    dated = [(index, found) for index, found in present if isinstance(found.raw, date)]
    if dated and len(dated) == len(present):
        credible = [(index, found) for index, found in dated if isinstance(found.raw, date) and plausible(found.raw)]
        present = credible or present
    if not present:
        return None, 0
    groups: dict[str, list[tuple[int, Found]]] = {}
    for index, found in present:
        groups.setdefault(found.value, []).append((index, found))
    agreeing = max(groups.values(), key=lambda group: (len(group), max(found.confidence for _, found in group)))
    index, found = max(agreeing, key=lambda item: item[1].confidence)
    # Readings that agree show OCR read the value steadily, not that it is the right field: agreement
    # makes a value surer, never "Excellent" on its own.
    surer = max(found.confidence, min(AGREED_CEILING, found.confidence + AGREEMENT_POINTS * (len(agreeing) - 1)))
    return replace(found, confidence=surer), index
