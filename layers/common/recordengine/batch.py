"""Actions on many documents in one request (POST /api/documents/batch): each document is changed through the
same DocumentService call its own route makes, so that it gets the same checks and history entry; one that
cannot be changed is reported beside the others, which go ahead."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .documents import DocumentService, parse_status
from .errors import DomainError, InvalidInput
from .models import DocumentCorrection, Status
from .storable import Id

# The most documents one request acts on: a page of a queue, answered well within API Gateway's 30 seconds.
MAX_BATCH_DOCUMENTS = 100


class BatchAction(StrEnum):
    APPROVE = "approve"
    ARCHIVE = "archive"
    SET_STATUS = "set_status"
    MOVE = "move"
    DELETE = "delete"


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: BatchAction
    ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_BATCH_DOCUMENTS)]
    # set_status: the status to set (one of the statuses).
    status: str | None = Field(default=None, max_length=40)
    # move: the folder the documents move to.
    folder_id: Id | None = None

    @model_validator(mode="after")
    def _complete(self) -> BatchRequest:
        repeated = sorted({i for i in self.ids if self.ids.count(i) > 1})
        if repeated:
            raise ValueError(f"ids: each document once; repeated: {', '.join(map(str, repeated[:10]))}.")
        if self.action is BatchAction.SET_STATUS and self.status is None:
            raise ValueError("status: set_status needs the status to set.")
        if self.action is BatchAction.MOVE and self.folder_id is None:
            raise ValueError("folder_id: move needs the folder to move the documents to.")
        return self


class BatchOutcome(BaseModel):
    """What happened to one document: `status` is the HTTP status its own route would have answered."""

    id: int
    status: int
    detail: str
    document_status: Status | None = None


class BatchResult(BaseModel):
    succeeded: int
    failed: int
    results: list[BatchOutcome]


def run_batch(
    service: DocumentService, request: BatchRequest, actor: str, status_of: Callable[[type[DomainError]], int]
) -> BatchResult:
    """Acts on each document in turn; `status_of` maps a domain error to the HTTP status the single-document
    route answers with. A request that cannot apply to any document (an unknown status or folder) is refused
    whole, before any document changes."""
    act = _action(service, request, actor)
    results: list[BatchOutcome] = []
    for document_id in request.ids:
        try:
            results.append(act(document_id))
        except DomainError as error:
            results.append(BatchOutcome(id=document_id, status=status_of(type(error)), detail=error.detail))
    succeeded = sum(outcome.status < 300 for outcome in results)
    return BatchResult(succeeded=succeeded, failed=len(results) - succeeded, results=results)


def _action(service: DocumentService, request: BatchRequest, actor: str) -> Callable[[int], BatchOutcome]:
    if request.action is BatchAction.DELETE:

        def delete(document_id: int) -> BatchOutcome:
            service.delete(document_id)
            return BatchOutcome(id=document_id, status=204, detail="Deleted.")

        return delete
    if request.action is BatchAction.MOVE:
        assert request.folder_id is not None
        folder = service.folders.find(request.folder_id)
        if folder is None:
            raise InvalidInput(f"folder_id {request.folder_id} does not name an existing folder.")
        correction = DocumentCorrection(folder_id=folder.id)

        def move(document_id: int) -> BatchOutcome:
            moved = service.correct(document_id, correction, actor)
            return BatchOutcome(
                id=document_id, status=200, detail=f"Moved to {folder.name}.", document_status=moved.status
            )

        return move
    status = {BatchAction.APPROVE: Status.APPROVED, BatchAction.ARCHIVE: Status.ARCHIVED}.get(request.action)
    target = status or parse_status(str(request.status))

    def set_status(document_id: int) -> BatchOutcome:
        updated = service.set_status(document_id, target, actor)
        return BatchOutcome(id=document_id, status=200, detail=f"{target.value}.", document_status=updated.status)

    return set_status
