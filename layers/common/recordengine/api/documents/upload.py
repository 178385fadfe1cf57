"""POST /api/documents/upload: a file up to the multipart limit, stored with its document."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Header, Request, UploadFile

from recordengine.api.auth import current_caller, requires
from recordengine.api.dependencies import Actor, DocumentServiceDep
from recordengine.api.errors import error_responses
from recordengine.api.json_body import LaxJson, read_json
from recordengine.api.paths import DECIMAL_DIGITS, single_valued_form
from recordengine.documents import UploadRequest
from recordengine.errors import Conflict, Forbidden, InvalidInput, PayloadTooLarge, UnsupportedMediaType
from recordengine.idempotency import run_once
from recordengine.models import UploadedDocument
from recordengine.storable import MAX_ID, external_refs_problem
from recordengine.tokens import TokenScope

router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_WRITE)])


def parse_external_refs(value: str | None) -> dict[str, Any]:
    """The multipart `external_refs` field: a JSON object that can be stored and indexed (422 otherwise)."""
    if value is None or not value.strip():
        return {}
    try:
        refs = read_json(value)
    except LaxJson as lax:
        raise InvalidInput(f"external_refs is not read as written: {lax}") from None
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


@router.post(
    "/api/documents/upload",
    status_code=201,
    dependencies=[Depends(single_valued_form)],
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
    contact_id: Annotated[int, Form(ge=1, le=MAX_ID), DECIMAL_DIGITS],
    folder_id: Annotated[int, Form(ge=1, le=MAX_ID), DECIMAL_DIGITS],
    profile_id: Annotated[int | None, Form(ge=1, le=MAX_ID), DECIMAL_DIGITS] = None,
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
