"""Language knowledge for recognising a sender: the labels of its numbers and the words that say a number is
the buyer's, the hosts that identify no sender, the legal forms a name is compared without."""

from __future__ import annotations

import re

from recordengine.extraction.fields.vendor_cues import GENERIC_HOSTS
from recordengine.extraction.fields.vendor_words import (
    CASED_LEGAL_FORMS,
    LEGAL_FORM_WORDS,
    MULTI_WORD_LEGAL_FORMS,
    TAX_ID_LABELS,
    UNSPACED_LEGAL_FORMS,
)

# The labels of tax and business registration numbers, beyond the seller-footer labels extraction knows.
TAX_LABELS = re.compile(
    rf"{TAX_ID_LABELS.pattern}|"
    r"\b(?:(?:federal\s+)?tax\s*(?:id|no|number|reg\w*)|tin|ein|mwst[\s.\-]*(?:nr|nummer|no)|"
    r"(?:gst|hst|gst\s*/\s*hst)(?:\s*(?:#|no|nr|number|reg\w*))?|bn|business\s+number|sst(?:\s*(?:id|no|reg\w*))?|"
    r"cif/nif|n\.?i\.?f\.?/c\.?i\.?f\.?|codice\s+fiscale|numero\s+tva|identifiant\s+tva|"
    r"n[°º]\s*(?:de\s+)?tva\s+intracommunautaire)\b\.?\s*[:#.]?|"
    r"统一社会信用代码|纳税人识别号|税号",
    re.IGNORECASE,
)

# How each of TAX_LABELS begins (its first two characters, folded): only words that begin so are tried as a
# label, which keeps a page of figures cheap to read (the pattern itself is slow to search everywhere).
TAX_LABEL_STARTS = frozenset(
    [
        "us",
        "ui",
        "st",
        "hr",
        "hs",
        "tv",
        "ti",
        "ta",
        "n°",
        "nº",
        "ni",
        "n.",
        "nu",
        "ri",
        "rc",
        "r.",
        "si",
        "ss",
        "ci",
        "c.",
        "cf",
        "co",
        "p.",
        "pi",
        "pa",
        "re",
        "kr",
        "bt",
        "bn",
        "bu",
        "kv",
        "va",
        "gs",
        "ab",
        "fe",
        "ei",
        "mw",
        "id",
        "统一",
        "纳税",
        "税号",
    ]
)

# A number whose own label names the buyer: "Customer VAT", "Ihre USt-IdNr.", "TVA client", "购买方".
BUYER_NUMBER_WORDS = re.compile(
    r"\b(?:customer|client|buyer|purchaser|your|recipient|kunden?|ihre|acheteur|cliente?|klant|comprador|"
    r"destinatario|acquirente|nabywcy?|bill(?:ed)?\s+to|sold\s+to|ship(?:ped)?\s+to)\b|购买方|购方",
    re.IGNORECASE,
)

# Abbreviations of "number" that end a label the way a top-level domain ends a host ("Ref.No", "Art.Nr").
NUMBER_ABBREVIATIONS = frozenset(["no", "nr", "nos", "num"])

# The seller's phone number: its label.
PHONE_LABELS = re.compile(
    r"\b(?:tel(?:efon|éfono|efone|efono|éphone|ephone)?|t[ée]l|phone|ph|telp|fon|hotline|call\s+us)\b\.?\s*[:.]?",
    re.IGNORECASE,
)

# Hosts that many senders print and so identify none of them, beyond the mail providers and social networks
# that the vendor's reading ignores (GENERIC_HOSTS): invoicing, payment, shop and tax platforms.
PLATFORM_HOSTS = GENERIC_HOSTS | frozenset(
    [
        "squareup",
        "square",
        "shopify",
        "myshopify",
        "wix",
        "squarespace",
        "quickbooks",
        "intuit",
        "xero",
        "freshbooks",
        "zoho",
        "invoice2go",
        "wave",
        "waveapps",
        "sage",
        "lexoffice",
        "sevdesk",
        "billomat",
        "debitoor",
        "adyen",
        "mollie",
        "klarna",
        "google",
        "apple",
        "microsoft",
        "amazon",
        "ebay",
        "etsy",
        "gov",
        "europa",
        "bzst",
        "impots",
        "hmrc",
        "recordengine",
        # E-invoice standards, whose identifiers every e-invoice prints ("urn:cen.eu:en16931:2017").
        "cen",
        "zugferd",
        "factur-x",
        "xrechnung",
        "peppol",
        "unece",
        "ferd-net",
    ]
)

_DOTTED_WORDS = " ".join(MULTI_WORD_LEGAL_FORMS) + " " + LEGAL_FORM_WORDS + " " + " ".join(CASED_LEGAL_FORMS)
# Legal forms, as a folded name's words ("s.a.r.l." → "sarl"), and written without spaces (Chinese, Japanese).
LEGAL_FORMS = frozenset(
    re.sub(r"[\W_]+", "", word.casefold()) for word in _DOTTED_WORDS.split() if re.sub(r"[\W_]+", "", word)
) | frozenset(["sdn", "bhd", "berhad", "co", "company", "kg", "ag", "mbh", "ltda", "limitada", "corp", "group"])
MULTI_WORD_FORMS = tuple(
    re.sub(r"[\W_]+", " ", form.casefold()).split()
    for form in (*MULTI_WORD_LEGAL_FORMS, "sdn bhd", "pty ltd", "co ltd")
)
UNSPACED_FORMS = UNSPACED_LEGAL_FORMS
