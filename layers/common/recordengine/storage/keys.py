"""The single-table key design. Every list the API serves is a Query on the table or one of its indexes.

Items: `pk = "<KIND>#<id>"`, `sk = "<KIND>"`. Every listed item carries `created_sk`
(`<created_at>#<zero-padded id>`); items of the other kinds carry `kind`, so the `by_kind` index lists any
kind newest first with ties by id. Documents carry the keys of the list indexes below instead, so a list
reads only the documents of its page and its totals come from count items, whatever the table's size.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

DOCUMENT = "DOCUMENT"
CONTACT = "CONTACT"
FOLDER = "FOLDER"
PROFILE = "PROFILE"
TOKEN = "TOKEN"
COUNTER = "COUNTER"
RULE = "RULE"
SENDER = "SENDER"

BY_KIND_INDEX = "by_kind"

_ID_WIDTH = 12


def item_key(kind: str, entity_id: int | str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": f"{kind}#{entity_id}"}, "sk": {"S": kind}}


def created_sort_key(created_at: str, entity_id: int) -> str:
    return f"{created_at}#{entity_id:0{_ID_WIDTH}d}"


@dataclass(frozen=True)
class ListStream:
    """One ordered run of index entries (newest first) that a document list reads: the index, the key value
    to query, and `residual` filters the key does not hold, checked on the entries read (only in the
    pipeline index, whose projection carries them)."""

    name: str
    key_attribute: str
    key_value: str
    residual: tuple[tuple[str, int | str], ...] = ()


# A document is in one of two places, by its status:
# - In the pipeline (New, Processing: from upload until extraction ends, seconds when extraction keeps up),
#   it is one entry of `by_pipeline`, a sparse index whose projection carries contact_id, folder_id and
#   status. Upload writes that one entry; the claim (New -> Processing) changes a projected attribute.
# - Settled (every other status), it is in four indexes that project what a list shows of it
#   (LISTED_ATTRIBUTES, written when it settles, so extraction's conclusion costs no more than entering
#   them), one per combination of contact and folder with the status: `by_status` (`status_key =
#   <status>`), `by_contact_status` (`<contact>#<status>`), `by_folder_status` (`<folder>#<status>`) and
#   `by_contact_folder_status` (`<contact>#<folder>#<status>`),
#   each sorted by `created_sk`. A list filtered on a settled status is one Query of one of them; a list
#   without a status filter merges, newest first, the same index's runs of each settled status that has
#   documents, with the pipeline's entries that match.
# The statuses the pipeline itself moves a document through; any other was set by a person (or a rule).
PIPELINE_STATUSES = frozenset({"New", "Processing"})
SETTLED_STATUSES = ("Needs Review", "Missing Info", "Ready", "Approved", "Export", "Exception", "Archived")
# What a list shows of a document (models.DocumentSummary): the settled indexes' projection in template.yaml.
LISTED_ATTRIBUTES = (
    "id",
    "filename",
    "status",
    "confidence_score",
    "confidence_label",
    "contact_id",
    "folder_id",
    "created_at",
    "doc_type",
    "doc_date",
    "error",
    "duplicate_of",
)
BY_PIPELINE_INDEX = "by_pipeline"
PIPELINE_KEY = "pipeline_key"
PIPELINE = "PIPELINE"
# Every document stored under this scheme carries it (documents stored before it are migrated by the
# `documents backfill-counts` command, or by the first change to them).
LIST_SCHEME = "list_scheme"
LIST_SCHEME_VERSION = 2
_SCOPES = ((), ("contact",), ("folder",), ("contact", "folder"))


def _settled_index(scope: tuple[str, ...]) -> tuple[str, str]:
    joined = "_".join((*scope, "status"))
    return f"by_{joined}", f"{joined}_key"


# Every list key attribute a document may carry (those it does not carry now are removed), and those of
# earlier schemes, which a migrated document drops.
DOCUMENT_INDEX_ATTRIBUTES = (PIPELINE_KEY, *(_settled_index(scope)[1] for scope in _SCOPES))
EARLIER_INDEX_ATTRIBUTES = ("kind", "contact_key", "folder_key", "contact_folder_key", "document_key", "processing_key")


def document_list_keys(contact_id: int, folder_id: int, status: str) -> dict[str, Any]:
    """The list key attributes a document carries, from its contact, folder and status."""
    marker: dict[str, Any] = {LIST_SCHEME: LIST_SCHEME_VERSION}
    if status in PIPELINE_STATUSES:
        return {**marker, PIPELINE_KEY: PIPELINE}
    values = {"contact": str(contact_id), "folder": str(folder_id)}
    keys: dict[str, Any] = dict(marker)
    for scope in _SCOPES:
        _, attribute = _settled_index(scope)
        keys[attribute] = "#".join((*(values[name] for name in scope), status))
    return keys


def settled_stream(contact_id: int | None, folder_id: int | None, status: str) -> ListStream:
    """The run of settled documents of one status, narrowed to a contact and/or folder when given."""
    values = {"contact": contact_id, "folder": folder_id}
    scope = tuple(name for name in ("contact", "folder") if values[name] is not None)
    name, attribute = _settled_index(scope)
    return ListStream(name, attribute, "#".join((*(str(values[n]) for n in scope), status)))


def pipeline_stream(contact_id: int | None, folder_id: int | None, status: str | None) -> ListStream:
    """The pipeline's entries, narrowed (on the entries read) to a contact, folder and status when given."""
    residual = tuple(
        (name, value)
        for name, value in (("contact_id", contact_id), ("folder_id", folder_id), ("status", status))
        if value is not None
    )
    return ListStream(BY_PIPELINE_INDEX, PIPELINE_KEY, PIPELINE, residual)


# Exact totals without reading the documents: count items of the settled documents (the pipeline's few are
# counted from its index), kept in the same transaction as every write that creates, deletes, or changes
# the status, contact or folder of a document. One item per day (of `created_at`, which never changes) and
# scope: `pk = COUNT#ALL` (attributes `s#<status>`), `COUNT#C#<contact id>` (`s#<status>` and
# `f#<folder id>#<status>`) and `COUNT#F#<folder id>` (`s#<status>`), `sk = D#<YYYY-MM-DD>`. A total is the
# sum of the attributes it names over the days of the range (every day with documents when there is no
# range): one Query, whatever the number of documents.
COUNT = "COUNT"
_DAY = "D#"


def count_key(contact_id: int | None, folder_id: int | None) -> str:
    """The count partition that answers a total for these filters."""
    if contact_id is not None:
        return f"{COUNT}#C#{contact_id}"
    if folder_id is not None:
        return f"{COUNT}#F#{folder_id}"
    return f"{COUNT}#ALL"


def count_day(day: str) -> str:
    return f"{_DAY}{day}"


def count_day_of(sort_key: str) -> str:
    """The day (YYYY-MM-DD) of a count item's sort key."""
    return sort_key.removeprefix(_DAY)


def count_prefix(contact_id: int | None, folder_id: int | None) -> str:
    """The prefix of the attributes, in the partition of `count_key`, that count these filters' documents;
    the status follows it."""
    if contact_id is not None and folder_id is not None:
        return f"f#{folder_id}#"
    return "s#"


def count_contributions(document: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(pk, sk, attribute) of every count the document adds one to (none while it is in the pipeline)."""
    contact, folder, status = int(document["contact_id"]), int(document["folder_id"]), str(document["status"])
    if status in PIPELINE_STATUSES:
        return []
    day = count_day(str(document["created_at"])[:10])
    return [
        (count_key(None, None), day, f"s#{status}"),
        (count_key(contact, None), day, f"s#{status}"),
        (count_key(contact, None), day, f"f#{folder}#{status}"),
        (count_key(None, folder), day, f"s#{status}"),
    ]


def count_updates(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> dict[tuple[str, str], dict[str, int]]:
    """{(pk, sk): {attribute: delta}} that takes the counts from `before` to `after` (None: no document)."""
    deltas: dict[tuple[str, str, str], int] = {}
    for document, sign in ((before, -1), (after, 1)):
        if document is not None:
            for contribution in count_contributions(document):
                deltas[contribution] = deltas.get(contribution, 0) + sign
    updates: dict[tuple[str, str], dict[str, int]] = {}
    for (pk, sk, attribute), delta in deltas.items():
        if delta:
            updates.setdefault((pk, sk), {})[attribute] = delta
    return updates


# CRM correlation: one small item per (system, record id) a document carries in `external_refs`,
# `pk = EXTREF#<system>#<record id>` (both percent-encoded, so '#' in either cannot blur the two) and
# `sk = <the document's created_sk>`, so the documents carrying a reference are one Query, newest first.
EXTERNAL_REF = "EXTREF"
# At most this many references of one document are indexed (TransactWriteItems takes 100 items).
MAX_INDEXED_EXTERNAL_REFS = 25


def external_ref_key(system: str, record_id: str) -> str:
    return f"{EXTERNAL_REF}#{quote(system, safe='')}#{quote(record_id, safe='')}"


def external_ref_pairs(external_refs: object) -> list[tuple[str, str]]:
    """(system, record id) of every `{"<system>": {"record_id": ...}}` entry of a document's external_refs."""
    pairs: list[tuple[str, str]] = []
    if not isinstance(external_refs, dict):
        return pairs
    for system, reference in external_refs.items():
        if not isinstance(reference, dict):
            continue
        record_id = reference.get("record_id")
        if isinstance(record_id, bool) or not isinstance(record_id, str | int):
            continue
        text = str(record_id).strip()
        if text and str(system).strip() and (str(system), text) not in pairs:
            pairs.append((str(system), text))
    return pairs[:MAX_INDEXED_EXTERNAL_REFS]


# Duplicates: one small item per uploaded file, `pk = FILE#<contact id>#<SHA-256 of the file>` and
# `sk = <the document's created_sk>`, so the first document of a contact with the same file is one Query.
FILE = "FILE"


def file_key(contact_id: int, sha256: str) -> str:
    return f"{FILE}#{contact_id}#{sha256}"


# Items elsewhere that hold a document's data (a webhook event's signed body) are named by a reference item
# in the document's own partition, `sk = REF#<the item's pk>`, which carries the item's key: erasing the
# document erases them too.
REFERENCE = "REF"


def document_reference(document_id: int, item: dict[str, dict[str, str]]) -> dict[str, dict[str, Any]]:
    """The reference item, in document `document_id`'s partition, to the item whose key is `item`."""
    return {
        "pk": item_key(DOCUMENT, document_id)["pk"],
        "sk": {"S": f"{REFERENCE}#{item['pk']['S']}"},
        "refers_to": {"M": {"pk": item["pk"], "sk": item["sk"]}},
    }


# Senders (senders/): one item per sender, `SENDER#<id>` (listed by `by_kind` like contacts), and one index item
# per identifier it holds, `pk = SENDERID#<identifier percent-encoded>`, `sk = SENDERID`, carrying
# `sender_id`: the sender of a document's identifiers is one BatchGetItem of small items, whatever the number
# of senders.
SENDER_IDENTIFIER = "SENDERID"
# A document attributed to a sender carries `sender_key` (its sender id): the sparse `by_sender` index lists a
# sender's documents newest first, projecting what a list shows (LISTED_ATTRIBUTES).
BY_SENDER_INDEX = "by_sender"
SENDER_KEY = "sender_key"


# A sender's learned hints are an item of their own in its partition (sk SENDER_HINTS): learning rewrites only
# them (at most 2 write units), and an extraction reads them with the sender in one Query.
SENDER_HINTS = "HINTS"


def sender_hints_key(sender_id: int) -> dict[str, dict[str, str]]:
    return {"pk": item_key(SENDER, sender_id)["pk"], "sk": {"S": SENDER_HINTS}}


def sender_identifier_key(identifier: str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": f"{SENDER_IDENTIFIER}#{quote(identifier, safe='')}"}, "sk": {"S": SENDER_IDENTIFIER}}
