"""The extraction step: an uploaded object becomes a reviewed-ready record, or an Exception with a reason.

`New` → `Processing` → `Needs Review` (or `Exception`). Each run claims the document first, so a
repeated S3 event finds the claim taken and does nothing; every way out of a run (a result, an
unreadable file, an unexpected error, running out of time) leaves the document out of `Processing`. A run
killed outside Python's reach (Lambda's timeout, out of memory) is taken over once its claim's lease has
expired: the scheduled sweep (`requeue_abandoned`) asks for a new run.
"""

from __future__ import annotations

import hashlib
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
from .clock import now_timestamp
from .media import sniff_media_type
from .models import ConfidenceLabel, ExtractionResult, Profile, Status
from .settings import Settings
from .storage import keys
from .storage.blobs import BlobStore, document_id_from_key
from .storage.documents import EXTRACTION_ACTOR, DocumentChange, DocumentStore, HistoryEvent, field_change

if TYPE_CHECKING:
    from .rules.models import Rule
    from .rules.service import RuleService
    from .senders.store import SenderStore

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


def requeue_abandoned(documents: DocumentStore, lease_seconds: int) -> list[int]:
    """The scheduled sweep: every document whose run died (killed by a timeout or running out of memory,
    which no `finally` survives) is asked for a new run, which takes the expired claim over. S3 retries a
    failed event, but not one whose run was killed after its claim; without this the document would stay in
    Processing. The ids of the documents re-queued."""
    requeued = []
    for document in documents.abandoned_runs(lease_seconds):
        if documents.request_takeover(int(document["id"]), lease_seconds):
            logger.warning("Document %s was left in Processing by a run that died; re-queued", document["id"])
            requeued.append(int(document["id"]))
    return requeued


def builtin_extractor(content: bytes, media_type: str, profile: Profile) -> ExtractionResult:
    from .extraction import extract_document

    return extract_document(content, media_type, profile)


def _is_overloaded(error: Exception) -> bool:
    from .extraction.budget import Overloaded

    return isinstance(error, Overloaded)


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
    # Senders: each result is attributed to the sender its document identifies (None: no attribution).
    senders: SenderStore | None = None

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
        if not document.get("sha256"):
            self._record_file(document, content, facts)
        media_type = sniff_media_type(content[:1024])
        if media_type is None:
            return self._fail(document, "The file is not a PDF, PNG, JPEG or TIFF document.", facts)
        facts["media_type"] = media_type
        profile = self.profiles.find(int(document["profile_id"]))
        if profile is None:
            return self._fail(document, f"Extraction profile {document['profile_id']} no longer exists.", facts)
        rules = self._load_rules(document, claim.attempt)
        return self._extract(document, content, media_type, profile, facts, seconds_available, rules, claim.attempt)

    def process_request(self, record: dict[str, Any], seconds_available: float) -> Outcome:
        """A DynamoDB stream record of a document whose extraction a person asked for again (status New or
        Processing set by hand: an `extraction_request`); any other record is ignored."""
        stream = record.get("dynamodb") or {}
        new, old = stream.get("NewImage") or {}, stream.get("OldImage") or {}
        request = new.get("extraction_request")
        if record.get("eventName") != "MODIFY" or request is None or request == old.get("extraction_request"):
            return Outcome.IGNORED
        key, size = new.get("s3_key", {}).get("S"), new.get("size_bytes", {}).get("N")
        if not key:
            return Outcome.IGNORED
        return self.process_object(key, int(size or 0), seconds_available)

    def _record_file(self, document: dict[str, Any], content: bytes, facts: dict[str, Any]) -> None:
        """A presigned upload's file, seen for the first time: its SHA-256, and the earlier document of the
        same contact with the same file."""
        sha256 = hashlib.sha256(content).hexdigest()
        facts["sha256"] = sha256
        try:
            duplicate_of = self.documents.first_with_file(document, sha256)
            self.documents.index_file({**document, "sha256": sha256})
        except (ClientError, BotoCoreError):
            logger.exception("The file of document %s could not be indexed for duplicates", document["id"])
            return
        if duplicate_of is not None:
            facts["duplicate_of"] = duplicate_of

    def _load_rules(self, document: dict[str, Any], attempt: int) -> list[Rule]:
        """The enabled rules, read once per run (one Query); a passing fault retries the event like S3's do."""
        if self.rules is None:
            return []
        try:
            return self.rules.enabled_rules()
        except Exception as error:
            if attempt < self.settings.extraction_max_attempts:
                self._release(document, "The rules could not be read.")
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
        # The last attempt (the earlier ones were handed back, e.g. overloaded) has the function's whole time.
        own_budgets = attempt < self.settings.extraction_max_attempts
        if isinstance(self.extractor, StoredObjectExtractor):
            # An engine that can read S3 itself (Textract, for large and multi-page documents) gets the location.
            stored = StoredObject(self.settings.bucket_name, str(document["s3_key"]))
            extract_stored = bound(ends, self.extractor.extract_stored, own_budgets=own_budgets)
            future = executor.submit(extract_stored, content, media_type, profile, stored)
        else:
            future = executor.submit(bound(ends, self.extractor, own_budgets=own_budgets), content, media_type, profile)
        try:
            result = future.result(timeout=max(seconds_available, 1.0))
        except FutureTimeout:
            return self._fail(document, f"Extraction took longer than {seconds_available:.0f} seconds.", facts)
        except Exception as error:  # every failure ends the run, never stuck in Processing
            if _is_overloaded(error):
                # Not the document's fault: the event is handed back to be retried, as long as one is left.
                return self._retry_or_fail(document, attempt, str(error), error, facts)
            if _is_unreadable(error):
                return self._fail(document, str(error), facts)
            logger.exception("Extraction of document %s failed", document["id"])
            return self._fail(document, f"Extraction failed unexpectedly ({type(error).__name__}).", facts)
        finally:
            executor.shutdown(wait=False, cancel_futures=True)
        return self._conclude(document, result, facts, rules, attempt, profile)

    def _conclude(
        self,
        document: dict[str, Any],
        result: ExtractionResult,
        facts: dict[str, Any],
        rules: list[Rule],
        attempt: int,
        profile: Profile,
    ) -> Outcome:
        """Stores the result with the rules' outcome, in one write: status, folder, notes and rules_applied,
        with the fields a person corrected kept. A result that cannot be stored ends the run in Exception (too
        large) or is retried like a read (a throttle, a service fault), in Exception after the last attempt:
        never left in Processing."""
        from .corrections import keep_corrections

        sender = self._attribute(document, result)

        def stored(current: dict[str, Any], in_pipeline: bool) -> DocumentChange:
            read = {**result.model_dump(mode="json"), "confidence_label": result.confidence_label.value, "error": None}
            values = {**facts, **keep_corrections(read, current, profile)}
            if sender is not None:
                values.update({"sender_id": sender, keys.SENDER_KEY: str(sender)})
            status, changes, rule_events = self._run_rules(rules, {**current, **values})
            values.update(changes)
            moved = (field_change("status", current["status"], status.value),) if in_pipeline else ()
            if in_pipeline:
                values["status"] = status.value
            score = values["confidence_score"]
            found = sum(value is not None for value in (values.get("extracted_fields") or {}).values())
            detail = f"{found} field(s) found; confidence {score} ({ConfidenceLabel.for_score(score).value})."
            extracted = HistoryEvent("extracted", EXTRACTION_ACTOR, moved, detail)
            return DocumentChange(values, remove=("extraction_request",), history=(extracted, *rule_events))

        try:
            self.documents.conclude_extraction(document, stored)
        except (ClientError, BotoCoreError) as error:
            logger.exception("The result of document %s could not be stored", document["id"])
            if _is_too_large(error):
                self._fail(document, RESULT_TOO_LARGE, facts)
                return Outcome.FAILED
            return self._retry_or_fail(document, attempt, RESULT_NOT_STORED, error, facts)
        return Outcome.EXTRACTED

    def _attribute(self, document: dict[str, Any], result: ExtractionResult) -> int | None:
        """The sender the result's document comes from (senders/attribution.py), counted once per document: a
        document extracted again keeps the sender it has. None without enough evidence, and when the senders
        cannot be read (attribution never keeps a result from being stored)."""
        if self.senders is None:
            return None
        if document.get("sender_id") is not None:
            return int(document["sender_id"])
        from .senders.attribution import Attribution

        vendor = result.extracted_fields.get("vendor")
        try:
            return Attribution(self.senders).attribute(
                result.sender_identifiers, vendor, now_timestamp(), result.field_confidence.get("vendor")
            )
        except Exception:
            logger.exception("Document %s could not be attributed to a sender", document["id"])
            return None

    def _run_rules(
        self, rules: list[Rule], view: dict[str, Any]
    ) -> tuple[Status, dict[str, Any], tuple[HistoryEvent, ...]]:
        """The status the rules leave, their other changes (folder, notes, rules_applied), and one history
        entry per rule that matched."""
        if self.rules is None or not rules:
            return Status.NEEDS_REVIEW, {}, ()
        try:
            outcome = self.rules.run(rules, view, Status.NEEDS_REVIEW)
        except Exception:  # rules never keep a result from being stored
            logger.exception("The rules could not run on document %s; stored without them", view["id"])
            return Status.NEEDS_REVIEW, {}, ()
        events = tuple(
            HistoryEvent("rule_applied", f"rules:{applied.rule_id}", effects, applied.name)
            for applied, effects in zip(outcome.applied, outcome.effects, strict=True)
        )
        return outcome.status, outcome.changes(), events

    def _fail(self, document: dict[str, Any], reason: str, facts: dict[str, Any]) -> Outcome:
        def failed(current: dict[str, Any], in_pipeline: bool) -> DocumentChange:
            values: dict[str, Any] = {**facts, "error": reason, "confidence_reasoning": reason}
            if current.get("confidence_score") is None:
                # Nothing was read: the lowest score, so that a client comparing scores never meets a null.
                values.update(confidence_score=0, confidence_label=ConfidenceLabel.for_score(0).value)
            moved: tuple[dict[str, Any], ...] = ()
            if in_pipeline:
                values["status"] = Status.EXCEPTION.value
                moved = (field_change("status", current["status"], Status.EXCEPTION.value),)
            event = HistoryEvent("extraction_failed", EXTRACTION_ACTOR, moved, reason)
            return DocumentChange(values, remove=("extraction_request",), history=(event,))

        self.documents.conclude_extraction(document, failed)
        return Outcome.FAILED

    def _release(self, document: dict[str, Any], reason: str) -> None:
        """Gives the claim back so that the event's retry can run extraction anew: a document the run moved to
        Processing is New again; a status a person set stays."""

        def released(current: dict[str, Any], in_pipeline: bool) -> DocumentChange:
            if not in_pipeline or current["status"] == Status.NEW.value:
                return DocumentChange(remove=("extraction_claimed_at",))
            moved = (field_change("status", current["status"], Status.NEW.value),)
            event = HistoryEvent("extraction_retried", EXTRACTION_ACTOR, moved, reason)
            return DocumentChange({"status": Status.NEW.value}, remove=("extraction_claimed_at",), history=(event,))

        self.documents.conclude_extraction(document, released)

    def _retry_or_fail(
        self, document: dict[str, Any], attempt: int, reason: str, error: Exception, facts: dict[str, Any]
    ) -> Outcome:
        if attempt >= self.settings.extraction_max_attempts:
            return self._fail(document, reason, facts)
        self._release(document, reason)
        raise RetryLater(reason) from error
