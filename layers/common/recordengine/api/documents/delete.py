"""DELETE /api/documents/{document_id}: the document, its file, its history and its index items."""

from __future__ import annotations

from fastapi import APIRouter, Response

from recordengine.api.auth import requires
from recordengine.api.dependencies import DocumentServiceDep
from recordengine.api.paths import path_id
from recordengine.tokens import TokenScope

router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_WRITE)])


@router.delete("/api/documents/{document_id}", status_code=204)
def delete_document(document_id: str, service: DocumentServiceDep) -> Response:
    service.delete(path_id(document_id, "Document"))
    return Response(status_code=204)
