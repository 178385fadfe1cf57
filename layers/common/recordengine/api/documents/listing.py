"""GET /api/documents: a page of documents, filtered and sorted; GET /api/documents/export: the same list as CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from recordengine.api.auth import requires
from recordengine.api.dependencies import DocumentServiceDep
from recordengine.api.errors import error_responses
from recordengine.api.pagination import DEFAULT_LIMIT, Limit, Offset
from recordengine.api.paths import DECIMAL_DIGITS
from recordengine.document_lists import MAX_SORTED_MATCHES, SORT_VALUES
from recordengine.errors import InvalidInput, InvalidStatus
from recordengine.models import DocumentPage
from recordengine.storable import MAX_ID
from recordengine.tokens import TokenScope

router = APIRouter(dependencies=[requires(TokenScope.DOCUMENTS_READ)])


_SORT_KEYS = ", ".join(sorted(SORT_VALUES))
Sort = Annotated[
    str | None,
    Query(
        max_length=64,
        description=f"The order: one of {_SORT_KEYS}, ascending, or descending with a leading '-' "
        "(`-total`). Default `-created` (newest first). Rows without the value come last. Any order but "
        f"`-created` reads every match (at most {MAX_SORTED_MATCHES:,}; more is 422).",
    ),
]
ContactFilter = Annotated[int | None, Query(ge=1, le=MAX_ID), DECIMAL_DIGITS]
FolderFilter = Annotated[int | None, Query(ge=1, le=MAX_ID), DECIMAL_DIGITS]
SenderFilter = Annotated[
    int | None, Query(ge=1, le=MAX_ID, description="Only the documents attributed to this sender.")
]
_LIST_ERRORS = error_responses(
    {InvalidStatus: "status is not one of the statuses.", InvalidInput: "A filter or sort key that cannot be read."}
)


@router.get("/api/documents", responses=_LIST_ERRORS)
def list_documents(
    service: DocumentServiceDep,
    contact_id: ContactFilter = None,
    folder_id: FolderFilter = None,
    status: str | None = None,
    created_from: str | None = None,
    created_to: str | None = None,
    external_ref: str | None = None,
    sender_id: SenderFilter = None,
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
    sort: Sort = None,
    details: Annotated[
        bool,
        Query(
            description="Each row with the vendor, total_amount, currency, due_date and sender_id a queue "
            "shows: one more read, of the page's documents."
        ),
    ] = False,
) -> DocumentPage:
    return service.list(
        contact_id=contact_id,
        folder_id=folder_id,
        status=status,
        created_from=created_from,
        created_to=created_to,
        external_ref=external_ref,
        sender_id=sender_id,
        limit=limit,
        offset=offset,
        cursor=cursor,
        sort=sort,
        details=details,
    )


@router.get(
    "/api/documents/export",
    response_class=Response,
    responses={
        200: {
            "description": "The list as CSV: UTF-8 with a byte-order mark, every field quoted, a cell that a "
            "spreadsheet program would evaluate as a formula (=, +, -, @, tab, CR first) prefixed with an "
            "apostrophe.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **_LIST_ERRORS,
    },
)
def export_documents(
    service: DocumentServiceDep,
    contact_id: ContactFilter = None,
    folder_id: FolderFilter = None,
    status: str | None = None,
    created_from: str | None = None,
    created_to: str | None = None,
    external_ref: str | None = None,
    sender_id: SenderFilter = None,
    sort: Sort = None,
) -> Response:
    """Every document of the list with these filters, in its order (at most 1,000: more is 422)."""
    content = service.export_csv(
        contact_id=contact_id,
        folder_id=folder_id,
        status=status,
        created_from=created_from,
        created_to=created_to,
        external_ref=external_ref,
        sender_id=sender_id,
        sort=sort,
    )
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="documents.csv"'},
    )
