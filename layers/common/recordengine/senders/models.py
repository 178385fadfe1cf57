"""The API's senders: what GET answers and what PATCH takes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from recordengine.storable import Id, Name


class Sender(BaseModel):
    """A supplier documents come from, recognised from what its documents print."""

    id: int
    name: str
    identifiers: list[str] = Field(
        description="What recognises the sender's documents, `<kind>:<value>`: `tax:<scheme>:<number>`, "
        "`iban:<IBAN>`, `domain:<domain>`, `phone:<last 9 digits>`, `name:<folded name>`.",
        examples=[["tax:DE:DE310341316", "domain:larkspur-drafting.de", "name:larkspur drafting"]],
    )
    documents_seen: int
    fields_learned: int = Field(description="How many fields the sender's documents are read with what was learned.")
    learned_accuracy: float | None = Field(
        default=None,
        description="The share of learned field readings that a reviewer left as they were; null until a learned "
        "reading has been reviewed.",
    )
    last_seen: str | None = None
    contact_id: int | None = None
    created_at: str
    version: int


class SenderPage(BaseModel):
    total: int
    limit: int
    offset: int
    senders: list[Sender]
    next_cursor: str | None = None


class SenderUpdate(BaseModel):
    """PATCH /api/senders/{id}: a new name, and/or the contact the sender is linked to (null unlinks it)."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    contact_id: Id | None = None
