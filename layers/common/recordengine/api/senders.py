"""/api/senders: the suppliers documents were attributed to (list, get), renamed or linked to a contact, or
forgotten with all that was learned from them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from recordengine import wiring
from recordengine.errors import InvalidInput, PreconditionFailed
from recordengine.senders.models import Sender, SenderPage, SenderUpdate
from recordengine.senders.service import SenderService
from recordengine.tokens import TokenScope

from .auth import requires
from .errors import error_responses
from .pagination import DEFAULT_LIMIT, Cursor, Limit, Offset, start_of
from .paths import path_id
from .preconditions import STALE_VERSION, IfMatch, entity_tag, expected_version

SenderServiceDep = Annotated[SenderService, Depends(wiring.sender_service)]

router = APIRouter(prefix="/api/senders")


@router.get("", dependencies=[requires(TokenScope.DOCUMENTS_READ)])
def list_senders(
    senders: SenderServiceDep, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0, cursor: Cursor = None
) -> SenderPage:
    page = senders.page(limit, start_of(offset, cursor))
    return page.model_copy(update={"offset": offset})


@router.get("/{sender_id}", dependencies=[requires(TokenScope.DOCUMENTS_READ)])
def get_sender(sender_id: str, senders: SenderServiceDep, response: Response) -> Sender:
    sender = senders.get(path_id(sender_id, "Sender"))
    response.headers["ETag"] = entity_tag(sender.version)
    return sender


@router.patch(
    "/{sender_id}",
    dependencies=[requires(TokenScope.ADMIN)],
    responses=error_responses({PreconditionFailed: STALE_VERSION, InvalidInput: "The contact does not exist."}),
)
def update_sender(
    sender_id: str, update: SenderUpdate, senders: SenderServiceDep, response: Response, if_match: IfMatch = None
) -> Sender:
    """Renames the sender and/or links it to a contact (`contact_id`: null unlinks it)."""
    sender = senders.update(path_id(sender_id, "Sender"), update, expected_version(if_match))
    response.headers["ETag"] = entity_tag(sender.version)
    return sender


@router.delete("/{sender_id}", status_code=204, dependencies=[requires(TokenScope.ADMIN)])
def forget_sender(sender_id: str, senders: SenderServiceDep) -> Response:
    """Forgets the sender: what was learned from its documents and the identifiers that recognise it. Its
    documents keep their values and their `sender_id` (which no sender answers any more); the supplier's next
    document starts a new sender."""
    senders.forget(path_id(sender_id, "Sender"))
    return Response(status_code=204)
