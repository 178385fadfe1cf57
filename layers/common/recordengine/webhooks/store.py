"""Webhook items in the documents table.

- endpoint `WEBHOOK#<id>` (listed through `by_kind`, kind `WEBHOOK`), with its signing secret;
- event `WEBHOOK_EVENT#<event id>`: the signed body, fixed when the event is created (conditional put, so a
  repeated stream record finds it and creates nothing);
- task `WEBHOOK_TASK#<event id>#<endpoint id>`: where the delivery of one event to one endpoint stands
  (`state`, `attempts`, and an `in_flight` lease while an attempt runs), so that each attempt number is
  claimed once however often the stream or SQS repeats a message;
- attempt `WEBHOOK_DELIVERY#<id>` (listed per endpoint through `by_kind`, kind `WEBHOOK_DELIVERY#<endpoint>`).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from recordengine.storage import keys
from recordengine.storage.documents import write_while_live
from recordengine.storage.dynamo import serialize, to_item
from recordengine.storage.table import Page, Table

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

WEBHOOK = "WEBHOOK"
EVENT = "WEBHOOK_EVENT"
TASK = "WEBHOOK_TASK"
DELIVERY = "WEBHOOK_DELIVERY"


class TaskState(StrEnum):
    PENDING = "pending"  # created; the first attempt is due
    SCHEDULED = "scheduled"  # an attempt failed; the next one is on the retry queue
    DELIVERED = "delivered"
    DEAD = "dead"  # every attempt of the schedule failed: on the dead-letter queue
    ABANDONED = "abandoned"  # the endpoint answered 410, was disabled or deleted


class Claim(StrEnum):
    CLAIMED = "claimed"
    DONE = "done"  # this attempt was made already (a repeated message), or the task is finished
    BUSY = "busy"  # another run is making this attempt right now


def delivery_kind(webhook_id: int) -> str:
    return f"{DELIVERY}#{webhook_id}"


@dataclass
class WebhookStore:
    table: Table

    # ------------------------------------------------------------------ endpoints
    def create_endpoint(self, attributes: dict[str, Any]) -> dict[str, Any]:
        webhook_id = self.table.next_id(WEBHOOK)
        item = {
            **attributes,
            "id": webhook_id,
            "kind": WEBHOOK,
            "created_sk": keys.created_sort_key(attributes["created_at"], webhook_id),
        }
        self.table.put_new(WEBHOOK, webhook_id, item)
        return item

    def endpoint(self, webhook_id: int) -> dict[str, Any] | None:
        return self.table.get(WEBHOOK, webhook_id)

    def endpoints(self, limit: int, offset: int) -> Page:
        return self.table.newest_first(keys.BY_KIND_INDEX, "kind", WEBHOOK, limit=limit, offset=offset)

    def all_endpoints(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        while True:
            page = self.endpoints(limit=200, offset=len(items))
            items.extend(page.items)
            if len(items) >= page.total or not page.items:
                return items

    def delete_endpoint(self, webhook_id: int) -> bool:
        client = self.table.client
        try:
            client.delete_item(
                TableName=self.table.name,
                Key=keys.item_key(WEBHOOK, webhook_id),
                ConditionExpression="attribute_exists(pk)",
            )
        except client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def disable_endpoint(self, webhook_id: int, reason: str) -> None:
        client = self.table.client
        # Deleted meanwhile: nothing to disable.
        with suppress(client.exceptions.ConditionalCheckFailedException):
            client.update_item(
                TableName=self.table.name,
                Key=keys.item_key(WEBHOOK, webhook_id),
                UpdateExpression="SET enabled = :false, disabled_reason = :reason",
                ConditionExpression="attribute_exists(pk)",
                ExpressionAttributeValues={":false": {"BOOL": False}, ":reason": {"S": reason}},
            )

    # ------------------------------------------------------------------ events
    def create_event(self, event: dict[str, Any]) -> dict[str, Any] | None:
        """Stores the event unless it exists; the stored event either way (its body is the one to sign). None
        when its document is deleted (or being deleted): the body is the document's record, which goes
        nowhere once the document is gone; an event stored before is erased with it (its reference)."""
        document_id = int(event["document_id"])
        event_key = keys.item_key(EVENT, event["event_id"])
        puts: list[TransactWriteItemTypeDef] = [
            {
                "Put": {
                    "TableName": self.table.name,
                    "Item": {**to_item(event), **event_key},
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            {"Put": {"TableName": self.table.name, "Item": keys.document_reference(document_id, event_key)}},
        ]
        reasons = write_while_live(self.table, document_id, puts)
        if not reasons:
            return event
        if reasons[-1] == "ConditionalCheckFailed":
            return None
        stored = self.event(event["event_id"])
        assert stored is not None
        return stored

    def event(self, event_id: str) -> dict[str, Any] | None:
        return self.table.get(EVENT, event_id)

    # ------------------------------------------------------------------ tasks
    def _task_key(self, event_id: str, webhook_id: int) -> dict[str, Any]:
        return keys.item_key(TASK, f"{event_id}#{webhook_id}")

    def create_task(self, event_id: str, webhook_id: int, created_at: str) -> None:
        client = self.table.client
        # A repeated record finds the task created.
        with suppress(client.exceptions.ConditionalCheckFailedException):
            self.table.put_new(
                TASK,
                f"{event_id}#{webhook_id}",
                {
                    "event_id": event_id,
                    "webhook_id": webhook_id,
                    "state": TaskState.PENDING.value,
                    "attempts": 0,
                    "in_flight": False,
                    "lease_until": 0,
                    "created_at": created_at,
                },
            )

    def task(self, event_id: str, webhook_id: int) -> dict[str, Any] | None:
        return self.table.get(TASK, f"{event_id}#{webhook_id}")

    def claim(self, event_id: str, webhook_id: int, made: int, now: int, lease_seconds: int) -> Claim:
        """Claims attempt number `made + 1`; a lease that ran out (a run that died) may be taken over."""
        client = self.table.client
        values = {
            ":made": made,
            ":next": made + 1,
            ":now": now,
            ":lease": now + lease_seconds,
            ":pending": TaskState.PENDING.value,
            ":scheduled": TaskState.SCHEDULED.value,
            ":true": True,
        }
        try:
            client.update_item(
                TableName=self.table.name,
                Key=self._task_key(event_id, webhook_id),
                UpdateExpression="SET attempts = :next, in_flight = :true, lease_until = :lease",
                ConditionExpression=(
                    "attribute_exists(pk) AND #state IN (:pending, :scheduled) AND "
                    "(attempts = :made OR (attempts = :next AND in_flight = :true AND lease_until < :now))"
                ),
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={k: serialize(v) for k, v in values.items()},
            )
        except client.exceptions.ConditionalCheckFailedException:
            task = self.task(event_id, webhook_id)
            if (
                task is not None
                and task["state"] in (TaskState.PENDING, TaskState.SCHEDULED)
                and task["attempts"] == made + 1
                and task["in_flight"]
            ):
                return Claim.BUSY
            return Claim.DONE
        return Claim.CLAIMED

    def finish(self, event_id: str, webhook_id: int, state: TaskState) -> None:
        self.table.client.update_item(
            TableName=self.table.name,
            Key=self._task_key(event_id, webhook_id),
            UpdateExpression="SET #state = :state, in_flight = :false",
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues={":state": serialize(state.value), ":false": serialize(False)},
        )

    # ------------------------------------------------------------------ attempts
    def record_attempt(self, attempt: dict[str, Any]) -> dict[str, Any]:
        client = self.table.client
        for _ in range(3):
            delivery_id = self.table.next_id(DELIVERY)
            item = {
                **attempt,
                "id": delivery_id,
                "kind": delivery_kind(attempt["webhook_id"]),
                "created_sk": keys.created_sort_key(attempt["created_at"], delivery_id),
            }
            try:
                self.table.put_new(DELIVERY, delivery_id, item)
                return item
            except client.exceptions.ConditionalCheckFailedException:
                # DynamoDB's counter never repeats an id; an emulator under concurrent writers can.
                continue
        raise RuntimeError("no free delivery id after 3 tries")

    def attempt(self, delivery_id: int) -> dict[str, Any] | None:
        return self.table.get(DELIVERY, delivery_id)

    def attempts(self, webhook_id: int, limit: int, offset: int) -> Page:
        return self.table.newest_first(
            keys.BY_KIND_INDEX, "kind", delivery_kind(webhook_id), limit=limit, offset=offset
        )
