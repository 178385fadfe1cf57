"""DynamoDB items read per list request (Page.items_read, ScannedCount summed) at 1,000 and 20,000 documents.

The DocumentsTable is created from template.yaml in moto (in-process). Items are built by
`DocumentStore.create` itself, on a client that only captures the PutItem `Item`, then written with
batch_write_item (25 a call): moto takes about 1 ms per item that way, several times less than one
conditional PutItem per document. The documents carry only the fields DocumentStore.create and the list
need, which keeps moto fast and changes no count.

In both tables the same 50 documents are contact 1, folder 1, status New, created in June 2025, and no
other document is both contact 1 and New, or both folder 1 and created in June 2025; the rest are spread
over 40 contacts, 25 folders, every status and two years. So the first two filters match 50 documents at
either size (their items read should not grow: ratio 1.0), while status=New alone matches more as the
table grows (its ratio follows the match count).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from .stack import AWS_ENV, AWS_ENV_DROPPED, REGION, ROOT, StackSpec, create_resources, stack_spec

SIZES = (1_000, 20_000)
TARGETS = 50
CONTACTS = 40
FOLDERS = 25
WINDOW_START = datetime(2025, 6, 1, tzinfo=UTC)
SPAN_START = datetime(2024, 1, 1, tzinfo=UTC)
SPAN_SECONDS = 2 * 365 * 86_400


@dataclass(frozen=True)
class Query:
    label: str
    arguments: dict[str, Any]
    fixed_matches: bool  # the same documents match at every table size


QUERIES = (
    Query("contact_id=1 & status=New", {"contact_id": 1, "status": "New"}, fixed_matches=True),
    Query(
        "folder_id=1 & created 2025-06-01..30",
        {"folder_id": 1, "created_from": "2025-06-01", "created_to": "2025-06-30"},
        fixed_matches=True,
    ),
    Query("status=New (no other filter)", {"status": "New"}, fixed_matches=False),
)


@dataclass
class Measured:
    items_read: int
    total: int
    returned: int
    right_documents: bool


@dataclass
class SizeResult:
    documents: int
    fill_seconds: float
    queries: dict[str, Measured] = field(default_factory=dict)


class _CapturingClient:
    """Stands in for the DynamoDB client: keeps the Item of every PutItem instead of sending it."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        self.items.append(kwargs["Item"])
        return {}


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def documents(count: int, statuses: list[str]) -> tuple[list[dict[str, Any]], set[int]]:
    """`count` document records and the ids of the 50 target documents among them (spread over the ids)."""
    step = count // TARGETS
    target_ids = {1 + k * step for k in range(TARGETS)}
    window_end = WINDOW_START + timedelta(days=30)
    records: list[dict[str, Any]] = []
    other = 0
    for document_id in range(1, count + 1):
        if document_id in target_ids:
            k = len([t for t in target_ids if t < document_id])
            contact, folder, status = 1, 1, "New"
            created = WINDOW_START + timedelta(hours=12 * k, minutes=document_id % 60)
        else:
            contact = 1 + other % CONTACTS
            folder = 1 + (other // CONTACTS) % FOLDERS
            status = statuses[(other // 7) % len(statuses)]
            if contact == 1 and status == "New":
                status = statuses[1] if statuses[0] == "New" else statuses[0]
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
            }
        )
    return records, target_ids


def measure_size(spec: StackSpec, count: int) -> SizeResult:
    import boto3
    from moto import mock_aws

    from recordengine.builtin_profiles import BUILTIN_PROFILES
    from recordengine.catalog import ContactCatalog, FolderCatalog, ProfileCatalog
    from recordengine.documents import DocumentService
    from recordengine.models import Status
    from recordengine.settings import Settings
    from recordengine.storage import keys
    from recordengine.storage.blobs import BlobStore
    from recordengine.storage.documents import DocumentFilters, DocumentStore
    from recordengine.storage.entities import EntityStore
    from recordengine.storage.table import Page, Table

    @dataclass
    class RecordingDocumentStore(DocumentStore):
        """The real store, keeping each Page it returns (DocumentService.list drops items_read)."""

        pages: list[Page] = field(default_factory=list)

        def page(self, filters: DocumentFilters, limit: int, offset: int) -> Page:
            result = super().page(filters, limit, offset)
            self.pages.append(result)
            return result

    records, target_ids = documents(count, [s.value for s in Status])
    with mock_aws():
        session = boto3.session.Session(region_name=REGION)
        client = session.client("dynamodb")
        s3 = session.client("s3")
        create_resources(spec, client, s3, only=("DocumentsTable",))
        name = spec.table_name("DocumentsTable")

        started = time.monotonic()
        capture = _CapturingClient()
        builder = DocumentStore(Table(name, cast(Any, capture)))
        for record in records:
            builder.create(record)
        for start in range(0, len(capture.items), 25):
            batch = [{"PutRequest": {"Item": item}} for item in capture.items[start : start + 25]]
            response = client.batch_write_item(RequestItems={name: cast(Any, batch)})
            if response.get("UnprocessedItems"):
                raise RuntimeError("moto left items unprocessed")
        result = SizeResult(documents=count, fill_seconds=time.monotonic() - started)

        table = Table(name, client)
        store = RecordingDocumentStore(table)
        profiles = ProfileCatalog(EntityStore(table, keys.PROFILE, reserved_ids=max(BUILTIN_PROFILES)))
        service = DocumentService(
            settings=Settings(),
            documents=store,
            blobs=BlobStore("unused", client=s3),
            contacts=ContactCatalog(EntityStore(table, keys.CONTACT), profiles),
            folders=FolderCatalog(EntityStore(table, keys.FOLDER)),
            profiles=profiles,
        )
        for query in QUERIES:
            listed = service.list(**query.arguments, limit=TARGETS)
            page = store.pages[-1]
            ids = {document.id for document in listed.documents}
            result.queries[query.label] = Measured(
                items_read=page.items_read,
                total=listed.total,
                returned=len(listed.documents),
                right_documents=ids == target_ids if query.fixed_matches else len(ids) == TARGETS,
            )
    return result


def _environment() -> None:
    import os

    for name in AWS_ENV_DROPPED:
        os.environ.pop(name, None)
    os.environ.update(AWS_ENV)
    layer = str(ROOT / "layers" / "common")
    if layer not in sys.path:
        sys.path.insert(0, layer)


def report() -> list[str]:
    _environment()
    spec = stack_spec()
    small, large = (measure_size(spec, count) for count in SIZES)
    lines = [
        f"== Items read per list request (limit={TARGETS}, DocumentService.list, Page.items_read = ScannedCount "
        "summed), moto in-process",
        f"   filled with DocumentStore.create items + batch_write_item: {small.documents:,} docs in "
        f"{small.fill_seconds:.1f} s, {large.documents:,} in {large.fill_seconds:.1f} s",
        f"   {'filter':<38}{'matches':>15}{'read @1k':>10}{'read @20k':>11}{'20k/1k':>8}",
    ]
    for query in QUERIES:
        a, b = small.queries[query.label], large.queries[query.label]
        ratio = b.items_read / a.items_read if a.items_read else float("nan")
        flags = []
        if not (a.right_documents and b.right_documents):
            flags.append("WRONG DOCUMENTS RETURNED")
        if query.fixed_matches and ratio != 1.0:
            flags.append("grows with the table: should be 1.0")
        expectation = "(same 50 match: 1.0)" if query.fixed_matches else "(matches grow: follows them)"
        lines.append(
            f"   {query.label:<38}{f'{a.total:,}/{b.total:,}':>15}{a.items_read:>10,}{b.items_read:>11,}"
            f"{ratio:>8.2f}  {' '.join(flags) or expectation}"
        )
    return lines
