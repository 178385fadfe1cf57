"""`python -m bench cost`: what 1,000 documents cost on AWS, from operations counted in-process on moto.

A few generated invoices go through the real handlers as the integration tests drive them (upload through
the API, the S3 event into extract_document, Needs Review; PATCH status Export, the table's stream into
queue_webhook_deliveries, the delivery queue into send_webhook, one webhook endpoint receiving). Every AWS
call is counted where botocore makes it (``BaseClient._make_api_call``); the harness's own calls (creating
the stack, reading the stream as Lambda's event source mapping does) are kept apart. DynamoDB write and
read units come from item sizes (the item read back before and after each write, uncounted), as
bench/capacity.py computes them: 1 WCU per KB of the larger of the item before and after, for the table and
for each GSI (read from template.yaml at run time, projections included) the item enters, leaves, moves in
or changes a projected attribute of; a transaction's table items twice; 0.5 RCU per 4 KB read eventually
consistent, 1 strongly consistent. Lambda GB-seconds are each invocation's
CPU time (its thread's) times the function's MemorySize in the template, billed per millisecond: a
lower bound, as waiting on AWS is not counted. Prices are us-east-1 on-demand list prices (PRICES_AS_OF).
A measurement only: nothing passes or fails.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .capacity import Index, item_size, write_units

ROOT = Path(__file__).resolve().parent.parent
PRICES_AS_OF = "2025-06, us-east-1, on-demand list prices"
LAMBDA_ARM_GB_SECOND = 0.0000133334
LAMBDA_REQUEST = 0.20 / 1_000_000
HTTP_API_REQUEST = 1.00 / 1_000_000
DYNAMODB_WRITE_UNIT = 0.625 / 1_000_000
DYNAMODB_READ_UNIT = 0.125 / 1_000_000
S3_PUT_REQUEST = 0.005 / 1_000  # PUT, COPY, POST, LIST
S3_GET_REQUEST = 0.0004 / 1_000  # GET, HEAD and the rest
S3_STORAGE_GB_MONTH = 0.023
SQS_FIFO_REQUEST = 0.50 / 1_000_000
SQS_REQUEST = 0.40 / 1_000_000
DOCUMENTS = 1_000

_S3_PUT_CLASS = {"PutObject", "CopyObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"}
_S3_LIST_CLASS = {"ListObjects", "ListObjectsV2", "ListObjectVersions"}


@dataclass(frozen=True)
class TableModel:
    keys: tuple[str, ...]
    indexes: tuple[Index, ...]


def table_models(template: dict[str, Any], physical: dict[str, str]) -> dict[str, TableModel]:
    """Physical table name -> its key and GSIs, as template.yaml declares them now."""
    models = {}
    for logical_id, resource in template["Resources"].items():
        if resource.get("Type") != "AWS::DynamoDB::Table" or logical_id not in physical:
            continue
        properties = resource["Properties"]
        keys = tuple(key["AttributeName"] for key in properties["KeySchema"])
        indexes = tuple(
            Index(
                index["IndexName"],
                tuple(key["AttributeName"] for key in index["KeySchema"]),
                index.get("Projection", {}).get("ProjectionType", "KEYS_ONLY"),
                tuple(index.get("Projection", {}).get("NonKeyAttributes", [])),
            )
            for index in properties.get("GlobalSecondaryIndexes", [])
        )
        models[physical[logical_id]] = TableModel(keys, indexes)
    return models


# ---------------------------------------------------------------------------------------------- counting


@dataclass
class Counts:
    calls: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (who, service, operation)
    write_units: Counter[str] = field(default_factory=Counter)  # who -> WCU
    read_units: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    invocations: Counter[str] = field(default_factory=Counter)
    cpu_seconds: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    api_requests: int = 0
    stored_bytes: int = 0


# The function an AWS call is made for: a context variable, so that it follows a handler's work into the
# threads it hands work to (FastAPI runs synchronous endpoints in a thread pool, copying the context).
_WHO: ContextVar[str] = ContextVar("bench_cost_function", default="harness")


def _who() -> str:
    return _WHO.get()


class Hooks:
    """Hooks botocore and the local Lambda runtime; counts while ``active``."""

    def __init__(self, models: dict[str, TableModel], memory: dict[str, int]) -> None:
        self.models = models
        self.memory = memory
        self.counts = Counts()
        self.active = False
        # CPU seconds spent inside botocore calls (moto answering them: AWS's work, not the function's).
        self.aws_cpu = 0.0

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        from botocore.client import BaseClient

        from local.gateway import Gateway
        from local.runtime import LambdaFunction

        original_call = getattr(BaseClient, "_make_api_call")  # noqa: B009 - private, no stub
        original_invoke = LambdaFunction.invoke
        original_handle = Gateway.handle
        hooks = self

        def make_api_call(client: Any, operation: str, params: dict[str, Any]) -> Any:
            started = time.process_time()
            try:
                return counted_call(client, operation, params)
            finally:
                hooks.aws_cpu += time.process_time() - started

        def counted_call(client: Any, operation: str, params: dict[str, Any]) -> Any:
            if not hooks.active:
                return original_call(client, operation, params)
            service = client.meta.service_model.service_name
            who = _who()
            hooks.counts.calls[(who, service, operation)] += 1
            if service == "dynamodb":
                return hooks._dynamodb(client, original_call, operation, params, who)
            if service == "s3" and operation == "PutObject" and who != "harness":
                body = params.get("Body", b"")
                hooks.counts.stored_bytes += len(body) if isinstance(body, (bytes, bytearray)) else 0
            return original_call(client, operation, params)

        def invoke(function: Any, event: Any, context: Any = None) -> Any:
            if not hooks.active:
                return original_invoke(function, event, context)
            name = function.spec.logical_id
            token = _WHO.set(name)
            # Invocations run one at a time here: the process's CPU time during one, less moto's, is the
            # handler's (its own thread and the threads it hands work to).
            started, aws_before = time.process_time(), hooks.aws_cpu
            try:
                return original_invoke(function, event, context)
            finally:
                cpu = time.process_time() - started - (hooks.aws_cpu - aws_before)
                hooks.counts.invocations[name] += 1
                hooks.counts.cpu_seconds[name].append(max(0.0, cpu))
                _WHO.reset(token)

        def handle(gateway: Any, *args: Any, **kwargs: Any) -> Any:
            if hooks.active:
                hooks.counts.api_requests += 1
            return original_handle(gateway, *args, **kwargs)

        patches: list[tuple[type, str, Any, Any]] = [
            (BaseClient, "_make_api_call", make_api_call, original_call),
            (LambdaFunction, "invoke", invoke, original_invoke),
            (Gateway, "handle", handle, original_handle),
        ]
        for owner, name, replacement, _ in patches:
            setattr(owner, name, replacement)
        try:
            yield
        finally:
            for owner, name, _, original in patches:
                setattr(owner, name, original)

    # DynamoDB units -------------------------------------------------------------------------------

    def _get(self, client: Any, call: Any, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        try:
            item = call(client, "GetItem", {"TableName": table, "Key": key, "ConsistentRead": True}).get("Item")
        except Exception:
            return None
        return item if isinstance(item, dict) else None

    def _key(self, table: str, item: dict[str, Any]) -> dict[str, Any]:
        model = self.models.get(table)
        return {name: item[name] for name in (model.keys if model else ()) if name in item}

    def _write_units(
        self, table: str, before: dict[str, Any] | None, after: dict[str, Any] | None, *, transactional: bool = False
    ) -> int:
        """Units of one write: a transaction's table item twice (DynamoDB writes it twice), its indexes once."""
        model = self.models.get(table)
        table_units, index_units = write_units(before, after, *((model.keys, model.indexes) if model else ((), ())))
        return table_units * (2 if transactional else 1) + sum(index_units.values())

    def _read_units(self, size: int, consistent: bool) -> float:
        return max(1, math.ceil(size / 4096)) * (1.0 if consistent else 0.5)

    def _dynamodb(self, client: Any, call: Any, operation: str, params: dict[str, Any], who: str) -> Any:
        counts = self.counts
        if operation in ("PutItem", "UpdateItem", "DeleteItem"):
            table = params["TableName"]
            key = params["Key"] if "Key" in params else self._key(table, params["Item"])
            before = self._get(client, call, table, key)
            try:
                return call(client, operation, params)
            finally:
                after = self._get(client, call, table, key)
                counts.write_units[who] += self._write_units(table, before, after)
        if operation == "TransactWriteItems":
            writes = []
            for entry in params["TransactItems"]:
                (kind, body), *_ = entry.items()
                table = body["TableName"]
                key = body["Key"] if "Key" in body else self._key(table, body["Item"])
                writes.append((kind, table, key, self._get(client, call, table, key)))
            try:
                return call(client, operation, params)
            finally:
                for kind, table, key, before in writes:
                    after = self._get(client, call, table, key)
                    if kind == "ConditionCheck":
                        counts.write_units[who] += 2 * max(1, math.ceil(item_size(before) / 1024))
                    else:
                        counts.write_units[who] += self._write_units(table, before, after, transactional=True)
        if operation == "BatchWriteItem":
            for table, requests in params["RequestItems"].items():
                for request in requests:
                    item = request.get("PutRequest", {}).get("Item")
                    key = request.get("DeleteRequest", {}).get("Key") or self._key(table, item or {})
                    before = self._get(client, call, table, key)
                    counts.write_units[who] += self._write_units(table, before, item)
            return call(client, operation, params)
        response = call(client, operation, params)
        consistent = bool(params.get("ConsistentRead"))
        if operation == "GetItem":
            counts.read_units[who] += self._read_units(item_size(response.get("Item")), consistent)
        elif operation in ("Query", "Scan"):
            size = sum(item_size(item) for item in response.get("Items", []))
            counts.read_units[who] += self._read_units(size, consistent)
        elif operation == "BatchGetItem":
            for table_items in response.get("Responses", {}).values():
                for item in table_items:
                    counts.read_units[who] += self._read_units(item_size(item), consistent)
        elif operation == "TransactGetItems":
            for entry in response.get("Responses", []):
                counts.read_units[who] += 2 * self._read_units(item_size(entry.get("Item")), True)
        return response


# ---------------------------------------------------------------------------------------------- the run


def _run(documents: int) -> tuple[Counts, dict[str, int], int]:
    import boto3
    import pytest
    from moto import mock_aws

    from local.cfn import load_yaml
    from local.moto_patches import patch_moto
    from tests.support.aws_stack import start_stack, use_moto_credentials
    from tests.support.documents import invoice_pdf
    from tests.support.webhooks import Pump, Receiver, configure

    template = load_yaml((ROOT / "template.yaml").read_text(encoding="utf-8"))
    receiver = Receiver()
    with pytest.MonkeyPatch.context() as monkeypatch, mock_aws():
        patch_moto()
        use_moto_credentials(monkeypatch)
        stacks = start_stack(monkeypatch)
        stack = next(stacks)
        try:
            configure(monkeypatch)
            models = table_models(template, stack.resources)
            memory = {logical_id: spec.memory_mb for logical_id, spec in stack.application.functions.items()}
            hooks = Hooks(models, memory)
            with hooks.installed():
                contact = stack.request("POST", "/api/contacts", json_body={"name": "Acme Corporation"}).json()
                folder = stack.request("POST", "/api/folders", json_body={"name": "Q4 Invoices"}).json()
                hook = stack.request("POST", "/api/webhooks", json_body={"url": receiver.url})
                assert hook.status == 201, hook.body
                pump = Pump(stack)
                pump.run()  # the stream so far (the setup's records) is not the documents'
                fields = {"contact_id": contact["id"], "folder_id": folder["id"]}
                hooks.active = True
                for number in range(documents):
                    content = invoice_pdf(number=f"INV-2025-{1000 + number}")
                    response = stack.upload(content, fields=fields)
                    assert response.status == 201, response.body
                    document_id = response.json()["id"]
                    stack.deliver_s3_events()
                    # Export is refused (409) until extraction has ended (Needs Review).
                    changed = stack.request(
                        "PATCH", f"/api/documents/{document_id}/status", json_body={"status": "Export"}
                    )
                    assert changed.status == 200, changed.body
                    pump.run()
                hooks.active = False
            delivered = len(receiver.requests)
        finally:
            with contextlib.suppress(StopIteration):
                next(stacks)
            receiver.close()
            boto3.DEFAULT_SESSION = None
    return hooks.counts, memory, delivered


def _money(value: float) -> str:
    return f"${value:,.6f}"


def report() -> list[str]:
    for path in (str(ROOT / "layers" / "common"), str(ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    documents = max(1, int(os.environ.get("BENCH_COST_DOCUMENTS", "3")))
    counts, memory, delivered = _run(documents)
    scale = DOCUMENTS / documents
    rows: list[tuple[str, float, str, float]] = []  # label, count per 1,000 documents, unit, cost

    for name in sorted(counts.invocations):
        invocations = counts.invocations[name] * scale
        billed = sum(math.ceil(seconds * 1000) / 1000 for seconds in counts.cpu_seconds[name]) * scale
        gb_seconds = billed * memory.get(name, 128) / 1024
        rows.append((f"Lambda {name}: requests", invocations, "requests", invocations * LAMBDA_REQUEST))
        rows.append(
            (
                f"Lambda {name}: compute ({memory.get(name, 128)} MB, CPU time)",
                gb_seconds,
                "GB-s",
                gb_seconds * LAMBDA_ARM_GB_SECOND,
            )
        )
    api = counts.api_requests * scale
    rows.append(("API Gateway HTTP API requests", api, "requests", api * HTTP_API_REQUEST))
    for who in sorted(set(counts.write_units) | set(counts.read_units)):
        if who == "harness":
            continue
        writes = counts.write_units[who] * scale
        reads = counts.read_units[who] * scale
        rows.append((f"DynamoDB write units ({who})", writes, "WRU", writes * DYNAMODB_WRITE_UNIT))
        rows.append((f"DynamoDB read units ({who})", reads, "RRU", reads * DYNAMODB_READ_UNIT))
    s3 = Counter[str]()
    sqs = Counter[str]()
    for (who, service, operation), number in counts.calls.items():
        if service == "s3" and who != "harness":
            s3["PUT" if operation in _S3_PUT_CLASS or operation in _S3_LIST_CLASS else "GET"] += number
        if service == "sqs":
            polled = who == "harness"
            sqs[
                "event source mappings (receive, delete; FIFO price)" if polled else "functions (send; FIFO price)"
            ] += number
    rows.append(("S3 PUT/COPY/POST/LIST requests", s3["PUT"] * scale, "requests", s3["PUT"] * scale * S3_PUT_REQUEST))
    rows.append(("S3 GET/HEAD requests", s3["GET"] * scale, "requests", s3["GET"] * scale * S3_GET_REQUEST))
    gigabytes = counts.stored_bytes * scale / 1024**3
    rows.append(("S3 storage of the files, one month", gigabytes, "GB-month", gigabytes * S3_STORAGE_GB_MONTH))
    for label, number in sorted(sqs.items()):
        rows.append((f"SQS requests, {label}", number * scale, "requests", number * scale * SQS_FIFO_REQUEST))

    total = sum(cost for *_, cost in rows)
    lines = [
        f"== cost: per {DOCUMENTS:,} documents (upload -> Needs Review -> Export -> one webhook delivery), "
        f"counted over {documents} generated invoices on moto; prices {PRICES_AS_OF}",
        f"   webhook deliveries received: {delivered} of {documents}",
    ]
    width = max(len(label) for label, *_ in rows)
    for label, amount, unit, cost in rows:
        lines.append(f"   {label:<{width}} {amount:14,.3f} {unit:<9} {_money(cost):>10}")
    lines.append(f"   {'total':<{width}} {'':14} {'':<9} {_money(total):>10}")
    operations = Counter[str]()
    for (who, service, operation), number in counts.calls.items():
        if who != "harness":
            operations[f"{service}.{operation}"] += number
    lines.append(
        "   AWS calls per document by the functions: "
        + ", ".join(f"{name} {number / documents:.2f}" for name, number in sorted(operations.items()))
    )
    lines.append("   (DynamoDB Streams reads by Lambda triggers are free; CloudWatch Logs, data transfer not counted)")
    return lines
