"""Typed FastAPI dependencies: the services a route needs, overridable in tests."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from recordengine import wiring
from recordengine.catalog import ContactCatalog, FolderCatalog, ProfileCatalog
from recordengine.documents import DocumentService

DocumentServiceDep = Annotated[DocumentService, Depends(wiring.document_service)]
ContactCatalogDep = Annotated[ContactCatalog, Depends(wiring.contact_catalog)]
FolderCatalogDep = Annotated[FolderCatalog, Depends(wiring.folder_catalog)]
ProfileCatalogDep = Annotated[ProfileCatalog, Depends(wiring.profile_catalog)]
