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

S3: a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method) is answered by moto from every rule
at once, whatever the method and headers asked for, and with the rule's AllowedHeaders as written (`x-amz-*`
literally, which no browser accepts for `x-amz-checksum-crc32`). S3 takes the first rule that allows the origin,
the method and every requested header (`*` wildcards in origins and headers), answers with that rule and the
requested headers, and refuses with 403 when no rule matches or the bucket has no CORS configuration.
"""

from __future__ import annotations

import functools
import re
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
