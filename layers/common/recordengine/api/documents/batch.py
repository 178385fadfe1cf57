"""POST /api/documents/batch: approve, archive, set the status of, move or delete up to 100 documents in one
request, answered per document."""

from __future__ import annotations

from fastapi import APIRouter, Request

from recordengine.api.auth import current_caller, requires
from recordengine.api.dependencies import Actor, DocumentServiceDep
from recordengine.api.errors import error_responses, status_of
from recordengine.batch import MAX_BATCH_DOCUMENTS, BatchAction, BatchRequest, BatchResult, run_batch
from recordengine.errors import Forbidden, InvalidInput, InvalidStatus
from recordengine.tokens import TokenScope

router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_WRITE)])


@router.post(
    "/api/documents/batch",
    responses=error_responses(
        {
            InvalidStatus: "set_status with a value that is not one of the statuses.",
            InvalidInput: f"No ids, more than {MAX_BATCH_DOCUMENTS}, an id twice, or an unknown folder.",
            Forbidden: "delete without the 'admin' scope.",
        }
    ),
)
def batch_documents(body: BatchRequest, request: Request, service: DocumentServiceDep, actor: Actor) -> BatchResult:
    """Each document is changed as its own route would change it (PATCH .../status, PATCH with folder_id,
    DELETE), with its own history entry; `results` says, in the order of `ids`, the status code that route
    would have answered and why. One that fails (unknown, or a change its status does not allow) does not
    stop the others. `delete` needs the 'admin' scope too."""
    if body.action is BatchAction.DELETE:
        caller = current_caller(request)
        if caller is None or TokenScope.ADMIN.value not in caller.scopes:
            raise Forbidden("Deleting documents in bulk needs a token with the 'admin' scope.")
    return run_batch(service, body, actor, status_of)
