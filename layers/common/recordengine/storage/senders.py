"""Senders in DynamoDB (senders/store.py says what each operation promises).

What attribution costs: the sender of a document's identifiers is one BatchGetItem of index items (each well
under 4 KB: half a read unit, eventually consistent), so looking up two identifiers is one read unit. Seeing
another document of a known sender is one UpdateItem (one write unit) when it brings no new identifier; new
identifiers and new senders are one transaction (two write units per item).

A sender's hints are an item of their own beside it (keys.sender_hints_key), versioned by itself: learning is
one conditional write of that item (under 2 KB: at most two write units), and reading the sender with its hints
is one Query of its partition (under 4 KB: one read unit).
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from recordengine.clock import now_timestamp
from recordengine.errors import InvalidInput, NotFound, PreconditionFailed, StorageUnavailable
from recordengine.senders.store import MAX_SENDER_IDENTIFIERS, DecideHints, hints_problem, new_sender

from . import keys
from .dynamo import from_item, serialize, to_item
from .table import Page, Table

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

_ATTEMPTS = 5
_BACKOFF_SECONDS = 0.05
_BATCH = 100


@dataclass
class DynamoSenderStore:
    table: Table

    def lookup(self, identifiers: Sequence[str]) -> dict[str, int]:
        wanted = list(dict.fromkeys(identifiers))
        by_key = {keys.sender_identifier_key(identifier)["pk"]["S"]: identifier for identifier in wanted}
        found: dict[str, int] = {}
        client = self.table.client
        for start in range(0, len(wanted), _BATCH):
            request: dict[str, Any] = {
                self.table.name: {
                    "Keys": [keys.sender_identifier_key(identifier) for identifier in wanted[start : start + _BATCH]],
                    "ProjectionExpression": "pk, sender_id",
                }
            }
            for attempt in range(_ATTEMPTS):
                response = client.batch_get_item(RequestItems=request)
                for item in response.get("Responses", {}).get(self.table.name, []):
                    found[by_key[item["pk"]["S"]]] = int(item["sender_id"]["N"])
                request = dict(response.get("UnprocessedKeys") or {})
                if not request:
                    break
                time.sleep(random.uniform(0, _BACKOFF_SECONDS * (attempt + 1)))  # noqa: S311 - jitter
            else:
                raise StorageUnavailable("The sender index is busy; retry.")
        return found

    def create(self, name: str, identifiers: Sequence[str], seen_at: str) -> dict[str, Any] | None:
        sender_id = self.table.next_id(keys.SENDER)
        created_at = now_timestamp()
        record = new_sender(sender_id, name, identifiers, seen_at, created_at)
        held = record["identifiers"]
        item = {
            # Its hints are an item of their own (nothing learned yet: none).
            **to_item(
                {
                    **{name: value for name, value in record.items() if name != "hints"},
                    "kind": keys.SENDER,
                    "created_sk": keys.created_sort_key(created_at, sender_id),
                }
            ),
            **keys.item_key(keys.SENDER, sender_id),
        }
        writes: list[TransactWriteItemTypeDef] = [
            {"Put": {"TableName": self.table.name, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}}
        ]
        writes += [self._index_put(identifier, sender_id) for identifier in held]
        client = self.table.client
        try:
            client.transact_write_items(TransactItems=writes)
        except client.exceptions.TransactionCanceledException as error:
            if _conflicts(error) or "TransactionConflict" in _reasons(error):
                return None
            raise
        return record

    def _index_put(self, identifier: str, sender_id: int) -> TransactWriteItemTypeDef:
        return {
            "Put": {
                "TableName": self.table.name,
                "Item": {**keys.sender_identifier_key(identifier), "sender_id": {"N": str(sender_id)}},
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }

    def record_document(self, sender_id: int, identifiers: Sequence[str], seen_at: str) -> list[str]:
        new = list(dict.fromkeys(identifiers))
        client = self.table.client
        for _ in range(_ATTEMPTS):
            room = MAX_SENDER_IDENTIFIERS - len(new)
            condition = "attribute_exists(pk)"
            values: dict[str, Any] = {":one": serialize(1), ":seen": serialize(seen_at)}
            expression = "SET last_seen = :seen ADD documents_seen :one"
            if new:
                condition += " AND size(identifiers) <= :room"
                values[":room"] = serialize(room)
                expression = (
                    "SET last_seen = :seen, identifiers = list_append(identifiers, :new) ADD documents_seen :one"
                )
                values[":new"] = serialize(new)
            update: dict[str, Any] = {
                "TableName": self.table.name,
                "Key": keys.item_key(keys.SENDER, sender_id),
                "UpdateExpression": expression,
                "ConditionExpression": condition,
                "ExpressionAttributeValues": values,
            }
            try:
                if not new:
                    client.update_item(**update)
                    return []
                client.transact_write_items(
                    TransactItems=[{"Update": update}, *(self._index_put(identifier, sender_id) for identifier in new)]  # type: ignore[typeddict-item]
                )
                return new
            except client.exceptions.ConditionalCheckFailedException:
                raise NotFound(f"Sender {sender_id} not found.") from None
            except client.exceptions.TransactionCanceledException as error:
                reasons = _reasons(error)
                if "TransactionConflict" in reasons and not _conflicts(error):
                    time.sleep(random.uniform(0, _BACKOFF_SECONDS))  # noqa: S311 - jitter
                    continue
                if not _conflicts(error):
                    raise
                if reasons and reasons[0] == "ConditionalCheckFailed":
                    if self.get(sender_id) is None:
                        raise NotFound(f"Sender {sender_id} not found.") from None
                    new = []  # the sender holds as many identifiers as it keeps
                    continue
                # Identifiers another sender took meanwhile stay that sender's.
                new = [identifier for identifier, reason in zip(new, reasons[1:], strict=False) if reason == "None"]
        raise StorageUnavailable(f"Sender {sender_id} kept changing; retry.")

    def get(self, sender_id: int) -> dict[str, Any] | None:
        found = self._partition(sender_id, consistent=True)
        if found is not None:
            del found["hints_version"]
        return found

    def page(self, limit: int, offset: int) -> Page:
        page = self.table.newest_first(keys.BY_KIND_INDEX, "kind", keys.SENDER, limit=limit, offset=offset)
        hints = self._hints_of([int(item["id"]) for item in page.items])
        page.items = [{**_record(item), "hints": hints.get(int(item["id"]), {})} for item in page.items]
        return page

    def _hints_of(self, sender_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The hints of each of these senders that learned any (BatchGetItem, 100 keys at a time)."""
        found: dict[int, dict[str, Any]] = {}
        client = self.table.client
        for start in range(0, len(sender_ids), _BATCH):
            request: dict[str, Any] = {
                self.table.name: {
                    "Keys": [keys.sender_hints_key(sender_id) for sender_id in sender_ids[start : start + _BATCH]]
                }
            }
            for attempt in range(_ATTEMPTS):
                response = client.batch_get_item(RequestItems=request)
                for item in response.get("Responses", {}).get(self.table.name, []):
                    stored = from_item(item)
                    found[int(str(stored["pk"]).split("#", 1)[1])] = dict(stored.get("hints") or {})
                request = dict(response.get("UnprocessedKeys") or {})
                if not request:
                    break
                time.sleep(random.uniform(0, _BACKOFF_SECONDS * (attempt + 1)))  # noqa: S311 - jitter
            else:
                raise StorageUnavailable("The senders' hints are busy; retry.")
        return found

    def update(self, sender_id: int, changes: dict[str, Any], expected_version: int | None) -> dict[str, Any]:
        for _ in range(_ATTEMPTS):
            current = self._current(sender_id, expected_version)
            after = {**current, **changes, "version": current["version"] + 1}
            if self._write_if_unchanged(current, {**changes, "version": after["version"]}):
                return after
        raise StorageUnavailable(f"Sender {sender_id} kept changing; retry the request.")

    def forget(self, sender_id: int) -> None:
        current = self.get(sender_id)
        if current is None:
            raise NotFound(f"Sender {sender_id} not found.")
        deletes: list[TransactWriteItemTypeDef] = [
            {"Delete": {"TableName": self.table.name, "Key": keys.item_key(keys.SENDER, sender_id)}},
            {"Delete": {"TableName": self.table.name, "Key": keys.sender_hints_key(sender_id)}},
        ]
        deletes += [
            {
                "Delete": {
                    "TableName": self.table.name,
                    "Key": keys.sender_identifier_key(identifier),
                    # An index entry is this sender's only if it points here.
                    "ConditionExpression": "attribute_not_exists(pk) OR sender_id = :me",
                    "ExpressionAttributeValues": {":me": serialize(sender_id)},
                }
            }
            for identifier in current["identifiers"]
        ]
        self.table.client.transact_write_items(TransactItems=deletes)

    def hints(self, sender_id: int) -> tuple[dict[str, Any], int] | None:
        # Eventually consistent: an extraction may read the hints a moment before the latest learning.
        found = self._partition(sender_id, consistent=False)
        return (found["hints"], found["hints_version"]) if found is not None else None

    def change_hints(self, sender_id: int, decide: DecideHints) -> tuple[dict[str, Any], int] | None:
        client = self.table.client
        for attempt in range(_ATTEMPTS):
            current = self._partition(sender_id, consistent=True)
            if current is None:
                return None
            read_version = current["hints_version"]
            hints = decide(dict(current["hints"]))
            if hints is None:
                return current["hints"], read_version
            problem = hints_problem(hints)
            if problem is not None:
                raise InvalidInput(problem)
            condition = "attribute_not_exists(pk)" if read_version == 0 else "version = :read"
            values = {":read": serialize(read_version)} if read_version else {}
            try:
                client.put_item(
                    TableName=self.table.name,
                    Item={**keys.sender_hints_key(sender_id), **to_item({"hints": hints, "version": read_version + 1})},
                    ConditionExpression=condition,
                    **({"ExpressionAttributeValues": values} if values else {}),  # type: ignore[arg-type]
                )
            except client.exceptions.ConditionalCheckFailedException:
                time.sleep(random.uniform(0, _BACKOFF_SECONDS * (attempt + 1)))  # noqa: S311 - jitter
                continue
            return hints, read_version + 1
        raise StorageUnavailable(f"Sender {sender_id} kept changing; retry.")

    def _partition(self, sender_id: int, consistent: bool) -> dict[str, Any] | None:
        """The sender with its hints (hints_version 0: nothing learned), by one Query of its partition."""
        response = self.table.client.query(
            TableName=self.table.name,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": keys.item_key(keys.SENDER, sender_id)["pk"]},
            ConsistentRead=consistent,
        )
        items = {item["sk"]["S"]: from_item(item) for item in response.get("Items", [])}
        sender = items.get(keys.SENDER)
        if sender is None:
            return None
        stored = items.get(keys.SENDER_HINTS) or {}
        return {
            **_record(sender),
            "hints": dict(stored.get("hints") or {}),
            "hints_version": int(stored.get("version") or 0),
        }

    def _current(self, sender_id: int, expected_version: int | None) -> dict[str, Any]:
        current = self.get(sender_id)
        if current is None:
            raise NotFound(f"Sender {sender_id} not found.")
        if expected_version is not None and current["version"] != expected_version:
            raise PreconditionFailed(
                f"Sender {sender_id} is at version {current['version']}, not {expected_version}: it changed since "
                "it was read. Read it again (GET) and repeat the change.",
                version=current["version"],
            )
        return current

    def _write_if_unchanged(self, current: dict[str, Any], values: dict[str, Any]) -> bool:
        names = {f"#a{index}": name for index, name in enumerate(values)}
        client = self.table.client
        try:
            client.update_item(
                TableName=self.table.name,
                Key=keys.item_key(keys.SENDER, current["id"]),
                UpdateExpression="SET " + ", ".join(f"#a{index} = :v{index}" for index in range(len(values))),
                ConditionExpression="#version = :read",
                ExpressionAttributeNames={**names, "#version": "version"},
                ExpressionAttributeValues={
                    **{f":v{index}": serialize(value) for index, value in enumerate(values.values())},
                    ":read": serialize(current["version"]),
                },
            )
        except client.exceptions.ConditionalCheckFailedException:
            return False
        return True


_FIELDS = ("id", "name", "identifiers", "documents_seen", "last_seen", "contact_id", "created_at", "version")


def _record(item: dict[str, Any]) -> dict[str, Any]:
    record = {name: item.get(name) for name in _FIELDS}
    record["identifiers"] = list(record["identifiers"] or [])
    record["version"] = int(record["version"] or 0)
    return record


def _reasons(error: Any) -> list[str]:
    return [reason.get("Code", "None") for reason in error.response.get("CancellationReasons", [])]


def _conflicts(error: Any) -> bool:
    return "ConditionalCheckFailed" in _reasons(error)
