"""The extraction step: an uploaded object becomes a reviewed-ready record, or an Exception with a reason.

`New` → `Processing` → `Needs Review` (or `Exception`). Each run claims the document first, so a
repeated S3 event finds the claim taken and does nothing; every way out of a run (a result, an
unreadable file, an unexpected error, running out of time) leaves the document out of `Processing`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from .catalog import ProfileCatalog
from .media import sniff_media_type
from .models import ExtractionResult, Profile, Status
from .settings import Settings
from .storage.blobs import BlobStore, document_id_from_key
from .storage.documents import DocumentStore

if TYPE_CHECKING:
    from .rules.models import Rule
    from .rules.service import RuleService

logger = logging.getLogger(__name__)

Extractor = Callable[[bytes, str, Profile], ExtractionResult]


class Outcome(StrEnum):
    EXTRACTED = "extracted"
    FAILED = "failed"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"


RESULT_TOO_LARGE = (
    "The extraction result is too large to store (over DynamoDB's 400 KB item limit); read the file itself."
)
RESULT_NOT_STORED = "The extraction result could not be stored (the database was unavailable or throttled)."


def _is_too_large(error: Exception) -> bool:
    """DynamoDB refuses an item over 400 KB with a ValidationException ("Item size has exceeded ...")."""
    if not isinstance(error, ClientError):
        return False
    details = error.response.get("Error", {})
    return details.get("Code") == "ValidationException" and "size" in str(details.get("Message", "")).lower()


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
    # The Rules Engine: its enabled rules run on every result before it is stored (None: no rules).
    rules: RuleService | None = None

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
        rules = self._load_rules(document, claim.attempt)
        return self._extract(document, content, media_type, profile, facts, seconds_available, rules, claim.attempt)

    def _load_rules(self, document: dict[str, Any], attempt: int) -> list[Rule]:
        """The enabled rules, read once per run (one Query); a passing fault retries the event like S3's do."""
        if self.rules is None:
            return []
        try:
            return self.rules.enabled_rules()
        except Exception as error:
            if attempt < self.settings.extraction_max_attempts:
                self.documents.release_extraction(document)
                raise RetryLater("The rules could not be read.") from error
            logger.exception("The rules could not be read; document %s is concluded without them", document["id"])
            return []

    def _extract(
        self,
        document: dict[str, Any],
        content: bytes,
        media_type: str,
        profile: Profile,
        facts: dict[str, Any],
        seconds_available: float,
        rules: list[Rule],
        attempt: int,
    ) -> Outcome:
        from .extraction.budget import bound
        from .extraction.engines import StoredObject, StoredObjectExtractor

        # The engine runs in a worker so that a pathological file is cut off before Lambda's own timeout
        # kills the run, which would leave the document in Processing until the claim's lease ran out; the
        # deadline goes with it, so that the engine's own work stops then too.
        executor = ThreadPoolExecutor(max_workers=1)
        ends = time.monotonic() + max(seconds_available, 1.0)
        if isinstance(self.extractor, StoredObjectExtractor):
            # An engine that can read S3 itself (Textract, for large and multi-page documents) gets the location.
            stored = StoredObject(self.settings.bucket_name, str(document["s3_key"]))
            future = executor.submit(bound(ends, self.extractor.extract_stored), content, media_type, profile, stored)
        else:
            future = executor.submit(bound(ends, self.extractor), content, media_type, profile)
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
        return self._conclude(document, result, facts, rules, attempt)

    def _conclude(
        self,
        document: dict[str, Any],
        result: ExtractionResult,
        facts: dict[str, Any],
        rules: list[Rule],
        attempt: int,
    ) -> Outcome:
        """Stores the result with the rules' outcome, in one write: status, folder, notes and rules_applied. A
        result that cannot be stored ends the run in Exception (too large) or is retried like a read (a
        throttle, a service fault), in Exception after the last attempt: never left in Processing."""
        status = Status.NEEDS_REVIEW
        changes: dict[str, Any] = {}
        if self.rules is not None and rules:
            try:
                view = {**document, **facts, **result.model_dump(mode="json")}
                outcome = self.rules.run(rules, view, status)
                status, changes = outcome.status, outcome.changes()
            except Exception:  # rules never keep a result from being stored
                logger.exception("The rules could not run on document %s; stored without them", document["id"])
        try:
            self.documents.finish_extraction(document, result, status, facts, changes)
        except (ClientError, BotoCoreError) as error:
            logger.exception("The result of document %s could not be stored", document["id"])
            if _is_too_large(error):
                self._fail(document, RESULT_TOO_LARGE, facts)
                return Outcome.FAILED
            return self._retry_or_fail(document, attempt, RESULT_NOT_STORED, error, facts)
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
