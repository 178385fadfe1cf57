"""/api/webhooks (API.md Part 2, "Document webhooks"): one router, one Lambda function."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from recordengine import wiring
from recordengine.tokens import TokenScope
from recordengine.webhooks.models import Delivery, DeliveryPage, WebhookCreate, WebhookCreated, WebhookPage
from recordengine.webhooks.service import WebhookService

from .auth import requires
from .pagination import DEFAULT_LIMIT, Cursor, Limit, Offset
from .paths import path_id

# Webhooks receive every exported document, whoever uploaded it: the admin scope.
router = APIRouter(dependencies=[requires(TokenScope.ADMIN)])

WebhookServiceDep = Annotated[WebhookService, Depends(wiring.webhook_service)]


@router.post("/api/webhooks", status_code=201)
def create_webhook(request: WebhookCreate, service: WebhookServiceDep) -> WebhookCreated:
    return service.create(request)


@router.get("/api/webhooks")
def list_webhooks(
    service: WebhookServiceDep, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0, cursor: Cursor = None
) -> WebhookPage:
    return service.list(limit, offset, cursor)


@router.delete("/api/webhooks/{webhook_id}", status_code=204)
def delete_webhook(webhook_id: str, service: WebhookServiceDep) -> Response:
    service.delete(path_id(webhook_id, "Webhook"))
    return Response(status_code=204)


@router.get("/api/webhooks/{webhook_id}/deliveries")
def list_deliveries(
    webhook_id: str,
    service: WebhookServiceDep,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    cursor: Cursor = None,
) -> DeliveryPage:
    return service.deliveries(path_id(webhook_id, "Webhook"), limit, offset, cursor)


@router.post("/api/webhooks/deliveries/{delivery_id}/retry")
def retry_delivery(delivery_id: str, service: WebhookServiceDep) -> Delivery:
    return service.retry(path_id(delivery_id, "Delivery"))
