"""The language a corpus document is written in, for the per-language figures.

A ground-truth row names it in ``language`` (ISO 639-1); without it a document is English, except the
e-invoices of the sources below, whose rows predate the key: their language comes from the embedded
e-invoice's seller country (CII ``SellerTradeParty/PostalTradeAddress/CountryID``), else from words of
their printed text. Both tables are here, not in the engine: they only sort documents for the report.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from itertools import pairwise
from typing import Any
from xml.etree import ElementTree

ENGLISH = "en"
# How the report names the languages of the corpus (others by their code).
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "de": "German", "fr": "French", "zh": "Chinese"}
# Sources of ZUGFeRD / Factur-X PDFs labelled before rows carried a language.
E_INVOICE_SOURCES = frozenset({"zugferd-corpus", "mustangproject", "horstoeko-zugferd", "securibox-facturx"})
# A seller's country → the language its invoices are printed in (the countries these sources hold).
COUNTRY_LANGUAGES: dict[str, str] = {
    "DE": "de",
    "AT": "de",
    "LI": "de",
    "FR": "fr",
    "MC": "fr",
    "RE": "fr",
    "GP": "fr",
    "MQ": "fr",
    "GF": "fr",
    "YT": "fr",
    "GB": "en",
    "IE": "en",
    "US": "en",
}
# Words that mark a printed invoice's language when the XML names no seller country.
TEXT_MARKERS: dict[str, frozenset[str]] = {
    "de": frozenset({"rechnung", "rechnungsnummer", "datum", "betrag", "summe", "gesamtbetrag", "mwst", "ust"}),
    "fr": frozenset({"facture", "montant", "tva", "total ttc", "total ht", "échéance", "avoir"}),
}
_WORD = re.compile(r"[^\W\d_]+")


def seller_country(xml: bytes) -> str | None:
    """The seller's country code in a CII (ZUGFeRD / Factur-X) document, or None."""
    try:
        root = ElementTree.fromstring(xml)  # noqa: S314 - the corpus's own files, read to sort them
    except ElementTree.ParseError:
        return None
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] != "SellerTradeParty":
            continue
        for child in element.iter():
            if child.tag.rsplit("}", 1)[-1] == "CountryID" and child.text and child.text.strip():
                return child.text.strip().upper()
    return None


def embedded_xml(content: bytes) -> list[bytes]:
    """The XML files a PDF carries as attachments (none when it has none or cannot be read)."""
    from pypdf import PdfReader

    try:
        attachments = PdfReader(io.BytesIO(content), strict=False).attachments
        return [data for name, files in attachments.items() if name.lower().endswith(".xml") for data in files]
    except Exception:  # a PDF pypdf cannot read carries nothing we could use
        return []


def language_of_text(text: str) -> str | None:
    """The language whose marker words the text holds most of; None when none or a tie."""
    words = _WORD.findall(text.casefold())
    found = {*words, *(f"{first} {second}" for first, second in pairwise(words))}
    hits = {language: len(markers & found) for language, markers in TEXT_MARKERS.items()}
    best = max(hits.values(), default=0)
    leaders = [language for language, count in hits.items() if count == best]
    return leaders[0] if best and len(leaders) == 1 else None


def document_language(row: Mapping[str, Any], content: bytes, text: str = "") -> str:
    """ISO 639-1 language of a corpus document (``text``: its text layer, when it has one)."""
    if row.get("language"):
        return str(row["language"]).lower()
    if row.get("source") not in E_INVOICE_SOURCES:
        return ENGLISH
    for xml in embedded_xml(content):
        country = seller_country(xml)
        if country in COUNTRY_LANGUAGES:
            return COUNTRY_LANGUAGES[country]
    return language_of_text(text) or ENGLISH
