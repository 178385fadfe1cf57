"""The webhook endpoints' API (API.md Part 2): register, list, delete, list attempts, send again."""

from __future__ import annotations

from dataclasses import dataclass

from recordengine.answer_size import fitting, next_position_cursor, start_of
from recordengine.clock import now_timestamp
from recordengine.errors import NotFound

from .delivery import Dispatcher
from .models import Delivery, DeliveryPage, Webhook, WebhookCreate, WebhookCreated, WebhookPage
from .signing import new_secret
from .ssrf import vet
from .store import WebhookStore


@dataclass
class WebhookService:
    store: WebhookStore
    dispatcher: Dispatcher
    allow_loopback: bool = False

    def create(self, request: WebhookCreate) -> WebhookCreated:
        # Checked now (a clear 422 for the client) and again before every send (DNS can change).
        vet(request.url, allow_loopback=self.allow_loopback)
        item = self.store.create_endpoint(
            {
                "url": request.url,
                "description": request.description,
                "secret": new_secret(),
                "enabled": True,
                "created_at": now_timestamp(),
            }
        )
        return WebhookCreated.model_validate(item)

    def list(self, limit: int, offset: int, cursor: str | None = None) -> WebhookPage:
        start = start_of(offset, cursor)
        page = self.store.endpoints(limit=limit, offset=start)
        # Webhook (not WebhookCreated): the secret is never shown again.
        webhooks = fitting([Webhook.model_validate(item) for item in page.items])
        return WebhookPage(
            total=page.total,
            limit=limit,
            offset=offset,
            webhooks=webhooks,
            next_cursor=next_position_cursor(start, len(webhooks), page.total),
        )

    def get(self, webhook_id: int) -> Webhook:
        item = self.store.endpoint(webhook_id)
        if item is None:
            raise NotFound(f"Webhook {webhook_id} not found.")
        return Webhook.model_validate(item)

    def delete(self, webhook_id: int) -> None:
        if not self.store.delete_endpoint(webhook_id):
            raise NotFound(f"Webhook {webhook_id} not found.")

    def deliveries(self, webhook_id: int, limit: int, offset: int, cursor: str | None = None) -> DeliveryPage:
        self.get(webhook_id)
        start = start_of(offset, cursor)
        page = self.store.attempts(webhook_id, limit=limit, offset=start)
        deliveries = fitting([Delivery.model_validate(item) for item in page.items])
        return DeliveryPage(
            total=page.total,
            limit=limit,
            offset=offset,
            deliveries=deliveries,
            next_cursor=next_position_cursor(start, len(deliveries), page.total),
        )

    def retry(self, delivery_id: int) -> Delivery:
        delivery = self.store.attempt(delivery_id)
        if delivery is None:
            raise NotFound(f"Delivery {delivery_id} not found.")
        endpoint = self.store.endpoint(int(delivery["webhook_id"]))
        if endpoint is None:
            raise NotFound(f"Webhook {delivery['webhook_id']} of delivery {delivery_id} no longer exists.")
        try:
            attempt = self.dispatcher.resend(delivery, endpoint)
        except LookupError:
            raise NotFound(f"The event of delivery {delivery_id} no longer exists.") from None
        return Delivery.model_validate(attempt)
