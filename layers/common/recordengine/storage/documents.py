"""Documents in DynamoDB: creation, reads, filtered lists, and the updates of the review workflow.

Every update names only the attributes it changes (never a read-modify-write of the whole item), so two
concurrent writers cannot undo each other's changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from recordengine.clock import format_timestamp, now_timestamp, utc_now
from recordengine.errors import NotFound, StorageUnavailable
from recordengine.models import ExtractionResult, Status

from . import keys
from .dynamo import from_item, serialize, to_item
from .table import Page, Table

_STATUS_WRITE_ATTEMPTS = 3
# The statuses the pipeline itself moves a document through; any other was set by a person (or a rule).
_PIPELINE_STATUSES = frozenset({Status.NEW.value, Status.PROCESSING.value})
# A document's extraction run is under way (the claim's lease decides when another run may take it over).
_CLAIMED = "claimed"


@dataclass(frozen=True)
class DocumentFilters:
    contact_id: int | None = None
    folder_id: int | None = None
    status: Status | None = None
    created_from: str | None = None
    created_to: str | None = None


def _matches(document: dict[str, Any], filters: DocumentFilters) -> bool:
    created = str(document.get("created_at", ""))
    return (
        (filters.contact_id is None or document.get("contact_id") == filters.contact_id)
        and (filters.folder_id is None or document.get("folder_id") == filters.folder_id)
        and (filters.status is None or document.get("status") == filters.status.value)
        and (filters.created_from is None or created >= filters.created_from)
        and (filters.created_to is None or created <= filters.created_to)
    )


@dataclass(frozen=True)
class ExtractionClaim:
    document: dict[str, Any]
    attempt: int


@dataclass
class DocumentStore:
    table: Table

    def allocate_id(self) -> int:
        return self.table.next_id(keys.DOCUMENT)

    def create(self, document: dict[str, Any]) -> None:
        """Stores a new document record (which has `id`, `contact_id`, `folder_id`, `status`, `created_at`).

        With its external references, the document and one reference item per (system, record id) are
        written in one transaction, so the reference index never names a document that was not stored.
        """
        entity_id = document["id"]
        created_sk = keys.created_sort_key(document["created_at"], entity_id)
        attributes = {
            **document,
            "kind": keys.DOCUMENT,
            "created_sk": created_sk,
            **keys.document_filter_keys(document["contact_id"], document["folder_id"], document["status"]),
        }
        references = keys.external_ref_pairs(document.get("external_refs"))
        if not references:
            self.table.put_new(keys.DOCUMENT, entity_id, attributes)
            return
        items: list[Any] = [
            {
                "Put": {
                    "TableName": self.table.name,
                    "Item": {**to_item(attributes), **keys.item_key(keys.DOCUMENT, entity_id)},
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        ]
        for system, record_id in references:
            reference = {"document_id": entity_id, "system": system, "record_id": record_id}
            items.append(
                {
                    "Put": {
                        "TableName": self.table.name,
                        "Item": {
                            **to_item(reference),
                            "pk": {"S": keys.external_ref_key(system, record_id)},
                            "sk": {"S": created_sk},
                        },
                    }
                }
            )
        self.table.client.transact_write_items(TransactItems=items)

    def delete(self, document_id: int) -> None:
        document = self.get(document_id)
        if document is not None:
            created_sk = keys.created_sort_key(document["created_at"], document_id)
            for system, record_id in keys.external_ref_pairs(document.get("external_refs")):
                self.table.client.delete_item(
                    TableName=self.table.name,
                    Key={"pk": {"S": keys.external_ref_key(system, record_id)}, "sk": {"S": created_sk}},
                )
        self.table.delete(keys.DOCUMENT, document_id)

    def page_by_external_ref(
        self, system: str, record_id: str, filters: DocumentFilters, limit: int, offset: int
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
        return Page(total=len(matched), items=matched[offset : offset + limit], items_read=read)

    def _get_many(self, document_ids: list[int]) -> dict[int, dict[str, Any]]:
        client = self.table.client
        found: dict[int, dict[str, Any]] = {}
        unique = list(dict.fromkeys(document_ids))
        for start in range(0, len(unique), 100):
            pending: Any = {
                self.table.name: {"Keys": [keys.item_key(keys.DOCUMENT, i) for i in unique[start : start + 100]]}
            }
            while pending:
                response = client.batch_get_item(RequestItems=pending)
                for item in response.get("Responses", {}).get(self.table.name, []):
                    document = from_item(item)
                    found[int(document["id"])] = document
                pending = response.get("UnprocessedKeys") or None
        return found

    def get(self, document_id: int) -> dict[str, Any] | None:
        return self.table.get(keys.DOCUMENT, document_id)

    def page(self, filters: DocumentFilters, limit: int, offset: int) -> Page:
        index = keys.document_filter_index(filters.contact_id, filters.folder_id, filters.status)
        return self.table.newest_first(
            index.name,
            index.key_attribute,
            index.key_value,
            limit=limit,
            offset=offset,
            created_from=filters.created_from,
            created_to=filters.created_to,
        )

    def _update(
        self,
        document_id: int,
        values: dict[str, Any],
        condition: str = "attribute_exists(pk)",
        condition_values: dict[str, Any] | None = None,
        remove: tuple[str, ...] = (),
    ) -> dict[str, Any] | None:
        """SET `values` (and REMOVE `remove`) if `condition` holds; the new item, or None if it did not."""
        names = {f"#a{i}": name for i, name in enumerate([*values, *remove])}
        aliases = {name: alias for alias, name in names.items()}
        if "#status" in condition:
            names["#status"] = "status"
        expression = "SET " + ", ".join(f"{aliases[name]} = :v{i}" for i, name in enumerate(values))
        if remove:
            expression += " REMOVE " + ", ".join(aliases[name] for name in remove)
        attribute_values = {f":v{i}": serialize(value) for i, value in enumerate(values.values())}
        attribute_values.update({k: serialize(v) for k, v in (condition_values or {}).items()})
        client = self.table.client
        try:
            response = client.update_item(
                TableName=self.table.name,
                Key=keys.item_key(keys.DOCUMENT, document_id),
                UpdateExpression=expression,
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=attribute_values,
                ReturnValues="ALL_NEW",
            )
        except client.exceptions.ConditionalCheckFailedException:
            return None
        return from_item(response["Attributes"])

    def _status_values(self, document: dict[str, Any], status: Status, updated_at: str) -> dict[str, Any]:
        return {
            "status": status.value,
            "updated_at": updated_at,
            **keys.document_filter_keys(document["contact_id"], document["folder_id"], status.value),
        }

    def set_status(self, document_id: int, status: Status) -> dict[str, Any]:
        """Sets the review status; NotFound when there is no such document."""
        # The index keys derive from the contact (fixed at upload) and the folder, which a rule's move_to_folder
        # may change as extraction ends: the write holds only while the folder is the one read, else it is redone.
        for _ in range(_STATUS_WRITE_ATTEMPTS):
            current = self.get(document_id)
            if current is None:
                raise NotFound(f"Document {document_id} not found.")
            updated = self._update(
                document_id,
                self._status_values(current, status, now_timestamp()),
                condition="folder_id = :folder",
                condition_values={":folder": current["folder_id"]},
            )
            if updated is not None:
                return updated
        raise StorageUnavailable(f"Document {document_id} kept changing; retry the request.")

    def claim_extraction(self, document_id: int, s3_key: str, lease_seconds: int) -> ExtractionClaim | None:
        """Claims a document for one extraction run, or None when another run owns it.

        A claim is taken once per document: a repeated S3 event finds it taken and does nothing. A claim
        older than the lease belongs to a run that died (a timeout), so S3's retry may take it over. A
        document still `New` moves to `Processing`; one whose status a reviewer already set (before the file
        arrived, or racing the event) keeps it: the run stores its fields and leaves the decision alone.
        """
        for _ in range(_STATUS_WRITE_ATTEMPTS):
            current = self.get(document_id)
            if current is None:
                return None
            now = now_timestamp()
            expired_before = format_timestamp(utc_now() - timedelta(seconds=lease_seconds))
            values: dict[str, Any] = {
                "extraction_claimed_at": now,
                "extraction_state": _CLAIMED,
                "extraction_attempts": int(current.get("extraction_attempts") or 0) + 1,
            }
            status = current.get("status")
            if status in _PIPELINE_STATUSES:
                values.update(self._status_values(current, Status.PROCESSING, now))
            claimable = (
                "s3_key = :key AND (attribute_not_exists(extraction_claimed_at) OR ((extraction_state = :claimed"
                " OR #status = :processing) AND extraction_claimed_at < :expired))"
            )
            updated = self._update(
                document_id,
                values,
                # The status read decides whether the run moves it: it must still be the one read.
                condition=f"{claimable} AND #status = :read_status AND folder_id = :folder",
                condition_values={
                    ":processing": Status.PROCESSING.value,
                    ":claimed": _CLAIMED,
                    ":expired": expired_before,
                    ":key": s3_key,
                    ":read_status": status,
                    ":folder": current["folder_id"],
                },
            )
            if updated is not None:
                return ExtractionClaim(document=updated, attempt=int(updated["extraction_attempts"]))
            if not self._claimable(self.get(document_id), s3_key, expired_before):
                return None
        raise StorageUnavailable(f"Document {document_id} kept changing while its extraction was claimed.")

    @staticmethod
    def _claimable(document: dict[str, Any] | None, s3_key: str, expired_before: str) -> bool:
        if document is None or document.get("s3_key") != s3_key:
            return False
        claimed_at = document.get("extraction_claimed_at")
        if claimed_at is None:
            return True
        in_progress = document.get("extraction_state") == _CLAIMED or document.get("status") == Status.PROCESSING
        return in_progress and str(claimed_at) < expired_before

    def release_extraction(self, document: dict[str, Any]) -> None:
        """Gives a claim back so that S3's retry of the event can run extraction anew: a document the run
        moved to Processing is New again; a status a reviewer set stays."""
        self._conclude(
            document,
            moved=self._status_values(document, Status.NEW, now_timestamp()),
            kept={"updated_at": now_timestamp()},
            remove=("extraction_claimed_at", "extraction_state"),
        )

    def finish_extraction(
        self,
        document: dict[str, Any],
        result: ExtractionResult,
        status: Status,
        facts: dict[str, Any],
        changes: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Stores the result and the status; `changes` are the rules' other effects (folder, notes, rules_applied),
        written in the same update, with the index keys derived from the folder they leave. A status a reviewer
        set before or during the run is kept; the result is stored either way."""
        changes = changes or {}
        values = {
            **facts,
            **result.model_dump(mode="json"),
            "confidence_label": result.confidence_label.value,
            "error": None,
            **changes,
        }
        return self._conclude(
            document,
            moved={**values, **self._status_values({**document, **changes}, status, now_timestamp())},
            kept=values,
        )

    def fail_extraction(self, document: dict[str, Any], reason: str, facts: dict[str, Any]) -> dict[str, Any]:
        values = {**facts, "error": reason, "confidence_reasoning": reason}
        return self._conclude(
            document, moved={**values, **self._status_values(document, Status.EXCEPTION, now_timestamp())}, kept=values
        )

    def _conclude(
        self,
        document: dict[str, Any],
        *,
        moved: dict[str, Any],
        kept: dict[str, Any],
        remove: tuple[str, ...] = ("extraction_state",),
    ) -> dict[str, Any]:
        """Ends the run that holds the claim: with `moved` when the document is still in the run's own
        Processing, else with `kept`, which leaves the status a reviewer set (and its index keys, recomputed
        for a folder that `kept` may change). A run whose claim was taken over concludes nothing."""
        document_id = int(document["id"])
        mine = {":mine": document["extraction_claimed_at"]}
        updated = self._update(
            document_id,
            moved,
            condition="extraction_claimed_at = :mine AND #status = :processing",
            condition_values={**mine, ":processing": Status.PROCESSING.value},
            remove=remove,
        )
        if updated is not None:
            return updated
        for _ in range(_STATUS_WRITE_ATTEMPTS):
            current = self.get(document_id)
            if current is None:
                raise NotFound(f"Document {document_id} not found.")
            if current.get("extraction_claimed_at") != document["extraction_claimed_at"]:
                return current
            reviewed = Status(current["status"])
            keys_for = self._status_values({**current, **kept}, reviewed, now_timestamp())
            updated = self._update(
                document_id,
                {**kept, **{name: value for name, value in keys_for.items() if name != "status"}},
                condition="extraction_claimed_at = :mine AND #status = :reviewed",
                condition_values={**mine, ":reviewed": reviewed.value},
                remove=remove,
            )
            if updated is not None:
                return updated
        raise StorageUnavailable(f"Document {document_id} kept changing while its extraction ended.")
