"""Builds the services from the settings, once per Lambda execution environment.

Tests build services from their own clients instead (each class takes its clients as arguments); the
API's dependencies (api/dependencies.py) call these factories, and tests can override them.

Cold start: each factory imports its service's module when it is first called, never at this module's
import, so a function imports only what its routes use (a GET of a document imports no rules, webhooks or
extraction pipeline), and clients are made on first use (storage/lazy.py: no S3 client in a function that
never touches a file).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from .settings import get_settings

if TYPE_CHECKING:
    from .catalog import ContactCatalog, FolderCatalog, ProfileCatalog
    from .documents import DocumentService
    from .pipeline import ExtractionPipeline
    from .rules.service import RuleService
    from .senders.learning import Learner
    from .senders.service import SenderService
    from .storage.blobs import BlobStore
    from .storage.documents import DocumentStore
    from .storage.senders import DynamoSenderStore
    from .storage.table import Table
    from .tokens import TokenStore
    from .webhooks.delivery import Dispatcher
    from .webhooks.service import WebhookService


@lru_cache(maxsize=1)
def table() -> Table:
    from .storage.table import Table

    return Table(get_settings().table_name)


@lru_cache(maxsize=1)
def profile_catalog() -> ProfileCatalog:
    from .builtin_profiles import BUILTIN_PROFILES
    from .catalog import ProfileCatalog
    from .storage import keys
    from .storage.entities import EntityStore

    return ProfileCatalog(EntityStore(table(), keys.PROFILE, reserved_ids=max(BUILTIN_PROFILES)))


@lru_cache(maxsize=1)
def contact_catalog() -> ContactCatalog:
    from .catalog import ContactCatalog
    from .storage import keys
    from .storage.entities import EntityStore

    return ContactCatalog(EntityStore(table(), keys.CONTACT), profile_catalog())


@lru_cache(maxsize=1)
def folder_catalog() -> FolderCatalog:
    from .catalog import FolderCatalog
    from .storage import keys
    from .storage.entities import EntityStore

    return FolderCatalog(EntityStore(table(), keys.FOLDER))


@lru_cache(maxsize=1)
def document_store() -> DocumentStore:
    from .storage.documents import DocumentStore

    return DocumentStore(table())


@lru_cache(maxsize=1)
def blob_store() -> BlobStore:
    from .storage.blobs import BlobStore

    return BlobStore(get_settings().bucket_name)


@lru_cache(maxsize=1)
def document_service() -> DocumentService:
    from .documents import DocumentService

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
    from dataclasses import replace

    settings = get_settings()
    if settings.extraction_engine != "builtin":
        # Textract or Bedrock (the ExtractionEngine parameter): imported only where they are used.
        from .extraction.engines import build_extractor

        return replace(_extraction_pipeline(), extractor=build_extractor(settings))
    return _extraction_pipeline()


@lru_cache(maxsize=1)
def learner() -> Learner:
    """Senders learning from people's reviews of their documents (the documents' stream)."""
    from .senders.learning import Learner

    return Learner(blobs=blob_store(), senders=sender_store(), profiles=profile_catalog())


def _extraction_pipeline() -> ExtractionPipeline:
    from .pipeline import ExtractionPipeline

    return ExtractionPipeline(
        settings=get_settings(),
        documents=document_store(),
        blobs=blob_store(),
        profiles=profile_catalog(),
        rules=rule_service(),
        senders=sender_store(),
    )


@lru_cache(maxsize=1)
def sender_store() -> DynamoSenderStore:
    from .storage.senders import DynamoSenderStore

    return DynamoSenderStore(table())


@lru_cache(maxsize=1)
def sender_service() -> SenderService:
    from .senders.service import SenderService

    return SenderService(sender_store(), contact_catalog())


@lru_cache(maxsize=1)
def rule_service() -> RuleService:
    from .rules.service import RuleService
    from .rules.store import RuleStore

    return RuleService(RuleStore(table()), folder_catalog(), document_store())


@lru_cache(maxsize=1)
def token_store() -> TokenStore:
    from .tokens import TokenStore

    return TokenStore(get_settings().table_name, table().client)


@lru_cache(maxsize=1)
def webhook_dispatcher() -> Dispatcher:
    from .webhooks.delivery import DeliveryQueues, Dispatcher, parse_schedule
    from .webhooks.store import WebhookStore

    settings = get_settings()
    return Dispatcher(
        store=WebhookStore(table()),
        queues=DeliveryQueues(
            settings.webhook_delivery_queue_url,
            settings.webhook_retry_queue_url,
            settings.webhook_dead_letter_queue_url,
        ),
        schedule=parse_schedule(settings.webhook_retry_schedule),
        timeout_seconds=settings.webhook_timeout_seconds,
        allow_loopback=settings.webhook_allow_loopback,
    )


@lru_cache(maxsize=1)
def webhook_service() -> WebhookService:
    from .webhooks.service import WebhookService

    dispatcher = webhook_dispatcher()
    return WebhookService(dispatcher.store, dispatcher, allow_loopback=get_settings().webhook_allow_loopback)
