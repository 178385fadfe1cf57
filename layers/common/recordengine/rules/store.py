"""Rules in DynamoDB: items of kind RULE in the one table, ids from the table's atomic counter.

Reading every rule is one Query of the `by_kind` index (paged by DynamoDB when large): there are few rules,
and both the list endpoint (sorted by priority) and the extraction step need all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from recordengine.clock import now_timestamp
from recordengine.errors import NotFound, StorageUnavailable
from recordengine.storage import keys
from recordengine.storage.dynamo import from_item, to_item
from recordengine.storage.table import Table

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef


@dataclass
class RuleStore:
    table: Table

    def create(self, attributes: dict[str, Any]) -> dict[str, Any]:
        rule_id = self.table.next_id(keys.RULE)
        now = now_timestamp()
        record = {**attributes, "id": rule_id, "created_at": now, "updated_at": now}
        self.table.put_new(keys.RULE, rule_id, {**record, **self._index_attributes(record)})
        return record

    def get(self, rule_id: int) -> dict[str, Any] | None:
        return self.table.get(keys.RULE, rule_id)

    def replace(self, rule_id: int, attributes: dict[str, Any]) -> dict[str, Any]:
        """Replaces the rule's definition (its id and created_at stay); NotFound when there is no such rule."""
        current = self.get(rule_id)
        if current is None:
            raise NotFound(f"Rule {rule_id} not found.")
        record = {**attributes, "id": rule_id, "created_at": current["created_at"], "updated_at": now_timestamp()}
        item = {**to_item({**record, **self._index_attributes(record)}), **keys.item_key(keys.RULE, rule_id)}
        client = self.table.client
        try:
            client.put_item(TableName=self.table.name, Item=item, ConditionExpression="attribute_exists(pk)")
        except client.exceptions.ConditionalCheckFailedException:
            raise NotFound(f"Rule {rule_id} not found.") from None
        return record

    def delete(self, rule_id: int) -> None:
        """Deletes the rule; NotFound when there is no such rule."""
        response = self.table.client.delete_item(
            TableName=self.table.name, Key=keys.item_key(keys.RULE, rule_id), ReturnValues="ALL_OLD"
        )
        if not response.get("Attributes"):
            raise NotFound(f"Rule {rule_id} not found.")

    def all(self) -> list[dict[str, Any]]:
        """Every rule, in no particular order."""
        query: QueryInputTypeDef = {
            "TableName": self.table.name,
            "IndexName": keys.BY_KIND_INDEX,
            "KeyConditionExpression": "#kind = :kind",
            "ExpressionAttributeNames": {"#kind": "kind"},
            "ExpressionAttributeValues": {":kind": {"S": keys.RULE}},
        }
        client = self.table.client
        items: list[dict[str, Any]] = []
        start: Any = None
        while True:
            request: QueryInputTypeDef = dict(query)  # type: ignore[assignment]
            if start is not None:
                request["ExclusiveStartKey"] = start
            try:
                response = client.query(**request)
            except client.exceptions.ProvisionedThroughputExceededException as error:
                raise StorageUnavailable("The rule store is busy; retry the request.") from error
            items.extend(from_item(item) for item in response.get("Items", []))
            start = response.get("LastEvaluatedKey")
            if not start:
                return items

    @staticmethod
    def _index_attributes(record: dict[str, Any]) -> dict[str, Any]:
        return {"kind": keys.RULE, "created_sk": keys.created_sort_key(record["created_at"], record["id"])}
