"""Running rules: order, the last status wins, folders and notes, failures skipped."""

import pytest

from recordengine.models import Status
from recordengine.rules import actions
from recordengine.rules.actions import run_rules
from recordengine.rules.models import Rule

DOCUMENT = {
    "id": 7,
    "status": "Processing",
    "confidence_score": 95,
    "contact_id": 5,
    "folder_id": 1,
    "folder_name": "Inbox",
    "notes": None,
    "extracted_fields": {"total_amount": "18500.00"},
}
FOLDERS = {1: "Inbox", 2: "Large invoices", 3: "Archive"}


def rule(rule_id, priority, *actions_, conditions=None, enabled=True, name=None):
    return Rule.model_validate(
        {
            "id": rule_id,
            "name": name or f"rule {rule_id}",
            "priority": priority,
            "enabled": enabled,
            "conditions": conditions or [{"field": "confidence_score", "op": ">=", "value": 90}],
            "actions": [dict(zip(("type", "value"), a, strict=True)) for a in actions_],
            "created_at": "2025-11-15T08:23:41Z",
            "updated_at": "2025-11-15T08:23:41Z",
        }
    )


def run(*rules):
    return run_rules(rules, DOCUMENT, Status.NEEDS_REVIEW, FOLDERS.get)


def test_no_rules_leave_the_default():
    outcome = run()
    assert (outcome.status, outcome.folder_id, outcome.folder_name, outcome.notes) == (
        Status.NEEDS_REVIEW,
        1,
        "Inbox",
        None,
    )
    assert outcome.changes()["rules_applied"] == []


def test_priority_then_id_and_the_last_status_wins():
    outcome = run(
        rule(3, 10, ("set_status", "Ready")),
        rule(2, 10, ("set_status", "Approved")),
        rule(1, 20, ("set_status", "Export")),
        rule(4, 5, ("set_status", "Missing Info")),
    )
    assert [a.rule_id for a in outcome.applied] == [4, 2, 3, 1]
    assert outcome.status is Status.EXPORT


def test_disabled_and_unmatched_rules_do_nothing():
    outcome = run(
        rule(1, 1, ("set_status", "Approved"), enabled=False),
        rule(2, 2, ("set_status", "Ready"), conditions=[{"field": "confidence_score", "op": "<", "value": 50}]),
    )
    assert outcome.status is Status.NEEDS_REVIEW and outcome.applied == ()


def test_folder_notes_and_what_was_applied():
    outcome = run(
        rule(1, 1, ("move_to_folder", 2), ("add_note", "large"), name="big ones"),
        rule(2, 2, ("add_note", "second")),
    )
    assert (outcome.folder_id, outcome.folder_name, outcome.notes) == (2, "Large invoices", "large\nsecond")
    changes = outcome.changes()
    assert changes["rules_applied"][0] == {
        "rule_id": 1,
        "name": "big ones",
        "actions": [{"type": "move_to_folder", "value": 2}, {"type": "add_note", "value": "large"}],
    }
    assert {"folder_id": 2, "folder_name": "Large invoices", "notes": "large\nsecond"}.items() <= changes.items()


def test_notes_append_to_existing_notes():
    outcome = run_rules(
        [rule(1, 1, ("add_note", "from rule"))], {**DOCUMENT, "notes": "from upload"}, Status.NEEDS_REVIEW, FOLDERS.get
    )
    assert outcome.notes == "from upload\nfrom rule"


def test_later_rules_see_what_earlier_ones_did():
    outcome = run(
        rule(1, 1, ("move_to_folder", 3), ("set_status", "Approved")),
        rule(
            2,
            2,
            ("add_note", "approved and archived"),
            conditions=[
                {"field": "status", "op": "==", "value": "Approved"},
                {"field": "folder_id", "op": "==", "value": 3},
            ],
        ),
    )
    assert [a.rule_id for a in outcome.applied] == [1, 2]


def test_a_folder_that_is_gone_skips_that_action_only():
    outcome = run(rule(1, 1, ("move_to_folder", 99), ("set_status", "Approved")))
    assert outcome.folder_id == 1 and outcome.status is Status.APPROVED
    assert outcome.applied[0].actions == [{"type": "set_status", "value": "Approved"}]


def test_a_failing_rule_is_skipped_whole(monkeypatch: pytest.MonkeyPatch):
    original = actions._apply

    def failing(outcome, action, folder_names):
        if getattr(action, "value", None) == "boom":
            raise RuntimeError("boom")
        return original(outcome, action, folder_names)

    monkeypatch.setattr(actions, "_apply", failing)
    outcome = run(
        rule(1, 1, ("set_status", "Export"), ("add_note", "boom")),
        rule(2, 2, ("add_note", "fine")),
    )
    assert outcome.status is Status.NEEDS_REVIEW, "nothing of the failed rule is kept"
    assert outcome.notes == "fine" and [a.rule_id for a in outcome.applied] == [2]


def test_notes_stop_growing_at_their_limit_and_say_so_once() -> None:
    from recordengine.rules.actions import MAX_NOTES_CHARS, NOTES_FULL, append_note

    notes = None
    for number in range(30):
        notes = append_note(notes, f"{number} " + "n" * 990)
    assert notes is not None
    assert len(notes) <= MAX_NOTES_CHARS
    assert notes.endswith(NOTES_FULL)
    assert notes.count(NOTES_FULL.strip()) == 1
    assert notes.startswith("0 nnn")
