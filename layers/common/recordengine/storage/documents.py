"""Documents in DynamoDB: creation, reads, filtered lists, and the updates of the review workflow.

Every update names only the attributes it changes (never a read-modify-write of the whole item), so two
concurrent writers cannot undo each other's changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from recordengine.clock import format_timestamp, now_timestamp, utc_now
from recordengine.errors import NotFound
from recordengine.models import ExtractionResult, Status

from . import keys
from .dynamo import from_item, serialize
from .table import Page, Table


@dataclass(frozen=True)
class DocumentFilters:
    contact_id: int | None = None
    folder_id: int | None = None
    status: Status | None = None
    created_from: str | None = None
    created_to: str | None = None


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
        """Stores a new document record (which has `id`, `contact_id`, `folder_id`, `status`, `created_at`)."""
        entity_id = document["id"]
        self.table.put_new(
            keys.DOCUMENT,
            entity_id,
            {
                **document,
                "kind": keys.DOCUMENT,
                "created_sk": keys.created_sort_key(document["created_at"], entity_id),
                **keys.document_filter_keys(document["contact_id"], document["folder_id"], document["status"]),
            },
        )

    def delete(self, document_id: int) -> None:
        self.table.delete(keys.DOCUMENT, document_id)

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
        current = self.get(document_id)
        if current is None:
            raise NotFound(f"Document {document_id} not found.")
        # contact and folder are fixed at upload, so the index keys derived from them cannot go stale.
        updated = self._update(document_id, self._status_values(current, status, now_timestamp()))
        if updated is None:
            raise NotFound(f"Document {document_id} not found.")
        return updated

    def claim_extraction(self, document_id: int, s3_key: str, lease_seconds: int) -> ExtractionClaim | None:
        """Moves a document to Processing for one extraction run, or None when another run owns it.

        A claim is taken once per document: a repeated S3 event finds it taken and does nothing. A claim
        older than the lease belongs to a run that died (a timeout), so S3's retry may take it over.
        """
        current = self.get(document_id)
        if current is None:
            return None
        now = now_timestamp()
        expired_before = format_timestamp(utc_now() - timedelta(seconds=lease_seconds))
        values = {
            **self._status_values(current, Status.PROCESSING, now),
            "extraction_claimed_at": now,
            "extraction_attempts": int(current.get("extraction_attempts") or 0) + 1,
        }
        updated = self._update(
            document_id,
            values,
            condition=(
                "s3_key = :key AND (attribute_not_exists(extraction_claimed_at) OR "
                "(#status = :processing AND extraction_claimed_at < :expired))"
            ),
            condition_values={":processing": Status.PROCESSING.value, ":expired": expired_before, ":key": s3_key},
        )
        if updated is None:
            return None
        return ExtractionClaim(document=updated, attempt=int(updated["extraction_attempts"]))

    def release_extraction(self, document: dict[str, Any]) -> None:
        """Gives a claim back (status New again) so that S3's retry of the event can run extraction anew."""
        self._update(
            document["id"],
            self._status_values(document, Status.NEW, now_timestamp()),
            condition="#status = :processing",
            condition_values={":processing": Status.PROCESSING.value},
            remove=("extraction_claimed_at",),
        )

    def finish_extraction(
        self, document: dict[str, Any], result: ExtractionResult, status: Status, facts: dict[str, Any]
    ) -> dict[str, Any]:
        values = {
            **facts,
            **result.model_dump(mode="json"),
            "confidence_label": result.confidence_label.value,
            "error": None,
            **self._status_values(document, status, now_timestamp()),
        }
        return self._finish(document["id"], values)

    def fail_extraction(self, document: dict[str, Any], reason: str, facts: dict[str, Any]) -> dict[str, Any]:
        values = {
            **facts,
            "error": reason,
            "confidence_reasoning": reason,
            **self._status_values(document, Status.EXCEPTION, now_timestamp()),
        }
        return self._finish(document["id"], values)

    def _finish(self, document_id: int, values: dict[str, Any]) -> dict[str, Any]:
        # Only the run that holds the claim may conclude: a status set by a reviewer meanwhile is kept.
        updated = self._update(
            document_id,
            values,
            condition="#status = :processing",
            condition_values={":processing": Status.PROCESSING.value},
        )
        if updated is None:
            current = self.get(document_id)
            if current is None:
                raise NotFound(f"Document {document_id} not found.")
            return current
        return updated
