"""PATCH /api/documents/{document_id}/status: a reviewer's decision (or extraction run again)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ValidationError

from recordengine.api.auth import requires
from recordengine.api.dependencies import Actor, DocumentServiceDep
from recordengine.api.errors import error_responses
from recordengine.api.json_body import LaxJson, read_json
from recordengine.api.paths import path_id
from recordengine.api.preconditions import STALE_VERSION, IfMatch, entity_tag, expected_version
from recordengine.documents import parse_status
from recordengine.errors import Conflict, InvalidInput, InvalidStatus, PreconditionFailed
from recordengine.models import MAX_NOTES_CHARS, Notes, StatusUpdated
from recordengine.storable import excerpt
from recordengine.tokens import TokenScope

router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_WRITE)])


# The body is read by the route itself (below); this describes it in the OpenAPI document, with the Status
# enum of the document's components (the answer's model, StatusUpdated, puts it there).
_STATUS_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "status": {"$ref": "#/components/schemas/Status"},
                    "notes": {"type": ["string", "null"], "maxLength": MAX_NOTES_CHARS},
                },
                "required": ["status"],
            }
        }
    },
}
_STATUS_EXAMPLE = 'The body must be JSON like {"status": "Approved"}.'


class _StatusNotes(BaseModel):
    notes: Notes | None


def _notes(body: dict[str, Any]) -> tuple[str | None, bool]:
    """The optional `notes` of a status change (422 when they cannot be notes), and whether it was sent."""
    if "notes" not in body:
        return None, False
    try:
        return _StatusNotes.model_validate({"notes": body["notes"]}).notes, True
    except ValidationError as error:
        problem = error.errors()[0]["msg"] if error.errors() else "invalid"
        raise InvalidInput(
            f"notes: {excerpt(str(problem), 200)} (text of at most 10,000 characters, or null)."
        ) from None


@router.patch(
    "/api/documents/{document_id}/status",
    openapi_extra={"requestBody": _STATUS_BODY},
    responses=error_responses(
        {
            InvalidStatus: 'The body is not JSON like {"status": "Approved"} with one of the statuses.',
            Conflict: "Export before extraction finished with fields: correct the fields or run extraction again.",
            PreconditionFailed: STALE_VERSION,
        }
    ),
)
async def update_document_status(
    document_id: str,
    request: Request,
    service: DocumentServiceDep,
    actor: Actor,
    response: Response,
    if_match: IfMatch = None,
) -> StatusUpdated:
    # The body is read here rather than declared: API.md answers a bad or missing status with 400, not 422.
    doc_id = path_id(document_id, "Document")
    try:
        body = read_json(await request.body())
    except LaxJson as lax:
        raise InvalidStatus(f"The JSON body is not read as written: {lax} {_STATUS_EXAMPLE}") from None
    except (ValueError, RecursionError):
        raise InvalidStatus(_STATUS_EXAMPLE) from None
    value = body.get("status") if isinstance(body, dict) else None
    if not isinstance(value, str):
        raise InvalidStatus(_STATUS_EXAMPLE)
    status = parse_status(value)
    notes, notes_given = _notes(body)
    updated = service.set_status(
        doc_id, status, actor, notes=notes, notes_given=notes_given, expected_version=expected_version(if_match)
    )
    response.headers["ETag"] = entity_tag(updated.version)
    return updated
