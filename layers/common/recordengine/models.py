"""The published shapes of the Documents API (API.md) and the records behind them."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .storable import ExternalRefs, Id, Name, StorableText


class Status(StrEnum):
    NEW = "New"
    PROCESSING = "Processing"
    NEEDS_REVIEW = "Needs Review"
    MISSING_INFO = "Missing Info"
    READY = "Ready"
    APPROVED = "Approved"
    EXPORT = "Export"
    EXCEPTION = "Exception"
    ARCHIVED = "Archived"


class ConfidenceLabel(StrEnum):
    EXCELLENT = "Excellent"
    GOOD = "Good"
    FAIR = "Fair"
    POOR = "Poor"

    @classmethod
    def for_score(cls, score: int) -> ConfidenceLabel:
        if score >= 90:
            return cls.EXCELLENT
        if score >= 75:
            return cls.GOOD
        if score >= 50:
            return cls.FAIR
        return cls.POOR


FieldType = Literal["string", "date", "amount", "currency", "integer"]


class FieldDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
    type: FieldType = "string"
    required: bool = False
    description: StorableText = Field(default="", max_length=500)


DocType = Annotated[StorableText, Field(min_length=1, max_length=100)]


class ProfileCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    doc_types: list[DocType] = Field(default_factory=list, max_length=20)
    fields: list[FieldDefinition] = Field(min_length=1, max_length=100)
    line_items: bool = False


class Profile(ProfileCreate):
    # Stored records carry their keys too; a profile read back ignores them.
    model_config = ConfigDict(extra="ignore")

    id: int
    builtin: bool = False
    created_at: str
    # Profiles stored before doc types were bounded are read back as they are.
    doc_types: list[str] = Field(default_factory=list)


class ContactCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    default_profile_id: Id | None = None


class Contact(BaseModel):
    id: int
    name: str
    default_profile_id: int
    created_at: str


class FolderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name


class Folder(BaseModel):
    id: int
    name: str
    created_at: str


class ValidationCheck(BaseModel):
    check: str
    passed: bool
    detail: str


class ExtractionResult(BaseModel):
    """What an extraction engine concludes about one document, stored on the document as is."""

    doc_type: str | None = None
    doc_date: str | None = None
    extracted_fields: dict[str, str | None] = Field(default_factory=dict)
    line_items: list[dict[str, Any]] = Field(default_factory=list)
    ai_summary: str | None = None
    confidence_score: int = Field(ge=0, le=100)
    confidence_reasoning: str
    field_confidence: dict[str, int] = Field(default_factory=dict)
    missing_fields: list[str] = Field(default_factory=list)
    validation: list[ValidationCheck] = Field(default_factory=list)

    @property
    def confidence_label(self) -> ConfidenceLabel:
        return ConfidenceLabel.for_score(self.confidence_score)


class DocumentSummary(BaseModel):
    id: int
    filename: str
    status: Status
    confidence_score: int | None = None
    confidence_label: ConfidenceLabel | None = None
    contact_id: int
    folder_id: int
    created_at: str


class AppliedRule(BaseModel):
    """A rule that matched a document when it was extracted, and the actions it applied (Rules Engine)."""

    rule_id: int
    name: str
    actions: list[dict[str, Any]] = Field(default_factory=list)


class Document(DocumentSummary):
    """The full record of GET /api/documents/{id}."""

    doc_type: str | None = None
    doc_date: str | None = None
    contact_name: str
    folder_name: str
    profile_id: int
    ai_summary: str | None = None
    confidence_reasoning: str | None = None
    extracted_fields: dict[str, Any] = Field(default_factory=dict)
    line_items: list[dict[str, Any]] = Field(default_factory=list)
    field_confidence: dict[str, int] = Field(default_factory=dict)
    missing_fields: list[str] = Field(default_factory=list)
    validation: list[ValidationCheck] = Field(default_factory=list)
    external_refs: dict[str, Any] = Field(default_factory=dict)
    notes: str | None = None
    rules_applied: list[AppliedRule] = Field(default_factory=list)
    error: str | None = None
    media_type: str | None = None
    size_bytes: int | None = None
    updated_at: str


class DocumentPage(BaseModel):
    total: int
    limit: int
    offset: int
    documents: list[DocumentSummary]


class UploadedDocument(BaseModel):
    """The 201 answer to an upload (API.md Part 1), with the optional fields that may follow."""

    id: int
    filename: str
    status: Status
    contact_id: int
    folder_id: int
    created_at: str
    profile_id: int
    external_refs: dict[str, Any]


class PresignedUploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filename: StorableText = Field(min_length=1, max_length=255)
    contact_id: Id
    folder_id: Id
    profile_id: Id | None = None
    external_refs: ExternalRefs = Field(default_factory=dict)


class PresignedPost(BaseModel):
    url: str
    fields: dict[str, str]
    max_bytes: int
    expires_at: str


class PresignedUpload(UploadedDocument):
    upload: PresignedPost


class StatusUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status


class StatusUpdated(BaseModel):
    id: int
    status: Status
    updated_at: str


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class ContactPage(BaseModel):
    total: int
    limit: int
    offset: int
    contacts: list[Contact]


class FolderPage(BaseModel):
    total: int
    limit: int
    offset: int
    folders: list[Folder]


class ProfilePage(BaseModel):
    total: int
    limit: int
    offset: int
    profiles: list[Profile]
