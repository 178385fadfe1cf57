"""Rule validation: what a rule may say (API.md Part 2), refused with clear messages otherwise."""

import pytest
from pydantic import ValidationError

from recordengine.rules.models import RuleCreate

VALID = {
    "name": "auto-approve",
    "conditions": [{"field": "confidence_score", "op": ">=", "value": 90}],
    "actions": [{"type": "set_status", "value": "Approved"}],
}


def test_defaults():
    rule = RuleCreate.model_validate(VALID)
    assert rule.enabled is True and rule.match == "all" and rule.priority == 100


@pytest.mark.parametrize(
    "condition",
    [
        {"field": "confidence_score", "op": "<", "value": 50.5},
        {"field": "contact_id", "op": "==", "value": 5},
        {"field": "folder_id", "op": "!=", "value": "12"},
        {"field": "doc_type", "op": "==", "value": "Invoice"},
        {"field": "doc_type", "op": "contains", "value": "voice"},
        {"field": "status", "op": "==", "value": "Needs Review"},
        {"field": "status", "op": "contains", "value": "review"},
        {"field": "extracted_fields.total_amount", "op": ">", "value": "18500.00"},
        {"field": "extracted_fields.total_amount", "op": ">", "value": 18500},
        {"field": "extracted_fields.due_date", "op": "<=", "value": "2025-12-31"},
        {"field": "extracted_fields.due_date", "op": "<=", "value": "2025-12-31T00:00:00Z"},
        {"field": "extracted_fields.po_number", "op": "exists"},
        {"field": "extracted_fields.po_number", "op": "missing", "value": None},
        {"field": "extracted_fields.paid", "op": "==", "value": True},
    ],
)
def test_valid_conditions(condition):
    RuleCreate.model_validate({**VALID, "conditions": [condition]})


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"field": "vendor", "op": "==", "value": "x"}, "not a rule field"),
        ({"field": "extracted_fields.", "op": "exists"}, "not a rule field"),
        ({"field": "extracted_fields.Total", "op": "exists"}, "not a rule field"),
        ({"field": "extracted_fields.a.b", "op": "exists"}, "not a rule field"),
        ({"field": "confidence_score", "op": "=~", "value": 1}, "op"),
        ({"field": "confidence_score", "op": ">="}, "needs a value"),
        ({"field": "confidence_score", "op": "exists", "value": 1}, "takes no value"),
        ({"field": "confidence_score", "op": ">=", "value": "high"}, "number or an ISO date"),
        ({"field": "confidence_score", "op": "==", "value": "high"}, "compare it with a number"),
        ({"field": "confidence_score", "op": "contains", "value": 9}, "'contains' does not apply"),
        ({"field": "confidence_score", "op": ">=", "value": [90]}, "value"),
        ({"field": "confidence_score", "op": ">=", "value": {"a": 1}}, "value"),
        ({"field": "confidence_score", "op": ">=", "value": float("nan")}, "finite"),
        ({"field": "confidence_score", "op": ">", "value": True}, "true or false"),
        ({"field": "doc_type", "op": ">", "value": 1}, "not ordered"),
        ({"field": "status", "op": "==", "value": "Done"}, "not a status"),
        ({"field": "extracted_fields.vendor", "op": "<", "value": "Acme"}, "number or an ISO date"),
        ({"field": "extracted_fields.vendor", "op": "==", "value": "x" * 1001}, "longer than 1000"),
    ],
)
def test_invalid_conditions(condition, message):
    with pytest.raises(ValidationError, match=message):
        RuleCreate.model_validate({**VALID, "conditions": [condition]})


@pytest.mark.parametrize(
    "action",
    [
        {"type": "set_status", "value": "Approved"},
        {"type": "set_status", "value": "Export"},
        {"type": "set_status", "value": "Exception"},
        {"type": "move_to_folder", "value": 3},
        {"type": "add_note", "value": "Checked by rule"},
    ],
)
def test_valid_actions(action):
    RuleCreate.model_validate({**VALID, "actions": [action]})


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ({"type": "set_status", "value": "approved"}, "set_status.value"),
        ({"type": "set_status", "value": "New"}, "cannot set 'New'"),
        ({"type": "set_status", "value": "Processing"}, "cannot set 'Processing'"),
        ({"type": "set_status"}, "set_status.value"),
        ({"type": "move_to_folder", "value": 0}, "move_to_folder.value"),
        ({"type": "move_to_folder", "value": "Q4"}, "move_to_folder.value"),
        ({"type": "add_note", "value": ""}, "add_note.value"),
        ({"type": "add_note", "value": 5}, "add_note.value"),
        ({"type": "add_note", "value": "x", "extra": 1}, "extra"),
        ({"type": "send_email", "value": "x"}, "does not match any of the expected tags"),
        ({"value": "x"}, "Unable to extract tag"),
    ],
)
def test_invalid_actions(action, message):
    with pytest.raises(ValidationError, match=message):
        RuleCreate.model_validate({**VALID, "actions": [action]})


@pytest.mark.parametrize(
    "changes",
    [{"conditions": []}, {"actions": []}, {"match": "none"}, {"name": ""}, {"priority": 10**7}, {"other": 1}],
)
def test_invalid_rules(changes):
    with pytest.raises(ValidationError):
        RuleCreate.model_validate({**VALID, **changes})
