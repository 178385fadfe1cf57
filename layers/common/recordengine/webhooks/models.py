"""The webhook API's request and response bodies (API.md Part 2, "Document webhooks")."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from recordengine.storable import StorableText


class WebhookCreate(BaseModel):
    # As every request body: a field the API does not know (say "enabled" or "secret") is 422, not ignored.
    model_config = ConfigDict(extra="forbid")

    url: StorableText = Field(max_length=2048)
    description: StorableText | None = Field(default=None, max_length=500)


class Webhook(BaseModel):
    id: int
    url: str
    description: str | None = None
    enabled: bool
    disabled_reason: str | None = None
    created_at: str


class WebhookCreated(Webhook):
    """The answer to POST /api/webhooks: the only time the secret is shown."""

    secret: str


class WebhookPage(BaseModel):
    total: int
    limit: int
    offset: int
    webhooks: list[Webhook]
    # The `cursor` of the next page (opaque), or None when this page is the last.
    next_cursor: str | None = None


class Delivery(BaseModel):
    """One attempt to deliver one event to one endpoint."""

    id: int
    webhook_id: int
    event_id: str
    event_type: str
    document_id: int
    attempt: int
    trigger: str
    status: str
    response_status: int | None = None
    error: str | None = None
    duration_ms: int
    next_attempt_at: str | None = None
    created_at: str


class DeliveryPage(BaseModel):
    total: int
    limit: int
    offset: int
    deliveries: list[Delivery]
    # The `cursor` of the next page (opaque), or None when this page is the last.
    next_cursor: str | None = None
