"""Which sender a document comes from, from the identifiers it prints (senders/identity.py).

- A strong identifier (tax number, IBAN, domain) that a sender holds attributes the document to it alone,
  unless it is a tax number, the only tie, and the document names another company (no word of the names in
  common, not a misreading): sample and template documents print one well-known example tax number for every
  company. A shared domain is not doubted so: the stores of one chain print the chain's domain under their
  own operators' names.
- A weak one (phone, name) does only when none of the document's strong identifiers contradicts that sender
  (it holds an identifier of the same kind, none of them the document's).
- When the identifiers point at two senders, the strongest match wins; the two are never merged, and the
  document's identifiers that another sender holds stay that sender's.
- Without a match, a document with a strong identifier or a name starts a new sender; one with neither (a
  phone alone) has no sender.
The sender gains the document's identifiers that no sender holds yet.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from .identity import (
    NAME_MIN_CONFIDENCE,
    STRENGTH,
    STRONG_KINDS,
    Identifier,
    Kind,
    normalised_name,
    parse_identifier,
    strongest_first,
)
from .store import SenderStore

logger = logging.getLogger(__name__)

# Identifiers looked up at once: two index items are one read unit (eventually consistent, under 4 KB each).
# The strongest two are read first; the next two only when those match no sender.
LOOKUP_BATCH = 2
# How many times a new sender is tried when another document takes one of its identifiers meanwhile.
_CREATE_ATTEMPTS = 3


@dataclass(frozen=True)
class Match:
    sender_id: int
    # The strength of the strongest of the document's identifiers that the sender holds.
    strength: int
    matched: int

    @property
    def strong(self) -> bool:
        return self.strength >= min(STRENGTH[kind] for kind in STRONG_KINDS)


def _family(identifier: Identifier) -> str:
    """What two identifiers must share to contradict each other: the kind, and for tax numbers the scheme."""
    if identifier.kind is Kind.TAX:
        return f"tax:{identifier.value.split(':', 1)[0]}"
    return identifier.kind.value


def matches(identifiers: Sequence[Identifier], senders: dict[str, int]) -> list[Match]:
    """The senders the identifiers point at, best first (strongest identifier, then most identifiers)."""
    found: dict[int, Match] = {}
    for identifier in identifiers:
        sender_id = senders.get(str(identifier))
        if sender_id is None:
            continue
        known = found.get(sender_id)
        strength = max(identifier.strength, known.strength if known else 0)
        found[sender_id] = Match(sender_id, strength, (known.matched if known else 0) + 1)
    return sorted(found.values(), key=lambda match: (-match.strength, -match.matched, match.sender_id))


def contradicts(identifiers: Sequence[Identifier], held: Sequence[str], matched: Kind) -> bool:
    """Whether the document says it is not the sender that holds `held`, which only a weak identifier of kind
    `matched` tied it to: a strong identifier whose family (kind and scheme) the sender holds, and not it; or,
    for a phone, a name (phones are shared, and printed as placeholders)."""
    theirs = [parsed for parsed in (parse_identifier(text) for text in held) if parsed is not None]
    for identifier in identifiers:
        if not identifier.strong and not (matched is Kind.PHONE and identifier.kind is Kind.NAME):
            continue
        family = [other for other in theirs if _family(other) == _family(identifier)]
        if identifier.kind is Kind.NAME:
            # A name read by OCR differs by a letter or two from the same name read before ("Sanyo"/"Sanyu").
            if family and not any(_alike(identifier.value, other.value) for other in family):
                return True
        elif family and identifier not in family:
            return True
    return False


# Two names at least this alike (difflib's ratio) are one name misread.
_ALIKE_NAMES = 0.8


def _alike(first: str, second: str) -> bool:
    return SequenceMatcher(None, first, second).ratio() >= _ALIKE_NAMES


def enough(identifiers: Sequence[Identifier]) -> bool:
    """Whether the identifiers can start a sender: a strong one, or the vendor's name."""
    return any(identifier.strong or identifier.kind is Kind.NAME for identifier in identifiers)


@dataclass
class Attribution:
    store: SenderStore

    def attribute(
        self, identifier_texts: Sequence[str], name: str | None, seen_at: str, name_confidence: int | None = None
    ) -> int | None:
        """The document's sender id (recording one more document seen by it), or None without enough evidence.

        `name`: the vendor read, what a new sender is called; `name_confidence`: how sure its reading was, given
        for an engine that reports no identifiers (one that gives no page text): then its name is one."""
        parsed = [identifier for identifier in map(parse_identifier, identifier_texts) if identifier is not None]
        folded = normalised_name(name) if name else None
        if not parsed and folded and (name_confidence or 0) >= NAME_MIN_CONFIDENCE:
            parsed.append(Identifier(Kind.NAME, folded))
        identifiers = strongest_first(parsed)
        if not identifiers:
            return None
        for _ in range(_CREATE_ATTEMPTS):
            senders = self._lookup(identifiers)
            chosen = self._choose(identifiers, senders)
            fresh = [str(identifier) for identifier in identifiers if str(identifier) not in senders]
            if chosen is not None:
                self.store.record_document(chosen, fresh, seen_at)
                return chosen
            if not enough(identifiers):
                return None
            created = self.store.create(name or _display_name(identifiers), fresh, seen_at)
            if created is not None:
                return int(created["id"])
        logger.warning("A new sender could not be stored: its identifiers kept being taken")
        return None

    def _lookup(self, identifiers: list[Identifier]) -> dict[str, int]:
        senders: dict[str, int] = {}
        for start in range(0, len(identifiers), LOOKUP_BATCH):
            senders.update(
                self.store.lookup([str(identifier) for identifier in identifiers[start : start + LOOKUP_BATCH]])
            )
            if senders:
                break
        return senders

    def _choose(self, identifiers: list[Identifier], senders: dict[str, int]) -> int | None:
        found = matches(identifiers, senders)
        if not found:
            return None
        strong = [match for match in found if match.strong]
        for match in strong:
            tax_number_alone = match.matched == 1 and match.strength == STRENGTH[Kind.TAX]
            if not tax_number_alone or not self._named_otherwise(identifiers, match.sender_id):
                return match.sender_id
        if strong:
            return None
        # Only weak identifiers matched: the sender must hold nothing a strong identifier of the document denies.
        for match in found:
            sender = self.store.get(match.sender_id)
            kind = next(kind for kind, strength in STRENGTH.items() if strength == match.strength)
            if sender is not None and not contradicts(identifiers, sender["identifiers"], kind):
                return match.sender_id
        return None

    def _named_otherwise(self, identifiers: list[Identifier], sender_id: int) -> bool:
        names = [identifier.value for identifier in identifiers if identifier.kind is Kind.NAME]
        if not names:
            return False
        sender = self.store.get(sender_id)
        held = [parsed for parsed in map(parse_identifier, sender["identifiers"] if sender else []) if parsed]
        theirs = [identifier.value for identifier in held if identifier.kind is Kind.NAME]
        return bool(theirs) and not any(_one_name(name, other) for name in names for other in theirs)


def _one_name(first: str, second: str) -> bool:
    """Whether two folded names can be one company's: a misreading, or a word in common ("Larkspur Drafting",
    "Larkspur Drawing Office")."""
    return _alike(first, second) or bool(_words(first) & _words(second))


def _words(name: str) -> set[str]:
    return {word for word in name.split() if len(word) >= _NAME_WORD}


# A word this long shared by two names makes them one company's (shorter ones are initials, "de", "and").
_NAME_WORD = 4


def _display_name(identifiers: Sequence[Identifier]) -> str:
    """What a sender without a read vendor name is called: its strongest identifier."""
    return identifiers[0].value.split(":")[-1] if identifiers else "Unnamed sender"
