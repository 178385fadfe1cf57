"""DynamoDB cost of the document lists and of a document's writes, computed as DynamoDB bills them.

Reads: for every combination of list filters (none, contact, folder, status, alone and combined, each also
with a date range, and external_ref), the items read and the read capacity units of one list request
(limit=50, DocumentService.list) at 1,000, 20,000 and 100,000 documents; also a page at offset=1000 and the
second page by cursor (when the code has cursors). Units are computed from the items each call reads
(bench/capacity.py, botocore hooks on the client), not from moto's ConsumedCapacity.

Writes: the write capacity units of one document from upload to Needs Review (DocumentService.upload, then
the extraction pipeline with a stand-in engine returning a typical invoice result), from every write the
code makes, for the table and for each index, by kind of item.

The DocumentsTable is created from template.yaml in moto (in-process). The listed documents are built by
`DocumentStore.create` itself, on a client that only captures what it would write (puts, and ADDs on count
items), then written with batch_write_item (25 a call); history items are left out (no list reads them).
The same 50 documents are contact 1, folder 1, status Needs Review, created in June 2025 and carry the
external reference crm:T-1; no other document is both contact 1 and Needs Review, or both folder 1 and
created in June 2025; the rest are spread over 40 contacts, 25 folders, the settled statuses and two
years, but for the pipeline: 100 documents (BENCH_READS_PIPELINE) in New or Processing, as a table whose
extraction keeps up has. The lists that include the pipeline (status New, or no status filter) are then
measured again with 10,000 more documents (BENCH_READS_BACKLOG) waiting in New, as during a bulk import.
"""

from __future__ import annotations

import inspect
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from .stack import AWS_ENV, AWS_ENV_DROPPED, REGION, ROOT, StackSpec, create_resources, stack_spec

SIZES = (1_000, 20_000, 100_000)
TARGETS = 50
CONTACTS = 40
FOLDERS = 25
WINDOW_START = datetime(2025, 6, 1, tzinfo=UTC)
SPAN_START = datetime(2024, 1, 1, tzinfo=UTC)
SPAN_SECONDS = 2 * 365 * 86_400
JUNE = {"created_from": "2025-06-01", "created_to": "2025-06-30"}
# The target for every list request, at every table size.
RCU_TARGET = 100
TARGET_STATUS = "Needs Review"
PIPELINE = 100
BACKLOG = 10_000


@dataclass(frozen=True)
class Query:
    label: str
    arguments: dict[str, Any]


def _queries() -> list[Query]:
    combos: list[tuple[str, dict[str, Any]]] = [
        ("no filter", {}),
        ("contact", {"contact_id": 1}),
        ("folder", {"folder_id": 1}),
        ("status", {"status": TARGET_STATUS}),
        ("contact+folder", {"contact_id": 1, "folder_id": 1}),
        ("contact+status", {"contact_id": 1, "status": TARGET_STATUS}),
        ("folder+status", {"folder_id": 1, "status": TARGET_STATUS}),
        ("contact+folder+status", {"contact_id": 1, "folder_id": 1, "status": TARGET_STATUS}),
        ("status New (the pipeline)", {"status": "New"}),
        ("contact+status New", {"contact_id": 2, "status": "New"}),
    ]
    queries = [Query(label, arguments) for label, arguments in combos]
    queries += [Query(f"{label} + June" if arguments else "June", {**arguments, **JUNE}) for label, arguments in combos]
    queries.append(Query("external_ref", {"external_ref": "crm:T-1"}))
    queries.append(Query("external_ref+status", {"external_ref": "crm:T-1", "status": TARGET_STATUS}))
    queries.append(Query("no filter, offset=1000", {"offset": 1000}))
    return queries


QUERIES = _queries()
# Kept from this bench run on the code before count items and cursors (commit 1019a1a), at 20,000
# documents, with the data of then (every status in equal numbers, the target documents New): items read
# and read units per request; and the write units of one document (42).
BEFORE_WRITE_UNITS = 42
BEFORE_AT_20K = {
    "no filter": (20_000, 851),
    "contact": (549, 12.5),
    "folder": (850, 19),
    "status": (2_214, 48),
    "contact+folder": (70, 2),
    "contact+status": (50, 1.5),
    "folder+status": (147, 4),
    "contact+folder+status": (50, 1.5),
    "June": (842, 36.5),
    "contact + June": (69, 2),
    "folder + June": (50, 2),
    "status + June": (133, 3.5),
    "contact+folder + June": (50, 2),
    "contact+status + June": (50, 1.5),
    "folder+status + June": (50, 2),
    "contact+folder+status + June": (50, 1.5),
    "external_ref": (100, 26),
    "external_ref+status": (100, 26),
    "no filter, offset=1000": (20_000, 851),
}
# Kept from this bench, as it is now, run on the landed code before this scheme (commit ca20f2e: an index
# per combination of filters projecting the list's fields, totals read to the end), at 1,000 documents.
BEFORE_AT_1K = {
    "no filter": (1_000, 43),
    "contact": (74, 2.5),
    "folder": (90, 2.5),
    "status": (174, 4.5),
    "contact+folder": (51, 2),
    "contact+status": (50, 1.5),
    "folder+status": (56, 2),
    "contact+folder+status": (50, 1.5),
    "status New (the pipeline)": (100, 3),
    "contact+status New": (2, 0.5),
    "June": (88, 4.5),
    "contact + June": (51, 2),
    "folder + June": (50, 2),
    "status + June": (54, 2),
    "contact+folder + June": (50, 2),
    "contact+status + June": (50, 1.5),
    "folder+status + June": (50, 2),
    "contact+folder+status + June": (50, 1.5),
    "status New (the pipeline) + June": (5, 0.5),
    "contact+status New + June": (0, 0.5),
    "external_ref": (100, 26),
    "external_ref+status": (100, 26),
    "no filter, offset=1000": (1_000, 42.5),
    "no filter, 10,000 waiting": (11_000, 433.5),
    "contact, 10,000 waiting": (373, 8.5),
    "status, 10,000 waiting": (174, 4.5),
    "status New (the pipeline), 10,000 waiting": (10_100, 213.5),
    "contact+status New, 10,000 waiting": (251, 6),
}
CURSOR_LABEL = "no filter, 2nd page by cursor"


@dataclass
class Measured:
    items_read: int
    read_units: float
    total: int
    expected_total: int
    returned: int


@dataclass
class SizeResult:
    documents: int
    fill_seconds: float
    queries: dict[str, Measured] = field(default_factory=dict)


class _CapturingClient:
    """Stands in for the DynamoDB client: keeps what the store would write instead of sending it (puts of
    document items, and `ADD` updates of count items, summed); history items are left out."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], dict[str, Any]] = {}

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        self._put(kwargs["Item"])
        return {}

    def _put(self, item: dict[str, Any]) -> None:
        if item["sk"]["S"].startswith("HISTORY#"):
            return
        self.items[(item["pk"]["S"], item["sk"]["S"])] = item

    def transact_write_items(self, TransactItems: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803
        for entry in TransactItems:
            if "Put" in entry:
                self._put(entry["Put"]["Item"])
            elif "Update" in entry:
                self._add(entry["Update"])
        return {}

    def update_item(self, **kwargs: Any) -> dict[str, Any]:
        self._add(kwargs)
        return {}

    def _add(self, update: dict[str, Any]) -> None:
        expression = update["UpdateExpression"].strip()
        if not expression.startswith("ADD "):
            raise RuntimeError(f"the bench's capture takes only ADD updates, not {expression!r}")
        key = (update["Key"]["pk"]["S"], update["Key"]["sk"]["S"])
        item = self.items.setdefault(key, dict(update["Key"]))
        names = update.get("ExpressionAttributeNames", {})
        for name, value in re.findall(r"(#?[\w]+)\s+(:[\w]+)", expression[4:]):
            attribute = names.get(name, name)
            current = Decimal(item.get(attribute, {"N": "0"})["N"])
            item[attribute] = {"N": str(current + Decimal(update["ExpressionAttributeValues"][value]["N"]))}


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def documents(count: int, settled: list[str], pipeline: int = PIPELINE) -> tuple[list[dict[str, Any]], set[int]]:
    """`count` document records and the ids of the 50 target documents among them (spread over the ids);
    `pipeline` of the others (spread too) are New or Processing, the rest in the `settled` statuses."""
    from recordengine.storage.keys import PIPELINE_STATUSES

    pipeline_statuses = sorted(PIPELINE_STATUSES)
    step = count // TARGETS
    target_ids = {1 + k * step for k in range(TARGETS)}
    in_pipeline = {2 + k * (count // pipeline) for k in range(pipeline)} - target_ids if pipeline else set()
    window_end = WINDOW_START + timedelta(days=30)
    records: list[dict[str, Any]] = []
    other = 0
    for document_id in range(1, count + 1):
        extra: dict[str, Any] = {}
        if document_id in target_ids:
            k = len([t for t in target_ids if t < document_id])
            contact, folder, status = 1, 1, TARGET_STATUS
            created = WINDOW_START + timedelta(hours=12 * k, minutes=document_id % 60)
            extra["external_refs"] = {"crm": {"record_id": "T-1"}}
        else:
            contact = 1 + other % CONTACTS
            folder = 1 + (other // CONTACTS) % FOLDERS
            if document_id in in_pipeline:
                status = pipeline_statuses[document_id % len(pipeline_statuses)]
            else:
                status = settled[(other // 7) % len(settled)]
                if contact == 1 and status == TARGET_STATUS:
                    status = next(s for s in settled if s != TARGET_STATUS)
            created = SPAN_START + timedelta(seconds=(other * 7_919 * 3_571) % SPAN_SECONDS)
            if folder == 1 and WINDOW_START <= created < window_end:
                created += timedelta(days=61)
            other += 1
        records.append(
            {
                "id": document_id,
                "filename": f"document-{document_id}.pdf",
                "status": status,
                "contact_id": contact,
                "folder_id": folder,
                "created_at": _timestamp(created),
                **extra,
            }
        )
    return records, target_ids


def _expected(records: list[dict[str, Any]], arguments: dict[str, Any]) -> int:
    def matches(record: dict[str, Any]) -> bool:
        created = record["created_at"]
        return (
            arguments.get("contact_id") in (None, record["contact_id"])
            and arguments.get("folder_id") in (None, record["folder_id"])
            and arguments.get("status") in (None, record["status"])
            and ("created_from" not in arguments or created >= arguments["created_from"])
            and ("created_to" not in arguments or created[:10] <= arguments["created_to"])
            and ("external_ref" not in arguments or "external_refs" in record)
        )

    return sum(1 for record in records if matches(record))


def _services(table_name: str, client: Any, s3: Any, bucket: str = "unused") -> Any:
    from recordengine.builtin_profiles import BUILTIN_PROFILES
    from recordengine.catalog import ContactCatalog, FolderCatalog, ProfileCatalog
    from recordengine.documents import DocumentService
    from recordengine.settings import Settings
    from recordengine.storage import keys
    from recordengine.storage.blobs import BlobStore
    from recordengine.storage.documents import DocumentStore
    from recordengine.storage.entities import EntityStore
    from recordengine.storage.table import Table

    table = Table(table_name, client)
    profiles = ProfileCatalog(EntityStore(table, keys.PROFILE, reserved_ids=max(BUILTIN_PROFILES)))
    return DocumentService(
        settings=Settings(),
        documents=DocumentStore(table),
        blobs=BlobStore(bucket, client=s3),
        contacts=ContactCatalog(EntityStore(table, keys.CONTACT), profiles),
        folders=FolderCatalog(EntityStore(table, keys.FOLDER)),
        profiles=profiles,
    )


def measure_size(spec: StackSpec, count: int) -> SizeResult:
    import os

    import boto3
    from moto import mock_aws

    from recordengine.storage.documents import DocumentStore, HistoryEvent
    from recordengine.storage.keys import SETTLED_STATUSES
    from recordengine.storage.table import Table

    from .capacity import Meter

    settled = list(SETTLED_STATUSES)
    records, _ = documents(count, settled, int(os.environ.get("BENCH_READS_PIPELINE", PIPELINE)))
    with mock_aws():
        session = boto3.session.Session(region_name=REGION)
        raw = session.client("dynamodb")
        s3 = session.client("s3")
        create_resources(spec, raw, s3, only=("DocumentsTable",))
        name = spec.table_name("DocumentsTable")

        def fill(batch_of_records: list[dict[str, Any]]) -> None:
            capture = _CapturingClient()
            builder = DocumentStore(Table(name, cast(Any, capture)))
            for record in batch_of_records:
                builder.create(record, HistoryEvent("uploaded", "bench"))
            items = list(capture.items.values())
            for start in range(0, len(items), 25):
                batch = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
                response = raw.batch_write_item(RequestItems={name: cast(Any, batch)})
                if response.get("UnprocessedItems"):
                    raise RuntimeError("moto left items unprocessed")

        started = time.monotonic()
        fill(records)
        result = SizeResult(documents=count, fill_seconds=time.monotonic() - started)

        client = session.client("dynamodb")
        meter = Meter.attach(client, raw, name)
        service = _services(name, client, s3)
        has_cursor = "cursor" in inspect.signature(service.list).parameters
        for query in QUERIES:
            meter.reset()
            listed = service.list(**query.arguments, limit=TARGETS)
            expected = _expected(records, query.arguments)
            result.queries[query.label] = Measured(
                meter.items_read, meter.read_units, listed.total, expected, len(listed.documents)
            )
            if query.label == "no filter" and has_cursor:
                meter.reset()
                second = service.list(cursor=listed.next_cursor, limit=TARGETS)
                result.queries[CURSOR_LABEL] = Measured(
                    meter.items_read, meter.read_units, second.total, expected, len(second.documents)
                )
        # A bulk import under way: more documents wait in New.
        waiting = [
            {**record, "id": count + record["id"], "status": "New", "filename": f"waiting-{record['id']}.pdf"}
            for record in documents(_backlog(), settled, 0)[0]
        ]
        for record in waiting:
            record.pop("external_refs", None)
        fill(waiting)
        records += waiting
        for query in QUERIES:
            if query.label not in BACKLOG_QUERIES:
                continue
            meter.reset()
            listed = service.list(**query.arguments, limit=TARGETS)
            expected = _expected(records, query.arguments)
            result.queries[backlog_label(query.label)] = Measured(
                meter.items_read, meter.read_units, listed.total, expected, len(listed.documents)
            )
    return result


BACKLOG_QUERIES = ("no filter", "contact", "status", "status New (the pipeline)", "contact+status New")


def _backlog() -> int:
    import os

    return int(os.environ.get("BENCH_READS_BACKLOG", BACKLOG))


def backlog_label(label: str) -> str:
    return f"{label}, {_backlog():,} waiting"


class _StandInEngine:
    """Returns a typical invoice result (8 fields, two line items) without reading the file."""

    def __call__(self, content: bytes, media_type: str, profile: Any) -> Any:
        from recordengine.models import ExtractionResult

        fields = {
            "vendor": "Northwind Traders Ltd",
            "invoice_number": "INV-2025-1147",
            "invoice_date": "2025-11-15",
            "due_date": "2025-12-15",
            "currency": "EUR",
            "subtotal": "15000.00",
            "tax_amount": "3500.00",
            "total_amount": "18500.00",
        }
        return ExtractionResult(
            doc_type="Invoice",
            doc_date="2025-11-15",
            extracted_fields=fields,
            line_items=[
                {"description": "Consulting services", "quantity": 10, "unit_price": 1500.0, "amount": 15000.0},
                {"description": "Travel", "quantity": 1, "unit_price": 0.0, "amount": 0.0},
            ],
            ai_summary="Invoice from Northwind Traders Ltd for consulting services, total 18500.00 EUR.",
            confidence_score=87,
            confidence_reasoning="All 8 fields extracted successfully.",
            field_confidence=dict.fromkeys(fields, 90),
        )


_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n%%EOF\n"


@dataclass
class WriteResult:
    total: int
    billed: int
    by_kind: dict[str, int]
    steps: list[tuple[str, str, int]]
    final_status: str


def measure_writes(spec: StackSpec) -> WriteResult:
    import boto3
    from moto import mock_aws

    from recordengine.documents import UploadRequest
    from recordengine.models import ContactCreate, FolderCreate
    from recordengine.pipeline import ExtractionPipeline

    from .capacity import Meter

    with mock_aws():
        session = boto3.session.Session(region_name=REGION)
        raw = session.client("dynamodb")
        s3 = session.client("s3")
        create_resources(spec, raw, s3, only=("DocumentsTable", "DocumentsBucket"))
        name = spec.table_name("DocumentsTable")
        bucket = spec.buckets["DocumentsBucket"]
        client = session.client("dynamodb")
        service = _services(name, client, s3, bucket)
        contact = service.contacts.create(ContactCreate(name="Acme"))
        folder = service.folders.create(FolderCreate(name="Q4"))
        pipeline = ExtractionPipeline(
            settings=service.settings,
            documents=service.documents,
            blobs=service.blobs,
            profiles=service.profiles,
            extractor=_StandInEngine(),
        )
        meter = Meter.attach(client, raw, name)
        uploaded = service.upload(UploadRequest(_PDF, "invoice.pdf", contact.id, folder.id), "bench")
        key = s3.list_objects_v2(Bucket=bucket)["Contents"][0]["Key"]
        pipeline.process_object(key, len(_PDF), 60)
        final = service.documents.get(uploaded.id) or {}
        total = sum(meter.write_units.values())
        return WriteResult(
            total, total + meter.billed_extra, dict(meter.write_units), meter.writes, final.get("status", "")
        )


def _environment() -> None:
    import os

    for name in AWS_ENV_DROPPED:
        os.environ.pop(name, None)
    os.environ.update(AWS_ENV)
    layer = str(ROOT / "layers" / "common")
    if layer not in sys.path:
        sys.path.insert(0, layer)


def _sizes() -> tuple[int, ...]:
    import os

    text = os.environ.get("BENCH_READS_SIZES")
    return tuple(int(part) for part in text.split(",")) if text else SIZES


def report() -> list[str]:
    _environment()
    spec = stack_spec()
    writes = measure_writes(spec)
    lines = [
        "== Write units per document, upload to Needs Review (DocumentService.upload + the extraction pipeline, "
        "every write captured by botocore hooks; table + each index, 1 unit per KB)",
        f"   {writes.total} WCU (billed with transactions' table items twice: {writes.billed}); "
        f"final status {writes.final_status}; before count items: {BEFORE_WRITE_UNITS}",
    ]
    for kind, units in sorted(writes.by_kind.items(), key=lambda entry: (-entry[1], entry[0])):
        lines.append(f"     {units:>3}  {kind}")
    lines.append(
        "   writes in order (operation, item, units): " + ", ".join(f"{o} {p} {u}" for o, p, u in writes.steps)
    )

    results = [measure_size(spec, count) for count in _sizes()]
    header = "".join(f"{f'@{r.documents // 1000}k read/RCU':>20}" for r in results)
    lines += [
        f"== Items read and read units per list request (limit={TARGETS}, DocumentService.list), moto in-process; "
        f"target <= {RCU_TARGET} RCU",
        "   filled with DocumentStore.create items + batch_write_item: "
        + ", ".join(f"{r.documents:,} docs in {r.fill_seconds:.1f} s" for r in results),
        f"   {'filter':<36}{'total (exact?)':>24}{header}{'before @1k':>16}{'before @20k':>16}",
    ]
    labels = [query.label for query in QUERIES]
    if CURSOR_LABEL in results[0].queries:
        labels.insert(1, CURSOR_LABEL)
    labels += [backlog_label(label) for label in BACKLOG_QUERIES]
    for label in labels:
        measured = [r.queries[label] for r in results]
        totals = "/".join(f"{m.total:,}" for m in measured)
        exact = all(m.total == m.expected_total for m in measured) or label == CURSOR_LABEL
        cells = "".join(f"{f'{m.items_read:,}/{m.read_units:g}':>20}" for m in measured)
        flags = []
        if not exact:
            flags.append("WRONG TOTAL (expected " + "/".join(f"{m.expected_total:,}" for m in measured) + ")")
        if any(m.read_units > RCU_TARGET for m in measured):
            flags.append(f"over {RCU_TARGET} RCU")
        kept = "".join(
            f"{f'{before[0]:,}/{before[1]:g}' if before else '-':>16}"
            for before in (BEFORE_AT_1K.get(label), BEFORE_AT_20K.get(label))
        )
        lines.append(f"   {label:<36}{totals:>24}{cells}{kept}  {' '.join(flags)}")
    return lines
