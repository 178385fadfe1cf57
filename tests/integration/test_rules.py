"""The Rules Engine through the real handlers on moto: /api/rules and rules run by the extraction step."""

import pytest

from tests.support.documents import invoice_pdf

APPROVE = {
    "name": "auto-approve confident invoices",
    "enabled": True,
    "priority": 10,
    "match": "all",
    "conditions": [{"field": "confidence_score", "op": ">=", "value": 0}],
    "actions": [{"type": "set_status", "value": "Approved"}],
}


def create_rule(stack, **changes):
    r = stack.request("POST", "/api/rules", json_body={**APPROVE, **changes})
    assert r.status == 201, r.body
    return r.json()


def upload(stack, contact, folder, **fields):
    r = stack.upload(invoice_pdf(**fields), fields={"contact_id": contact["id"], "folder_id": folder["id"]})
    assert r.status == 201, r.body
    return r.json()["id"]


def extracted(stack, contact, folder, **fields):
    doc_id = upload(stack, contact, folder, **fields)
    stack.deliver_s3_events()
    return stack.document(doc_id)


# ---------------------------------------------------------------- CRUD


def test_create_get_replace_delete(stack):
    rule = create_rule(stack)
    assert rule["id"] == 1 and rule["created_at"] and rule["updated_at"]
    assert {k: rule[k] for k in APPROVE} == APPROVE
    assert stack.request("GET", "/api/rules/1").json() == rule

    replaced = {**APPROVE, "name": "renamed", "enabled": False, "match": "any"}
    r = stack.request("PUT", "/api/rules/1", json_body=replaced)
    assert r.status == 200, r.body
    assert r.json()["name"] == "renamed" and r.json()["enabled"] is False and r.json()["match"] == "any"
    assert r.json()["created_at"] == rule["created_at"]
    assert stack.request("GET", "/api/rules/1").json() == r.json()

    # GET, edit, PUT: the read-only fields sent back are ignored.
    r = stack.request("PUT", "/api/rules/1", json_body={**r.json(), "priority": 3, "id": 9, "created_at": "x"})
    assert r.status == 200 and r.json()["priority"] == 3 and r.json()["id"] == 1
    assert r.json()["created_at"] == rule["created_at"]

    r = stack.request("DELETE", "/api/rules/1")
    assert r.status == 204 and r.body == b""
    assert stack.request("GET", "/api/rules/1").status == 404
    assert stack.request("DELETE", "/api/rules/1").status == 404
    assert stack.request("PUT", "/api/rules/1", json_body=APPROVE).status == 404
    assert create_rule(stack)["id"] == 2, "ids are never reused"


def test_defaults(stack):
    body = {"name": "n", "conditions": APPROVE["conditions"], "actions": APPROVE["actions"]}
    r = stack.request("POST", "/api/rules", json_body=body)
    assert r.status == 201, r.body
    assert r.json()["enabled"] is True and r.json()["match"] == "all" and isinstance(r.json()["priority"], int)


def test_list_is_sorted_by_priority_then_id_and_paginates(stack):
    for priority in (30, 10, 20, 10):
        create_rule(stack, priority=priority)
    page = stack.request("GET", "/api/rules").json()
    assert page["total"] == 4 and page["limit"] == 50 and page["offset"] == 0
    assert [(r["priority"], r["id"]) for r in page["rules"]] == [(10, 2), (10, 4), (20, 3), (30, 1)]
    page = stack.request("GET", "/api/rules", params={"limit": 2, "offset": 1}).json()
    assert [r["id"] for r in page["rules"]] == [4, 3] and page["total"] == 4
    assert stack.request("GET", "/api/rules", params={"limit": 0}).status == 422


@pytest.mark.parametrize("rule_id", ["99", "0", "abc", "-1"])
def test_unknown_rules_are_404(stack, rule_id):
    for method, path, body in (
        ("GET", f"/api/rules/{rule_id}", None),
        ("PUT", f"/api/rules/{rule_id}", APPROVE),
        ("DELETE", f"/api/rules/{rule_id}", None),
        ("POST", f"/api/rules/{rule_id}/test", {"document_id": 1}),
    ):
        r = stack.request(method, path, json_body=body)
        assert r.status == 404 and r.json()["detail"], (method, path)


@pytest.mark.parametrize(
    "changes",
    [
        {"name": ""},
        {"name": None},
        {"conditions": []},
        {"actions": []},
        {"match": "most"},
        {"priority": "high"},
        {"unexpected": 1},
        {"conditions": [{"field": "vendor", "op": "==", "value": "Acme"}]},
        {"conditions": [{"field": "extracted_fields.", "op": "exists"}]},
        {"conditions": [{"field": "extracted_fields.Total Amount", "op": "exists"}]},
        {"conditions": [{"field": "confidence_score", "op": "~=", "value": 5}]},
        {"conditions": [{"field": "confidence_score", "op": ">="}]},
        {"conditions": [{"field": "confidence_score", "op": ">=", "value": "high"}]},
        {"conditions": [{"field": "confidence_score", "op": "contains", "value": "9"}]},
        {"conditions": [{"field": "confidence_score", "op": ">=", "value": [90]}]},
        {"conditions": [{"field": "doc_type", "op": "exists", "value": "Invoice"}]},
        {"conditions": [{"field": "doc_type", "op": ">", "value": 3}]},
        {"conditions": [{"field": "status", "op": "==", "value": "Done"}]},
        {"conditions": [{"field": "extracted_fields.vendor", "op": ">", "value": "Acme"}]},
        {"conditions": [{"field": "extracted_fields.paid", "op": ">", "value": True}]},
        {"actions": [{"type": "set_status", "value": "Done"}]},
        {"actions": [{"type": "set_status", "value": "Processing"}]},
        {"actions": [{"type": "set_status"}]},
        {"actions": [{"type": "move_to_folder", "value": 99}]},
        {"actions": [{"type": "move_to_folder", "value": "Q4"}]},
        {"actions": [{"type": "add_note", "value": ""}]},
        {"actions": [{"type": "add_note", "value": 5}]},
        {"actions": [{"type": "delete_document"}]},
    ],
)
def test_invalid_rules_are_422(stack, folder, changes):
    r = stack.request("POST", "/api/rules", json_body={**APPROVE, **changes})
    assert r.status == 422 and r.json()["detail"], (changes, r.body)
    create_rule(stack)
    r = stack.request("PUT", "/api/rules/1", json_body={**APPROVE, **changes})
    assert r.status == 422 and r.json()["detail"], (changes, r.body)


@pytest.mark.parametrize("body", [b"", b"not json", b"[]"])
def test_malformed_bodies_are_422(stack, body):
    r = stack.request("POST", "/api/rules", body=body, headers={"content-type": "application/json"})
    assert r.status == 422


def test_rules_need_a_token(stack):
    assert stack.request("GET", "/api/rules", token=None).status == 401
    assert stack.request("POST", "/api/rules", json_body=APPROVE, token="re_000000000000_nope").status == 401


# ---------------------------------------------------------------- the test endpoint


def test_the_test_endpoint_evaluates_without_acting(stack, contact, folder):
    doc = extracted(stack, contact, folder)
    assert doc["status"] == "Needs Review"
    rule = create_rule(
        stack,
        enabled=False,
        conditions=[
            {"field": "extracted_fields.total_amount", "op": ">", "value": 10000},
            {"field": "extracted_fields.vendor", "op": "contains", "value": "northwind"},
            {"field": "extracted_fields.po_number", "op": "exists"},
        ],
        match="all",
    )
    r = stack.request("POST", f"/api/rules/{rule['id']}/test", json_body={"document_id": doc["id"]})
    assert r.status == 200, r.body
    result = r.json()
    assert result["matched"] is False and result["actions"] == []
    assert [c["passed"] for c in result["conditions"]] == [True, True, False]
    assert result["conditions"][0]["actual"] == "18500.00"
    assert result["conditions"][0] | {"actual": None} == {
        "field": "extracted_fields.total_amount",
        "op": ">",
        "value": 10000,
        "passed": True,
        "actual": None,
    }

    body = {k: v for k, v in rule.items() if k not in ("id", "created_at", "updated_at")}
    assert stack.request("PUT", f"/api/rules/{rule['id']}", json_body={**body, "match": "any"}).status == 200
    result = stack.request("POST", f"/api/rules/{rule['id']}/test", json_body={"document_id": doc["id"]}).json()
    assert result["matched"] is True and result["actions"] == APPROVE["actions"]
    assert stack.document(doc["id"])["status"] == "Needs Review", "a test does not act"


def test_the_test_endpoint_needs_an_existing_document(stack):
    create_rule(stack)
    assert stack.request("POST", "/api/rules/1/test", json_body={"document_id": 42}).status == 422
    assert stack.request("POST", "/api/rules/1/test", json_body={"document_id": "x"}).status == 422
    assert stack.request("POST", "/api/rules/1/test", json_body={}).status == 422


# ---------------------------------------------------------------- rules in the extraction step


def test_a_rule_approves_on_upload(stack, contact, folder):
    rule = create_rule(stack, conditions=[{"field": "folder_id", "op": "==", "value": folder["id"]}])
    doc = extracted(stack, contact, folder)
    assert doc["status"] == "Approved"
    assert doc["rules_applied"] == [
        {"rule_id": rule["id"], "name": rule["name"], "actions": [{"type": "set_status", "value": "Approved"}]}
    ]
    listed = stack.request("GET", "/api/documents", params={"status": "Approved", "folder_id": folder["id"]}).json()
    assert [d["id"] for d in listed["documents"]] == [doc["id"]]
    assert stack.request("GET", "/api/documents", params={"status": "Needs Review"}).json()["total"] == 0


def test_without_a_match_the_document_needs_review(stack, contact, folder):
    create_rule(stack, conditions=[{"field": "extracted_fields.total_amount", "op": ">", "value": "1000000"}])
    doc = extracted(stack, contact, folder)
    assert doc["status"] == "Needs Review" and doc["rules_applied"] == []


def test_amount_conditions_compare_as_numbers(stack, contact, folder):
    create_rule(
        stack,
        conditions=[
            {"field": "extracted_fields.total_amount", "op": ">=", "value": 18500},
            {"field": "extracted_fields.total_amount", "op": "<", "value": "18500.01"},
            {"field": "extracted_fields.invoice_date", "op": ">=", "value": "2025-11-01"},
            {"field": "extracted_fields.due_date", "op": "<=", "value": "2025-12-15T23:59:59Z"},
            {"field": "doc_type", "op": "==", "value": "invoice"},
        ],
    )
    assert extracted(stack, contact, folder)["status"] == "Approved"


def test_move_to_folder_updates_the_lists_by_folder(stack, contact, folder):
    archive = stack.request("POST", "/api/folders", json_body={"name": "Archive"}).json()
    create_rule(
        stack,
        actions=[
            {"type": "move_to_folder", "value": archive["id"]},
            {"type": "add_note", "value": "Filed by rule"},
        ],
    )
    doc = extracted(stack, contact, folder)
    assert doc["folder_id"] == archive["id"] and doc["folder_name"] == "Archive"
    assert doc["notes"] == "Filed by rule" and doc["status"] == "Needs Review"

    def ids(**params):
        return [d["id"] for d in stack.request("GET", "/api/documents", params=params).json()["documents"]]

    assert ids(folder_id=archive["id"]) == [doc["id"]]
    assert ids(folder_id=folder["id"]) == []
    assert ids(folder_id=archive["id"], status="Needs Review", contact_id=contact["id"]) == [doc["id"]]
    assert ids(contact_id=contact["id"], folder_id=folder["id"]) == []
    # A later status change keeps the new folder's index keys.
    stack.request("PATCH", f"/api/documents/{doc['id']}/status", json_body={"status": "Archived"})
    assert ids(folder_id=archive["id"], status="Archived") == [doc["id"]]
    assert ids(folder_id=folder["id"], status="Archived") == []


def test_rules_run_in_priority_order_and_the_last_status_wins(stack, contact, folder):
    first = create_rule(stack, name="first", priority=5, actions=[{"type": "add_note", "value": "one"}])
    last = create_rule(stack, name="last", priority=50, actions=[{"type": "set_status", "value": "Ready"}])
    middle = create_rule(
        stack,
        name="middle",
        priority=20,
        actions=[{"type": "set_status", "value": "Missing Info"}, {"type": "add_note", "value": "two"}],
    )
    # Sees the status the earlier rules left: Missing Info, set by "middle".
    chained = create_rule(
        stack,
        name="chained",
        priority=30,
        conditions=[{"field": "status", "op": "==", "value": "Missing Info"}],
        actions=[{"type": "add_note", "value": "three"}],
    )
    doc = extracted(stack, contact, folder)
    assert [a["rule_id"] for a in doc["rules_applied"]] == [first["id"], middle["id"], chained["id"], last["id"]]
    assert doc["status"] == "Ready"
    assert doc["notes"] == "one\ntwo\nthree"


def test_a_disabled_rule_is_ignored(stack, contact, folder):
    create_rule(stack, enabled=False)
    doc = extracted(stack, contact, folder)
    assert doc["status"] == "Needs Review" and doc["rules_applied"] == []


def test_a_deleted_rule_no_longer_runs(stack, contact, folder):
    rule = create_rule(stack)
    stack.request("DELETE", f"/api/rules/{rule['id']}")
    assert extracted(stack, contact, folder)["status"] == "Needs Review"


def test_match_any(stack, contact, folder):
    create_rule(
        stack,
        match="any",
        conditions=[
            {"field": "extracted_fields.vendor", "op": "==", "value": "Someone Else"},
            {"field": "contact_id", "op": "==", "value": contact["id"]},
        ],
    )
    assert extracted(stack, contact, folder)["status"] == "Approved"


def test_a_rule_can_hold_back_duplicates(stack, contact, folder):
    create_rule(
        stack,
        conditions=[{"field": "duplicate_of", "op": "exists"}],
        actions=[{"type": "set_status", "value": "Exception"}, {"type": "add_note", "value": "duplicate upload"}],
    )
    content = invoice_pdf()
    fields = {"contact_id": contact["id"], "folder_id": folder["id"]}
    first = stack.upload(content, fields=fields).json()["id"]
    second = stack.upload(content, fields=fields).json()["id"]
    stack.deliver_s3_events()
    assert stack.document(first)["status"] == "Needs Review"
    held = stack.document(second)
    assert (held["duplicate_of"], held["status"], held["notes"]) == (first, "Exception", "duplicate upload")


def test_a_rule_setting_export_writes_export_in_the_concluding_write(stack, contact, folder):
    """The stream must see one Processing -> Export transition (it fires the webhook): no write in between."""
    create_rule(stack, actions=[{"type": "set_status", "value": "Export"}, {"type": "add_note", "value": "sent"}])
    doc = extracted(stack, contact, folder)
    assert doc["status"] == "Export" and doc["notes"] == "sent"
    entries = stack.request("GET", f"/api/documents/{doc['id']}/history").json()["entries"]
    moves = [
        (entry["version"], change["from"], change["to"])
        for entry in entries
        for change in entry["changes"]
        if change["field"] == "status" and entry["actor"] == "extraction"
    ]
    # The claim (-> Processing), then one write from Processing straight to Export: the last version.
    assert [(before, after) for _, before, after in moves] == [("New", "Processing"), ("Processing", "Export")]
    assert moves[-1][0] == doc["version"]
    rule_entry = next(entry for entry in entries if entry["action"] == "rule_applied")
    assert rule_entry["version"] == doc["version"], "the rule's changes are part of that same write"


def test_a_failing_rule_is_skipped_and_never_leaves_the_document_processing(stack, contact, folder, monkeypatch):
    from recordengine.rules import actions

    create_rule(stack, name="broken", priority=1, actions=[{"type": "add_note", "value": "boom"}])
    create_rule(stack, name="fine", priority=2)
    original = actions._apply

    def failing(outcome, action, folder_names):
        if getattr(action, "value", None) == "boom":
            raise RuntimeError("boom")
        return original(outcome, action, folder_names)

    monkeypatch.setattr(actions, "_apply", failing)
    doc = extracted(stack, contact, folder)
    assert doc["status"] == "Approved"
    assert [a["name"] for a in doc["rules_applied"]] == ["fine"]
    assert doc["notes"] is None


def test_unreadable_rules_retry_the_event_then_conclude_without_them(stack, contact, folder, monkeypatch):
    from recordengine import wiring

    create_rule(stack)
    doc_id = upload(stack, contact, folder)
    service = wiring.rule_service()

    def unavailable():
        raise RuntimeError("DynamoDB is unavailable")

    monkeypatch.setattr(service, "enabled_rules", unavailable)
    key = next(iter(__import__("boto3").client("s3").list_objects_v2(Bucket=stack.bucket)["Contents"]))["Key"]
    event = stack.s3_event(key)
    for _ in range(2):
        with pytest.raises(Exception, match="rules could not be read"):
            stack.invoke("extract_document", event)
        assert stack.document(doc_id)["status"] == "New"
    assert stack.invoke("extract_document", event) == {"outcomes": ["extracted"]}
    assert stack.document(doc_id)["status"] == "Needs Review"


def test_extraction_reads_the_rules_with_one_query_and_no_scan(stack, contact, folder):
    from recordengine import wiring

    for _ in range(3):
        create_rule(stack)
    upload(stack, contact, folder)
    table = wiring.rule_service().store.table
    calls = []
    client = table.client

    class Recording:
        def __getattr__(self, name):
            attribute = getattr(client, name)
            if name in {"query", "scan"}:

                def recorded(**kwargs):
                    calls.append((name, kwargs.get("IndexName")))
                    return attribute(**kwargs)

                return recorded
            return attribute

    table.client = Recording()
    try:
        stack.deliver_s3_events()
    finally:
        table.client = client
    # The rules: one Query of their index. The other Query is of the document's sender's partition, for the
    # hints it learned (issue 17: one read unit per extraction), on the table itself.
    assert calls == [("query", "by_kind"), ("query", None)]
