"""An in-memory SenderStore (senders/store.py), with the same promises as the DynamoDB store: for unit tests, and for
the evaluation, which attributes a corpus's documents without a table."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from recordengine.errors import InvalidInput, NotFound, PreconditionFailed
from recordengine.storage.table import Page

from .store import MAX_SENDER_IDENTIFIERS, DecideHints, hints_problem, new_sender


@dataclass
class MemorySenderStore:
    senders: dict[int, dict[str, Any]] = field(default_factory=dict)
    index: dict[str, int] = field(default_factory=dict)
    # Every lookup asked for, in order: what attribution read.
    lookups: list[list[str]] = field(default_factory=list)
    next_id: int = 1
    # The version of each sender's hints (versioned apart from the sender, as the DynamoDB store's item is).
    hints_versions: dict[int, int] = field(default_factory=dict)

    def lookup(self, identifiers: Sequence[str]) -> dict[str, int]:
        self.lookups.append(list(identifiers))
        return {identifier: self.index[identifier] for identifier in identifiers if identifier in self.index}

    def create(self, name: str, identifiers: Sequence[str], seen_at: str) -> dict[str, Any] | None:
        record = new_sender(self.next_id, name, identifiers, seen_at, seen_at)
        held = record["identifiers"]
        if any(identifier in self.index for identifier in held):
            return None
        sender_id, self.next_id = self.next_id, self.next_id + 1
        self.senders[sender_id] = record
        self.index.update(dict.fromkeys(held, sender_id))
        return copy.deepcopy(record)

    def record_document(self, sender_id: int, identifiers: Sequence[str], seen_at: str) -> list[str]:
        sender = self._sender(sender_id)
        room = MAX_SENDER_IDENTIFIERS - len(sender["identifiers"])
        new = [identifier for identifier in dict.fromkeys(identifiers) if identifier not in self.index]
        new = new if len(new) <= room else []
        sender["identifiers"] += new
        self.index.update(dict.fromkeys(new, sender_id))
        sender["documents_seen"] += 1
        sender["last_seen"] = seen_at
        return new

    def get(self, sender_id: int) -> dict[str, Any] | None:
        sender = self.senders.get(sender_id)
        return copy.deepcopy(sender) if sender is not None else None

    def page(self, limit: int, offset: int) -> Page:
        newest = sorted(self.senders.values(), key=lambda sender: (sender["created_at"], sender["id"]), reverse=True)
        return Page(total=len(newest), items=copy.deepcopy(newest[offset : offset + limit]))

    def update(self, sender_id: int, changes: dict[str, Any], expected_version: int | None) -> dict[str, Any]:
        sender = self._current(sender_id, expected_version)
        sender.update(changes, version=sender["version"] + 1)
        return copy.deepcopy(sender)

    def forget(self, sender_id: int) -> None:
        sender = self._sender(sender_id)
        for identifier in sender["identifiers"]:
            if self.index.get(identifier) == sender_id:
                del self.index[identifier]
        del self.senders[sender_id]
        self.hints_versions.pop(sender_id, None)

    def hints(self, sender_id: int) -> tuple[dict[str, Any], int] | None:
        sender = self.senders.get(sender_id)
        return (copy.deepcopy(sender["hints"]), self.hints_versions.get(sender_id, 0)) if sender is not None else None

    def change_hints(self, sender_id: int, decide: DecideHints) -> tuple[dict[str, Any], int] | None:
        sender = self.senders.get(sender_id)
        if sender is None:
            return None
        version = self.hints_versions.get(sender_id, 0)
        hints = decide(copy.deepcopy(sender["hints"]))
        if hints is None:
            return copy.deepcopy(sender["hints"]), version
        problem = hints_problem(hints)
        if problem is not None:
            raise InvalidInput(problem)
        sender["hints"] = hints
        self.hints_versions[sender_id] = version + 1
        return copy.deepcopy(hints), version + 1

    def _sender(self, sender_id: int) -> dict[str, Any]:
        if sender_id not in self.senders:
            raise NotFound(f"Sender {sender_id} not found.")
        return self.senders[sender_id]

    def _current(self, sender_id: int, expected_version: int | None) -> dict[str, Any]:
        sender = self._sender(sender_id)
        if expected_version is not None and sender["version"] != expected_version:
            raise PreconditionFailed(f"Sender {sender_id} is at version {sender['version']}.", sender["version"])
        return sender
