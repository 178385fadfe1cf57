"""Builds the services from the settings, once per Lambda execution environment.

Tests build services from their own clients instead (each class takes its clients as arguments); the
API's dependencies (api/dependencies.py) call these factories, and tests can override them.
"""

from __future__ import annotations

from functools import lru_cache

from .builtin_profiles import BUILTIN_PROFILES
from .catalog import ContactCatalog, FolderCatalog, ProfileCatalog
from .documents import DocumentService
from .pipeline import ExtractionPipeline
from .settings import get_settings
from .storage import keys
from .storage.blobs import BlobStore
from .storage.documents import DocumentStore
from .storage.entities import EntityStore
from .storage.table import Table
from .tokens import TokenStore


@lru_cache(maxsize=1)
def table() -> Table:
    return Table(get_settings().table_name)


@lru_cache(maxsize=1)
def profile_catalog() -> ProfileCatalog:
    return ProfileCatalog(EntityStore(table(), keys.PROFILE, reserved_ids=max(BUILTIN_PROFILES)))


@lru_cache(maxsize=1)
def contact_catalog() -> ContactCatalog:
    return ContactCatalog(EntityStore(table(), keys.CONTACT), profile_catalog())


@lru_cache(maxsize=1)
def folder_catalog() -> FolderCatalog:
    return FolderCatalog(EntityStore(table(), keys.FOLDER))


@lru_cache(maxsize=1)
def document_store() -> DocumentStore:
    return DocumentStore(table())


@lru_cache(maxsize=1)
def blob_store() -> BlobStore:
    return BlobStore(get_settings().bucket_name)


@lru_cache(maxsize=1)
def document_service() -> DocumentService:
    return DocumentService(
        settings=get_settings(),
        documents=document_store(),
        blobs=blob_store(),
        contacts=contact_catalog(),
        folders=folder_catalog(),
        profiles=profile_catalog(),
    )


@lru_cache(maxsize=1)
def extraction_pipeline() -> ExtractionPipeline:
    return ExtractionPipeline(
        settings=get_settings(), documents=document_store(), blobs=blob_store(), profiles=profile_catalog()
    )


@lru_cache(maxsize=1)
def token_store() -> TokenStore:
    return TokenStore(get_settings().table_name, table().client)
