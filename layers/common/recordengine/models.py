"""The published shapes of the Documents API (API.md) and the records behind them."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, field_validator

from .storable import ExternalRefs, FilenameText, Id, Name, StorableText, check_scalar


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
DocType = Annotated[StorableText, Field(min_length=1, max_length=100)]


class FieldDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
    type: FieldType = "string"
    required: StrictBool = False
    description: StorableText = Field(default="", max_length=500)
    # Document types that do not carry the field (a receipt has no due date): on them it is neither required
    # nor reported missing, though a value read is kept.
    not_expected_on: list[DocType] = Field(default_factory=list, max_length=20)

    def expected_on(self, doc_type: str | None) -> bool:
        return doc_type not in self.not_expected_on


class ProfileCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    doc_types: list[DocType] = Field(default_factory=list, max_length=20)
    fields: list[FieldDefinition] = Field(min_length=1, max_length=100)
    line_items: StrictBool = False


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


class FieldLocation(BaseModel):
    """Where a value was read: its page and its box there."""

    page: int = Field(ge=1, description="The page the value is printed on, from 1.")
    box: list[float] = Field(
        min_length=4,
        max_length=4,
        description="The value's box on the page: left, top, right, bottom as fractions (0 to 1) of the page's "
        "width and height, from its top-left corner, as the page's image (GET /api/documents/{id}/pages) shows it.",
        examples=[[0.62, 0.81, 0.74, 0.83]],
    )


class PageWord(BaseModel):
    """A word printed on a page, and its box there (as FieldLocation's)."""

    text: str
    box: list[float] = Field(min_length=4, max_length=4)


class PageView(BaseModel):
    """A page as a person reviews it: its image (pixels ``width`` by ``height``) and its words. The image is
    stored beside the document's file, not in the record."""

    page: int = Field(ge=1)
    width: int
    height: int
    image: bytes = Field(default=b"", exclude=True)
    words: list[PageWord] = Field(default_factory=list)


class PageImage(BaseModel):
    """One page of GET /api/documents/{id}/pages."""

    page: int = Field(ge=1, description="The page's number, from 1.")
    url: str = Field(description="A short-lived URL of the page's image (JPEG).")
    width: int = Field(description="The image's width in pixels.")
    height: int = Field(description="The image's height in pixels.")
    words: list[PageWord] = Field(
        default_factory=list,
        description="The words read on the page with their boxes (as field_locations' boxes): what a click on "
        "the page picks.",
    )


class DocumentPages(BaseModel):
    """The pages of a document as images, with the words read on them (GET /api/documents/{id}/pages)."""

    pages: list[PageImage] = Field(
        description="The first pages, in order; empty before extraction has read the file, or when no page "
        "could be shown."
    )
    expires_in: int = Field(description="Seconds the image URLs stay valid.")


# What field_locations' description says, on the extraction result and on the document.
_FIELD_LOCATIONS = (
    "Where each value was read: for each field (and each line item, as `line_items.0`, `line_items.1`, …) its "
    "page and box. A field read from no printed place (an embedded e-invoice, a vote between readings that "
    "found it nowhere) has none."
)


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
    field_locations: dict[str, FieldLocation] = Field(default_factory=dict, description=_FIELD_LOCATIONS)
    # The ISO 639-1 code of the language the document was read in ("de"), when the engine tells it.
    language: str | None = None
    # What the document says about who issued it (senders/identity.py, `<kind>:<value>`), strongest first: the
    # pipeline attributes the document to a sender from them. Not stored on the document (exclude).
    sender_identifiers: list[str] = Field(default_factory=list, exclude=True)
    # The pages as a person reviews them (extraction/page_views.py), when the run was asked for them: the
    # pipeline stores them beside the file. Not stored on the document (exclude).
    page_views: list[PageView] = Field(default_factory=list, exclude=True)

    @property
    def confidence_label(self) -> ConfidenceLabel:
        return ConfidenceLabel.for_score(self.confidence_score)


class FieldSource(StrEnum):
    """Who set a field's value: the extraction engine, a person (a correction), a rule, or what the document's
    sender taught (a hint learned from a person's corrections of its earlier documents)."""

    EXTRACTED = "extracted"
    CORRECTED = "corrected"
    RULE = "rule"
    LEARNED = "learned"


class DocumentSummary(BaseModel):
    """A document in a list: what triage needs without reading each record."""

    id: int
    filename: str
    status: Status
    confidence_score: int | None = None
    confidence_label: ConfidenceLabel | None = None
    contact_id: int
    folder_id: int
    created_at: str
    doc_type: str | None = None
    doc_date: str | None = None
    error: str | None = None
    # The earlier document of the same contact with the same file (its SHA-256), if there is one.
    duplicate_of: int | None = None
    # What a queue shows besides: only when the list is asked for `details` (one more read of the page).
    vendor: str | None = None
    total_amount: str | None = None
    currency: str | None = None
    due_date: str | None = None
    sender_id: int | None = None


class AppliedRule(BaseModel):
    """A rule that matched a document when it was extracted, and the actions it applied (Rules Engine)."""

    rule_id: int
    name: str
    actions: list[dict[str, Any]] = Field(default_factory=list)


class Document(DocumentSummary):
    """The full record of GET /api/documents/{id}."""

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
    field_locations: dict[str, FieldLocation] = Field(default_factory=dict, description=_FIELD_LOCATIONS)
    language: str | None = Field(
        default=None,
        description="The ISO 639-1 code of the language extraction read the document in (e.g. `de`); null "
        "before extraction, or when the extraction engine does not tell it.",
        examples=["de"],
    )
    external_refs: dict[str, Any] = Field(default_factory=dict)
    sender_id: int | None = Field(
        default=None,
        description="The sender (GET /api/senders/{id}) the document was attributed to, recognised from what the "
        "document itself prints (tax number, IBAN, domain, phone, name); null before extraction or when the "
        "document says too little about its issuer.",
    )
    notes: str | None = None
    rules_applied: list[AppliedRule] = Field(default_factory=list)
    # For each field, line_items, doc_type and doc_date that has a value: who set it.
    field_sources: dict[str, FieldSource] = Field(default_factory=dict)
    media_type: str | None = None
    size_bytes: int | None = None
    sha256: str | None = None
    updated_at: str
    # Goes up by one with every change; the ETag of GET and what If-Match names.
    version: int = 0


class DocumentPage(BaseModel):
    total: int
    limit: int
    offset: int
    documents: list[DocumentSummary]
    # The `cursor` of the next page (opaque), or None when this page is the last.
    next_cursor: str | None = None


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

    filename: FilenameText = Field(min_length=1, max_length=255)
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


# A reviewer's notes, as rules' add_note keeps them too (rules/actions.py).
MAX_NOTES_CHARS = 10_000
Notes = Annotated[StorableText, Field(max_length=MAX_NOTES_CHARS)]
# A number a person types in: JSON's, finite and within DynamoDB's range (true and false are not numbers).
StorableNumber = Annotated[StrictInt | StrictFloat, AfterValidator(check_scalar)]
# A corrected field's value: text or a number, checked against the field's type in the profile; null clears.
CorrectedValue = Annotated[
    StrictInt | StrictFloat | Annotated[StorableText, Field(max_length=1000)], AfterValidator(check_scalar)
]
FieldName = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]
MAX_LINE_ITEMS = 500


class LineItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: Annotated[StorableText, Field(max_length=1000)] | None = None
    quantity: StorableNumber | None = None
    unit_price: StorableNumber | None = None
    amount: StorableNumber | None = None


class DocumentCorrection(BaseModel):
    """PATCH /api/documents/{id}: what a person corrects. Only what the body names changes; in
    `extracted_fields`, only the fields it names (null clears one); `line_items` replaces the whole list."""

    model_config = ConfigDict(extra="forbid")

    extracted_fields: dict[FieldName, CorrectedValue | None] | None = Field(default=None, max_length=100)
    line_items: list[LineItem] | None = Field(default=None, max_length=MAX_LINE_ITEMS)
    doc_type: DocType | None = None
    doc_date: Annotated[str, Field(max_length=10)] | None = None
    notes: Notes | None = None
    contact_id: Id | None = None
    folder_id: Id | None = None
    profile_id: Id | None = None

    @field_validator("contact_id", "folder_id", "profile_id", mode="before")
    @classmethod
    def _references_are_not_cleared(cls, value: Any) -> Any:
        # Runs only on values the body gives: a document always has a contact, a folder and a profile.
        if value is None:
            raise ValueError("cannot be null: a document always has one (leave it out to keep it)")
        return value


class DocumentChanged(BaseModel):
    """The answer to a correction for a token that may change documents but not read them: what changed, not
    what the document holds (the full record is for documents:read)."""

    id: int
    updated_at: str
    version: int


class StatusUpdated(BaseModel):
    id: int
    status: Status
    updated_at: str
    version: int


class FieldChangeRecord(BaseModel):
    field: str
    from_: Any = Field(default=None, alias="from")
    to: Any = None

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class HistoryEntry(BaseModel):
    """One change of a document: when, by whom (a token's name, `rules:<id>` or `extraction`), and what."""

    version: int
    at: str
    actor: str
    action: str
    changes: list[FieldChangeRecord] = Field(default_factory=list)
    detail: str | None = None


class HistoryPage(BaseModel):
    total: int
    limit: int
    offset: int
    entries: list[HistoryEntry]
    # The `cursor` of the next page (opaque), or None when this page is the last.
    next_cursor: str | None = None


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Me(BaseModel):
    """The token a request was sent with: its name and its scopes (sorted)."""

    name: str
    scopes: list[str]


class FileLink(BaseModel):
    """Where to fetch a document's file: a presigned URL, valid `expires_in` seconds from the answer."""

    url: str
    filename: str
    content_type: str
    expires_in: int


class ContactPage(BaseModel):
    total: int
    limit: int
    offset: int
    contacts: list[Contact]
    # The `cursor` of the next page (opaque), or None when this page is the last.
    next_cursor: str | None = None


class FolderPage(BaseModel):
    total: int
    limit: int
    offset: int
    folders: list[Folder]
    # The `cursor` of the next page (opaque), or None when this page is the last.
    next_cursor: str | None = None


class ProfilePage(BaseModel):
    total: int
    limit: int
    offset: int
    profiles: list[Profile]
    # The `cursor` of the next page (opaque), or None when this page is the last.
    next_cursor: str | None = None
