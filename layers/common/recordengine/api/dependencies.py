"""Typed FastAPI dependencies: the services a route needs, overridable in tests."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from recordengine import wiring
from recordengine.catalog import ContactCatalog, FolderCatalog, ProfileCatalog
from recordengine.documents import DocumentService

from .auth import current_caller


def _actor(request: Request) -> str:
    """Who a document's history says made a change: the name of the request's token."""
    caller = current_caller(request)
    return caller.name if caller is not None and caller.name else "unnamed token"


DocumentServiceDep = Annotated[DocumentService, Depends(wiring.document_service)]
ContactCatalogDep = Annotated[ContactCatalog, Depends(wiring.contact_catalog)]
FolderCatalogDep = Annotated[FolderCatalog, Depends(wiring.folder_catalog)]
ProfileCatalogDep = Annotated[ProfileCatalog, Depends(wiring.profile_catalog)]
# The name of the token that sent the request.
Actor = Annotated[str, Depends(_actor)]
