"""Operations on the one DynamoDB table that every store shares: counters, puts, gets, newest-first pages."""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from recordengine.errors import StorageUnavailable

from . import keys
from .dynamo import default_dynamodb_client, from_item, to_item
from .lazy import LazyClient

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef, WriteRequestTypeDef

# BatchWriteItem takes at most this many requests.
BATCH_WRITE_LIMIT = 25
# A batch's unprocessed items (throttling) are sent again this many times, waiting longer each time (at most
# about 3 s in all), before the caller is told to retry.
_BATCH_ATTEMPTS = 6
_BATCH_BACKOFF_SECONDS = 0.05


@dataclass
class Page:
    total: int
    items: list[dict[str, Any]]
    # Items DynamoDB read to answer (ScannedCount summed over every call): what a list request costs.
    items_read: int = 0
    # The position after this page (documents lists only), or None at the end.
    next_cursor: str | None = None


@dataclass
class Table:
    name: str
    # Resolved at each use through the cached factory, so a SnapStart restore can swap in a new client.
    client: DynamoDBClient = field(default_factory=lambda: cast("DynamoDBClient", LazyClient(default_dynamodb_client)))

    def next_id(self, kind: str, reserved: int = 0) -> int:
        """The next id of `kind`. An atomic counter: ids are never reused, even when a later write fails.

        `reserved` ids (1..reserved) are never handed out, for objects that exist from the start.
        """
        response = self.client.update_item(
            TableName=self.name,
            Key=keys.item_key(keys.COUNTER, kind),
            UpdateExpression="ADD #value :one",
            ExpressionAttributeNames={"#value": "value"},
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["value"]["N"]) + reserved

    def put_new(self, kind: str, entity_id: int | str, attributes: Mapping[str, Any]) -> None:
        item = {**to_item(dict(attributes)), **keys.item_key(kind, entity_id)}
        self.client.put_item(TableName=self.name, Item=item, ConditionExpression="attribute_not_exists(pk)")

    def get(self, kind: str, entity_id: int | str, consistent: bool = True) -> dict[str, Any] | None:
        response = self.client.get_item(
            TableName=self.name, Key=keys.item_key(kind, entity_id), ConsistentRead=consistent
        )
        item = response.get("Item")
        return from_item(item) if item else None

    def delete(self, kind: str, entity_id: int | str) -> None:
        self.client.delete_item(TableName=self.name, Key=keys.item_key(kind, entity_id))

    def delete_many(self, item_keys: Sequence[Mapping[str, Any]]) -> None:
        """Deletes the items with these keys (each key once), 25 to a BatchWriteItem request. What DynamoDB
        leaves unprocessed (throttled) is sent again with backoff; StorageUnavailable when some is still left."""
        for start in range(0, len(item_keys), BATCH_WRITE_LIMIT):
            requests: list[WriteRequestTypeDef] = [
                {"DeleteRequest": {"Key": dict(key)}} for key in item_keys[start : start + BATCH_WRITE_LIMIT]
            ]
            for attempt in range(_BATCH_ATTEMPTS):
                if attempt:
                    # Full jitter: concurrent deletes that were throttled together do not retry together.
                    time.sleep(random.uniform(0, _BATCH_BACKOFF_SECONDS * 2**attempt))  # noqa: S311 - jitter
                try:
                    response = self.client.batch_write_item(RequestItems={self.name: requests})
                except self.client.exceptions.ProvisionedThroughputExceededException:
                    continue  # none of them was processed
                # The same requests, as DynamoDB hands them back.
                requests = cast("list[WriteRequestTypeDef]", response.get("UnprocessedItems", {}).get(self.name, []))
                if not requests:
                    break
            else:
                raise StorageUnavailable("The document store is busy; retry the request.")

    def newest_first(
        self,
        index: str,
        key_attribute: str,
        key_value: str,
        *,
        limit: int,
        offset: int = 0,
        created_from: str | None = None,
        created_to: str | None = None,
    ) -> Page:
        """One page of an index partition, newest first, and how many items the partition holds in all."""
        condition = "#key = :key"
        values: dict[str, Any] = {":key": {"S": key_value}}
        if created_from is not None or created_to is not None:
            condition += " AND created_sk BETWEEN :from AND :to"
            # '#' separates the timestamp from the id in created_sk; '~' sorts after every id digit.
            values[":from"] = {"S": created_from or "0"}
            values[":to"] = {"S": f"{created_to}#~" if created_to else "~"}
        query: QueryInputTypeDef = {
            "TableName": self.name,
            "IndexName": index,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": {"#key": key_attribute},
            "ExpressionAttributeValues": values,
            "ScanIndexForward": False,
        }
        wanted = offset + limit
        items: list[dict[str, Any]] = []
        total = 0
        read = 0
        start: Any = None
        # Items are fetched only up to the end of the requested page; the rest of the partition is counted
        # with Select=COUNT, which returns no item data.
        while True:
            request: QueryInputTypeDef = dict(query)  # type: ignore[assignment]
            if start is not None:
                request["ExclusiveStartKey"] = start
            if len(items) < wanted:
                request["Limit"] = wanted - len(items)
            else:
                request["Select"] = "COUNT"
            try:
                response = self.client.query(**request)
            except self.client.exceptions.ProvisionedThroughputExceededException as error:
                raise StorageUnavailable("The document store is busy; retry the request.") from error
            total += response["Count"]
            read += response["ScannedCount"]
            items.extend(from_item(item) for item in response.get("Items", []))
            start = response.get("LastEvaluatedKey")
            if not start:
                break
        return Page(total=total, items=items[offset:wanted], items_read=read)
