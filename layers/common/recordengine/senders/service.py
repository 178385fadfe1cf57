"""The senders the API shows and changes (api/senders.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from recordengine.answer_size import next_position_cursor
from recordengine.catalog import ContactCatalog
from recordengine.errors import InvalidInput, NotFound

from .models import Sender, SenderPage, SenderUpdate
from .store import SenderStore


def _field_hints(stored: dict[str, Any]) -> list[dict[str, Any]]:
    # The stored form of hints.py's SenderHints, read without importing it: the engine it needs would load
    # into this function's cold start, and the hints were validated when they were written.
    fields = stored.get("fields")
    return [hint for hint in fields.values() if isinstance(hint, dict)] if isinstance(fields, dict) else []


def _count(hint: dict[str, Any], name: str) -> int:
    value = hint.get(name, 0)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def fields_learned(stored: dict[str, Any]) -> int:
    """How many fields a sender's hints say how to read."""
    return len(_field_hints(stored))


def learned_accuracy(stored: dict[str, Any]) -> float | None:
    """The share of learned readings a reviewer left as they were, once any was reviewed."""
    hints = _field_hints(stored)
    confirmed = sum(_count(hint, "confirmed") for hint in hints)
    reviewed = confirmed + sum(_count(hint, "failed") for hint in hints)
    return round(confirmed / reviewed, 4) if reviewed else None


def as_sender(record: dict[str, Any]) -> Sender:
    hints = record.get("hints") or {}
    return Sender(
        id=record["id"],
        name=record["name"],
        identifiers=sorted(record.get("identifiers") or []),
        documents_seen=record.get("documents_seen") or 0,
        fields_learned=fields_learned(hints),
        learned_accuracy=learned_accuracy(hints),
        last_seen=record.get("last_seen"),
        contact_id=record.get("contact_id"),
        created_at=record["created_at"],
        version=record.get("version") or 0,
    )


@dataclass
class SenderService:
    store: SenderStore
    contacts: ContactCatalog

    def page(self, limit: int, start: int) -> SenderPage:
        page = self.store.page(limit, start)
        return SenderPage(
            total=page.total,
            limit=limit,
            offset=start,
            senders=[as_sender(record) for record in page.items],
            next_cursor=next_position_cursor(start, len(page.items), page.total),
        )

    def get(self, sender_id: int) -> Sender:
        record = self.store.get(sender_id)
        if record is None:
            raise NotFound(f"Sender {sender_id} not found.")
        return as_sender(record)

    def update(self, sender_id: int, update: SenderUpdate, expected_version: int | None) -> Sender:
        changes = update.model_dump(include=update.model_fields_set)
        if changes.get("name", "") is None:
            raise InvalidInput("name cannot be null; send a name, or leave it out.")
        if changes.get("contact_id") is not None and self.contacts.find(changes["contact_id"]) is None:
            raise InvalidInput(f"Contact {changes['contact_id']} does not exist.")
        if not changes:
            return self.get(sender_id)
        return as_sender(self.store.update(sender_id, changes, expected_version))

    def forget(self, sender_id: int) -> None:
        self.store.forget(sender_id)
