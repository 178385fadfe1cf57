"""The published Documents API (API.md Part 1). One router per endpoint: each is its own Lambda function."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Header, Query, Request, UploadFile

from recordengine.documents import UploadRequest, parse_status
from recordengine.errors import Conflict, Forbidden, InvalidInput, InvalidStatus, PayloadTooLarge, UnsupportedMediaType
from recordengine.idempotency import run_once
from recordengine.models import Document as DocumentRecord
from recordengine.models import (
    DocumentPage,
    PresignedUpload,
    PresignedUploadRequest,
    StatusUpdated,
    UploadedDocument,
)
from recordengine.storable import MAX_ID, external_refs_problem
from recordengine.tokens import TokenScope

from .auth import current_caller, requires
from .dependencies import DocumentServiceDep
from .errors import error_responses
from .pagination import DEFAULT_LIMIT, Limit, Offset
from .paths import path_id

# One router per endpoint (each is its own function), each with the token scope it needs.
upload_router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_WRITE)])
presigned_upload_router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_WRITE)])
list_router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_READ)])
get_router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_READ)])
status_router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_WRITE)])


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
        return service.upload(upload)
    fingerprint = hashlib.sha256(upload.content)
    fingerprint.update(
        json.dumps([upload.filename, contact_id, folder_id, profile_id, upload.external_refs], sort_keys=True).encode()
    )
    first = run_once(
        lambda: service.upload(upload).model_dump(mode="json"),
        scope=_idempotency_scope(request),
        key=idempotency_key,
        fingerprint=fingerprint.hexdigest(),
        lambda_context=request.scope.get("aws.context"),
    )
    return UploadedDocument.model_validate(first)


@presigned_upload_router.post("/api/documents/uploads", status_code=201)
def create_presigned_upload(request: PresignedUploadRequest, service: DocumentServiceDep) -> PresignedUpload:
    return service.create_presigned_upload(request)


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
    )


@get_router.get("/api/documents/{document_id}")
def get_document(document_id: str, service: DocumentServiceDep) -> DocumentRecord:
    return service.get(path_id(document_id, "Document"))


# The body is read by the route itself (below); this describes it in the OpenAPI document, with the Status
# enum of the document's components (the answer's model, StatusUpdated, puts it there).
_STATUS_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"status": {"$ref": "#/components/schemas/Status"}},
                "required": ["status"],
            }
        }
    },
}


@status_router.patch(
    "/api/documents/{document_id}/status",
    openapi_extra={"requestBody": _STATUS_BODY},
    responses=error_responses(
        {InvalidStatus: 'The body is not JSON like {"status": "Approved"} with one of the statuses.'}
    ),
)
async def update_document_status(document_id: str, request: Request, service: DocumentServiceDep) -> StatusUpdated:
    # The body is read here rather than declared: API.md answers a bad or missing status with 400, not 422.
    doc_id = path_id(document_id, "Document")
    try:
        body = json.loads(await request.body())
    except (ValueError, RecursionError):
        raise InvalidStatus('The body must be JSON like {"status": "Approved"}.') from None
    value = body.get("status") if isinstance(body, dict) else None
    if not isinstance(value, str):
        raise InvalidStatus('The body must be JSON like {"status": "Approved"}.')
    return service.set_status(doc_id, parse_status(value))
