"""GET /api/documents: a page of documents, filtered."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from recordengine.api.auth import requires
from recordengine.api.dependencies import DocumentServiceDep
from recordengine.api.errors import error_responses
from recordengine.api.pagination import DEFAULT_LIMIT, Limit, Offset
from recordengine.api.paths import DECIMAL_DIGITS
from recordengine.errors import InvalidStatus
from recordengine.models import DocumentPage
from recordengine.storable import MAX_ID
from recordengine.tokens import TokenScope

router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_READ)])


@router.get("/api/documents", responses=error_responses({InvalidStatus: "status is not one of the statuses."}))
def list_documents(
    service: DocumentServiceDep,
    contact_id: Annotated[int | None, Query(ge=1, le=MAX_ID), DECIMAL_DIGITS] = None,
    folder_id: Annotated[int | None, Query(ge=1, le=MAX_ID), DECIMAL_DIGITS] = None,
    status: str | None = None,
    created_from: str | None = None,
    created_to: str | None = None,
    external_ref: str | None = None,
    sender_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only the documents attributed to this sender.")
    ] = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    cursor: Annotated[
        str | None,
        Query(
            max_length=64,
            description="next_cursor of the previous page: the page after it (offset then counts from there). "
            "Reads only the page, where offset reads every document it skips.",
        ),
    ] = None,
) -> DocumentPage:
    return service.list(
        contact_id=contact_id,
        folder_id=folder_id,
        status=status,
        created_from=created_from,
        created_to=created_to,
        external_ref=external_ref,
        sender_id=sender_id,
        limit=limit,
        offset=offset,
        cursor=cursor,
    )
