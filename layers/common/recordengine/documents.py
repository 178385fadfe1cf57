"""The Documents API's domain: uploads, lists, reads and the review status (API.md Part 1)."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from .answer_size import fitting, next_position_cursor, start_of
from .catalog import ContactCatalog, FolderCatalog, ProfileCatalog
from .clock import format_timestamp, now_timestamp, parse_utc_moment, utc_now
from .document_lists import MAX_SORTED_MATCHES, ListOrder, csv_document, summary_of
from .errors import (
    Conflict,
    InvalidInput,
    InvalidStatus,
    NotFound,
    PayloadTooLarge,
    StorageUnavailable,
    UnsupportedMediaType,
)
from .media import SUPPORTED_MEDIA_TYPES, sniff_media_type
from .models import (
    Contact,
    Document,
    DocumentCorrection,
    DocumentPage,
    DocumentPages,
    DocumentSummary,
    FileLink,
    Folder,
    HistoryEntry,
    HistoryPage,
    PageImage,
    PageView,
    PresignedPost,
    PresignedUpload,
    PresignedUploadRequest,
    Profile,
    Status,
    StatusUpdated,
    UploadedDocument,
)
from .settings import Settings
from .storable import (
    MAX_EXTERNAL_REF_KEY_BYTES,
    MAX_EXTERNAL_REF_RECORD_ID_BYTES,
    MAX_RECORD_BYTES,
    excerpt,
    record_bytes,
    stored_text_problem,
)
from .storage import keys
from .storage.blobs import (
    PAGE_IMAGE_MEDIA_TYPE,
    PAGES_MANIFEST,
    BlobStore,
    is_missing_object,
    layout_key,
    new_document_key,
    page_image_key,
    pages_prefix,
)
from .storage.documents import (
    UPLOAD_EXPIRES_AT,
    DocumentChange,
    DocumentFilters,
    DocumentStore,
    HistoryEvent,
    field_change,
    version_of,
)
from .storage.table import Page

MAX_LIST_LIMIT = 200
# Records as stored (DocumentService has a `list` method, which hides the builtin in its body).
Rows = list[dict[str, Any]]
DEFAULT_LIST_LIMIT = 50
_FILENAME_LIMIT = 255
# Control, format (bidirectional overrides such as U+202E, which make "invoice\u202egpj.pdf" display as
# "invoicefdp.jpg"), line and paragraph separators, and lone surrogates.
_UNSAFE_FILENAME_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


# The list of a document's page images with their words (extraction/page_views.py bounds it: 20 pages of at
# most 3,000 words, about 60 bytes each).
MAX_PAGES_MANIFEST_BYTES = 4_000_000


@dataclass(frozen=True)
class UploadRequest:
    content: bytes
    filename: str
    contact_id: int
    folder_id: int
    profile_id: int | None = None
    external_refs: dict[str, Any] = field(default_factory=dict)


def parse_status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        allowed = ", ".join(s.value for s in Status)
        raise InvalidStatus(f"'{excerpt(value)}' is not a status. Use one of: {allowed}.") from None


def parse_external_ref(value: str) -> tuple[str, str]:
    """`salesforce:001Qy00000BnXt2IAF` -> ("salesforce", "001Qy00000BnXt2IAF") (external_refs.<system>.record_id).

    It holds what external_refs may hold (422 otherwise): a search for what cannot be stored would silently
    find nothing."""
    # Checked before the spaces around each part are stripped: Python strips U+001C..U+001F and U+0085 too.
    problem = stored_text_problem(value)
    if problem is not None:
        raise InvalidInput(f"external_ref's system or record id {problem}.")
    system, separator, record_id = value.strip().partition(":")
    if not separator or not system.strip() or not record_id.strip():
        raise InvalidInput("external_ref must look like <system>:<record id>, e.g. salesforce:001Qy00000BnXt2IAF.")
    system, record_id = system.strip(), record_id.strip()
    if len(system.encode("utf-8")) > MAX_EXTERNAL_REF_KEY_BYTES:
        raise InvalidInput(f"external_ref's system is longer than {MAX_EXTERNAL_REF_KEY_BYTES} bytes.")
    if len(record_id.encode("utf-8")) > MAX_EXTERNAL_REF_RECORD_ID_BYTES:
        raise InvalidInput(f"external_ref's record id is longer than {MAX_EXTERNAL_REF_RECORD_ID_BYTES} bytes.")
    return system, record_id


# The range a created bound may name, in UTC. ISO 8601 leaves years before 1583 (the first whole year of the
# Gregorian calendar) to the parties' agreement, and the API's timestamps have four-digit years.
EARLIEST_CREATED_BOUND = datetime(1583, 1, 1, tzinfo=UTC)
LATEST_CREATED_BOUND = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)


def parse_created_bound(value: str, name: str, *, end_of_range: bool) -> str:
    """A date or timestamp bound of the created range as a UTC timestamp (a date covers its whole day)."""
    text = value.strip()
    moment: datetime | None = None
    if len(text) == 10:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            day = None
        if day is not None:
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
            if end_of_range:
                moment += timedelta(days=1, seconds=-1)
    else:
        moment = parse_utc_moment(text)
    if moment is None:
        raise InvalidInput(f"{name} must be a date (YYYY-MM-DD) or an ISO 8601 timestamp, not '{excerpt(value)}'.")
    if not EARLIEST_CREATED_BOUND <= moment <= LATEST_CREATED_BOUND:
        raise InvalidInput(
            f"{name} '{excerpt(value)}' is outside the dates the API can represent: in UTC, "
            f"{format_timestamp(EARLIEST_CREATED_BOUND)} to {format_timestamp(LATEST_CREATED_BOUND)}."
        )
    return format_timestamp(moment)


def clean_filename(filename: str | None) -> str:
    """The client's filename as data: without directories or control characters, at most 255 characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in _UNSAFE_FILENAME_CATEGORIES).strip()
    return name[:_FILENAME_LIMIT] or "document"


@dataclass
class DocumentService:
    settings: Settings
    documents: DocumentStore
    blobs: BlobStore
    contacts: ContactCatalog
    folders: FolderCatalog
    profiles: ProfileCatalog

    def upload(self, request: UploadRequest, actor: str) -> UploadedDocument:
        if not request.content:
            raise InvalidInput("The file is empty.")
        if len(request.content) > self.settings.max_upload_bytes:
            raise PayloadTooLarge(
                f"The file is {len(request.content)} bytes; uploads through this endpoint are limited to "
                f"{self.settings.max_upload_bytes} bytes. For larger files, POST /api/documents/uploads for a "
                "presigned upload URL."
            )
        media_type = sniff_media_type(request.content[:1024])
        if media_type is None:
            raise UnsupportedMediaType(
                "The file is not a PDF, PNG, JPEG or TIFF document (its content was checked, not its name)."
            )
        facts = {
            "media_type": media_type,
            "size_bytes": len(request.content),
            "sha256": hashlib.sha256(request.content).hexdigest(),
        }
        document = self._new_document(request, facts, HistoryEvent("uploaded", actor))
        try:
            # The object is written after the item, so the S3 event always finds its document.
            self.blobs.put(document["s3_key"], request.content, media_type)
        except Exception as error:
            self.documents.delete(document["id"])
            raise StorageUnavailable("The file could not be stored; retry the upload.") from error
        return UploadedDocument.model_validate(document)

    def create_presigned_upload(self, request: PresignedUploadRequest, actor: str) -> PresignedUpload:
        expiry = self.settings.presigned_upload_expiry_seconds
        expires_at = format_timestamp(utc_now() + timedelta(seconds=expiry))
        # The sweep ends the document if its file has not arrived some time after this (end_unarrived_uploads).
        facts = {UPLOAD_EXPIRES_AT: expires_at}
        document = self._new_document(request, facts, HistoryEvent("upload_url_issued", actor))
        post = self.blobs.presigned_post(document["s3_key"], self.settings.max_presigned_upload_bytes, expiry)
        upload = PresignedPost(
            url=post["url"],
            fields=post["fields"],
            max_bytes=self.settings.max_presigned_upload_bytes,
            expires_at=expires_at,
        )
        return PresignedUpload.model_validate({**document, "upload": upload})

    def _new_document(
        self, request: UploadRequest | PresignedUploadRequest, facts: dict[str, Any], event: HistoryEvent
    ) -> dict[str, Any]:
        """Writes the document item (New) that the upload's S3 event will find, with its first history entry."""
        contact, folder, resolved_profile_id = self._references(
            request.contact_id, request.folder_id, request.profile_id
        )
        document_id = self.documents.allocate_id()
        created_at = now_timestamp()
        document: dict[str, Any] = {
            "id": document_id,
            "filename": clean_filename(request.filename),
            "status": Status.NEW.value,
            "contact_id": contact.id,
            "contact_name": contact.name,
            "folder_id": folder.id,
            "folder_name": folder.name,
            "profile_id": resolved_profile_id,
            "external_refs": request.external_refs,
            "s3_key": new_document_key(document_id),
            "created_at": created_at,
            "updated_at": created_at,
            **facts,
        }
        if "sha256" in facts:
            duplicate_of = self.documents.first_with_file(document, facts["sha256"])
            if duplicate_of is not None:
                document["duplicate_of"] = duplicate_of
        return self.documents.create(document, event)

    def _references(self, contact_id: int, folder_id: int, profile_id: int | None) -> tuple[Contact, Folder, int]:
        contact = self._contact(contact_id)
        folder = self._folder(folder_id)
        resolved = profile_id if profile_id is not None else contact.default_profile_id
        self._profile(resolved)
        return contact, folder, resolved

    def _contact(self, contact_id: int) -> Contact:
        contact = self.contacts.find(contact_id)
        if contact is None:
            raise InvalidInput(f"contact_id {contact_id} does not name an existing contact.")
        return contact

    def _folder(self, folder_id: int) -> Folder:
        folder = self.folders.find(folder_id)
        if folder is None:
            raise InvalidInput(f"folder_id {folder_id} does not name an existing folder.")
        return folder

    def _profile(self, profile_id: int) -> Profile:
        profile = self.profiles.find(profile_id)
        if profile is None:
            raise InvalidInput(f"profile_id {profile_id} does not name an existing profile.")
        return profile

    def list(
        self,
        *,
        contact_id: int | None = None,
        folder_id: int | None = None,
        status: str | None = None,
        created_from: str | None = None,
        created_to: str | None = None,
        external_ref: str | None = None,
        sender_id: int | None = None,
        limit: int = DEFAULT_LIST_LIMIT,
        offset: int = 0,
        cursor: str | None = None,
        sort: str | None = None,
        details: bool = False,
    ) -> DocumentPage:
        """A page of the documents that match, in `sort`'s order (document_lists.ListOrder), each with the
        fields a queue shows when `details` is asked for (one more read of the page's documents)."""
        filters = self._filters(contact_id, folder_id, status, created_from, created_to, sender_id)
        order = ListOrder.parse(sort)
        if order.by_index:
            page = self._page(filters, external_ref, limit, offset, cursor)
            rows, total, next_cursor = page.items, page.total, page.next_cursor
            if details:
                rows = self._with_details(rows)
        else:
            start = start_of(offset, cursor)
            every = self._sorted(filters, external_ref, order, details)
            rows, total = every[start : start + limit], len(every)
            next_cursor = next_position_cursor(start, len(rows), total)
        return DocumentPage(
            total=total,
            limit=limit,
            offset=offset,
            documents=[DocumentSummary.model_validate(summary_of(row, details)) for row in rows],
            next_cursor=next_cursor,
        )

    def export_csv(
        self,
        *,
        contact_id: int | None = None,
        folder_id: int | None = None,
        status: str | None = None,
        created_from: str | None = None,
        created_to: str | None = None,
        external_ref: str | None = None,
        sender_id: int | None = None,
        sort: str | None = None,
    ) -> bytes:
        """Every document the list with these filters holds, in its order, as CSV (document_lists.csv_document);
        422 when there are more than MAX_EXPORT_ROWS."""
        filters = self._filters(contact_id, folder_id, status, created_from, created_to, sender_id)
        return csv_document(self._sorted(filters, external_ref, ListOrder.parse(sort), details=True))

    def _sorted(self, filters: DocumentFilters, external_ref: str | None, order: ListOrder, details: bool) -> Rows:
        """Every match, in `order`: read to the end (bounded), since no index holds that order."""
        every = self._page(filters, external_ref, MAX_SORTED_MATCHES, 0, None)
        if every.total > MAX_SORTED_MATCHES:
            raise InvalidInput(
                f"{every.total:,} documents match; sorting or exporting reads every one of them, so at most "
                f"{MAX_SORTED_MATCHES:,} can be. Narrow the filters (status, contact, folder, created range)."
            )
        rows = self._with_details(every.items) if details or order.needs_documents else every.items
        return order.sorted(rows)

    def _with_details(self, rows: Rows) -> Rows:
        found = self.documents.details([int(row["id"]) for row in rows])
        return [{**row, **found[int(row["id"])]} for row in rows if int(row["id"]) in found]

    def _page(
        self, filters: DocumentFilters, external_ref: str | None, limit: int, offset: int, cursor: str | None
    ) -> Page:
        if external_ref is not None:
            system, record_id = parse_external_ref(external_ref)
            return self.documents.page_by_external_ref(
                system, record_id, filters, limit=limit, offset=offset, cursor=cursor
            )
        if filters.sender_id is not None:
            return self.documents.page_by_sender(filters, limit=limit, offset=offset, cursor=cursor)
        return self.documents.page(filters, limit=limit, offset=offset, cursor=cursor)

    @staticmethod
    def _filters(
        contact_id: int | None,
        folder_id: int | None,
        status: str | None,
        created_from: str | None,
        created_to: str | None,
        sender_id: int | None,
    ) -> DocumentFilters:
        filters = DocumentFilters(
            contact_id=contact_id,
            folder_id=folder_id,
            status=parse_status(status) if status is not None else None,
            created_from=parse_created_bound(created_from, "created_from", end_of_range=False)
            if created_from
            else None,
            created_to=parse_created_bound(created_to, "created_to", end_of_range=True) if created_to else None,
            sender_id=sender_id,
        )
        if filters.created_from and filters.created_to and filters.created_from > filters.created_to:
            raise InvalidInput("created_from is after created_to.")
        return filters

    def get(self, document_id: int) -> Document:
        item = self.documents.get(document_id)
        if item is None:
            raise NotFound(f"Document {document_id} not found.")
        return Document.model_validate(item)

    def set_status(
        self,
        document_id: int,
        status: Status,
        actor: str,
        *,
        notes: str | None = None,
        notes_given: bool = False,
        expected_version: int | None = None,
    ) -> StatusUpdated:
        """Sets the review status (and the notes, when given), as the lifecycle allows (see `status_change`)."""
        updated = self.documents.change(
            document_id,
            lambda current: status_change(current, status, actor, notes if notes_given else _UNCHANGED),
            expected_version,
        )
        return StatusUpdated(
            id=updated["id"], status=updated["status"], updated_at=updated["updated_at"], version=version_of(updated)
        )

    def correct(
        self, document_id: int, correction: DocumentCorrection, actor: str, expected_version: int | None = None
    ) -> Document:
        """Applies a person's corrections; the record is scored again from the corrected values."""
        from .corrections import corrected_values

        references = self._correction_references(correction)

        def decide(current: dict[str, Any]) -> DocumentChange | None:
            profile = self._profile(int(correction.profile_id or current["profile_id"]))
            values = {**corrected_values(current, correction, profile), **_changed(current, references)}
            if not values:
                return None
            size = record_bytes({**current, **values})
            if size > MAX_RECORD_BYTES:
                raise InvalidInput(
                    f"With these corrections the document would take {size:,} bytes; at most {MAX_RECORD_BYTES:,} "
                    "can be stored. Shorten the line items' descriptions or the notes."
                )
            return DocumentChange(values, history=_correction_events(current, values, actor))

        return Document.model_validate(self.documents.change(document_id, decide, expected_version))

    def _correction_references(self, correction: DocumentCorrection) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if correction.contact_id is not None:
            contact = self._contact(correction.contact_id)
            values.update(contact_id=contact.id, contact_name=contact.name)
        if correction.folder_id is not None:
            folder = self._folder(correction.folder_id)
            values.update(folder_id=folder.id, folder_name=folder.name)
        if correction.profile_id is not None:
            values["profile_id"] = self._profile(correction.profile_id).id
        return values

    def history(
        self, document_id: int, limit: int = DEFAULT_LIST_LIMIT, offset: int = 0, cursor: str | None = None
    ) -> HistoryPage:
        entries = self.documents.history(document_id)
        # Read after the entries: they are shown only if the document was still there once they were read
        # (a delete makes the record a tombstone before it erases the history).
        if self.documents.get(document_id) is None:
            raise NotFound(f"Document {document_id} not found.")
        start = start_of(offset, cursor)
        shown = fitting([HistoryEntry.model_validate(entry) for entry in entries[start : start + limit]])
        return HistoryPage(
            total=len(entries),
            limit=limit,
            offset=offset,
            entries=shown,
            next_cursor=next_position_cursor(start, len(shown), len(entries)),
        )

    def file_url(self, document_id: int, disposition: str = "attachment") -> FileLink:
        """A short-lived URL of the original file under its original name: downloaded (`attachment`) or shown
        in the browser (`inline`, only for the types the API accepts; any other is downloaded)."""
        stored = self.documents.get(document_id)  # one read: the record and its file's key
        if stored is None:
            raise NotFound(f"Document {document_id} not found.")
        document = Document.model_validate(stored)
        if document.size_bytes is None:
            raise Conflict(
                f"Document {document_id} has no file yet: its presigned upload has not arrived. Upload the file first."
            )
        if disposition == "inline" and document.media_type not in SUPPORTED_MEDIA_TYPES:
            disposition = "attachment"
        expires_in = self.settings.file_url_expiry_seconds
        url = self.blobs.presigned_get(
            str(stored["s3_key"]), document.filename, document.media_type, expires_in, disposition
        )
        return FileLink(
            url=url,
            filename=document.filename,
            content_type=document.media_type or "application/octet-stream",
            expires_in=expires_in,
        )

    def pages(self, document_id: int) -> DocumentPages:
        """The pages of the document's file as images (short-lived URLs) with the words read on them, as its
        extraction stored them beside the file; none before extraction has read it."""
        stored = self.documents.get(document_id)
        if stored is None:
            raise NotFound(f"Document {document_id} not found.")
        expires_in = self.settings.file_url_expiry_seconds
        file_key = str(stored["s3_key"])
        try:
            manifest = self.blobs.read(pages_prefix(file_key) + PAGES_MANIFEST, MAX_PAGES_MANIFEST_BYTES)
        except Exception as error:
            if is_missing_object(error):
                return DocumentPages(pages=[], expires_in=expires_in)
            raise StorageUnavailable("The document's pages could not be read; retry the request.") from error
        views = [PageView.model_validate(view) for view in json.loads(manifest.content).get("pages", [])]
        return DocumentPages(
            pages=[
                PageImage(
                    page=view.page,
                    url=self.blobs.presigned_get(
                        page_image_key(file_key, view.page),
                        f"page-{view.page}.jpg",
                        PAGE_IMAGE_MEDIA_TYPE,
                        expires_in,
                        "inline",
                    ),
                    width=view.width,
                    height=view.height,
                    words=view.words,
                )
                for view in views
            ],
            expires_in=expires_in,
        )

    def delete(self, document_id: int) -> None:
        """Erases the document: its record first (from then on it answers 404 and takes no write, whatever
        is under way), then its file with every version of it, its history and its index items (404 if there
        is none). A delete cut short (503) is taken up again by the next DELETE."""
        tombstone = self.documents.withdraw(document_id)
        if tombstone is None:
            raise NotFound(f"Document {document_id} not found.")
        try:
            self.blobs.delete(str(tombstone["s3_key"]))
            # What the extraction kept beside it for learning (senders/learning.py).
            self.blobs.delete(layout_key(str(tombstone["s3_key"])))
            self.blobs.delete_under(pages_prefix(str(tombstone["s3_key"])))
        except Exception as error:
            raise StorageUnavailable("The file could not be deleted; retry the request.") from error
        self.documents.erase(tombstone)


# Notes that a status change leaves as they are (None would clear them).
_UNCHANGED: Any = object()
# Attributes a correction records in the history, with how the history names them.
_CORRECTED_ATTRIBUTES = ("line_items", "doc_type", "doc_date", "contact_id", "folder_id", "profile_id")


def _changed(current: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if current.get(name) != value}


def _correction_events(current: dict[str, Any], values: dict[str, Any], actor: str) -> tuple[HistoryEvent, ...]:
    before_fields = current.get("extracted_fields") or {}
    after_fields = values.get("extracted_fields", before_fields)
    changes = [
        field_change(f"extracted_fields.{name}", before_fields.get(name), after_fields.get(name))
        for name in after_fields
        if before_fields.get(name) != after_fields.get(name) or name not in before_fields
    ]
    changes += [field_change(name, current.get(name), values[name]) for name in _CORRECTED_ATTRIBUTES if name in values]
    events = []
    if changes:
        events.append(HistoryEvent("fields_corrected", actor, tuple(changes)))
    if "notes" in values:
        events.append(HistoryEvent("note_set", actor, (field_change("notes", current.get("notes"), values["notes"]),)))
    return tuple(events)


def _extraction_running(document: dict[str, Any]) -> bool:
    return document.get("extraction_state") == "claimed"


def _export_refusal(document: dict[str, Any]) -> str | None:
    """Why a document cannot go to Export (its extraction never finished), or None."""
    document_id, status = document["id"], document["status"]
    if status in keys.PIPELINE_STATUSES:
        return (
            f"Document {document_id} is {status}: its extraction has not finished. Set Export once it is in "
            "Needs Review."
        )
    if status == Status.EXCEPTION.value:
        return (
            # The reason is the record's `error`, for a token that may read the document: not quoted here,
            # where a token that may only change it (documents:write) would read it.
            f"Document {document_id} is in Exception: its extraction failed (the document's `error` says why). "
            f"Correct its fields (PATCH /api/documents/{document_id}) or run extraction again (status New), then "
            "set it to Needs Review before Export."
        )
    if not any(value is not None for value in (document.get("extracted_fields") or {}).values()):
        return (
            f"Document {document_id} has no extracted fields: there is nothing to export. Correct its fields "
            f"(PATCH /api/documents/{document_id}) or run extraction again (status New) first."
        )
    return None


def status_change(
    current: dict[str, Any], status: Status, actor: str, notes: Any = _UNCHANGED
) -> DocumentChange | None:
    """The lifecycle (README, "Statuses"): every status may be set by hand, except that Export needs a
    finished extraction with fields (409 otherwise), and New or Processing set by hand runs extraction again
    (the pipeline then moves the document on by itself; fields a person corrected are kept)."""
    before = current["status"]
    if status is Status.EXPORT and before != Status.EXPORT.value:
        refusal = _export_refusal(current)
        if refusal is not None:
            raise Conflict(refusal)
    values: dict[str, Any] = {}
    events: list[HistoryEvent] = []
    if status.value != before:
        values["status"] = status.value
        events.append(HistoryEvent("status_changed", actor, (field_change("status", before, status.value),)))
    if notes is not _UNCHANGED and notes != current.get("notes"):
        values["notes"] = notes
        events.append(HistoryEvent("note_set", actor, (field_change("notes", current.get("notes"), notes),)))
    remove: tuple[str, ...] = ()
    # A run is requested only where the file is there to read (a presigned upload's arrives with its own
    # event; a claim was taken only on its arrival). Processing set by hand leaves a run under way alone (it
    # ends by moving the document on itself); New always starts afresh: the claim is cleared, since the run
    # holding it may have died, and a run still going then concludes nothing.
    has_file = current.get("media_type") is not None or "extraction_claimed_at" in current
    restart = status is Status.NEW or not _extraction_running(current)
    if status.value in keys.PIPELINE_STATUSES and has_file and restart:
        values["status"] = status.value
        values["extraction_request"] = str(version_of(current) + 1)
        values["extraction_attempts"] = 0
        remove = ("extraction_claimed_at", "extraction_state")
        events.append(HistoryEvent("extraction_requested", actor))
    if not values:
        return None
    return DocumentChange(values, remove=remove, history=tuple(events))
