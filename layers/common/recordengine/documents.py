"""The Documents API's domain: uploads, lists, reads and the review status (API.md Part 1)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from .catalog import ContactCatalog, FolderCatalog, ProfileCatalog
from .clock import format_timestamp, now_timestamp, utc_now
from .errors import InvalidInput, InvalidStatus, NotFound, PayloadTooLarge, StorageUnavailable, UnsupportedMediaType
from .media import sniff_media_type
from .models import (
    Contact,
    Document,
    DocumentPage,
    DocumentSummary,
    Folder,
    PresignedPost,
    PresignedUpload,
    PresignedUploadRequest,
    Status,
    StatusUpdated,
    UploadedDocument,
)
from .settings import Settings
from .storable import MAX_EXTERNAL_REF_KEY_BYTES, MAX_EXTERNAL_REF_RECORD_ID_BYTES, excerpt
from .storage.blobs import BlobStore, new_document_key
from .storage.documents import DocumentFilters, DocumentStore

MAX_LIST_LIMIT = 200
DEFAULT_LIST_LIMIT = 50
_FILENAME_LIMIT = 255
# Control, format (bidirectional overrides such as U+202E, which make "invoice\u202egpj.pdf" display as
# "invoicefdp.jpg"), line and paragraph separators, and lone surrogates.
_UNSAFE_FILENAME_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


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
    """`salesforce:001Qy00000BnXt2IAF` -> ("salesforce", "001Qy00000BnXt2IAF") (external_refs.<system>.record_id)."""
    system, separator, record_id = value.strip().partition(":")
    if not separator or not system.strip() or not record_id.strip():
        raise InvalidInput("external_ref must look like <system>:<record id>, e.g. salesforce:001Qy00000BnXt2IAF.")
    system, record_id = system.strip(), record_id.strip()
    if len(system.encode("utf-8", "replace")) > MAX_EXTERNAL_REF_KEY_BYTES:
        raise InvalidInput(f"external_ref's system is longer than {MAX_EXTERNAL_REF_KEY_BYTES} bytes.")
    if len(record_id.encode("utf-8", "replace")) > MAX_EXTERNAL_REF_RECORD_ID_BYTES:
        raise InvalidInput(f"external_ref's record id is longer than {MAX_EXTERNAL_REF_RECORD_ID_BYTES} bytes.")
    return system, record_id


def parse_created_bound(value: str, name: str, *, end_of_range: bool) -> str:
    """A date or timestamp bound of the created range as a UTC timestamp (a date covers its whole day)."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
            if end_of_range:
                moment += timedelta(days=1, seconds=-1)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
    except ValueError:
        raise InvalidInput(
            f"{name} must be a date (YYYY-MM-DD) or an ISO 8601 timestamp, not '{excerpt(value)}'."
        ) from None
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

    def upload(self, request: UploadRequest) -> UploadedDocument:
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
        document = self._new_document(request, {"media_type": media_type, "size_bytes": len(request.content)})
        try:
            # The object is written after the item, so the S3 event always finds its document.
            self.blobs.put(document["s3_key"], request.content, media_type)
        except Exception as error:
            self.documents.delete(document["id"])
            raise StorageUnavailable("The file could not be stored; retry the upload.") from error
        return UploadedDocument.model_validate(document)

    def create_presigned_upload(self, request: PresignedUploadRequest) -> PresignedUpload:
        document = self._new_document(request, {})
        expiry = self.settings.presigned_upload_expiry_seconds
        post = self.blobs.presigned_post(document["s3_key"], self.settings.max_presigned_upload_bytes, expiry)
        upload = PresignedPost(
            url=post["url"],
            fields=post["fields"],
            max_bytes=self.settings.max_presigned_upload_bytes,
            expires_at=format_timestamp(utc_now() + timedelta(seconds=expiry)),
        )
        return PresignedUpload.model_validate({**document, "upload": upload})

    def _new_document(self, request: UploadRequest | PresignedUploadRequest, extra: dict[str, Any]) -> dict[str, Any]:
        """Writes the document item (New) that the upload's S3 event will find."""
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
            **extra,
        }
        self.documents.create(document)
        return document

    def _references(self, contact_id: int, folder_id: int, profile_id: int | None) -> tuple[Contact, Folder, int]:
        contact = self.contacts.find(contact_id)
        if contact is None:
            raise InvalidInput(f"contact_id {contact_id} does not name an existing contact.")
        folder = self.folders.find(folder_id)
        if folder is None:
            raise InvalidInput(f"folder_id {folder_id} does not name an existing folder.")
        resolved = profile_id if profile_id is not None else contact.default_profile_id
        if self.profiles.find(resolved) is None:
            raise InvalidInput(f"profile_id {resolved} does not name an existing profile.")
        return contact, folder, resolved

    def list(
        self,
        *,
        contact_id: int | None = None,
        folder_id: int | None = None,
        status: str | None = None,
        created_from: str | None = None,
        created_to: str | None = None,
        external_ref: str | None = None,
        limit: int = DEFAULT_LIST_LIMIT,
        offset: int = 0,
    ) -> DocumentPage:
        filters = DocumentFilters(
            contact_id=contact_id,
            folder_id=folder_id,
            status=parse_status(status) if status is not None else None,
            created_from=parse_created_bound(created_from, "created_from", end_of_range=False)
            if created_from
            else None,
            created_to=parse_created_bound(created_to, "created_to", end_of_range=True) if created_to else None,
        )
        if filters.created_from and filters.created_to and filters.created_from > filters.created_to:
            raise InvalidInput("created_from is after created_to.")
        if external_ref is not None:
            system, record_id = parse_external_ref(external_ref)
            page = self.documents.page_by_external_ref(system, record_id, filters, limit=limit, offset=offset)
        else:
            page = self.documents.page(filters, limit=limit, offset=offset)
        return DocumentPage(
            total=page.total,
            limit=limit,
            offset=offset,
            documents=[DocumentSummary.model_validate(item) for item in page.items],
        )

    def get(self, document_id: int) -> Document:
        item = self.documents.get(document_id)
        if item is None:
            raise NotFound(f"Document {document_id} not found.")
        return Document.model_validate(item)

    def set_status(self, document_id: int, status: Status) -> StatusUpdated:
        updated = self.documents.set_status(document_id, status)
        return StatusUpdated(id=updated["id"], status=updated["status"], updated_at=updated["updated_at"])
