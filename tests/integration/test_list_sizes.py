"""Lists stay inside Lambda's 6 MB response: a page of large items ends early with a cursor to the rest.

Through the real handlers on moto and the local gateway, which answers 502 for a response Lambda would refuse.
Each item here is as large as the API lets a client make it, in characters the runtime writes as \\uXXXX.
"""

import json
from typing import Any

from local.gateway import LAMBDA_RESPONSE_LIMIT_BYTES
from recordengine.answer_size import LIST_ANSWER_BUDGET_BYTES
from tests.support.documents import invoice_pdf

LONG_TEXT = "\u00fc" * 1000  # 2 bytes stored, 6 in the answer


def largest_profile(number: int) -> dict[str, Any]:
    return {
        "name": f"Wide profile {number}",
        "doc_types": [f"{number} {LONG_TEXT[:95]}"] * 20,
        "fields": [
            {"name": f"field_{index:03d}_{'x' * 54}", "type": "string", "description": LONG_TEXT[:500]}
            for index in range(100)
        ],
    }


def largest_rule(number: int) -> dict[str, Any]:
    return {
        "name": f"Wide rule {number}",
        "priority": number,
        "conditions": [
            {"field": f"extracted_fields.note_{index}", "op": "!=", "value": LONG_TEXT} for index in range(50)
        ],
        "actions": [{"type": "add_note", "value": LONG_TEXT}] * 20,
    }


def walk(stack, path: str, key: str, identity: str = "id") -> tuple[list[int], list[int]]:
    """Every page of `path` from the first by next_cursor: the ids in order and each answer's size as Lambda
    counts it (the body inside the JSON the runtime writes)."""
    ids: list[int] = []
    sizes: list[int] = []
    cursor = None
    while True:
        r = stack.request("GET", path, params={"limit": 200} | ({"cursor": cursor} if cursor else {}))
        assert r.status == 200, r.body[:200]
        page = r.json()
        sizes.append(len(json.dumps(r.body.decode())))
        ids += [item[identity] for item in page[key]]
        assert page["limit"] == 200 and page["offset"] == 0
        cursor = page["next_cursor"]
        if cursor is None:
            assert len(ids) == page["total"]
            return ids, sizes
        assert len(page[key]) < 200  # cut short by size, not by the limit


def test_a_list_of_the_largest_profiles_is_paged_by_size(stack):
    created = []
    for number in range(25):
        r = stack.request("POST", "/api/profiles", json_body=largest_profile(number))
        assert r.status == 201, r.body[:200]
        created.append(r.json()["id"])

    ids, sizes = walk(stack, "/api/profiles", "profiles")

    # Newest first, the built-in profile last; every profile once.
    assert ids == [*reversed(created), 1]
    assert len(sizes) >= 2
    assert max(sizes) <= LIST_ANSWER_BUDGET_BYTES + 1000 < LAMBDA_RESPONSE_LIMIT_BYTES
    # Full pages: one more profile would have passed the budget.
    assert sizes[0] > LIST_ANSWER_BUDGET_BYTES - 350_000


def test_a_list_of_the_largest_rules_is_paged_by_size_and_offset_follows_the_cursor(stack):
    for number in range(25):
        r = stack.request("POST", "/api/rules", json_body=largest_rule(number))
        assert r.status == 201, r.body[:200]

    ids, sizes = walk(stack, "/api/rules", "rules")
    assert ids == list(range(1, 26))  # in the order rules run
    assert len(sizes) >= 2 and max(sizes) <= LIST_ANSWER_BUDGET_BYTES + 1000

    first = stack.request("GET", "/api/rules", params={"limit": 200}).json()
    shown = len(first["rules"])
    # offset counts from the cursor's position, as on the documents list.
    after = stack.request("GET", "/api/rules", params={"limit": 1, "offset": 1, "cursor": first["next_cursor"]})
    assert [rule["id"] for rule in after.json()["rules"]] == [shown + 2]
    by_offset = stack.request("GET", "/api/rules", params={"offset": shown, "limit": 1}).json()
    assert [rule["id"] for rule in by_offset["rules"]] == [shown + 1]


def test_a_cursor_this_api_did_not_write_is_422(stack):
    for cursor in ("cG9zaXRpb246MA", "bm90IGEgY3Vyc29y", "x" * 40, "cG9zaXRpb246Mw=="):
        r = stack.request("GET", "/api/contacts", params={"cursor": cursor})
        assert r.status == 422, (cursor, r.body)


def test_a_history_of_large_corrections_is_paged_by_size(stack, contact, folder):
    r = stack.upload(invoice_pdf(), fields={"contact_id": contact["id"], "folder_id": folder["id"]})
    assert r.status == 201, r.body
    stack.deliver_s3_events()
    document_id = r.json()["id"]
    path = f"/api/documents/{document_id}/history"
    for number in range(40):
        # Each entry records the line items before and after: about 54 KB as UTF-8, under the 64 KB at which an
        # entry is shortened, and 162 KB in the answer.
        items = [{"description": f"{number} {LONG_TEXT[:450]}", "quantity": 1, "amount": 1.0} for _ in range(30)]
        r = stack.request("PATCH", f"/api/documents/{document_id}", json_body={"line_items": items})
        assert r.status == 200, r.body[:200]

    versions, sizes = walk(stack, path, "entries", identity="version")
    assert len(sizes) >= 2 and max(sizes) <= LIST_ANSWER_BUDGET_BYTES + 1000
    assert versions == sorted(set(versions))  # oldest first, each entry once
