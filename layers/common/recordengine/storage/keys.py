"""The single-table key design. Every list the API serves is a Query on the table or one of its indexes.

Items: `pk = "<KIND>#<id>"`, `sk = "<KIND>"`. Every listed item carries `kind` and `created_sk`
(`<created_at>#<zero-padded id>`), so the `by_kind` index lists any kind newest first with ties by id.
Documents also carry one key per combination of the list filters (contact, folder, status), each
with its own index, so a filtered list reads only the documents that match it, whatever the table's size.
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

BY_KIND_INDEX = "by_kind"

_ID_WIDTH = 12


def item_key(kind: str, entity_id: int | str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": f"{kind}#{entity_id}"}, "sk": {"S": kind}}


def created_sort_key(created_at: str, entity_id: int) -> str:
    return f"{created_at}#{entity_id:0{_ID_WIDTH}d}"


@dataclass(frozen=True)
class FilterIndex:
    """The index that serves one combination of document list filters, and the key value to query.

    `residual` names filters the index key does not hold (contact_id, folder_id): they are checked on the
    items read (only for the Processing index, whose documents are the few a pipeline run holds)."""

    name: str
    key_attribute: str
    key_value: str
    residual: tuple[tuple[str, int], ...] = ()


_FILTER_NAMES = ("contact", "folder", "status")
# Every document is in `by_document` (newest first, whatever its kind of filter).
BY_DOCUMENT_INDEX = "by_document"
DOCUMENT_KEY = "document_key"
# A document in Processing (held by an extraction run, for seconds) is kept off the four status indexes:
# the claim and the run's conclusion then write one small index entry each instead of moving the document
# in four indexes twice. It is in `by_processing` instead, a sparse index of the documents being extracted.
PROCESSING = "Processing"
BY_PROCESSING_INDEX = "by_processing"
PROCESSING_KEY = "processing_key"


def _index_for(present: tuple[str, ...]) -> tuple[str, str]:
    joined = "_".join(present)
    return f"by_{joined}", f"{joined}_key"


def _combinations() -> list[tuple[str, ...]]:
    return [
        tuple(name for bit, name in enumerate(_FILTER_NAMES) if mask & (1 << bit))
        for mask in range(1, 1 << len(_FILTER_NAMES))
    ]


# Every index key attribute a document may carry (those it does not carry now are removed).
DOCUMENT_INDEX_ATTRIBUTES = (
    DOCUMENT_KEY,
    PROCESSING_KEY,
    *(_index_for(present)[1] for present in _combinations()),
)


def document_filter_keys(contact_id: int, folder_id: int, status: str) -> dict[str, str]:
    """Every index key attribute a document carries, derived from its contact, folder and status."""
    values = {"contact": str(contact_id), "folder": str(folder_id), "status": status}
    keys: dict[str, str] = {DOCUMENT_KEY: DOCUMENT}
    for present in _combinations():
        if status == PROCESSING and "status" in present:
            continue
        _, attribute = _index_for(present)
        keys[attribute] = "#".join(values[name] for name in present)
    if status == PROCESSING:
        keys[PROCESSING_KEY] = PROCESSING
    return keys


def document_filter_index(contact_id: int | None, folder_id: int | None, status: str | None) -> FilterIndex:
    """The index and key for a list query with these filters (None = not filtered on)."""
    values = {"contact": contact_id, "folder": folder_id, "status": status}
    if status == PROCESSING:
        residual = tuple(
            (name, value) for name, value in (("contact_id", contact_id), ("folder_id", folder_id)) if value is not None
        )
        return FilterIndex(BY_PROCESSING_INDEX, PROCESSING_KEY, PROCESSING, residual)
    present = tuple(name for name in _FILTER_NAMES if values[name] is not None)
    if not present:
        return FilterIndex(BY_DOCUMENT_INDEX, DOCUMENT_KEY, DOCUMENT)
    name, attribute = _index_for(present)
    return FilterIndex(name, attribute, "#".join(str(values[n]) for n in present))


# Exact totals without reading the documents: count items, kept in the same transaction as every write
# that creates, deletes, or changes the status, contact or folder of a document. One item per day (of
# `created_at`, which never changes) and scope: `pk = COUNT#ALL` (attributes `s#<status>`),
# `COUNT#C#<contact id>` (`s#<status>` and `f#<folder id>#<status>`) and `COUNT#F#<folder id>`
# (`s#<status>`), `sk = D#<YYYY-MM-DD>`. A total is the sum of the attributes it names over the days of
# the range (every day with documents when there is no range): one Query, whatever the number of documents.
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


def count_attribute(folder_id: int | None, status: str, *, in_contact: bool) -> str:
    """The attribute, in the count partition of `count_key`, that counts documents of this folder and status."""
    if in_contact and folder_id is not None:
        return f"f#{folder_id}#{status}"
    return f"s#{status}"


def count_contributions(document: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(pk, sk, attribute) of every count the document adds one to."""
    contact, folder, status = int(document["contact_id"]), int(document["folder_id"]), str(document["status"])
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
