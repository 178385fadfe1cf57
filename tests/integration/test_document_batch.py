"""The queue for volume (issue 18 point 4): the list sorted by a column with the fields a clerk triages by,
bulk actions in one request answered per document, and the list exported as CSV."""

from __future__ import annotations

import csv
import io

import pytest

from recordengine import documents as document_service_module
from recordengine.tokens import TokenScope, TokenStore
from tests.support.aws_stack import AwsStack
from tests.support.documents import invoice_pdf


def extracted(stack: AwsStack, contact: dict, folder: dict, **invoice: str) -> int:
    r = stack.upload(invoice_pdf(**invoice), fields={"contact_id": contact["id"], "folder_id": folder["id"]})
    assert r.status == 201, r.body
    stack.deliver_s3_events()
    return int(r.json()["id"])


@pytest.fixture
def three(stack, contact, folder) -> dict[str, int]:
    """Three invoices in Needs Review: vendor → id; totals 18,500.00, 250.00 and 1,200.00."""
    ids = {
        "Northwind Traders Ltd": extracted(stack, contact, folder),
        "Contoso Supplies": extracted(
            stack, contact, folder, vendor="Contoso Supplies", subtotal="200.00", tax="50.00", total="250.00"
        ),
        "Blue Yonder Hardware": extracted(
            stack, contact, folder, vendor="Blue Yonder Hardware", subtotal="1,000.00", tax="200.00", total="1,200.00"
        ),
    }
    for document_id in ids.values():
        assert stack.document(document_id)["status"] == "Needs Review"
    return ids


def listed(stack: AwsStack, **params: object) -> dict:
    r = stack.request("GET", "/api/documents", params=params)
    assert r.status == 200, r.body
    return r.json()


def test_the_list_sorts_by_total_and_vendor_with_the_queue_columns(stack, three):
    by_total = listed(stack, sort="-total", details="true")["documents"]
    assert [d["total_amount"] for d in by_total] == ["18500.00", "1200.00", "250.00"]
    assert {d["currency"] for d in by_total} == {"USD"}
    assert by_total[0]["vendor"] == "Northwind Traders Ltd" and by_total[0]["due_date"] == "2025-12-15"

    by_vendor = listed(stack, sort="vendor")["documents"]
    assert [d["id"] for d in by_vendor] == [three[v] for v in sorted(three)]
    ascending = listed(stack, sort="total", limit=2)
    assert ascending["total"] == 3 and [d["id"] for d in ascending["documents"]] == [
        three["Contoso Supplies"],
        three["Blue Yonder Hardware"],
    ]
    after = listed(stack, sort="total", limit=2, cursor=ascending["next_cursor"])
    assert [d["id"] for d in after["documents"]] == [three["Northwind Traders Ltd"]] and after["next_cursor"] is None


def test_without_details_a_row_is_what_it_was(stack, three):
    row = listed(stack)["documents"][0]
    assert row["vendor"] is None and row["total_amount"] is None


@pytest.mark.parametrize("sort", ["amount", "--total", "total;drop", "x" * 64, "-"])
def test_a_sort_key_that_is_not_one_is_422_naming_the_keys(stack, sort):
    r = stack.request("GET", "/api/documents", params={"sort": sort})
    assert r.status == 422, r.body
    assert "confidence" in str(r.json()["detail"])


def test_sorting_more_than_it_may_read_is_422_asking_to_narrow(stack, three, monkeypatch):
    monkeypatch.setattr(document_service_module, "MAX_SORTED_MATCHES", 2)
    for path in ("/api/documents", "/api/documents/export"):
        r = stack.request("GET", path, params={"sort": "-total"})
        assert r.status == 422, r.body
        assert "Narrow the filters" in r.json()["detail"]
    assert stack.request("GET", "/api/documents").status == 200  # newest first reads only its page


def test_the_export_is_the_list_as_csv_with_formulas_neutralised(stack, three):
    hostile = three["Contoso Supplies"]
    fields = {"vendor": '=HYPERLINK("http://example.test","x")', "invoice_number": "@SUM(A1)"}
    assert stack.request("PATCH", f"/api/documents/{hostile}", json_body={"extracted_fields": fields}).status == 200

    r = stack.request("GET", "/api/documents/export", params={"sort": "-total"})

    assert r.status == 200, r.body
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    assert r.body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(r.body.decode("utf-8-sig"))))
    assert [int(row["id"]) for row in rows] == [three[v] for v in ("Northwind Traders Ltd", "Blue Yonder Hardware")] + [
        hostile
    ]
    assert rows[2]["vendor"] == "'" + fields["vendor"]
    assert rows[0]["total_amount"] == "18500.00" and rows[0]["currency"] == "USD"
    filtered = stack.request("GET", "/api/documents/export", params={"status": "Approved"})
    assert filtered.body.decode("utf-8-sig").count("\r\n") == 1  # the header row only


def batch(stack: AwsStack, body: object, token: str = "default"):
    return stack.request("POST", "/api/documents/batch", json_body=body, token=token)


def test_bulk_approve_answers_per_document_and_writes_each_history(stack, three):
    ids = [*three.values(), 999999]

    r = batch(stack, {"action": "approve", "ids": ids})

    assert r.status == 200, r.body
    answer = r.json()
    assert (answer["succeeded"], answer["failed"]) == (3, 1)
    outcomes = {o["id"]: o for o in answer["results"]}
    assert [o["id"] for o in answer["results"]] == ids
    assert all(outcomes[i]["status"] == 200 and outcomes[i]["document_status"] == "Approved" for i in three.values())
    assert outcomes[999999]["status"] == 404 and "999999" in outcomes[999999]["detail"]
    for document_id in three.values():
        entries = stack.request("GET", f"/api/documents/{document_id}/history").json()["entries"]
        assert any(change.get("to") == "Approved" for entry in entries for change in entry.get("changes") or []), (
            entries
        )


def test_a_document_its_own_route_would_refuse_is_refused_alike_and_the_others_go_ahead(stack, three, contact, folder):
    waiting = stack.upload(invoice_pdf(), fields={"contact_id": contact["id"], "folder_id": folder["id"]})
    new_id = int(waiting.json()["id"])  # not extracted yet: nothing to export
    ready = three["Contoso Supplies"]

    answer = batch(stack, {"action": "set_status", "status": "Export", "ids": [new_id, ready]}).json()

    single = stack.request("PATCH", f"/api/documents/{new_id}/status", json_body={"status": "Export"})
    assert single.status == 409
    assert answer["results"][0] == {
        "id": new_id,
        "status": 409,
        "detail": single.json()["detail"],
        "document_status": None,
    }
    assert answer["results"][1]["status"] == 200 and stack.document(ready)["status"] == "Export"


def test_bulk_move_set_status_and_archive(stack, three):
    other = stack.request("POST", "/api/folders", json_body={"name": "Paid"}).json()
    ids = list(three.values())
    moved = batch(stack, {"action": "move", "ids": ids[:2], "folder_id": other["id"]}).json()
    assert moved["succeeded"] == 2
    assert {d["id"] for d in listed(stack, folder_id=other["id"])["documents"]} == set(ids[:2])
    assert batch(stack, {"action": "set_status", "ids": ids, "status": "Ready"}).json()["succeeded"] == 3
    assert batch(stack, {"action": "archive", "ids": ids}).json()["succeeded"] == 3
    assert listed(stack, status="Archived")["total"] == 3


@pytest.mark.parametrize(
    ("body", "status", "named"),
    [
        ({"action": "approve", "ids": []}, 422, "ids"),
        ({"action": "approve", "ids": list(range(1, 102))}, 422, "ids"),
        ({"action": "approve", "ids": [1, 2, 1]}, 422, "repeated"),
        ({"action": "approve", "ids": [0]}, 422, "ids"),
        ({"action": "approve", "ids": ["1"]}, 422, "ids"),
        ({"action": "shred", "ids": [1]}, 422, "action"),
        ({"action": "set_status", "ids": [1]}, 422, "status"),
        ({"action": "set_status", "ids": [1], "status": "Paid"}, 400, "not a status"),
        ({"action": "move", "ids": [1]}, 422, "folder_id"),
        ({"action": "move", "ids": [1], "folder_id": 424242}, 422, "folder_id"),
        ({"action": "approve", "ids": [1], "extra": True}, 422, "extra"),
        ([1, 2], 422, ""),
    ],
)
def test_a_batch_that_cannot_be_read_is_refused_whole_with_a_detail(stack, three, body, status, named):
    r = batch(stack, body)
    assert r.status == status, r.body
    assert named in str(r.json()["detail"])
    assert listed(stack, status="Needs Review")["total"] == 3


def test_bulk_delete_needs_the_admin_scope(stack, three):
    ids = list(three.values())
    writer = TokenStore(stack.table).create("clerk", scopes=[TokenScope.DOCUMENTS_READ, TokenScope.DOCUMENTS_WRITE])
    refused = batch(stack, {"action": "delete", "ids": ids}, token=writer.token)
    assert refused.status == 403 and "admin" in refused.json()["detail"]
    assert listed(stack)["total"] == 3

    deleted = batch(stack, {"action": "delete", "ids": [ids[0], 777777]})

    assert deleted.status == 200, deleted.body
    assert [(o["id"], o["status"]) for o in deleted.json()["results"]] == [(ids[0], 204), (777777, 404)]
    assert stack.request("GET", f"/api/documents/{ids[0]}").status == 404
