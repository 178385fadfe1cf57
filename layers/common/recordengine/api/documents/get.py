"""GET /api/documents/{document_id}: the full record, with its version as ETag."""

from __future__ import annotations

from fastapi import APIRouter, Response

from recordengine.api.auth import requires
from recordengine.api.dependencies import DocumentServiceDep
from recordengine.api.paths import path_id
from recordengine.api.preconditions import entity_tag
from recordengine.models import Document as DocumentRecord
from recordengine.tokens import TokenScope

router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_READ)])


@router.get("/api/documents/{document_id}")
def get_document(document_id: str, service: DocumentServiceDep, response: Response) -> DocumentRecord:
    document = service.get(path_id(document_id, "Document"))
    response.headers["ETag"] = entity_tag(document.version)
    return document
