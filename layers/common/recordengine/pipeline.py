"""The extraction step: an uploaded object becomes a reviewed-ready record, or an Exception with a reason.

`New` → `Processing` → `Needs Review` (or `Exception`). Each run claims the document first, so a
repeated S3 event finds the claim taken and does nothing; every way out of a run (a result, an
unreadable file, an unexpected error, running out of time) leaves the document out of `Processing`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .catalog import ProfileCatalog
from .media import sniff_media_type
from .models import ExtractionResult, Profile, Status
from .settings import Settings
from .storage.blobs import BlobStore, document_id_from_key
from .storage.documents import DocumentStore

logger = logging.getLogger(__name__)

Extractor = Callable[[bytes, str, Profile], ExtractionResult]


class Outcome(StrEnum):
    EXTRACTED = "extracted"
    FAILED = "failed"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"


class RetryLater(Exception):
    """A passing fault (S3 or DynamoDB unavailable): the event is to be delivered again."""


def builtin_extractor(content: bytes, media_type: str, profile: Profile) -> ExtractionResult:
    from .extraction import extract_document

    return extract_document(content, media_type, profile)


def _is_unreadable(error: Exception) -> bool:
    from .extraction import UnreadableDocument

    return isinstance(error, UnreadableDocument)


@dataclass
class ExtractionPipeline:
    settings: Settings
    documents: DocumentStore
    blobs: BlobStore
    profiles: ProfileCatalog
    extractor: Extractor = builtin_extractor

    def process_object(self, key: str, size: int, seconds_available: float) -> Outcome:
        document_id = document_id_from_key(key)
        if document_id is None:
            logger.warning("Ignoring an object the API did not create: %s", key)
            return Outcome.IGNORED
        claim = self.documents.claim_extraction(document_id, key, self.settings.extraction_lease_seconds)
        if claim is None:
            logger.info("Document %s is already extracted or being extracted; event ignored", document_id)
            return Outcome.DUPLICATE
        document = claim.document
        facts: dict[str, Any] = {"size_bytes": size}
        if claim.attempt > self.settings.extraction_max_attempts:
            return self._fail(document, f"Extraction did not finish after {claim.attempt - 1} attempts.", facts)
        if size > self.settings.max_presigned_upload_bytes:
            reason = f"The file is {size} bytes, over the limit of {self.settings.max_presigned_upload_bytes}."
            return self._fail(document, reason, facts)
        try:
            content = self.blobs.read(key, self.settings.max_presigned_upload_bytes)
        except (ClientError, BotoCoreError) as error:
            return self._retry_or_fail(document, claim.attempt, "The stored file could not be read.", error, facts)
        media_type = sniff_media_type(content[:1024])
        if media_type is None:
            return self._fail(document, "The file is not a PDF, PNG, JPEG or TIFF document.", facts)
        facts["media_type"] = media_type
        profile = self.profiles.find(int(document["profile_id"]))
        if profile is None:
            return self._fail(document, f"Extraction profile {document['profile_id']} no longer exists.", facts)
        return self._extract(document, content, media_type, profile, facts, seconds_available)

    def _extract(
        self,
        document: dict[str, Any],
        content: bytes,
        media_type: str,
        profile: Profile,
        facts: dict[str, Any],
        seconds_available: float,
    ) -> Outcome:
        # The engine runs in a worker so that a pathological file is cut off before Lambda's own timeout
        # kills the run, which would leave the document in Processing until the claim's lease ran out.
        executor = ThreadPoolExecutor(max_workers=1)
        future = executor.submit(self.extractor, content, media_type, profile)
        try:
            result = future.result(timeout=max(seconds_available, 1.0))
        except FutureTimeout:
            return self._fail(document, f"Extraction took longer than {seconds_available:.0f} seconds.", facts)
        except Exception as error:  # every failure ends the run in Exception, never stuck in Processing
            if _is_unreadable(error):
                return self._fail(document, str(error), facts)
            logger.exception("Extraction of document %s failed", document["id"])
            return self._fail(document, f"Extraction failed unexpectedly ({type(error).__name__}).", facts)
        finally:
            executor.shutdown(wait=False, cancel_futures=True)
        self.documents.finish_extraction(document, result, Status.NEEDS_REVIEW, facts)
        return Outcome.EXTRACTED

    def _fail(self, document: dict[str, Any], reason: str, facts: dict[str, Any]) -> Outcome:
        self.documents.fail_extraction(document, reason, facts)
        return Outcome.FAILED

    def _retry_or_fail(
        self, document: dict[str, Any], attempt: int, reason: str, error: Exception, facts: dict[str, Any]
    ) -> Outcome:
        if attempt >= self.settings.extraction_max_attempts:
            return self._fail(document, reason, facts)
        self.documents.release_extraction(document)
        raise RetryLater(reason) from error
