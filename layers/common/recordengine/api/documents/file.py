"""GET /api/documents/{document_id}/file: where to download the original file (a presigned URL); and
GET /api/documents/{document_id}/pages: its pages as images, with the words read on them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import JSONResponse, RedirectResponse

from recordengine.api.auth import requires
from recordengine.api.dependencies import DocumentServiceDep
from recordengine.api.errors import error_responses
from recordengine.api.paths import path_id
from recordengine.errors import Conflict
from recordengine.models import DocumentPages, FileLink
from recordengine.tokens import TokenScope

router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_READ)])


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


@router.get(
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


@router.get("/api/documents/{document_id}/pages")
def get_document_pages(document_id: str, service: DocumentServiceDep, response: Response) -> DocumentPages:
    """The pages of the document as images (short-lived URLs, rendered once by its extraction) with the words read
    on each and their boxes: what the review page shows the original with, and where `field_locations` point."""
    # Presigned URLs must not outlive their minutes in a cache.
    response.headers["Cache-Control"] = "no-store"
    return service.pages(path_id(document_id, "Document"))
