"""PATCH /api/documents/{document_id}: a person's corrections."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from recordengine.api.auth import may_read_documents, requires
from recordengine.api.dependencies import Actor, DocumentServiceDep
from recordengine.api.errors import error_responses
from recordengine.api.paths import path_id
from recordengine.api.preconditions import STALE_VERSION, IfMatch, entity_tag, expected_version
from recordengine.errors import InvalidInput, PreconditionFailed
from recordengine.models import Document as DocumentRecord
from recordengine.models import DocumentChanged, DocumentCorrection
from recordengine.tokens import TokenScope

router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_WRITE)])


@router.patch(
    "/api/documents/{document_id}",
    responses=error_responses(
        {
            PreconditionFailed: STALE_VERSION,
            InvalidInput: "A value does not fit its field's type in the profile, or the record would be too large.",
        }
    ),
)
def update_document(
    document_id: str,
    correction: DocumentCorrection,
    service: DocumentServiceDep,
    actor: Actor,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
) -> DocumentRecord | DocumentChanged:
    """The corrected record; to a token without documents:read, only its id, version and updated_at."""
    document = service.correct(path_id(document_id, "Document"), correction, actor, expected_version(if_match))
    response.headers["ETag"] = entity_tag(document.version)
    if not may_read_documents(request):
        return DocumentChanged(id=document.id, updated_at=document.updated_at, version=document.version)
    return document
