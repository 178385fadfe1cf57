"""Running rules over a document at the end of extraction: which rules match and what their actions change.

Rules run in ascending priority (ties by id). Each rule sees the document as the rules before it left it
(their status, folder and notes), so a later rule can build on an earlier one; the last `set_status` wins.
A rule that fails while it is evaluated or applied is logged and skipped as a whole: it never stops the
others, and never keeps the document from leaving Processing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from recordengine.models import MAX_NOTES_CHARS, AppliedRule, Status

from .conditions import evaluate_rule
from .models import Action, AddNote, MoveToFolder, Rule, SetStatus

logger = logging.getLogger(__name__)

# The name of a folder by id, or None when there is no such folder (any more).
FolderNames = Callable[[int], str | None]


@dataclass(frozen=True)
class RulesOutcome:
    """Where a document ends once the rules have run."""

    status: Status
    folder_id: int
    folder_name: str
    notes: str | None
    applied: tuple[AppliedRule, ...] = field(default=())
    # For each rule in `applied`: what it changed, as a document's history lists it ({"field", "from", "to"}).
    effects: tuple[tuple[dict[str, Any], ...], ...] = field(default=())

    def changes(self) -> dict[str, Any]:
        """The document attributes to write besides the status (which the caller writes with its index keys)."""
        return {
            "folder_id": self.folder_id,
            "folder_name": self.folder_name,
            "notes": self.notes,
            "rules_applied": [a.model_dump(mode="json") for a in self.applied],
        }


# A document's notes stay far below DynamoDB's 400 KB item: rules that add notes stop adding past this.
NOTES_FULL = f"\n[notes truncated: limit of {MAX_NOTES_CHARS:,} characters reached]"


def append_note(notes: str | None, note: str) -> str:
    """``notes`` with ``note`` on a line of its own, within the notes' size limit: past it, a marker says
    that notes were left out, once."""
    if notes is not None and notes.endswith(NOTES_FULL):
        return notes
    combined = f"{notes}\n{note}" if notes else note
    if len(combined) <= MAX_NOTES_CHARS:
        return combined
    return combined[: MAX_NOTES_CHARS - len(NOTES_FULL)] + NOTES_FULL


def ordered(rules: Iterable[Rule]) -> list[Rule]:
    return sorted(rules, key=lambda rule: (rule.priority, rule.id))


def _apply(outcome: RulesOutcome, action: Action, folder_names: FolderNames) -> RulesOutcome | None:
    """`outcome` after `action`; None when the action cannot be carried out (its folder is gone)."""
    if isinstance(action, SetStatus):
        return replace(outcome, status=action.value)
    if isinstance(action, MoveToFolder):
        name = folder_names(action.value)
        if name is None:
            return None
        return replace(outcome, folder_id=action.value, folder_name=name)
    if isinstance(action, AddNote):
        return replace(outcome, notes=append_note(outcome.notes, action.value))
    raise TypeError(f"unknown action {action!r}")  # pragma: no cover - the models admit no other action


def _effects(before: RulesOutcome, after: RulesOutcome) -> tuple[dict[str, Any], ...]:
    pairs = (
        ("status", before.status.value, after.status.value),
        ("folder_id", before.folder_id, after.folder_id),
        ("notes", before.notes, after.notes),
    )
    return tuple({"field": name, "from": old, "to": new} for name, old, new in pairs if old != new)


def run_rules(
    rules: Iterable[Rule], document: Mapping[str, Any], status: Status, folder_names: FolderNames
) -> RulesOutcome:
    """Runs the enabled `rules` over `document` (its extraction result included), starting from `status`."""
    outcome = RulesOutcome(
        status=status,
        folder_id=int(document["folder_id"]),
        folder_name=str(document.get("folder_name") or ""),
        notes=document.get("notes"),
    )
    for rule in ordered(r for r in rules if r.enabled):
        try:
            view = {**document, "status": outcome.status.value, "folder_id": outcome.folder_id, "notes": outcome.notes}
            matched, _ = evaluate_rule(rule, view)
            if not matched:
                continue
            after, done = outcome, []
            for action in rule.actions:
                changed = _apply(after, action, folder_names)
                if changed is None:
                    logger.warning("Rule %s: folder %s no longer exists; action skipped", rule.id, action.value)
                    continue
                after = changed
                done.append(action.model_dump(mode="json"))
            applied = AppliedRule(rule_id=rule.id, name=rule.name, actions=done)
            outcome = replace(
                after, applied=(*outcome.applied, applied), effects=(*outcome.effects, _effects(outcome, after))
            )
        except Exception:
            logger.exception("Rule %s failed on document %s; skipped", rule.id, document.get("id"))
    return outcome
