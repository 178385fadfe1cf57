"""The published Documents API (API.md Part 1). One router per endpoint: each is its own Lambda function."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Header, Query, Request, Response, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, ValidationError

from recordengine.documents import UploadRequest, parse_status
from recordengine.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    InvalidStatus,
    PayloadTooLarge,
    PreconditionFailed,
    UnsupportedMediaType,
)
from recordengine.idempotency import run_once
from recordengine.models import (
    MAX_NOTES_CHARS,
    DocumentCorrection,
    DocumentPage,
    FileLink,
    HistoryPage,
    Notes,
    PresignedUpload,
    PresignedUploadRequest,
    StatusUpdated,
    UploadedDocument,
)
from recordengine.models import Document as DocumentRecord
from recordengine.storable import MAX_ID, excerpt, external_refs_problem
from recordengine.tokens import TokenScope

from .auth import current_caller, requires
from .dependencies import Actor, DocumentServiceDep
from .errors import error_responses
from .pagination import DEFAULT_LIMIT, Limit, Offset
from .paths import path_id
from .preconditions import IfMatch, entity_tag, expected_version

# One router per endpoint (each is its own function), each with the token scope it needs.
upload_router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_WRITE)])
presigned_upload_router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_WRITE)])
list_router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_READ)])
get_router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_READ)])
status_router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_WRITE)])
update_router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_WRITE)])
history_router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_READ)])
file_router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_READ)])
delete_router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_WRITE)])


def parse_external_refs(value: str | None) -> dict[str, Any]:
    """The multipart `external_refs` field: a JSON object that can be stored and indexed (422 otherwise)."""
    if value is None or not value.strip():
        return {}
    try:
        refs = json.loads(value)
    except (ValueError, RecursionError):
        raise InvalidInput("external_refs must be a JSON object; it is not valid JSON.") from None
    if not isinstance(refs, dict):
        raise InvalidInput('external_refs must be a JSON object, e.g. {"salesforce": {"record_id": "..."}}.')
    problem = external_refs_problem(refs)
    if problem is not None:
        raise InvalidInput(problem)
    return refs


def _idempotency_scope(request: Request) -> str:
    # The token, however the header spelt it: one client's keys never collide with another's.
    caller = current_caller(request)
    if caller is None:
        raise Forbidden("An Idempotency-Key needs an authenticated request.")
    return f"upload:{caller.token_id}"


@upload_router.post(
    "/api/documents/upload",
    status_code=201,
    responses=error_responses(
        {
            Conflict: "A request with this Idempotency-Key is still in progress; retry shortly.",
            PayloadTooLarge: "The file is over the multipart limit: POST /api/documents/uploads for larger files.",
            UnsupportedMediaType: "The file is not a PDF, PNG, JPEG or TIFF (judged by its content).",
        }
    ),
)
def upload_document(
    request: Request,
    service: DocumentServiceDep,
    actor: Actor,
    file: Annotated[UploadFile, File()],
    contact_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    folder_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    profile_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    external_refs: Annotated[str | None, Form()] = None,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> UploadedDocument:
    upload = UploadRequest(
        # One byte past the limit is enough to know the file is too large.
        content=file.file.read(service.settings.max_upload_bytes + 1),
        filename=file.filename or "",
        contact_id=contact_id,
        folder_id=folder_id,
        profile_id=profile_id,
        external_refs=parse_external_refs(external_refs),
    )
    if idempotency_key is None:
        return service.upload(upload, actor)
    fingerprint = hashlib.sha256(upload.content)
    fingerprint.update(
        json.dumps([upload.filename, contact_id, folder_id, profile_id, upload.external_refs], sort_keys=True).encode()
    )
    first = run_once(
        lambda: service.upload(upload, actor).model_dump(mode="json"),
        scope=_idempotency_scope(request),
        key=idempotency_key,
        fingerprint=fingerprint.hexdigest(),
        lambda_context=request.scope.get("aws.context"),
    )
    return UploadedDocument.model_validate(first)


@presigned_upload_router.post("/api/documents/uploads", status_code=201)
def create_presigned_upload(
    request: PresignedUploadRequest, service: DocumentServiceDep, actor: Actor
) -> PresignedUpload:
    return service.create_presigned_upload(request, actor)


@list_router.get("/api/documents", responses=error_responses({InvalidStatus: "status is not one of the statuses."}))
def list_documents(
    service: DocumentServiceDep,
    contact_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    folder_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    status: str | None = None,
    created_from: str | None = None,
    created_to: str | None = None,
    external_ref: str | None = None,
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
        limit=limit,
        offset=offset,
        cursor=cursor,
    )


@get_router.get("/api/documents/{document_id}")
def get_document(document_id: str, service: DocumentServiceDep, response: Response) -> DocumentRecord:
    document = service.get(path_id(document_id, "Document"))
    response.headers["ETag"] = entity_tag(document.version)
    return document


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
_STALE = "If-Match names a version the document is no longer at; the ETag header gives the current one."
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


@status_router.patch(
    "/api/documents/{document_id}/status",
    openapi_extra={"requestBody": _STATUS_BODY},
    responses=error_responses(
        {
            InvalidStatus: 'The body is not JSON like {"status": "Approved"} with one of the statuses.',
            Conflict: "Export before extraction finished with fields: correct the fields or run extraction again.",
            PreconditionFailed: _STALE,
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
        body = json.loads(await request.body())
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


@update_router.patch(
    "/api/documents/{document_id}",
    responses=error_responses(
        {
            PreconditionFailed: _STALE,
            InvalidInput: "A value does not fit its field's type in the profile, or the record would be too large.",
        }
    ),
)
def update_document(
    document_id: str,
    correction: DocumentCorrection,
    service: DocumentServiceDep,
    actor: Actor,
    response: Response,
    if_match: IfMatch = None,
) -> DocumentRecord:
    document = service.correct(path_id(document_id, "Document"), correction, actor, expected_version(if_match))
    response.headers["ETag"] = entity_tag(document.version)
    return document


@history_router.get("/api/documents/{document_id}/history")
def get_document_history(
    document_id: str, service: DocumentServiceDep, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0
) -> HistoryPage:
    return service.history(path_id(document_id, "Document"), limit=limit, offset=offset)


_FILE_QUERY = "attachment downloads the file; inline lets a browser show it (a PDF or an image in a frame)."


def prefers_json(accept: str | None) -> bool:
    """Whether an Accept header names application/json and ranks nothing above it (a page's fetch), rather
    than a browser's navigation or a client that takes anything (`*/*`), which follow the redirect."""
    weights: dict[str, float] = {}
    for part in (accept or "").split(","):
        media_range, *params = (piece.strip() for piece in part.split(";"))
        if not media_range:
            continue
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[media_range.lower()] = max(weight, weights.get(media_range.lower(), 0.0))
    json_weight = weights.pop("application/json", 0.0)
    return json_weight > 0 and all(json_weight >= weight for weight in weights.values())


@file_router.get(
    "/api/documents/{document_id}/file",
    status_code=302,
    response_class=RedirectResponse,
    responses={
        200: {
            "description": "With `Accept: application/json`: where to fetch the file, for a page that cannot "
            "read a redirect (a presigned URL, valid `expires_in` seconds)",
            "model": FileLink,
        },
        302: {"description": "Location: a presigned URL that downloads the original file, valid minutes"},
        **error_responses({Conflict: "The document has no file yet (a presigned upload not yet sent)."}),
    },
)
def get_document_file(
    document_id: str,
    service: DocumentServiceDep,
    disposition: Annotated[Literal["attachment", "inline"], Query(description=_FILE_QUERY)] = "attachment",
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    link = service.file_url(path_id(document_id, "Document"), disposition)
    # The answer depends on Accept, and a presigned URL must not outlive its minutes in a cache.
    headers = {"Cache-Control": "no-store", "Vary": "Accept"}
    if prefers_json(accept):
        return JSONResponse(link.model_dump(), headers=headers)
    return RedirectResponse(link.url, status_code=302, headers=headers)


@delete_router.delete("/api/documents/{document_id}", status_code=204)
def delete_document(document_id: str, service: DocumentServiceDep) -> Response:
    service.delete(path_id(document_id, "Document"))
    return Response(status_code=204)
