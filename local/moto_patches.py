"""Where moto differs from AWS in a way the application can see, put right (`patch_moto` applies all).

DynamoDB: a failed `TransactWriteItems` rolls back in moto by putting a deep copy of each table, taken before the
transaction, in place of the table. The copy carries a copy of the table's stream shard, so everything
holding the shard that was live (a stream reader's shard iterator, the local stack's event source) reads
an orphaned shard from then on and never sees another record, while DynamoDB's stream simply goes on.
After a rollback, the restored table here gets the live shard back, cut to the records it had before the
transaction (the failed transaction's writes never happened, so their records never existed either).

S3: a presigned GET of a key that does not exist answers SignatureDoesNotMatch in moto when the URL carries
`response-content-type` or `response-content-disposition` (moto reads them as the `content-type` a presigned
PUT must send), where S3 answers 404 NoSuchKey to a signer allowed to list the bucket. Only query
parameters named exactly `content-type` etc. are such PUT conditions; `response-*` are response overrides.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import parse_qs, urlsplit

_PATCHED = "_recordengine_keeps_stream_shards"
_PRESIGNED_HEADERS = {
    "content-disposition": "Content-Disposition",
    "content-encoding": "Content-Encoding",
    "content-language": "Content-Language",
    "content-length": "Content-Length",
    "content-md5": "Content-MD5",
    "content-type": "Content-Type",
}


def patch_moto() -> None:
    """Every correction below, in this process (idempotent)."""
    keep_stream_shards_across_rollbacks()
    read_response_overrides_as_s3_does()


def read_response_overrides_as_s3_does() -> None:
    """A presigned URL's header conditions are the query parameters named exactly as the header."""
    from moto.s3.responses import S3Response

    def _invalid_headers(self: S3Response, url: str, headers: dict[str, str]) -> bool:
        query = parse_qs(urlsplit(url).query, keep_blank_values=True)
        return any(
            name in query and headers.get(header) != query[name][0] for name, header in _PRESIGNED_HEADERS.items()
        )

    S3Response._invalid_headers = _invalid_headers  # type: ignore[method-assign]


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
