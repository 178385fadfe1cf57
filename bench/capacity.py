"""DynamoDB capacity units computed as DynamoDB computes them, from botocore hooks on a client.

Reads: a Query costs 0.5 read unit (eventually consistent; 1 strongly consistent) per 4 KB of the items it
reads (every item it reads, before a FilterExpression, even with Select=COUNT), summed per call, at least
one unit per call; GetItem per item; BatchGetItem per item, each rounded up. For an index, an item's size is
its projected size (keys and projected attributes): what the Query returns.

Writes: for the table, 1 write unit per 1 KB of the larger of the old and new item; for every global
secondary index the item is in before or after the write: a put when it enters, a delete when it leaves,
both (2 writes) when its index key changes, one write when a projected attribute changes, nothing
otherwise; each rounded up per KB of the projected item. Transactions are counted at the same units here
(DynamoDB bills the table item of a transactional write twice: `billed` adds that).

moto's ConsumedCapacity is not used: it reports whole-item units that ignore projections and index writes.
"""

from __future__ import annotations

import contextlib
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

_READ_UNIT = 4096
_WRITE_UNIT = 1024


def _number_size(text: str) -> int:
    digits = text.lstrip("-").replace(".", "")
    with contextlib.suppress(ArithmeticError):
        digits = str(Decimal(text).normalize()).lstrip("-").replace(".", "").split("E")[0]
    return (len(digits.lstrip("0") or "0") + 1) // 2 + 1


def value_size(value: dict[str, Any]) -> int:
    (kind, inner), *_ = value.items()
    if kind == "S":
        return len(inner.encode("utf-8"))
    if kind == "N":
        return _number_size(inner)
    if kind == "B":
        return len(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS",):
        return sum(len(v.encode("utf-8")) for v in inner)
    if kind == "NS":
        return sum(_number_size(v) for v in inner)
    if kind == "BS":
        return sum(len(v) for v in inner)
    if kind == "M":
        return 3 + sum(len(k.encode("utf-8")) + value_size(v) + 1 for k, v in inner.items())
    if kind == "L":
        return 3 + sum(value_size(v) + 1 for v in inner)
    raise ValueError(kind)


def item_size(item: dict[str, Any] | None) -> int:
    if not item:
        return 0
    return sum(len(name.encode("utf-8")) + value_size(value) for name, value in item.items())


@dataclass(frozen=True)
class Index:
    name: str
    key_attributes: tuple[str, ...]
    projection: str
    included: tuple[str, ...] = ()

    def projected(self, item: dict[str, Any] | None, table_keys: tuple[str, ...]) -> dict[str, Any] | None:
        if not item or any(name not in item for name in self.key_attributes):
            return None
        if self.projection == "ALL":
            return item
        names = set(table_keys) | set(self.key_attributes)
        if self.projection == "INCLUDE":
            names |= set(self.included)
        return {name: value for name, value in item.items() if name in names}


def table_indexes(client: Any, table: str) -> tuple[tuple[str, ...], list[Index]]:
    description = client.describe_table(TableName=table)["Table"]
    table_keys = tuple(key["AttributeName"] for key in description["KeySchema"])
    indexes = [
        Index(
            index["IndexName"],
            tuple(key["AttributeName"] for key in index["KeySchema"]),
            index["Projection"]["ProjectionType"],
            tuple(index["Projection"].get("NonKeyAttributes", [])),
        )
        for index in description.get("GlobalSecondaryIndexes", [])
    ]
    return table_keys, indexes


def _units(size: int, unit: int) -> int:
    return max(1, math.ceil(size / unit))


@dataclass
class Meter:
    """Registered on a client's events: every read and write it makes, in capacity units."""

    raw: Any  # an unhooked client on the same backend, to read item images and re-run COUNT queries
    table: str
    table_keys: tuple[str, ...]
    indexes: list[Index]
    read_units: float = 0.0
    items_read: int = 0
    write_units: Counter[str] = field(default_factory=Counter)
    billed_extra: int = 0
    writes: list[tuple[str, str, int]] = field(default_factory=list)  # (operation, item pk, units)

    @classmethod
    def attach(cls, client: Any, raw: Any, table: str) -> Meter:
        table_keys, indexes = table_indexes(raw, table)
        meter = cls(raw, table, table_keys, indexes)
        client.meta.events.register("provide-client-params.dynamodb.*", meter._before)
        client.meta.events.register("after-call.dynamodb.*", meter._after)
        return meter

    def reset(self) -> None:
        self.read_units = 0.0
        self.items_read = 0
        self.write_units.clear()
        self.billed_extra = 0
        self.writes.clear()

    # ------------------------------------------------------------------ hooks
    def _before(self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        context["meter_params"] = dict(params)
        keys = self._written_keys(model.name, params)
        context["meter_old"] = [(key, transactional, self._get(key)) for key, transactional in keys]

    def _after(self, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        params = context.get("meter_params")
        if params is None or "Error" in parsed:
            return
        name = model.name
        if name == "Query":
            self._query(params, parsed)
        elif name == "GetItem":
            self.items_read += 1
            self.read_units += _units(item_size(parsed.get("Item")), _READ_UNIT) * self._factor(params)
        elif name == "BatchGetItem":
            for items in parsed.get("Responses", {}).values():
                for item in items:
                    self.items_read += 1
                    self.read_units += _units(item_size(item), _READ_UNIT) * 0.5
        for key, transactional, old in context.get("meter_old", []):
            self._write(name, key, old, self._get(key), transactional)

    @staticmethod
    def _factor(params: dict[str, Any]) -> float:
        return 1.0 if params.get("ConsistentRead") else 0.5

    def _query(self, params: dict[str, Any], parsed: dict[str, Any]) -> None:
        items = parsed.get("Items")
        if params.get("Select") == "COUNT" or params.get("FilterExpression") or items is None:
            again = {k: v for k, v in params.items() if k not in ("Select", "FilterExpression")}
            values = dict(again.get("ExpressionAttributeValues", {}))
            names = dict(again.get("ExpressionAttributeNames", {}))
            condition = again.get("KeyConditionExpression", "")
            again["ExpressionAttributeValues"] = {k: v for k, v in values.items() if k in condition}
            if names:
                again["ExpressionAttributeNames"] = {k: v for k, v in names.items() if k in condition}
            items = self.raw.query(**again).get("Items", [])
        self.items_read += len(items)
        self.read_units += _units(sum(item_size(i) for i in items), _READ_UNIT) * self._factor(params)

    # ------------------------------------------------------------------ writes
    def _written_keys(self, name: str, params: dict[str, Any]) -> list[tuple[dict[str, Any], bool]]:
        def key_of(item: dict[str, Any]) -> dict[str, Any]:
            return {k: item[k] for k in self.table_keys}

        if name == "PutItem":
            return [(key_of(params["Item"]), False)]
        if name in ("UpdateItem", "DeleteItem"):
            return [(params["Key"], False)]
        if name == "BatchWriteItem":
            found = []
            for requests in params["RequestItems"].values():
                for request in requests:
                    if "PutRequest" in request:
                        found.append((key_of(request["PutRequest"]["Item"]), False))
                    else:
                        found.append((request["DeleteRequest"]["Key"], False))
            return found
        if name == "TransactWriteItems":
            found = []
            for entry in params["TransactItems"]:
                (kind, body), *_ = entry.items()
                found.append((key_of(body["Item"]) if kind == "Put" else body["Key"], True))
            return found
        return []

    def _get(self, key: dict[str, Any]) -> dict[str, Any] | None:
        return self.raw.get_item(TableName=self.table, Key=key, ConsistentRead=True).get("Item")

    def _write(
        self, operation: str, key: dict[str, Any], old: dict[str, Any] | None, new: dict[str, Any] | None, tx: bool
    ) -> None:
        pk = key[self.table_keys[0]]["S"]
        kind = _kind_of(pk)
        table_units, index_units = write_units(old, new, self.table_keys, self.indexes)
        self.write_units[f"table: {kind}"] += table_units
        if tx:
            self.billed_extra += table_units
        for name, units in index_units.items():
            self.write_units[f"index {name}: {kind}"] += units
        self.writes.append((operation, pk, table_units + sum(index_units.values())))


def write_units(
    old: dict[str, Any] | None, new: dict[str, Any] | None, table_keys: tuple[str, ...], indexes: Sequence[Index]
) -> tuple[int, dict[str, int]]:
    """(table units, {index: units}) of one write that takes an item from `old` to `new` (None: absent)."""
    table_units = _units(max(item_size(old), item_size(new)), _WRITE_UNIT)
    index_units: dict[str, int] = {}
    for index in indexes:
        before = index.projected(old, table_keys)
        after = index.projected(new, table_keys)
        units = 0
        if before is None and after is None:
            continue
        if before is None:
            units = _units(item_size(after), _WRITE_UNIT)
        elif after is None:
            units = _units(item_size(before), _WRITE_UNIT)
        elif any(before[k] != after[k] for k in index.key_attributes):
            units = _units(item_size(before), _WRITE_UNIT) + _units(item_size(after), _WRITE_UNIT)
        elif before != after:
            units = _units(max(item_size(before), item_size(after)), _WRITE_UNIT)
        if units:
            index_units[index.name] = units
    return table_units, index_units


def _kind_of(pk: str) -> str:
    return pk.split("#", 1)[0]
