"""Documents in DynamoDB: creation, reads, filtered lists, and every change to a document with its history.

Every change is read → decide → write: the write holds only while the document is at the version that was
read (optimistic concurrency), and is otherwise decided again on the document as it now is. So two writers
never undo each other's changes, a client's `If-Match` is one comparison, and the history entries of a
change are written in the same transaction as the change itself.

A document's history lives in its own partition, beside it: `pk = DOCUMENT#<id>`,
`sk = HISTORY#<version>#<n>`, oldest first; none of it is in an index.

A delete first replaces the record with a tombstone (see DELETED), at the version read, so that every later
write (each is conditional on the record) finds no document, then erases the rest.
"""

from __future__ import annotations

import base64
import heapq
import json
import math
import random
import re
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from recordengine.clock import format_timestamp, now_timestamp, parse_utc_moment, utc_now
from recordengine.errors import InvalidInput, NotFound, PreconditionFailed, StorageUnavailable
from recordengine.models import Status

from . import keys
from .dynamo import from_item, serialize, to_item
from .table import Page, Table

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

# Each attempt reads the document again; past this many, concurrent writers keep winning and the request
# is answered 503 (retry).
_CHANGE_ATTEMPTS = 10
# A list merges the runs of several statuses: each first reads its share of the page plus this many.
_MERGE_SLACK = 4
# Entries one Query asks for at most (the pipeline's are read whole, in pages of this many).
_MAX_QUERY_LIMIT = 1000
_BACKOFF_SECONDS = 0.01
# A document's extraction run is under way (the claim's lease decides when another run may take it over).
_CLAIMED = "claimed"
HISTORY = "HISTORY"
_VERSION_WIDTH = 12
# Attributes that follow the document's filters: when one changes, the index keys are derived again.
_FILTERED = ("status", "folder_id", "contact_id")
# The history's actor for what the extraction pipeline does.
EXTRACTION_ACTOR = "extraction"
# The ETag of the object the document's record was (or is being) read from: the file it describes.
FILE_ETAG = "file_etag"
# When a presigned upload's URL stops being accepted (a document whose file has not arrived yet).
UPLOAD_EXPIRES_AT = "upload_expires_at"
# The sweep ended the document in Exception because its presigned upload closed without the file.
UPLOAD_EXPIRED = "upload_expired"
# Which claim a run holds (with the time it was taken).
_CLAIM_ID = "extraction_claim"
# The attribute (when the delete began) of a deleted document's tombstone: the record replaced by what erasing
# the rest of the document needs. No read returns a tombstone and no write's condition holds on it, so that
# from the moment it is written nothing of the document can be read or written, whatever is under way; its
# partition and index items are erased after it, and it goes last, so that a delete cut short (a timeout, a
# fault) is taken up again by the next DELETE.
DELETED = "deleted_at"
# What a queue row shows of a document beyond its index entry (see DocumentStore.details).
DETAILED_ATTRIBUTES = (
    "extracted_fields.vendor",
    "extracted_fields.total_amount",
    "extracted_fields.currency",
    "extracted_fields.due_date",
    "sender_id",
    "updated_at",
)
# What a tombstone keeps of the record: the keys of the document's items elsewhere, and of its file.
_TOMBSTONE_KEEPS = ("id", "created_at", "contact_id", "sha256", "external_refs", "s3_key")


@dataclass(frozen=True)
class HistoryEvent:
    """One entry of a document's history: what was done (`action`), by whom, and the values it changed."""

    action: str
    actor: str
    # [{"field": ..., "from": ..., "to": ...}]
    changes: tuple[dict[str, Any], ...] = ()
    detail: str | None = None


def field_change(name: str, before: Any, after: Any) -> dict[str, Any]:
    return {"field": name, "from": before, "to": after}


# A history entry stays far below DynamoDB's 400 KB item, however large the values it records: past this
# size, its values are shortened (text to its start, lists to their length).
MAX_HISTORY_ENTRY_BYTES = 64 * 1024
_SHORTENED_TEXT = 200


def _json_bytes(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, default=str).encode("utf-8"))


def _shortened(value: Any) -> Any:
    if isinstance(value, str) and len(value) > _SHORTENED_TEXT:
        return value[:_SHORTENED_TEXT] + "…"
    if isinstance(value, list):
        return f"{len(value)} item(s)"
    if isinstance(value, dict):
        return f"{len(value)} entr(ies)"
    return value


def bounded_changes(changes: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    """The changes as a history entry stores them: whole, or with their values shortened when too large."""
    if _json_bytes(changes) <= MAX_HISTORY_ENTRY_BYTES:
        return list(changes)
    return [
        {**change, "from": _shortened(change.get("from")), "to": _shortened(change.get("to"))} for change in changes
    ]


@dataclass(frozen=True)
class DocumentChange:
    """What one write does to a document: attributes set and removed, and the history entries it adds."""

    values: Mapping[str, Any] = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    history: tuple[HistoryEvent, ...] = ()


# Given the document as stored now, the change to make (None: nothing to do).
Decide = Callable[[dict[str, Any]], DocumentChange | None]


def version_of(document: Mapping[str, Any]) -> int:
    # Documents stored before versions were kept are at version 0.
    return int(document.get("version") or 0)


@dataclass(frozen=True)
class DocumentFilters:
    contact_id: int | None = None
    folder_id: int | None = None
    status: Status | None = None
    created_from: str | None = None
    created_to: str | None = None
    sender_id: int | None = None


def _matches(document: dict[str, Any], filters: DocumentFilters) -> bool:
    created = str(document.get("created_at", ""))
    return (
        (filters.contact_id is None or document.get("contact_id") == filters.contact_id)
        and (filters.folder_id is None or document.get("folder_id") == filters.folder_id)
        and (filters.status is None or document.get("status") == filters.status.value)
        and (filters.created_from is None or created >= filters.created_from)
        and (filters.created_to is None or created <= filters.created_to)
        and (filters.sender_id is None or document.get("sender_id") == filters.sender_id)
    )


@dataclass(frozen=True)
class ExtractionClaim:
    document: dict[str, Any]
    attempt: int


def _version_condition(read_version: int) -> tuple[str, dict[str, str], dict[str, Any]]:
    """(condition, names, values) of a write that holds only while the record is at the version read."""
    names = {"#version": "version"}
    if read_version:
        return "#version = :read", names, {":read": serialize(read_version)}
    return "attribute_exists(pk) AND attribute_not_exists(#version)", names, {}


def live_document_check(table_name: str, document_id: int) -> TransactWriteItemTypeDef:
    """A transaction's condition that the document exists and is not being deleted (no tombstone)."""
    return {
        "ConditionCheck": {
            "TableName": table_name,
            "Key": keys.item_key(keys.DOCUMENT, document_id),
            "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(#deleted)",
            "ExpressionAttributeNames": {"#deleted": DELETED},
        }
    }


def write_while_live(table: Table, document_id: int, items: list[TransactWriteItemTypeDef]) -> list[str]:
    """Writes `items` (items beside a document that hold its data or name it) in one transaction with the
    condition that the document is live: a delete, which writes its tombstone before erasing what the
    document's partition names, never leaves them behind. [] when written; when a condition failed, the
    cancellation's codes, one per item and the document's check last (its ConditionalCheckFailed: the
    document is gone). Concurrent writes of the same items are waited out; other failures raise."""
    client = table.client
    for attempt in range(_CHANGE_ATTEMPTS):
        try:
            client.transact_write_items(TransactItems=[*items, live_document_check(table.name, document_id)])
            return []
        except client.exceptions.TransactionCanceledException as error:
            reasons = _reasons(error)
            if "ConditionalCheckFailed" in reasons:
                return reasons
            if "TransactionConflict" not in reasons:
                raise
        time.sleep(random.uniform(0, _BACKOFF_SECONDS * (attempt + 1)))  # noqa: S311 - jitter, not secrecy
    raise StorageUnavailable(f"Document {document_id} kept changing; retry the request.")


def _history_key(document_id: int, version: int, position: int) -> dict[str, dict[str, str]]:
    return {
        "pk": keys.item_key(keys.DOCUMENT, document_id)["pk"],
        "sk": {"S": f"{HISTORY}#{version:0{_VERSION_WIDTH}d}#{position:03d}"},
    }


@dataclass
class DocumentStore:
    table: Table

    def allocate_id(self) -> int:
        return self.table.next_id(keys.DOCUMENT)

    # ------------------------------------------------------------------ creation and reads
    def create(self, document: dict[str, Any], event: HistoryEvent) -> dict[str, Any]:
        """Stores a new document record (which has `id`, `contact_id`, `folder_id`, `status`, `created_at`) at
        version 1, with its first history entry and one reference item per (system, record id) of its
        external references, all in one transaction: the reference index never names a document that was
        not stored. Returns the record as stored."""
        entity_id = document["id"]
        created_sk = keys.created_sort_key(document["created_at"], entity_id)
        attributes = {
            **document,
            "version": 1,
            "created_sk": created_sk,
            **keys.document_list_keys(document["contact_id"], document["folder_id"], document["status"]),
        }
        items: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self.table.name,
                    "Item": {**to_item(attributes), **keys.item_key(keys.DOCUMENT, entity_id)},
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            self._history_put(entity_id, 1, 0, event, document["created_at"]),
        ]
        for system, record_id in keys.external_ref_pairs(document.get("external_refs")):
            reference = {"document_id": entity_id, "system": system, "record_id": record_id}
            item = {
                **to_item(reference),
                "pk": {"S": keys.external_ref_key(system, record_id)},
                "sk": {"S": created_sk},
            }
            items.append({"Put": {"TableName": self.table.name, "Item": item}})
        if document.get("sha256"):
            items.extend({"Put": {"TableName": self.table.name, "Item": item}} for item in self._file_items(attributes))
        items.extend(self._count_updates(None, attributes))
        client = self.table.client
        for attempt in range(_CHANGE_ATTEMPTS):
            try:
                client.transact_write_items(TransactItems=items)
                return attributes
            except client.exceptions.TransactionCanceledException as error:
                # Another transaction was updating the same count item: try again (the put's condition
                # still holds the id to this one document).
                if "TransactionConflict" not in _reasons(error) or attempt == _CHANGE_ATTEMPTS - 1:
                    raise
            time.sleep(random.uniform(0, _BACKOFF_SECONDS * (attempt + 1)))  # noqa: S311 - jitter, not secrecy
        raise StorageUnavailable("The document store is busy; retry the request.")

    def backfill_counts(self) -> int:
        """Migration of documents stored before the list scheme (they are in `by_kind` and carry no
        `list_scheme`): gives each its list keys, takes it out of `by_kind` and the earlier indexes, and adds
        it to the counts, in one transaction per document that holds only while it is still not migrated, so
        running it again (or alongside the API, which migrates such a document the first time it changes
        it) counts nothing twice. Returns how many documents it migrated."""
        client = self.table.client
        request: dict[str, Any] = {
            "TableName": self.table.name,
            "IndexName": keys.BY_KIND_INDEX,
            "KeyConditionExpression": "#kind = :kind",
            "ExpressionAttributeNames": {"#kind": "kind"},
            "ExpressionAttributeValues": {":kind": {"S": keys.DOCUMENT}},
        }
        counted = 0
        while True:
            response = self._query(request)
            for item in response.get("Items", []):
                document = from_item(item)
                if _counted(document):
                    continue
                index_keys = keys.document_list_keys(
                    int(document["contact_id"]), int(document["folder_id"]), str(document["status"])
                )
                names = {f"#k{i}": name for i, name in enumerate(index_keys)}
                earlier = (*keys.DOCUMENT_INDEX_ATTRIBUTES, *keys.EARLIER_INDEX_ATTRIBUTES[1:])
                stale = {f"#x{i}": n for i, n in enumerate(earlier) if n not in index_keys and n in document}
                update: dict[str, Any] = {
                    "TableName": self.table.name,
                    "Key": keys.item_key(keys.DOCUMENT, int(document["id"])),
                    "UpdateExpression": "SET "
                    + ", ".join(f"#k{i} = :k{i}" for i in range(len(names)))
                    + " REMOVE "
                    + ", ".join(["#kind", *stale]),
                    "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(#k0) AND #status = :status",
                    "ExpressionAttributeNames": {**names, **stale, "#kind": "kind", "#status": "status"},
                    "ExpressionAttributeValues": {
                        **{f":k{i}": serialize(value) for i, value in enumerate(index_keys.values())},
                        ":status": {"S": str(document["status"])},
                    },
                }
                try:
                    client.transact_write_items(
                        TransactItems=[{"Update": update}, *self._count_updates(None, document)]  # type: ignore[typeddict-item]
                    )
                    counted += 1
                except client.exceptions.TransactionCanceledException as error:
                    if not _conflicted(error):
                        raise
            start = response.get("LastEvaluatedKey")
            if not start:
                return counted
            request["ExclusiveStartKey"] = start

    def _count_updates(
        self, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
    ) -> list[TransactWriteItemTypeDef]:
        """The count items' updates (ADD) that follow a document from `before` to `after` (None: absent)."""
        updates: list[TransactWriteItemTypeDef] = []
        for (pk, sk), deltas in sorted(keys.count_updates(before, after).items()):
            names = {f"#c{i}": attribute for i, attribute in enumerate(deltas)}
            values = {f":c{i}": serialize(delta) for i, delta in enumerate(deltas.values())}
            updates.append(
                {
                    "Update": {
                        "TableName": self.table.name,
                        "Key": {"pk": {"S": pk}, "sk": {"S": sk}},
                        "UpdateExpression": "ADD " + ", ".join(f"{name} :c{i}" for i, name in enumerate(names)),
                        "ExpressionAttributeNames": names,
                        "ExpressionAttributeValues": values,
                    }
                }
            )
        return updates

    @staticmethod
    def _file_item(document: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "pk": {"S": keys.file_key(int(document["contact_id"]), str(document["sha256"]))},
            "sk": {"S": keys.created_sort_key(document["created_at"], int(document["id"]))},
            "document_id": serialize(int(document["id"])),
        }

    def _file_items(self, document: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The file's duplicates item and its reference in the document's partition: the item is keyed by the
        contact of the moment, which a correction may change later; the reference still finds it."""
        item = self._file_item(document)
        return [item, keys.document_reference(int(document["id"]), {"pk": item["pk"], "sk": item["sk"]})]

    def index_file(self, document: Mapping[str, Any]) -> bool:
        """Records the document's file (its `sha256`) for the duplicates of later uploads of its contact;
        False when the document was deleted meanwhile (nothing is written)."""
        puts: list[TransactWriteItemTypeDef] = [
            {"Put": {"TableName": self.table.name, "Item": item}} for item in self._file_items(document)
        ]
        return not write_while_live(self.table, int(document["id"]), puts)

    def first_with_file(self, document: Mapping[str, Any], sha256: str) -> int | None:
        """The earliest document of the same contact, created before this one, whose file has this SHA-256."""
        response = self.table.client.query(
            TableName=self.table.name,
            KeyConditionExpression="pk = :pk AND sk < :mine",
            ExpressionAttributeValues={
                ":pk": {"S": keys.file_key(int(document["contact_id"]), sha256)},
                ":mine": {"S": keys.created_sort_key(document["created_at"], int(document["id"]))},
            },
            Limit=1,
        )
        items = response.get("Items", [])
        return int(from_item(items[0])["document_id"]) if items else None

    def delete(self, document_id: int) -> bool:
        """Deletes the document and every item of it (withdraw, then erase); False when there was none."""
        tombstone = self.withdraw(document_id)
        if tombstone is not None:
            self.erase(tombstone)
        return tombstone is not None

    def withdraw(self, document_id: int) -> dict[str, Any] | None:
        """The first step of a delete: replaces the record with its tombstone (DELETED), at the version read and
        in one transaction with the counts, so that from then on the document answers nothing and takes no
        write. Returns the tombstone, to `erase`: the one found when a delete is already under way or was cut
        short; None when there is no document."""
        client = self.table.client
        for attempt in range(_CHANGE_ATTEMPTS):
            current = self.table.get(keys.DOCUMENT, document_id)
            if current is None or DELETED in current:
                return current
            tombstone = {name: current[name] for name in _TOMBSTONE_KEEPS if name in current}
            tombstone.update({DELETED: now_timestamp(), "version": version_of(current) + 1})
            condition, names, values = _version_condition(version_of(current))
            put: dict[str, Any] = {
                "TableName": self.table.name,
                "Item": {**to_item(tombstone), **keys.item_key(keys.DOCUMENT, document_id)},
                "ConditionExpression": condition,
                "ExpressionAttributeNames": names,
            }
            if values:
                put["ExpressionAttributeValues"] = values
            try:
                client.transact_write_items(
                    TransactItems=[
                        {"Put": put},  # type: ignore[typeddict-item]
                        *self._count_updates(current if _counted(current) else None, None),
                    ]
                )
                return tombstone
            except client.exceptions.TransactionCanceledException as error:
                if not _conflicted(error):
                    raise
            time.sleep(random.uniform(0, _BACKOFF_SECONDS * (attempt + 1)))  # noqa: S311 - jitter, not secrecy
        raise StorageUnavailable(f"Document {document_id} kept changing; retry the request.")

    def erase(self, tombstone: Mapping[str, Any]) -> None:
        """The rest of a delete, after `withdraw`: the document's items elsewhere (external references,
        duplicates, and those its partition's references name: webhook events' bodies, the file's duplicates
        item), then its partition (history, references), then the tombstone, in batches. Nothing can be added
        meanwhile: every write beside a document holds only while it is live."""
        document_id = int(tombstone["id"])
        created_sk = keys.created_sort_key(str(tombstone["created_at"]), document_id)
        elsewhere = [
            {"pk": {"S": keys.external_ref_key(system, record_id)}, "sk": {"S": created_sk}}
            for system, record_id in keys.external_ref_pairs(tombstone.get("external_refs"))
        ]
        if tombstone.get("sha256"):
            file_item = self._file_item(tombstone)
            elsewhere.append({"pk": file_item["pk"], "sk": file_item["sk"]})
        partition = [
            item for item in self._partition(document_id, "", keys_only=True) if item["sk"]["S"] != keys.DOCUMENT
        ]
        elsewhere.extend(item["refers_to"]["M"] for item in partition if "refers_to" in item)
        # What the partition names goes first: a delete cut short still finds it through the partition.
        self.table.delete_many(_unique_keys(elsewhere))
        self.table.delete_many(_unique_keys({"pk": item["pk"], "sk": item["sk"]} for item in partition))
        client = self.table.client
        with suppress(client.exceptions.ConditionalCheckFailedException):
            client.delete_item(
                TableName=self.table.name,
                Key=keys.item_key(keys.DOCUMENT, document_id),
                ConditionExpression="attribute_exists(#deleted)",
                ExpressionAttributeNames={"#deleted": DELETED},
            )

    def get(self, document_id: int) -> dict[str, Any] | None:
        """The document's record; None without one, or while it is being deleted."""
        document = self.table.get(keys.DOCUMENT, document_id)
        return None if document is None or DELETED in document else document

    def history(self, document_id: int) -> list[dict[str, Any]]:
        """Every history entry of the document, oldest first."""
        return [from_item(item) for item in self._partition(document_id, f"{HISTORY}#")]

    def _partition(self, document_id: int, prefix: str, keys_only: bool = False) -> list[dict[str, Any]]:
        """The items of the document's partition whose sort key starts with `prefix` (every item for ""); with
        `keys_only`, only their keys and what a reference names."""
        values: dict[str, Any] = {":pk": keys.item_key(keys.DOCUMENT, document_id)["pk"]}
        condition = "pk = :pk"
        if prefix:
            condition += " AND begins_with(sk, :prefix)"
            values[":prefix"] = {"S": prefix}
        request: dict[str, Any] = {
            "TableName": self.table.name,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
            "ConsistentRead": True,
        }
        if keys_only:
            request["ProjectionExpression"] = "pk, sk, refers_to"
        items: list[dict[str, Any]] = []
        while True:
            response = self.table.client.query(**request)
            items.extend(response.get("Items", []))
            start = response.get("LastEvaluatedKey")
            if not start:
                return items
            request["ExclusiveStartKey"] = start

    def page_by_external_ref(
        self, system: str, record_id: str, filters: DocumentFilters, limit: int, offset: int, cursor: str | None = None
    ) -> Page:
        """The documents carrying one external reference (a Query of its reference items, newest first),
        narrowed by the other filters: the matched set is small, so they filter it after the read."""
        client = self.table.client
        document_ids: list[int] = []
        read = 0
        start: Any = None
        while True:
            request: dict[str, Any] = {
                "TableName": self.table.name,
                "KeyConditionExpression": "pk = :pk",
                "ExpressionAttributeValues": {":pk": {"S": keys.external_ref_key(system, record_id)}},
                "ScanIndexForward": False,
            }
            if start is not None:
                request["ExclusiveStartKey"] = start
            response = client.query(**request)
            read += response["ScannedCount"]
            document_ids.extend(int(from_item(item)["document_id"]) for item in response.get("Items", []))
            start = response.get("LastEvaluatedKey")
            if not start:
                break
        documents = self._get_many(document_ids)
        read += len(documents)
        matched = [documents[i] for i in document_ids if i in documents and _matches(documents[i], filters)]
        return _page_of(matched, limit, offset, cursor, read)

    def page_by_sender(self, filters: DocumentFilters, limit: int, offset: int, cursor: str | None = None) -> Page:
        """The documents of one sender (`filters.sender_id`): a Query of the `by_sender` index, newest first,
        whose entries carry what a list shows; the other filters narrow what it read. Every entry of the sender
        in the created range is read (for the total), a few hundred bytes each."""
        assert filters.sender_id is not None
        stream = keys.ListStream(keys.BY_SENDER_INDEX, keys.SENDER_KEY, str(filters.sender_id))
        reads = _ReadCount()
        entries = list(self._entries(stream, filters, None, _MAX_QUERY_LIMIT, reads))
        matched = [
            document
            for document in (from_item(entry) for entry in entries)
            if _matches({**document, "sender_id": filters.sender_id}, filters)
        ]
        return _page_of(matched, limit, offset, cursor, reads.items)

    def details(self, document_ids: list[int]) -> dict[int, dict[str, Any]]:
        """{id: the attributes a queue row shows beyond the index entry (DETAILED_ATTRIBUTES; extracted fields
        under `extracted_fields`)} of these documents: one BatchGetItem per 100 that reads only them (each
        document still costs its whole size in read capacity)."""
        return self._get_many(document_ids, DETAILED_ATTRIBUTES)

    def _get_many(
        self, document_ids: list[int], attributes: tuple[str, ...] | None = None
    ) -> dict[int, dict[str, Any]]:
        client = self.table.client
        found: dict[int, dict[str, Any]] = {}
        unique = list(dict.fromkeys(document_ids))
        projection: dict[str, Any] = {}
        if attributes is not None:
            paths = ("id", DELETED, *attributes)
            parts = dict.fromkeys(part for path in paths for part in path.split("."))
            names = {f"#a{i}": part for i, part in enumerate(parts)}
            alias = {part: name for name, part in names.items()}
            expression = ", ".join(".".join(alias[part] for part in path.split(".")) for path in paths)
            projection = {"ProjectionExpression": expression, "ExpressionAttributeNames": names}
        for start in range(0, len(unique), 100):
            pending: Any = {
                self.table.name: {
                    "Keys": [keys.item_key(keys.DOCUMENT, i) for i in unique[start : start + 100]],
                    **projection,
                }
            }
            while pending:
                response = client.batch_get_item(RequestItems=pending)
                for item in response.get("Responses", {}).get(self.table.name, []):
                    document = from_item(item)
                    if DELETED not in document:
                        found[int(document["id"])] = document
                pending = response.get("UnprocessedKeys") or None
        return found

    def page(self, filters: DocumentFilters, limit: int, offset: int, cursor: str | None = None) -> Page:
        """One page, newest first, and the exact total, reading only what the page needs: the totals per
        status from the count items (and the pipeline's few entries), then, merged newest first, the index
        entries of each status that has documents up to the page's end (offset + limit + 1, from the
        cursor's position when there is one), which carry what a list shows, and the documents of the
        pipeline's entries shown. Nothing reads on to the end of the matches."""
        status = filters.status.value if filters.status is not None else None
        before = decode_cursor(cursor) if cursor is not None else None
        reads = _ReadCount()
        of_the_pipeline = status in keys.PIPELINE_STATUSES
        settled = self._settled_totals(filters, reads) if not of_the_pipeline else {}
        in_pipeline = self._pipeline_entries(filters, reads) if status is None or of_the_pipeline else []
        total = sum(settled.values()) + len(in_pipeline)
        wanted = offset + limit + 1
        runs: list[Iterator[dict[str, Any]]] = [
            iter([entry for entry in in_pipeline if before is None or entry["created_sk"]["S"] < before])
        ]
        for settled_status, count in settled.items():
            if count:
                share = min(wanted, count, math.ceil(wanted * count / total) + _MERGE_SLACK)
                stream = keys.settled_stream(filters.contact_id, filters.folder_id, settled_status)
                runs.append(self._entries(stream, filters, before, share, reads))
        entries: list[dict[str, Any]] = []
        seen: set[str] = set()
        # An index is eventually consistent: a document that just moved may show in two runs for a moment.
        for entry in heapq.merge(*runs, key=lambda entry: str(entry["created_sk"]["S"]), reverse=True):
            if entry["pk"]["S"] not in seen:
                seen.add(entry["pk"]["S"])
                entries.append(entry)
                if len(entries) == wanted:
                    break
        shown = entries[offset : offset + limit]
        # A settled entry carries what a list shows (the indexes project it); a pipeline entry does not.
        waiting = [_entry_id(entry) for entry in shown if keys.PIPELINE_KEY in entry]
        documents = self._get_many(waiting)
        items = []
        for entry in shown:
            document = documents.get(_entry_id(entry)) if keys.PIPELINE_KEY in entry else from_item(entry)
            if document is not None and _matches(document, filters):
                items.append(document)
        more = len(entries) > offset + limit and bool(shown)
        next_cursor = encode_cursor(shown[-1]["created_sk"]["S"]) if more else None
        return Page(total=total, items=items, items_read=reads.items + len(documents), next_cursor=next_cursor)

    def _entries(
        self, stream: keys.ListStream, filters: DocumentFilters, before: str | None, first: int, reads: _ReadCount
    ) -> Iterator[dict[str, Any]]:
        """The stream's entries in the filters' range, newest first, read a page at a time as they are taken:
        `first` entries, then twice as many each time."""
        request = self._stream_query(stream, filters, before)
        if request is None:
            return
        limit = max(first, 1)
        start: Any = None
        while True:
            query = {**request, "ScanIndexForward": False, "Limit": limit}
            if start is not None:
                query["ExclusiveStartKey"] = start
            response = self._query(query)
            reads.items += response["ScannedCount"]
            yield from response.get("Items", [])
            start = response.get("LastEvaluatedKey")
            if not start:
                return
            limit = min(limit * 2, _MAX_QUERY_LIMIT)

    def _pipeline_entries(self, filters: DocumentFilters, reads: _ReadCount) -> list[dict[str, Any]]:
        """Every pipeline entry (New, Processing) that matches the filters, newest first: the whole sparse
        index in the range, which holds only the documents whose extraction has not ended."""
        status = filters.status.value if filters.status is not None else None
        stream = keys.pipeline_stream(filters.contact_id, filters.folder_id, status)
        return list(self._entries(stream, filters, None, _MAX_QUERY_LIMIT, reads))

    def _stream_query(
        self, stream: keys.ListStream, filters: DocumentFilters, before: str | None = None
    ) -> dict[str, Any] | None:
        """The Query (without paging) of the stream's entries in the filters' created range, created before
        `before` when given; None when no entry can match (the range is empty)."""
        condition = "#key = :key"
        values: dict[str, Any] = {":key": {"S": stream.key_value}}
        low = filters.created_from or "0"
        # '#' separates the timestamp from the id in created_sk; '~' sorts after every id digit.
        high = f"{filters.created_to}#~" if filters.created_to else "~"
        if before is not None:
            stamp, document_id = before.rsplit("#", 1)
            high = min(high, keys.created_sort_key(stamp, int(document_id) - 1) if int(document_id) > 0 else stamp)
        if filters.created_from or filters.created_to or before is not None:
            if low > high:
                return None
            condition += " AND created_sk BETWEEN :from AND :to"
            values[":from"] = {"S": low}
            values[":to"] = {"S": high}
        query: dict[str, Any] = {
            "TableName": self.table.name,
            "IndexName": stream.name,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": {"#key": stream.key_attribute},
            "ExpressionAttributeValues": values,
        }
        if stream.residual:
            query["FilterExpression"] = " AND ".join(f"#r{i} = :r{i}" for i, _ in enumerate(stream.residual))
            for i, (name, value) in enumerate(stream.residual):
                query["ExpressionAttributeNames"][f"#r{i}"] = name
                query["ExpressionAttributeValues"][f":r{i}"] = serialize(value)
        return query

    def _query(self, request: dict[str, Any]) -> dict[str, Any]:
        client = self.table.client
        try:
            return client.query(**request)  # type: ignore[return-value]
        except client.exceptions.ProvisionedThroughputExceededException as error:
            raise StorageUnavailable("The document store is busy; retry the request.") from error

    def _settled_totals(self, filters: DocumentFilters, reads: _ReadCount) -> dict[str, int]:
        """{settled status: how many documents match} for the filters' settled statuses (the one asked for,
        or all): the count items of the days of the range (every day when there is none) summed over its
        whole days, and, for a partly covered first or last day, the index entries in the covered part,
        counted only for the statuses that day has documents of."""
        contact, folder = filters.contact_id, filters.folder_id
        statuses = (filters.status.value,) if filters.status is not None else keys.SETTLED_STATUSES
        prefix = keys.count_prefix(contact, folder)
        totals = dict.fromkeys(statuses, 0)
        first_day, last_day, partial = _whole_days(filters.created_from, filters.created_to)
        partial_days = {low[:10]: (low, high) for low, high in partial}
        present: dict[str, set[str]] = {day: set() for day in partial_days}
        request: dict[str, Any] = {
            "TableName": self.table.name,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :low AND :high",
            "ExpressionAttributeValues": {
                ":pk": {"S": keys.count_key(contact, folder)},
                ":low": {"S": keys.count_day((filters.created_from or "")[:10])},
                ":high": {"S": keys.count_day((filters.created_to or "~")[:10])},
            },
        }
        start: Any = None
        while True:
            query = dict(request)
            if start is not None:
                query["ExclusiveStartKey"] = start
            response = self._query(query)
            reads.items += response["ScannedCount"]
            for item in response.get("Items", []):
                day = keys.count_day_of(item["sk"]["S"])
                whole = (first_day is None or day >= first_day) and (last_day is None or day <= last_day)
                for settled_status in statuses:
                    value = item.get(f"{prefix}{settled_status}")
                    count = int(value["N"]) if value else 0
                    if whole:
                        totals[settled_status] += count
                    elif day in present and count:
                        present[day].add(settled_status)
            start = response.get("LastEvaluatedKey")
            if not start:
                break
        for day, (low, high) in partial_days.items():
            part = DocumentFilters(contact, folder, None, low, high)
            for settled_status in present[day]:
                counting = self._stream_query(keys.settled_stream(contact, folder, settled_status), part)
                start = None
                while counting is not None:
                    query = {**counting, "Select": "COUNT"}
                    if start is not None:
                        query["ExclusiveStartKey"] = start
                    response = self._query(query)
                    reads.items += response["ScannedCount"]
                    totals[settled_status] += response["Count"]
                    start = response.get("LastEvaluatedKey")
                    if not start:
                        break
        return totals

    # ------------------------------------------------------------------ changes
    def change(self, document_id: int, decide: Decide, expected_version: int | None = None) -> dict[str, Any]:
        """Applies what `decide` makes of the document as stored, and returns the document as it then is.

        NotFound without the document; PreconditionFailed when `expected_version` is given and the document
        is at another one (checked on every read, so a writer that got in between is caught too)."""
        document, _ = self.try_change(document_id, decide, expected_version)
        if document is None:
            raise NotFound(f"Document {document_id} not found.")
        return document

    def try_change(
        self, document_id: int, decide: Decide, expected_version: int | None = None
    ) -> tuple[dict[str, Any] | None, bool]:
        """(the document as it then is, whether `decide` changed it); (None, False) without the document."""
        for attempt in range(_CHANGE_ATTEMPTS):
            current = self.get(document_id)
            if current is None:
                return None, False
            if expected_version is not None and version_of(current) != expected_version:
                raise PreconditionFailed(
                    f"Document {document_id} is at version {version_of(current)}, not {expected_version}: it "
                    "changed since it was read. Read it again (GET) and repeat the change on what it is now.",
                    version=version_of(current),
                )
            change = decide(current)
            if change is None:
                return current, False
            written = self._write(current, change)
            if written is not None:
                return written, True
            time.sleep(random.uniform(0, _BACKOFF_SECONDS * (attempt + 1)))  # noqa: S311 - jitter, not secrecy
        raise StorageUnavailable(f"Document {document_id} kept changing; retry the request.")

    def _write(self, current: dict[str, Any], change: DocumentChange) -> dict[str, Any] | None:
        """Writes `change` if the document is still at the version read; the document as written, or None."""
        document_id = int(current["id"])
        read_version = version_of(current)
        now = now_timestamp()
        values = {**change.values, "updated_at": now, "version": read_version + 1}
        after = {**current, **values}
        for name in change.remove:
            after.pop(name, None)
        remove = list(change.remove)
        counts: list[TransactWriteItemTypeDef] = []
        # A document stored before the list scheme is migrated by its first change, whatever it changes.
        if any(name in change.values for name in _FILTERED) or not _counted(current):
            index_keys = keys.document_list_keys(after["contact_id"], after["folder_id"], after["status"])
            values.update(index_keys)
            after.update(index_keys)
            for name in (*keys.DOCUMENT_INDEX_ATTRIBUTES, *keys.EARLIER_INDEX_ATTRIBUTES):
                if name not in index_keys and name in after and name not in remove:
                    remove.append(name)
                    after.pop(name)
            counts = self._count_updates(current if _counted(current) else None, after)
        names = {f"#a{i}": name for i, name in enumerate([*values, *remove])}
        aliases = {name: alias for alias, name in names.items()}
        expression = "SET " + ", ".join(f"{aliases[name]} = :v{i}" for i, name in enumerate(values))
        if remove:
            expression += " REMOVE " + ", ".join(aliases[name] for name in remove)
        attribute_values = {f":v{i}": serialize(value) for i, value in enumerate(values.values())}
        condition, version_names, version_values = _version_condition(read_version)
        names.update(version_names)
        attribute_values.update(version_values)
        update: dict[str, Any] = {
            "TableName": self.table.name,
            "Key": keys.item_key(keys.DOCUMENT, document_id),
            "UpdateExpression": expression,
            "ConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": attribute_values,
        }
        client = self.table.client
        try:
            if not change.history and not counts:
                client.update_item(**update)
            else:
                history = [
                    self._history_put(document_id, read_version + 1, position, event, now)
                    for position, event in enumerate(change.history)
                ]
                client.transact_write_items(TransactItems=[{"Update": update}, *history, *counts])  # type: ignore[typeddict-item]
        except client.exceptions.ConditionalCheckFailedException:
            return None
        except client.exceptions.TransactionCanceledException as error:
            if _conflicted(error):
                return None
            raise
        return after

    def _history_put(
        self, document_id: int, version: int, position: int, event: HistoryEvent, at: str
    ) -> TransactWriteItemTypeDef:
        entry: dict[str, Any] = {
            "document_id": document_id,
            "version": version,
            "at": at,
            "actor": event.actor,
            "action": event.action,
            "changes": bounded_changes(event.changes),
        }
        if event.detail is not None:
            entry["detail"] = event.detail
        return {
            "Put": {
                "TableName": self.table.name,
                "Item": {**to_item(entry), **_history_key(document_id, version, position)},
            }
        }

    # ------------------------------------------------------------------ the extraction run's claim
    def claim_extraction(
        self, document_id: int, s3_key: str, lease_seconds: int, etag: str | None = None
    ) -> ExtractionClaim | None:
        """Claims a document for one extraction run, or None when another run owns it.

        A claim is taken once per document: a repeated S3 event finds it taken and does nothing. A claim
        older than the lease belongs to a run that died (a timeout), so S3's retry may take it over. A
        request for a new run (a person set New or Processing) removes the claim, so the next run may take
        it. A document in `New` moves to `Processing`; one whose status a reviewer already set (before the
        file arrived, or racing the event) keeps it: the run stores its fields and leaves the decision alone.
        `etag` is the ETag of the object an S3 event names: the document records it as its file's (`file_etag`),
        so that the same event delivered again is known for what it is while the run goes on; an event naming
        another object than the file the document records claims nothing (see `claim_new_file`).
        """
        expired_before = format_timestamp(utc_now() - timedelta(seconds=lease_seconds))

        def claim(current: dict[str, Any]) -> DocumentChange | None:
            names_another_file = etag is not None and current.get(FILE_ETAG) not in (None, etag)
            if names_another_file or not _claimable(current, s3_key, expired_before):
                return None
            values = _claim_values(int(current.get("extraction_attempts") or 0) + 1)
            if etag:
                values[FILE_ETAG] = etag
            events: tuple[HistoryEvent, ...] = ()
            # A document the sweep ended for want of its file is the pipeline's to move on when the file comes.
            ended_by_sweep = current.get(UPLOAD_EXPIRED) and current.get("status") == Status.EXCEPTION.value
            if current.get("status") == Status.NEW.value or ended_by_sweep:
                values["status"] = Status.PROCESSING.value
                events = (
                    HistoryEvent(
                        "status_changed",
                        EXTRACTION_ACTOR,
                        (field_change("status", current["status"], values["status"]),),
                    ),
                )
            return DocumentChange(values, remove=("extraction_request", UPLOAD_EXPIRED), history=events)

        return self._claim(document_id, claim)

    def claim_new_file(self, document_id: int, s3_key: str, etag: str, describe: Decide) -> ExtractionClaim | None:
        """Claims the document for a run on another file than the one it records (`etag`: the ETag of the
        object now at its key), whatever its extraction's state: a run still going on the earlier file loses
        its claim and concludes nothing; the document goes back to `Processing`, to be reviewed again once
        the run ends. `describe(document now)` is what the new file changes besides (its history entry, the
        earlier reading it drops); None when the document already records this file or has another key."""

        def claim(current: dict[str, Any]) -> DocumentChange | None:
            if current.get("s3_key") != s3_key or current.get(FILE_ETAG) == etag:
                return None
            described = describe(current)
            if described is None:
                return None
            values = {
                **described.values,
                **_claim_values(1),
                FILE_ETAG: etag,
                "status": Status.PROCESSING.value,
            }
            remove = tuple(dict.fromkeys((*described.remove, "extraction_request")))
            return DocumentChange(values, remove=remove, history=described.history)

        return self._claim(document_id, claim)

    def _claim(self, document_id: int, claim: Decide) -> ExtractionClaim | None:
        document, claimed = self.try_change(document_id, claim)
        if document is None or not claimed:
            return None
        return ExtractionClaim(document=document, attempt=int(document["extraction_attempts"]))

    def unindex_file(self, document: Mapping[str, Any]) -> None:
        """Takes the document's file (its `sha256`) out of the duplicates of later uploads (a file replaced)."""
        if document.get("sha256"):
            item = self._file_item(document)
            self.table.client.delete_item(TableName=self.table.name, Key={"pk": item["pk"], "sk": item["sk"]})

    def unarrived_uploads(self, closed_before: str, expiry_seconds: int) -> list[dict[str, Any]]:
        """The documents still in the pipeline (New, Processing) whose presigned upload closed before
        `closed_before` (a timestamp) without their file having arrived: no S3 event named it
        (`file_etag`) and no run read it (`size_bytes`). One Query of the sparse pipeline index, then its
        documents read."""
        stream = keys.pipeline_stream(None, None, None)
        entries = list(self._entries(stream, DocumentFilters(), None, _MAX_QUERY_LIMIT, _ReadCount()))
        documents = self._get_many([_entry_id(entry) for entry in entries])
        return [
            document
            for document in documents.values()
            if upload_closed_without_file(document, closed_before, expiry_seconds)
        ]

    def abandoned_runs(self, lease_seconds: int) -> list[dict[str, Any]]:
        """The documents in Processing whose run died: its claim (or the request for a run, not yet taken) is
        older than the lease. One Query of the sparse pipeline index,
        which holds only the documents whose extraction has not ended, then the few in Processing read."""
        expired_before = format_timestamp(utc_now() - timedelta(seconds=lease_seconds))
        stream = keys.pipeline_stream(None, None, Status.PROCESSING.value)
        entries = list(self._entries(stream, DocumentFilters(), None, _MAX_QUERY_LIMIT, _ReadCount()))
        documents = self._get_many([_entry_id(entry) for entry in entries])
        return [
            document
            for document in documents.values()
            if document.get("status") == Status.PROCESSING.value and _abandoned(document, expired_before)
        ]

    def request_takeover(self, document_id: int, lease_seconds: int) -> bool:
        """Asks for a new run of a document whose run died (the same request a person's New makes, which the
        table's stream takes to extraction); the expired claim stays, so that the run taking it over counts
        as one more attempt and a file that kills every run ends in Exception. False when the document has
        moved on since it was found (a run concluded or took it over)."""
        expired_before = format_timestamp(utc_now() - timedelta(seconds=lease_seconds))

        def takeover(current: dict[str, Any]) -> DocumentChange | None:
            if current.get("status") != Status.PROCESSING.value or not _abandoned(current, expired_before):
                return None
            event = HistoryEvent("extraction_taken_over", EXTRACTION_ACTOR, detail=_ABANDONED_DETAIL)
            return DocumentChange({"extraction_request": str(version_of(current) + 1)}, history=(event,))

        _, requested = self.try_change(document_id, takeover)
        return requested

    def conclude_extraction(
        self, claim: dict[str, Any], decide: Callable[[dict[str, Any], bool], DocumentChange]
    ) -> dict[str, Any] | None:
        """Ends the run that holds the claim with what `decide(document now, in_pipeline)` makes of it;
        `in_pipeline` is True when the document is still in a status of the pipeline's own (`New`,
        `Processing`), which the run may move on, and False when a person set another, which it keeps.
        A run whose claim was taken over concludes nothing (None)."""
        mine = (claim["extraction_claimed_at"], claim.get(_CLAIM_ID))

        def conclude(current: dict[str, Any]) -> DocumentChange | None:
            if (current.get("extraction_claimed_at"), current.get(_CLAIM_ID)) != mine:
                return None
            change = decide(current, current.get("status") in keys.PIPELINE_STATUSES)
            return DocumentChange(
                change.values, remove=tuple(dict.fromkeys((*change.remove, "extraction_state"))), history=change.history
            )

        document, concluded = self.try_change(int(claim["id"]), conclude)
        return document if concluded else None


def _unique_keys(item_keys: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The keys, each once (a batch may not name one item twice)."""
    unique: dict[tuple[str, str], dict[str, Any]] = {}
    for key in item_keys:
        unique.setdefault((key["pk"]["S"], key["sk"]["S"]), {"pk": key["pk"], "sk": key["sk"]})
    return list(unique.values())


def _entry_id(entry: Mapping[str, Any]) -> int:
    return int(entry["pk"]["S"].split("#", 1)[1])


def _counted(document: Mapping[str, Any]) -> bool:
    """Whether the document is stored under the list scheme, and so in the count items when settled (every
    document created or migrated since the scheme exists)."""
    return keys.LIST_SCHEME in document


@dataclass
class _ReadCount:
    """Items DynamoDB read to answer one list request (ScannedCount summed over its calls)."""

    items: int = 0


def _reasons(error: Any) -> list[str]:
    return [str(reason.get("Code")) for reason in error.response.get("CancellationReasons", [])]


def _conflicted(error: Any) -> bool:
    """A transaction cancelled by a condition that no longer held or by a concurrent transaction."""
    return any(code in ("ConditionalCheckFailed", "TransactionConflict") for code in _reasons(error))


def _claim_values(attempt: int) -> dict[str, Any]:
    """A run's claim. Its token tells two claims taken in the same second apart (a file replaced right after
    it arrived): the run whose claim was replaced must conclude nothing."""
    return {
        "extraction_claimed_at": now_timestamp(),
        _CLAIM_ID: secrets.token_hex(8),
        "extraction_state": _CLAIMED,
        "extraction_attempts": attempt,
    }


def upload_closes_at(document: Mapping[str, Any], expiry_seconds: int) -> str | None:
    """When the presigned upload of a document whose file has not arrived closes: its `upload_expires_at`,
    or, for one issued before that was recorded, `expiry_seconds` after the document was created (a
    multipart upload's document has its size from the start). None once the file arrived."""
    if FILE_ETAG in document or document.get("size_bytes") is not None:
        return None
    if UPLOAD_EXPIRES_AT in document:
        return str(document[UPLOAD_EXPIRES_AT])
    created = parse_utc_moment(str(document.get("created_at") or ""))
    return format_timestamp(created + timedelta(seconds=expiry_seconds)) if created is not None else None


def upload_closed_without_file(document: Mapping[str, Any], closed_before: str, expiry_seconds: int) -> bool:
    """Whether the document waits in the pipeline for a presigned upload that closed before `closed_before`
    and whose file never arrived."""
    closes = upload_closes_at(document, expiry_seconds)
    return closes is not None and closes < closed_before and document.get("status") in keys.PIPELINE_STATUSES


def _claimable(document: dict[str, Any], s3_key: str, expired_before: str) -> bool:
    if document.get("s3_key") != s3_key:
        return False
    claimed_at = document.get("extraction_claimed_at")
    if claimed_at is None:
        return True
    in_progress = document.get("extraction_state") == _CLAIMED or document.get("status") == Status.PROCESSING
    return in_progress and str(claimed_at) < expired_before


_ABANDONED_DETAIL = "The run that held the document stopped before it ended (a timeout or out of memory)."


def _abandoned(document: dict[str, Any], expired_before: str) -> bool:
    """Whether the last sign of life of the document's extraction is older than the lease, so that no run
    holds it: its claim, or, while a request for a run waits to be taken (or when there is no claim at all),
    the request's write (the last change to a document in Processing)."""
    claimed_at = document.get("extraction_claimed_at")
    if "extraction_request" in document or claimed_at is None:
        return str(document.get("updated_at") or "") < expired_before
    return str(claimed_at) < expired_before


_DAY_START = "T00:00:00Z"
_DAY_END = "T23:59:59Z"


def _whole_days(
    created_from: str | None, created_to: str | None
) -> tuple[str | None, str | None, list[tuple[str, str]]]:
    """(first whole day, last whole day, the partly covered (from, to) ranges) of a created range; a day
    bound of None is open. Timestamps are `YYYY-MM-DDTHH:MM:SSZ`, as parse_created_bound makes them."""
    first = created_from[:10] if created_from else None
    last = created_to[:10] if created_to else None
    partial: list[tuple[str, str]] = []
    from_partial = created_from is not None and created_from[10:] != _DAY_START
    to_partial = created_to is not None and created_to[10:] != _DAY_END
    if created_from and created_to and first == last and (from_partial or to_partial):
        return first, _day_before(first or ""), [(created_from, created_to)]
    if from_partial and created_from and first:
        partial.append((created_from, first + _DAY_END))
        first = _day_after(first)
    if to_partial and created_to and last:
        partial.append((last + _DAY_START, created_to))
        last = _day_before(last)
    return first, last, partial


# What follows the last day a date can be (9999-12-31) in the order days compare in: after every day.
_AFTER_EVERY_DAY = "9999-12-31~"


def _day_after(day: str) -> str:
    parsed = date.fromisoformat(day)
    return (parsed + timedelta(days=1)).isoformat() if parsed < date.max else _AFTER_EVERY_DAY


def _day_before(day: str) -> str:
    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()


# A cursor is the position of the last document of a page (its created_sk), opaque to clients: URL-safe
# base64 without padding. One that is not how this API writes such a position is refused (InvalidInput, 422):
# not the one encoding of a position (base64 decoding skips characters it does not know, so "MjAy!!" would
# decode), a time that is no moment or one still to come, an id of 0.
_CURSOR_POSITION = re.compile(r"(?P<created_at>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)#(?P<id>\d{12})")
# Documents are stamped by the clocks of many Lambda environments: a position may be a little ahead of this one's.
_CLOCK_SKEW = timedelta(minutes=5)
_NOT_A_CURSOR = "cursor is not a cursor this API returned (next_cursor of a previous page)."


def encode_cursor(created_sk: str) -> str:
    return base64.urlsafe_b64encode(created_sk.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    if len(cursor) > 64:
        raise InvalidInput(_NOT_A_CURSOR)
    try:
        position = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput(_NOT_A_CURSOR) from None
    parts = _CURSOR_POSITION.fullmatch(position)
    if parts is None or encode_cursor(position) != cursor or int(parts["id"]) < 1:
        raise InvalidInput(_NOT_A_CURSOR)
    created_at = parse_utc_moment(parts["created_at"])
    if created_at is None or created_at > utc_now() + _CLOCK_SKEW:
        raise InvalidInput(_NOT_A_CURSOR)
    return position


def _page_of(matched: list[dict[str, Any]], limit: int, offset: int, cursor: str | None, read: int) -> Page:
    """The page of `matched` (every document that passed the filters, newest first) after `cursor` and
    `offset`, with the cursor of the page after it."""
    after = matched
    if cursor is not None:
        before = decode_cursor(cursor)
        after = [d for d in matched if keys.created_sort_key(d["created_at"], int(d["id"])) < before]
    shown = after[offset : offset + limit]
    more = len(after) > offset + limit and bool(shown)
    next_cursor = encode_cursor(keys.created_sort_key(shown[-1]["created_at"], int(shown[-1]["id"]))) if more else None
    return Page(total=len(matched), items=shown, items_read=read, next_cursor=next_cursor)
