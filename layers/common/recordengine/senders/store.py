"""What senders are stored as, and the small interface their store offers (storage/senders.py keeps them in
DynamoDB; tests use an in-memory store with the same interface)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from recordengine.storage.table import Page

# A sender's learned hints, as stored: an opaque map that the learning fills (senders/hints.py, whose own
# bound is smaller), bounded so that the hints item stays under 2 KB: at most two write units per learning.
MAX_HINTS_BYTES = 1900
MAX_HINTS_DEPTH = 8
MAX_HINTS_KEY_BYTES = 128
# What the store records of one sender's identifiers: the first ones seen, up to this many.
MAX_SENDER_IDENTIFIERS = 40

# What to make of a sender's hints: the new hints, or None to leave them as they are.
DecideHints = Callable[[dict[str, Any]], dict[str, Any] | None]


class SenderStore(Protocol):
    """Senders and the index from each identifier to its sender.

    A sender record: id, name, identifiers (list of `<kind>:<value>`), documents_seen, last_seen, contact_id
    (or None), created_at, version (of its name and contact), hints (versioned apart: ``hints``)."""

    def lookup(self, identifiers: Sequence[str]) -> dict[str, int]:
        """The sender of each identifier that has one (identifiers without a sender are left out)."""

    def create(self, name: str, identifiers: Sequence[str], seen_at: str) -> dict[str, Any] | None:
        """A new sender holding `identifiers`, with one document seen; None when another sender took one of
        them in the meantime (read them again)."""

    def record_document(self, sender_id: int, identifiers: Sequence[str], seen_at: str) -> list[str]:
        """One more document seen by the sender, which gains those of `identifiers` that no sender holds yet
        (those it gained are returned). NotFound when there is no such sender."""

    def get(self, sender_id: int) -> dict[str, Any] | None: ...

    def page(self, limit: int, offset: int) -> Page:
        """Senders, newest first."""

    def update(self, sender_id: int, changes: dict[str, Any], expected_version: int | None) -> dict[str, Any]:
        """Sets name and/or contact_id. NotFound, PreconditionFailed (another version than expected)."""

    def forget(self, sender_id: int) -> None:
        """Removes the sender, its hints and its identifiers' index entries. NotFound without it."""

    def hints(self, sender_id: int) -> tuple[dict[str, Any], int] | None:
        """(the sender's hints, their version: 0 before anything was learned), or None without the sender."""

    def change_hints(self, sender_id: int, decide: DecideHints) -> tuple[dict[str, Any], int] | None:
        """Applies what `decide` makes of the hints as stored, by a write conditional on the version read
        (retried on a concurrent change, so that two changes both count); the hints and their version as they
        then are, None without the sender. InvalidInput when the hints `decide` returns cannot be stored
        (hints_problem)."""


def new_sender(sender_id: int, name: str, identifiers: Sequence[str], seen_at: str, created_at: str) -> dict[str, Any]:
    """A sender's record as first stored: its first document seen, no contact, nothing learned."""
    return {
        "id": sender_id,
        "name": name,
        "identifiers": list(dict.fromkeys(identifiers))[:MAX_SENDER_IDENTIFIERS],
        "documents_seen": 1,
        "last_seen": seen_at,
        "contact_id": None,
        "created_at": created_at,
        "version": 1,
        "hints": {},
    }


def hints_problem(hints: dict[str, Any]) -> str | None:
    """Why `hints` cannot be stored as a sender's hints, or None."""
    import json

    from recordengine.storable import json_problem

    problem = json_problem(hints, max_depth=MAX_HINTS_DEPTH, max_key_bytes=MAX_HINTS_KEY_BYTES)
    if problem is not None:
        return f"hints{problem}."
    size = len(json.dumps(hints, ensure_ascii=False).encode("utf-8"))
    if size > MAX_HINTS_BYTES:
        return f"hints are {size} bytes of JSON; at most {MAX_HINTS_BYTES} are kept."
    return None
