"""Where moto differs from AWS in a way the application can see, put right (`patch_moto` applies all).

DynamoDB: moto takes a deep copy of every table a `TransactWriteItems` names before each transaction, to put
in place of the table if it fails. That costs time in proportion to everything the table holds, on every
transaction (seconds per write on a local stack that has run a while, holding every other DynamoDB call
up), and a rollback leaves everything that held the live stream shard (a stream reader's iterator, the
local stack's event source) on an orphaned one that never sees another record, while DynamoDB's stream
simply goes on. Here a transaction keeps the table and copies only the items it names; a failed one puts
those items back and cuts the live shard to the records it had before (the failed transaction's writes
never happened, so their records never existed either).

S3: a presigned GET of a key that does not exist answers SignatureDoesNotMatch in moto when the URL carries
`response-content-type` or `response-content-disposition` (moto reads them as the `content-type` a presigned
PUT must send), where S3 answers 404 NoSuchKey to a signer allowed to list the bucket. Only query
parameters named exactly `content-type` etc. are such PUT conditions; `response-*` are response overrides.

S3: a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method) is answered by moto from every rule
at once, whatever the method and headers asked for, and with the rule's AllowedHeaders as written (`x-amz-*`
literally, which no browser accepts for `x-amz-checksum-crc32`). S3 takes the first rule that allows the origin,
the method and every requested header (`*` wildcards in origins and headers), answers with that rule and the
requested headers, and refuses with 403 when no rule matches or the bucket has no CORS configuration.
"""

from __future__ import annotations

import copy
import functools
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

_PATCHED = "_recordengine_rolls_back_item_by_item"
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
    roll_back_transactions_item_by_item()
    read_response_overrides_as_s3_does()
    answer_cors_preflights_as_s3_does()


def read_response_overrides_as_s3_does() -> None:
    """A presigned URL's header conditions are the query parameters named exactly as the header."""
    from moto.s3.responses import S3Response

    def _invalid_headers(self: S3Response, url: str, headers: dict[str, str]) -> bool:
        query = parse_qs(urlsplit(url).query, keep_blank_values=True)
        return any(
            name in query and headers.get(header) != query[name][0] for name, header in _PRESIGNED_HEADERS.items()
        )

    S3Response._invalid_headers = _invalid_headers  # type: ignore[method-assign]


def _wildcard_match(pattern: str, value: str) -> bool:
    return re.fullmatch(".*".join(re.escape(part) for part in pattern.lower().split("*")), value.lower()) is not None


def cors_rule_allows(rule: Any, origin: str, method: str, headers: list[str]) -> bool:
    """Whether one of a bucket's CORS rules allows a preflight, as S3 evaluates it."""
    origins = rule.allowed_origins or []
    allowed_headers = rule.allowed_headers or []
    return (
        any(_wildcard_match(allowed, origin) for allowed in origins)
        and method in (rule.allowed_methods or [])
        and all(any(_wildcard_match(allowed, header) for allowed in allowed_headers) for header in headers)
    )


def answer_cors_preflights_as_s3_does() -> None:
    from moto.s3.exceptions import AccessForbidden
    from moto.s3.responses import S3Response

    def _set_cors_headers_options(self: S3Response, headers: Any, bucket: Any) -> None:
        lowered = {str(name).lower(): str(value) for name, value in dict(headers).items()}
        origin = lowered.get("origin", "")
        method = lowered.get("access-control-request-method", "")
        requested = [h.strip().lower() for h in lowered.get("access-control-request-headers", "").split(",")]
        requested = [h for h in requested if h]
        if not bucket.cors:
            raise AccessForbidden("CORSResponse: CORS is not enabled for this bucket.")
        rule = next((r for r in bucket.cors if cors_rule_allows(r, origin, method, requested)), None)
        if rule is None or not origin or not method:
            raise AccessForbidden(
                "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, "
                "request method / Access-Control-Request-Method or Access-Control-Request-Headers are not "
                "whitelisted by the resource's CORS spec."
            )
        answer = self.response_headers
        answer["Access-Control-Allow-Origin"] = "*" if "*" in rule.allowed_origins else origin
        answer["Access-Control-Allow-Methods"] = ", ".join(rule.allowed_methods)
        if requested:
            answer["Access-Control-Allow-Headers"] = ", ".join(requested)
        if rule.exposed_headers:
            answer["Access-Control-Expose-Headers"] = ", ".join(rule.exposed_headers)
        if rule.max_age_seconds is not None:
            answer["Access-Control-Max-Age"] = str(rule.max_age_seconds)
        answer["Vary"] = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"

    S3Response._set_cors_headers_options = _set_cors_headers_options  # type: ignore[method-assign]


def roll_back_transactions_item_by_item() -> None:
    """Patches moto's DynamoDB backend in this process (once; further calls do nothing).

    Runs under the lock that serializes DynamoDB calls (local/moto_server.py, tests/integration/conftest.py),
    which makes swapping `Table.__deepcopy__` for the length of one call safe.
    """
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    original = DynamoDBBackend.transact_write_items
    if getattr(original, _PATCHED, False):
        return

    @functools.wraps(original)
    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        saved = _named_items(self, transact_items)
        shards = {
            id(table): (table.stream_shard, len(table.stream_shard.items))
            for table, *_ in saved
            if table.stream_shard is not None
        }
        Table.__deepcopy__ = _the_table_itself  # type: ignore[attr-defined]
        try:
            original(self, transact_items)
        except BaseException:
            for table, hash_key, range_key, item in reversed(saved):
                _put_back(table, hash_key, range_key, item)
            for shard, length in shards.values():
                del shard.items[length:]
            raise
        finally:
            del Table.__deepcopy__  # type: ignore[attr-defined]

    setattr(transact_write_items, _PATCHED, True)
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def _the_table_itself(table: Any, memo: dict[int, Any]) -> Any:
    return table


def _named_items(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[Any, Any, Any, Any]]:
    """(table, hash key, range key, a copy of the item or None) for each item a transaction names."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    saved: list[tuple[Any, Any, Any, Any]] = []
    for entry in transact_items:
        for operation_type, operation in entry.items() if isinstance(entry, dict) else ():
            table = backend.tables.get(operation.get("TableName")) if isinstance(operation, dict) else None
            if table is None:
                continue
            key = operation.get("Item") if operation_type == "Put" else operation.get("Key")
            try:
                hash_key = DynamoType(key[table.hash_key_attr])
                range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
            except (KeyError, TypeError):
                continue  # moto refuses the transaction before it writes anything
            saved.append((table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))))
    return saved


def _put_back(table: Any, hash_key: Any, range_key: Any, item: Any) -> None:
    if range_key is None:
        if item is None:
            table.items.pop(hash_key, None)
        else:
            table.items[hash_key] = item
    elif item is None:
        table.items.get(hash_key, {}).pop(range_key, None)
    else:
        table.items[hash_key][range_key] = item
