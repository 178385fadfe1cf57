"""Lists read only their page: totals come from count items kept exact in the same transaction as every
create, status change, move and delete; pages follow each other by cursor; no request reads to the end."""

from __future__ import annotations

import base64
import contextlib
import itertools
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from recordengine.documents import DocumentService, UploadRequest
from recordengine.errors import NotFound
from recordengine.models import Status
from recordengine.storage.documents import DocumentChange
from recordengine.wiring import document_service
from tests.support.documents import invoice_pdf

STATUSES = [Status.NEW.value, Status.PROCESSING.value, Status.NEEDS_REVIEW.value, Status.APPROVED.value]


@pytest.fixture
def service(stack, contact, folder) -> DocumentService:
    return document_service()


@pytest.fixture
def second_folder(stack) -> int:
    return stack.request("POST", "/api/folders", json_body={"name": "Other"}).json()["id"]


def upload(service: DocumentService, contact_id: int, folder_id: int, count: int) -> list[int]:
    content = invoice_pdf()
    return [service.upload(UploadRequest(content, "a.pdf", contact_id, folder_id), "tests").id for _ in range(count)]


def set_status(service: DocumentService, document_id: int, status: str) -> None:
    service.documents.change(document_id, lambda current: DocumentChange({"status": status}))


def move(service: DocumentService, document_id: int, folder_id: int) -> None:
    service.documents.change(document_id, lambda current: DocumentChange({"folder_id": folder_id}))


def every_filter(folders: list[int], created_at: str) -> list[dict[str, Any]]:
    day = created_at[:10]
    filters: list[dict[str, Any]] = []
    for contact, folder, status in itertools.product([None, 1], [None, *folders], [None, *STATUSES]):
        base = {"contact_id": contact, "folder_id": folder, "status": status}
        filters.append(base)
        filters.append({**base, "created_from": day, "created_to": day})
        filters.append({**base, "created_from": created_at})  # a partly covered day
    return filters


def assert_totals_exact(service: DocumentService, folders: list[int]) -> None:
    documents = [service.documents.get(i) for i in range(1, 200)]
    stored = [d for d in documents if d is not None]
    for filters in every_filter(folders, stored[0]["created_at"] if stored else "2025-01-01T00:00:00Z"):
        expected = [
            d
            for d in stored
            if filters["contact_id"] in (None, d["contact_id"])
            and filters["folder_id"] in (None, d["folder_id"])
            and filters["status"] in (None, d["status"])
            and d["created_at"] >= filters.get("created_from", "")
        ]
        listed = service.list(**filters, limit=200)
        assert listed.total == len(expected), filters
        assert {d.id for d in listed.documents} == {d["id"] for d in expected}, filters


def test_totals_stay_exact_under_create_status_change_move_and_delete(service, second_folder):
    folders = [1, second_folder]
    ids = upload(service, 1, 1, 6)
    assert_totals_exact(service, folders)
    set_status(service, ids[0], Status.PROCESSING.value)
    set_status(service, ids[1], Status.APPROVED.value)
    set_status(service, ids[0], Status.NEEDS_REVIEW.value)
    assert_totals_exact(service, folders)
    move(service, ids[1], second_folder)
    move(service, ids[2], second_folder)
    assert_totals_exact(service, folders)
    service.documents.delete(ids[3])
    service.documents.delete(ids[1])
    assert_totals_exact(service, folders)


def test_totals_stay_exact_under_concurrent_changes(service, second_folder):
    ids = upload(service, 1, 1, 8)
    changes = [
        *(lambda i=i, s=s: set_status(service, i, s) for i in ids for s in STATUSES),
        *(lambda i=i: move(service, i, second_folder) for i in ids[:4]),
        lambda: upload(service, 1, second_folder, 3),
        lambda: service.documents.delete(ids[7]),
    ]
    with ThreadPoolExecutor(8) as pool:
        for future in [pool.submit(change) for change in changes]:
            # A change of the deleted document that comes after its delete finds it gone.
            with contextlib.suppress(NotFound):
                future.result()
    assert_totals_exact(service, [1, second_folder])


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"contact_id": 1},
        {"folder_id": 1, "status": "New"},
        {"created_from": "2000-01-01", "created_to": "2999-12-31"},
    ],
)
def test_cursor_pages_cover_every_document_exactly_once(service, filters):
    ids = upload(service, 1, 1, 11)
    seen: list[int] = []
    cursor = None
    for _ in range(10):
        page = service.list(**filters, limit=3, cursor=cursor)
        assert page.total == 11
        seen.extend(d.id for d in page.documents)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == sorted(ids, reverse=True)


def test_offset_and_cursor_agree_and_the_last_page_has_no_cursor(service):
    upload(service, 1, 1, 5)
    first = service.list(limit=2)
    assert [d.id for d in service.list(limit=2, cursor=first.next_cursor).documents] == [
        d.id for d in service.list(limit=2, offset=2).documents
    ]
    assert service.list(limit=5).next_cursor is None
    assert service.list(limit=2, offset=4).next_cursor is None


def forged_cursor(position: str) -> str:
    return base64.urlsafe_b64encode(position.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        base64.urlsafe_b64encode(b"2025-01-01T00:00:00Z#1").decode(),
        "%00",
        "x" * 65,
        "====",
        # Forged: positions this API never writes, and other encodings of one it does.
        forged_cursor("2025-02-30T00:00:00Z#000000000001"),
        forged_cursor("2025-01-01T24:61:00Z#000000000001"),
        forged_cursor("2025-01-01T00:00:00Z#000000000000"),
        forged_cursor("9999-01-01T00:00:00Z#000000000001"),
        forged_cursor("2025-01-01T00:00:00Z#000000000001") + "==",
        forged_cursor("2025-01-01T00:00:00Z#000000000001") + "!",
        "!" + forged_cursor("2025-01-01T00:00:00Z#000000000001"),
    ],
)
def test_a_bad_cursor_is_422_with_a_detail(stack, contact, folder, cursor):
    response = stack.request("GET", "/api/documents", params={"cursor": cursor})
    assert response.status == 422, response.body
    assert response.json()["detail"]


def test_a_cursor_is_returned_by_the_api(stack, contact, folder):
    for _ in range(3):
        stack.upload(invoice_pdf(), fields={"contact_id": contact["id"], "folder_id": folder["id"]})
    first = stack.request("GET", "/api/documents", params={"limit": 2}).json()
    assert first["next_cursor"] and first["total"] == 3 and first["offset"] == 0
    second = stack.request("GET", "/api/documents", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert len(second["documents"]) == 1 and second["next_cursor"] is None


class ItemsRead:
    """A botocore hook on the client: the items every read call reads (ScannedCount, or the items got)."""

    def __init__(self, client: Any) -> None:
        self.count = 0
        client.meta.events.register("after-call.dynamodb.*", self._after)

    def _after(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name in ("Query", "Scan"):
            self.count += parsed.get("ScannedCount", 0)
        elif model.name == "GetItem":
            self.count += 1
        elif model.name == "BatchGetItem":
            self.count += sum(len(items) for items in parsed.get("Responses", {}).values())


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"contact_id": 1},
        {"folder_id": 1},
        {"status": "Ready"},
        {"contact_id": 1, "folder_id": 1, "status": "Approved"},
        {"created_from": "2000-01-01", "created_to": "2999-12-31"},
        {"folder_id": 1, "created_from": "2000-01-01"},
    ],
)
def test_a_list_request_reads_at_most_its_page_and_a_constant(service, filters):
    settled = [Status.NEEDS_REVIEW.value, Status.READY.value, Status.APPROVED.value]
    for status in settled:
        for document_id in upload(service, 1, 1, 25):
            set_status(service, document_id, status)
    meter = ItemsRead(service.documents.table.client)
    limit = 5
    page = service.list(**filters, limit=limit)
    assert page.total == (25 if "status" in filters else 75) and len(page.documents) == limit
    # limit + 1 index entries of the runs merged (each run reads its share of the page plus a few; the entries
    # carry what the list shows), and the count items of the days with documents (one here); the pipeline is
    # empty.
    runs = 1 if "status" in filters else len(settled)
    assert meter.count <= (limit + 1) + runs * 5 + 1


def test_a_list_of_the_pipeline_reads_the_pipeline_whole_and_its_page(service):
    upload(service, 1, 1, 25)
    meter = ItemsRead(service.documents.table.client)
    page = service.list(status="New", limit=5)
    assert page.total == 25 and len(page.documents) == 5
    assert meter.count <= 25 + 5


def test_the_backfill_counts_documents_stored_before_count_items_once(service, stack):
    from recordengine.cli import main

    ids = upload(service, 1, 1, 3)
    for document_id in ids:
        set_status(service, document_id, Status.NEEDS_REVIEW.value)
    client = service.documents.table.client
    for document_id in ids[:2]:
        # As the code before the list scheme stored it: in by_kind, with its earlier keys, and in no count.
        client.update_item(
            TableName=stack.table,
            Key={"pk": {"S": f"DOCUMENT#{document_id}"}, "sk": {"S": "DOCUMENT"}},
            UpdateExpression="SET #kind = :kind, contact_key = :contact REMOVE list_scheme",
            ExpressionAttributeNames={"#kind": "kind"},
            ExpressionAttributeValues={":kind": {"S": "DOCUMENT"}, ":contact": {"S": "1"}},
        )
    for scope, names in (("COUNT#ALL", ["s#"]), ("COUNT#C#1", ["s#", "f#1#"]), ("COUNT#F#1", ["s#"])):
        for item in client.query(
            TableName=stack.table, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": scope}}
        )["Items"]:
            for name in names:
                client.update_item(
                    TableName=stack.table,
                    Key={"pk": item["pk"], "sk": item["sk"]},
                    UpdateExpression="ADD #n :minus",
                    ExpressionAttributeNames={"#n": f"{name}Needs Review"},
                    ExpressionAttributeValues={":minus": {"N": "-2"}},
                )
    assert service.list().total == 1
    # A legacy document changed before the backfill is counted by that change, and not again by the backfill.
    set_status(service, ids[0], Status.APPROVED.value)
    assert service.list().total == 2
    assert "kind" not in (service.documents.get(ids[0]) or {})
    assert main(["documents", "backfill-counts", "--table", stack.table]) == 0
    assert service.list().total == 3 and len(service.list().documents) == 3
    assert service.list(status="Needs Review").total == 2 and service.list(status="Approved").total == 1
    assert "contact_key" not in (service.documents.get(ids[1]) or {})
    assert main(["documents", "backfill-counts", "--table", stack.table]) == 0
    assert service.list().total == 3
