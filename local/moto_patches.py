"""Where moto's DynamoDB differs from DynamoDB in a way the application can see, put right.

A failed `TransactWriteItems` rolls back in moto by putting a deep copy of each table, taken before the
transaction, in place of the table. The copy carries a copy of the table's stream shard, so everything
holding the shard that was live (a stream reader's shard iterator, the local stack's event source) reads
an orphaned shard from then on and never sees another record, while DynamoDB's stream simply goes on.
After a rollback, the restored table here gets the live shard back, cut to the records it had before the
transaction (the failed transaction's writes never happened, so their records never existed either).
"""

from __future__ import annotations

import functools
from typing import Any

_PATCHED = "_recordengine_keeps_stream_shards"


def keep_stream_shards_across_rollbacks() -> None:
    """Patches moto's DynamoDB backend in this process (once; further calls do nothing)."""
    from moto.dynamodb.models import DynamoDBBackend

    original = DynamoDBBackend.transact_write_items
    if getattr(original, _PATCHED, False):
        return

    @functools.wraps(original)
    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        live = _live_shards(self, transact_items)
        try:
            original(self, transact_items)
        except BaseException:
            for name, (table, shard, length) in live.items():
                restored = self.tables.get(name)
                if restored is not None and restored is not table:
                    del shard.items[length:]
                    shard.table = restored
                    restored.stream_shard = shard
            raise

    setattr(transact_write_items, _PATCHED, True)
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def _live_shards(backend: Any, transact_items: list[dict[str, Any]]) -> dict[str, tuple[Any, Any, int]]:
    """{table name: (table, its stream shard, records in the shard)} for the tables a transaction names."""
    live: dict[str, tuple[Any, Any, int]] = {}
    for item in transact_items:
        for operation in item.values() if isinstance(item, dict) else ():
            name = operation.get("TableName") if isinstance(operation, dict) else None
            if not isinstance(name, str) or name in live:
                continue
            table = backend.tables.get(name)
            if table is not None and table.stream_shard is not None:
                live[name] = (table, table.stream_shard, len(table.stream_shard.items))
    return live
