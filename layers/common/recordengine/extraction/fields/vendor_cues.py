"""What ties a name to the seller beyond its label: the seller's own web and e-mail domain, and its name
printed again elsewhere on the page."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from recordengine.extraction.labels import Candidate
from recordengine.extraction.layout import Layout

from .vendor_words import SHOP_SPEAKING_OF_ITSELF, THANKS_FOR_SHOPPING_AT

# Top-level domains a bare web address ends in; with "www." or "@" any ends one.
_TOP_LEVEL_DOMAINS = (
    r"(?:com|net|org|info|biz|shop|store|eu|de|at|ch|fr|be|lu|nl|es|pt|it|pl|cz|sk|dk|se|no|fi|ie|uk|us|ca|au|nz|"
    r"my|sg|cn|jp|in|br|mx)"
)
WEB_HOST = re.compile(
    r"[\w.+\-]+@([\w\-]+(?:\.[\w\-]+)+)|\b(?:https?://|www\.)([\w\-]+(?:\.[\w\-]+)+)|"
    # A shop's address printed bare on a slip: "shop.example.de", "survey.example.ca".
    rf"(?<![\w.@\-])((?:[a-z][\w\-]*\.)+{_TOP_LEVEL_DOMAINS})(?![\w.\-])",
    re.IGNORECASE,
)
# Mail providers, payment and invoicing platforms, social networks: hosts that say nothing about who sent the
# document (many senders print them).
GENERIC_HOSTS = frozenset(
    [
        "gmail",
        "googlemail",
        "outlook",
        "hotmail",
        "live",
        "yahoo",
        "icloud",
        "me",
        "aol",
        "gmx",
        "web",
        "t-online",
        "protonmail",
        "proton",
        "mail",
        "email",
        "example",
        "localhost",
        "fake",
        "test",
        "facebook",
        "instagram",
        "twitter",
        "youtube",
        "tiktok",
        "linkedin",
        "paypal",
        "stripe",
        "sumup",
    ]
)
# Second-level domains under which the name is the third label: example.co.uk, example.com.au.
_SECOND_LEVEL = frozenset(["co", "com", "net", "org", "gov", "ac", "or", "ne"])
_LEGAL_FORMS = frozenset(
    [
        "inc",
        "incorporated",
        "llc",
        "ltd",
        "limited",
        "plc",
        "gmbh",
        "mbh",
        "corp",
        "corporation",
        "co",
        "sarl",
        "sas",
        "sa",
        "srl",
        "spa",
        "bv",
        "nv",
        "ag",
        "kg",
        "ohg",
        "ug",
        "gbr",
        "se",
        "ab",
        "as",
        "aps",
        "oy",
        "pty",
        "pvt",
        "llp",
        "kft",
        "sl",
        "lda",
    ]
)
# A name spelt from a domain is how the seller is reached, maybe not how it is called.
DOMAIN_NAME_CONFIDENCE = 50
# A personal name after a trading name: two or three capitalised words ("Brightline Studio Anna Maria Kowalczyk").
_PERSON_WORD = re.compile(r"^[A-ZÀ-Þ][a-zß-ÿ]+$")


def registrable_domain(host: str) -> tuple[str, str] | None:
    """The domain a host belongs to and its name: ``mail.northwind.co.uk`` → (``northwind.co.uk``,
    ``northwind``); None for a generic host (GENERIC_HOSTS) or a name too short to say anything."""
    labels = [label for label in host.lower().split(".") if label != "www"]
    if len(labels) < 2:
        return None
    width = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL else 2
    name = labels[-width]
    if name in GENERIC_HOSTS or len(name) < 3:
        return None
    return ".".join(labels[-width:]), name


def host_of(match: re.Match[str]) -> str:
    """The host of a WEB_HOST match (of an e-mail address, a URL or a bare domain)."""
    return match.group(1) or match.group(2) or match.group(3)


def web_domains(text: str) -> set[str]:
    """The names in the document's web and e-mail addresses: ``billing@northwind.co.uk`` → ``northwind``."""
    found: set[str] = set()
    for match in WEB_HOST.finditer(text):
        domain = registrable_domain(host_of(match))
        if domain is not None:
            found.add(domain[1])
    return found


def domain_as_name(layout: Layout) -> Candidate[str] | None:
    """The seller's name as its one web or e-mail domain spells it ("www.example-shop.de" → "Example Shop"),
    for a document whose name is only a logo; unsure, since a domain is not how a name is written."""
    domains = web_domains(layout.searchable)
    if len(domains) != 1:
        return None
    (domain,) = domains
    name = " ".join(part.capitalize() for part in domain.split("-") if part)
    line = next((index for index, text in enumerate(layout.lines) if domain in text.lower()), 0)
    return Candidate(name, DOMAIN_NAME_CONFIDENCE, line, 3, (line, 0))


_THANKS_FOR_SHOPPING_AT = re.compile(rf"\b{THANKS_FOR_SHOPPING_AT}\s+(?P<name>[^!.?,;:]+)", re.IGNORECASE)
# A name spelt out in a slip's thanks is the shop's as the shop writes it, but read once, at the foot.
THANKED_NAME_CONFIDENCE = 60


def thanked_name(layout: Layout, usable: Callable[[str], bool]) -> Candidate[str] | None:
    """The shop a slip thanks its customer for shopping at: "THANK YOU FOR SHOPPING AT SONNE MARKT!"."""
    for index, line in enumerate(layout.lines):
        found = _THANKS_FOR_SHOPPING_AT.search(line)
        if found is None:
            continue
        name = re.split(r"\s{3,}", found.group("name").strip())[0].strip(" -–")
        if name.split()[0].casefold() not in SHOP_SPEAKING_OF_ITSELF and usable(name):
            return Candidate(name, THANKED_NAME_CONFIDENCE, index, 3, (index, found.start("name")))
    return None


def _tokens(name: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", name.casefold())
    folded = "".join(char for char in folded if not unicodedata.combining(char)).replace("&", " ")
    folded = re.sub(r"\b(\w)\.(?=\w\b)", r"\1", folded)
    return [token for token in re.findall(r"[^\W_]+", folded) if token not in _LEGAL_FORMS]


def names_domain(name: str, domains: set[str]) -> bool:
    """Whether ``name`` starts with what one of ``domains`` spells: "Le Petit Four SARL" ↔ lepetitfour,
    "NORTHWIND UK" ↔ northwind, "Northwind Traders Ltd" ↔ northwind."""
    tokens = _tokens(name)
    return any("".join(tokens[:count]) in domains for count in range(1, len(tokens) + 1))


def recurs(layout: Layout, name: str, line: int) -> bool:
    """Whether ``name`` is printed on another line too."""
    pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
    return any(index != line and pattern.search(text) for index, text in enumerate(layout.lines))


def without_owner_name(candidate: Candidate[str] | None, layout: Layout) -> Candidate[str] | None:
    """A sole trader's trading name without the owner's name after it: "Brightline Studio Anna Maria
    Kowalczyk", signed "Maria Kowalczyk", sending from brightlinestudio.pl, trades as "Brightline Studio"."""
    if candidate is None:
        return None
    words = candidate.value.split()
    domains = web_domains(layout.searchable)
    for count in range(1, len(words) - 1):
        trading, owner = words[:count], words[count:]
        key = "".join(_tokens(" ".join(trading)))
        if (
            len(key) >= 5
            and 2 <= len(owner) <= 3
            and all(_PERSON_WORD.match(word) and word.lower() not in _LEGAL_FORMS for word in owner)
            and any(domain.startswith(key) for domain in domains)
            and recurs(layout, " ".join(owner[-2:]), candidate.line)
        ):
            value = " ".join(trading)
            return Candidate(value, candidate.confidence, candidate.line, candidate.tier, candidate.order)
    return candidate
