"""POST /api/documents/uploads: a presigned S3 upload for files over the multipart limit."""

from __future__ import annotations

from fastapi import APIRouter

from recordengine.api.auth import requires
from recordengine.api.dependencies import Actor, DocumentServiceDep
from recordengine.models import PresignedUpload, PresignedUploadRequest
from recordengine.tokens import TokenScope

router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_WRITE)])


@router.post("/api/documents/uploads", status_code=201)
def create_presigned_upload(
    request: PresignedUploadRequest, service: DocumentServiceDep, actor: Actor
) -> PresignedUpload:
    return service.create_presigned_upload(request, actor)
