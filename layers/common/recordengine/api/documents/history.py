"""GET /api/documents/{document_id}/history: a page of the document's history, oldest first."""

from __future__ import annotations

from fastapi import APIRouter

from recordengine.api.auth import requires
from recordengine.api.dependencies import DocumentServiceDep
from recordengine.api.pagination import DEFAULT_LIMIT, Cursor, Limit, Offset
from recordengine.api.paths import path_id
from recordengine.models import HistoryPage
from recordengine.tokens import TokenScope

router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_READ)])


@router.get("/api/documents/{document_id}/history")
def get_document_history(
    document_id: str,
    service: DocumentServiceDep,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    cursor: Cursor = None,
) -> HistoryPage:
    return service.history(path_id(document_id, "Document"), limit=limit, offset=offset, cursor=cursor)
