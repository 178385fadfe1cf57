"""Deleted means gone, through the real handlers on moto: a DELETE racing corrections, status changes and the
extraction leaves nothing that answers or stays in the table; a long history deletes in a few batch requests;
the file and every version of it leave the versioned bucket."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
import requests
from moto.core.botocore_stubber import BotocoreStubber

from recordengine.storage.blobs import BlobStore
from recordengine.storage.documents import DocumentStore
from recordengine.storage.table import Table
from tests.support.aws_stack import AwsStack, naming, table_items
from tests.support.documents import invoice_pdf
from tests.support.webhooks import Pump, Receiver, configure

REFS = {"crm": {"record_id": "REC-0042"}}
# Rounds of each race: each round is a new document deleted while a writer keeps writing to it.
ROUNDS = 12


def upload(stack: AwsStack, contact: dict, folder: dict, content: bytes | None = None) -> int:
    r = stack.upload(
        invoice_pdf() if content is None else content,
        fields={"contact_id": contact["id"], "folder_id": folder["id"], "external_refs": json.dumps(REFS)},
    )
    assert r.status == 201, r.body
    return int(r.json()["id"])


def set_status(stack: AwsStack, doc_id: int, status: str) -> int:
    return stack.request("PATCH", f"/api/documents/{doc_id}/status", json_body={"status": status}).status


def assert_gone(stack: AwsStack, doc_id: int) -> None:
    """Every route of the document answers 404, and no item of it (or naming it) is left in the table."""
    for method, path, body in (
        ("GET", "", None),
        ("GET", "/history", None),
        ("GET", "/file", None),
        ("PATCH", "", {"notes": "still here?"}),
        ("PATCH", "/status", {"status": "Approved"}),
        ("DELETE", "", None),
    ):
        r = stack.request(method, f"/api/documents/{doc_id}{path}", json_body=body)
        assert r.status == 404, (method, path, r.status, r.body)
    assert naming(table_items(stack), doc_id) == []
    listed = stack.request("GET", "/api/documents", params={"external_ref": "crm:REC-0042"}).json()
    assert doc_id not in [d["id"] for d in listed["documents"]]


def race(delete: Callable[[], Any], write: Callable[[int], int]) -> tuple[Any, int]:
    """Runs `delete` once `write` (called with 0, 1, 2, ... until it answers 404) has written once, and
    lets the writer go on until the document is gone; (the delete's answer, how many writes it made)."""
    written = threading.Event()

    def writer() -> int:
        count = 0
        while True:
            status = write(count)
            if status == 404:
                return count
            assert status == 200, status
            count += 1
            written.set()

    with ThreadPoolExecutor(2) as pool:
        writes = pool.submit(writer)
        assert written.wait(30)
        answer = pool.submit(delete).result()
        return answer, writes.result()


def test_a_delete_racing_corrections_leaves_nothing(stack, contact, folder):
    for _ in range(ROUNDS):
        doc_id = upload(stack, contact, folder)

        def correct(n: int, doc_id: int = doc_id) -> int:
            return stack.request("PATCH", f"/api/documents/{doc_id}", json_body={"notes": f"note {n}"}).status

        deleted, writes = race(lambda doc_id=doc_id: stack.request("DELETE", f"/api/documents/{doc_id}"), correct)
        assert deleted.status == 204 and writes >= 1
        assert_gone(stack, doc_id)


def test_a_delete_racing_status_changes_leaves_nothing(stack, contact, folder):
    statuses = ("Missing Info", "Needs Review", "Archived")
    for _ in range(ROUNDS):
        doc_id = upload(stack, contact, folder)

        def move(n: int, doc_id: int = doc_id) -> int:
            body = {"status": statuses[n % len(statuses)], "notes": f"step {n}"}
            return stack.request("PATCH", f"/api/documents/{doc_id}/status", json_body=body).status

        deleted, _ = race(lambda doc_id=doc_id: stack.request("DELETE", f"/api/documents/{doc_id}"), move)
        assert deleted.status == 204
        assert_gone(stack, doc_id)
    assert stack.request("GET", "/api/documents").json()["total"] == 0, "the counts lost every deleted document"


def test_a_delete_racing_the_extraction_leaves_nothing(stack, contact, folder):
    content = invoice_pdf()
    for _ in range(ROUNDS // 2):
        doc_id = upload(stack, contact, folder, content)
        with ThreadPoolExecutor(2) as pool:
            extraction = pool.submit(stack.deliver_s3_events)
            deleted = pool.submit(stack.request, "DELETE", f"/api/documents/{doc_id}")
            assert deleted.result().status == 204
            extraction.result()
        assert_gone(stack, doc_id)


# ---------------------------------------------------------------- what writes beside a document


def test_a_file_indexed_by_an_extraction_that_outlives_its_document_leaves_nothing(stack, contact, folder, monkeypatch):
    """A presigned upload's file is indexed for duplicates by the extraction; the document is deleted just
    before that write (deterministically, from inside the run)."""
    r = stack.request(
        "POST",
        "/api/documents/uploads",
        json_body={"contact_id": contact["id"], "folder_id": folder["id"], "filename": "late.pdf"},
    )
    assert r.status == 201, r.body
    created = r.json()
    post = created["upload"]
    sent = requests.post(post["url"], data=post["fields"], files={"file": ("late.pdf", invoice_pdf())}, timeout=10)
    assert sent.status_code in (200, 204), sent.text
    first_with_file = DocumentStore.first_with_file

    def deleted_meanwhile(self: DocumentStore, document: dict, sha256: str) -> int | None:
        assert stack.request("DELETE", f"/api/documents/{document['id']}").status == 204
        return first_with_file(self, document, sha256)

    monkeypatch.setattr(DocumentStore, "first_with_file", deleted_meanwhile)
    stack.deliver_s3_events()

    assert_gone(stack, created["id"])
    assert not [item for item in table_items(stack) if item["pk"]["S"].startswith("FILE#")]


def test_a_document_moved_to_another_contact_leaves_no_duplicates_item_of_the_first(stack, contact, folder):
    doc_id = upload(stack, contact, folder)
    other = stack.request("POST", "/api/contacts", json_body={"name": "Initech"}).json()
    assert stack.request("PATCH", f"/api/documents/{doc_id}", json_body={"contact_id": other["id"]}).status == 200

    assert stack.request("DELETE", f"/api/documents/{doc_id}").status == 204

    assert_gone(stack, doc_id)
    again = upload(stack, contact, folder)
    assert stack.document(again)["duplicate_of"] is None, "the deleted document is no one's original"


def test_an_export_whose_document_is_deleted_before_its_event_is_made_sends_nothing(
    stack, contact, folder, monkeypatch
):
    configure(monkeypatch)
    receiver = Receiver()
    try:
        stack.request("POST", "/api/webhooks", json_body={"url": receiver.url})
        pump = Pump(stack)
        exported, kept = upload(stack, contact, folder), upload(stack, contact, folder)
        stack.deliver_s3_events()
        for doc_id in (exported, kept):
            assert (
                stack.request("PATCH", f"/api/documents/{doc_id}/status", json_body={"status": "Export"}).status == 200
            )
        assert stack.request("DELETE", f"/api/documents/{exported}").status == 204

        pump.run()

        assert_gone(stack, exported)
        events = [item for item in table_items(stack) if item["pk"]["S"].startswith("WEBHOOK_EVENT#")]
        assert [int(item["document_id"]["N"]) for item in events] == [kept]
        assert [json.loads(r.body)["data"]["id"] for r in receiver.requests] == [kept]
    finally:
        receiver.close()


def test_an_event_made_before_the_delete_is_erased_with_its_document(stack, contact, folder, monkeypatch):
    configure(monkeypatch)
    receiver = Receiver()
    try:
        stack.request("POST", "/api/webhooks", json_body={"url": receiver.url})
        pump = Pump(stack)
        doc_id = upload(stack, contact, folder)
        stack.deliver_s3_events()
        assert set_status(stack, doc_id, "Export") == 200
        assert not pump.queue_jobs(pump.stream_records())
        assert [i for i in table_items(stack) if i["pk"]["S"].startswith("WEBHOOK_EVENT#")], "the event is stored"

        assert stack.request("DELETE", f"/api/documents/{doc_id}").status == 204
        pump.send_jobs()

        assert_gone(stack, doc_id)
        assert not [i for i in table_items(stack) if i["pk"]["S"].startswith("WEBHOOK_EVENT#")]
        assert receiver.requests == [], "the erased event's body (the document) is sent nowhere"
    finally:
        receiver.close()


# ---------------------------------------------------------------- a delete cut short


def test_a_delete_whose_file_could_not_be_erased_is_taken_up_by_the_next(stack, contact, folder, monkeypatch):
    doc_id = upload(stack, contact, folder)
    erase_file = BlobStore.delete

    def unavailable(self: BlobStore, key: str) -> None:
        raise ConnectionError("S3 is unreachable")

    monkeypatch.setattr(BlobStore, "delete", unavailable)
    assert stack.request("DELETE", f"/api/documents/{doc_id}").status == 503
    for path in ("", "/history", "/file"):
        assert stack.request("GET", f"/api/documents/{doc_id}{path}").status == 404, path
    assert stack.request("PATCH", f"/api/documents/{doc_id}", json_body={"notes": "x"}).status == 404
    assert stack.request("GET", "/api/documents").json()["total"] == 0

    monkeypatch.setattr(BlobStore, "delete", erase_file)
    assert stack.request("DELETE", f"/api/documents/{doc_id}").status == 204
    assert_gone(stack, doc_id)
    assert file_versions(stack, doc_id) == []


def test_a_delete_cut_short_while_erasing_is_taken_up_by_the_next(stack, contact, folder, monkeypatch):
    doc_id = upload(stack, contact, folder)
    for n in range(3):
        assert stack.request("PATCH", f"/api/documents/{doc_id}", json_body={"notes": f"n{n}"}).status == 200
    delete_many = Table.delete_many
    calls = Counter[str]()

    def cut_short(self: Table, item_keys: Any) -> None:
        calls["batches"] += 1
        if calls["batches"] == 2:  # the index items went, the partition did not
            raise TimeoutError("the function's time ran out")
        delete_many(self, item_keys)

    monkeypatch.setattr(Table, "delete_many", cut_short)
    assert stack.request("DELETE", f"/api/documents/{doc_id}").status == 500
    assert stack.request("GET", f"/api/documents/{doc_id}/history").status == 404

    assert stack.request("DELETE", f"/api/documents/{doc_id}").status == 204
    assert_gone(stack, doc_id)


# ---------------------------------------------------------------- cost of a long history


def test_a_long_history_is_deleted_in_batches(stack, contact, folder, monkeypatch):
    doc_id = upload(stack, contact, folder)
    entries = 1200
    client = boto3.client("dynamodb")
    for start in range(1, entries, 25):  # the upload wrote entry 0
        client.batch_write_item(
            RequestItems={
                stack.table: [
                    {"PutRequest": {"Item": history_entry(doc_id, version)}}
                    for version in range(start + 1, min(start + 25, entries) + 1)
                ]
            }
        )
    assert stack.request("GET", f"/api/documents/{doc_id}/history").json()["total"] == entries
    requests_made = count_requests(monkeypatch)

    assert stack.request("DELETE", f"/api/documents/{doc_id}").status == 204

    batches = -(-(entries + 1) // 25)  # the history and the file's reference, 25 to a request
    assert requests_made["dynamodb.BatchWriteItem"] <= batches + 1  # + the index items
    assert sum(n for name, n in requests_made.items() if name.startswith("dynamodb.")) <= batches + 8
    assert requests_made["dynamodb.DeleteItem"] <= 1  # the tombstone
    assert_gone(stack, doc_id)


def history_entry(doc_id: int, version: int) -> dict[str, Any]:
    """A history entry as the document store writes one (`HISTORY#<version>#<n>` in the document's partition)."""
    return {
        "pk": {"S": f"DOCUMENT#{doc_id}"},
        "sk": {"S": f"HISTORY#{version:012d}#000"},
        "document_id": {"N": str(doc_id)},
        "version": {"N": str(version)},
        "at": {"S": "2025-11-15T10:00:00Z"},
        "actor": {"S": "tests"},
        "action": {"S": "note_set"},
        "changes": {"L": [{"M": {"field": {"S": "notes"}, "from": {"NULL": True}, "to": {"S": f"note {version}"}}}]},
    }


def count_requests(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """From now on, how many requests of each operation (`dynamodb.BatchWriteItem`, ...) reach moto."""
    made = Counter[str]()
    inner = BotocoreStubber.__call__

    def counting(self: BotocoreStubber, event_name: str, request: Any, **kwargs: Any) -> Any:
        if event_name.startswith("before-send."):
            made[event_name.removeprefix("before-send.")] += 1
        return inner(self, event_name, request, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", counting)
    return made


# ---------------------------------------------------------------- the versioned bucket


def file_versions(stack: AwsStack, doc_id: int) -> list[str]:
    """The versions and delete markers of every object of the document."""
    listed = boto3.client("s3").list_object_versions(Bucket=stack.bucket, Prefix=f"documents/{doc_id}/")
    return [f"{v['Key']}@{v['VersionId']}" for v in (*listed.get("Versions", []), *listed.get("DeleteMarkers", []))]


def test_the_file_and_every_version_of_it_are_erased(stack, contact, folder):
    s3 = boto3.client("s3")
    assert s3.get_bucket_versioning(Bucket=stack.bucket)["Status"] == "Enabled", "the template's versioning"
    doc_id = upload(stack, contact, folder)
    kept_id = upload(stack, contact, folder)
    (stored,) = s3.list_objects_v2(Bucket=stack.bucket, Prefix=f"documents/{doc_id}/")["Contents"]
    key = stored["Key"]
    s3.put_object(Bucket=stack.bucket, Key=key, Body=b"%PDF-1.7 a second version")
    s3.delete_object(Bucket=stack.bucket, Key=key)  # a delete marker over both
    s3.put_object(Bucket=stack.bucket, Key=key, Body=b"%PDF-1.7 a third, after the marker")
    assert len(file_versions(stack, doc_id)) == 4

    assert stack.request("DELETE", f"/api/documents/{doc_id}").status == 204

    assert file_versions(stack, doc_id) == [], "no version and no delete marker is left to recover"
    assert len(file_versions(stack, kept_id)) == 1, "the other document keeps its file"


def test_erasing_a_file_leaves_keys_it_is_only_the_start_of(aws):
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="files")
    s3.put_bucket_versioning(Bucket="files", VersioningConfiguration={"Status": "Enabled"})
    for key in ("documents/7/abc", "documents/7/abcdef", "documents/7/abc", "documents/70/abc"):
        s3.put_object(Bucket="files", Key=key, Body=b"x")

    BlobStore("files", s3).delete("documents/7/abc")

    listed = s3.list_object_versions(Bucket="files")
    assert sorted(v["Key"] for v in listed.get("Versions", [])) == ["documents/7/abcdef", "documents/70/abc"]
    assert "DeleteMarkers" not in listed
