"""The extraction step: an uploaded object becomes a reviewed-ready record, or an Exception with a reason.

`New` → `Processing` → `Needs Review` (or `Exception`). Each run claims the document first, so a
repeated S3 event finds the claim taken and does nothing; every way out of a run (a result, an
unreadable file, an unexpected error, running out of time) leaves the document out of `Processing`. A run
killed outside Python's reach (Lambda's timeout, out of memory) is taken over once its claim's lease has
expired: the scheduled sweep (`requeue_abandoned`) asks for a new run.

One upload, one file: an object written again at a document's key (a presigned upload used twice) is a new
file, recorded (`file_replaced`, the old and new SHA-256), read and reviewed anew; never silently behind a
record of the earlier one. A presigned upload whose file never arrives ends in Exception once its URL has
expired (`end_unarrived_uploads`), and an object whose document is gone is erased.
"""

from __future__ import annotations

import contextvars
import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from . import clock
from .catalog import ProfileCatalog
from .clock import now_timestamp
from .media import sniff_media_type
from .models import ConfidenceLabel, ExtractionResult, PageView, Profile, Status
from .settings import Settings
from .storage import keys
from .storage.blobs import (
    PAGE_IMAGE_MEDIA_TYPE,
    PAGES_MANIFEST,
    BlobStore,
    StoredFile,
    document_id_from_key,
    is_missing_object,
    layout_key,
    page_image_key,
    pages_prefix,
)
from .storage.documents import (
    EXTRACTION_ACTOR,
    FILE_ETAG,
    UPLOAD_EXPIRED,
    DocumentChange,
    DocumentStore,
    ExtractionClaim,
    HistoryEvent,
    field_change,
    upload_closed_without_file,
    upload_closes_at,
    version_of,
)

if TYPE_CHECKING:
    from .extraction.engine import Extraction
    from .extraction.engines.base import Extractor
    from .extraction.layout import Layout
    from .rules.models import Rule
    from .rules.service import RuleService
    from .senders.store import SenderStore

logger = logging.getLogger(__name__)


class Outcome(StrEnum):
    EXTRACTED = "extracted"
    FAILED = "failed"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    # An object whose document is gone (deleted, or never had that key): erased.
    DISCARDED = "discarded"


RESULT_TOO_LARGE = (
    "The extraction result is too large to store (over DynamoDB's 400 KB item limit); read the file itself."
)
RESULT_NOT_STORED = "The extraction result could not be stored (the database was unavailable or throttled)."
FILE_REPLACED = (
    "Another file was uploaded for this document and replaces the earlier one: the earlier file's reading "
    "(with any correction of it) is dropped, and the new file is read and reviewed anew."
)
# What a document holds of the reading of its file: dropped when another file replaces it.
_READING = (
    *ExtractionResult.model_fields,
    "confidence_label",
    "error",
    "field_sources",
    "rules_applied",
    "duplicate_of",
    "sha256",
    "media_type",
)


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


def end_unarrived_uploads(
    documents: DocumentStore, blobs: BlobStore, expiry_seconds: int, grace_seconds: int
) -> list[int]:
    """The scheduled sweep: every document whose presigned upload (valid `expiry_seconds`) closed more than
    `grace_seconds` ago without its file ends in Exception, with the reason; one whose file is in S3 after
    all (its event was lost) is asked for a run instead. The ids of the documents ended."""
    closed_before = clock.format_timestamp(clock.utc_now() - timedelta(seconds=grace_seconds))
    window = _UploadWindow(closed_before, expiry_seconds)
    ended = []
    for document in documents.unarrived_uploads(closed_before, expiry_seconds):
        document_id = int(document["id"])
        try:
            arrived = blobs.exists(str(document["s3_key"]))
        except (ClientError, BotoCoreError):
            logger.exception(
                "Whether the file of document %s arrived could not be told; the next sweep asks", document_id
            )
            continue
        if arrived:
            logger.warning("The file of document %s arrived without its S3 event; a run is requested", document_id)
            documents.try_change(document_id, window.run_for_unannounced_file)
            continue
        _, changed = documents.try_change(document_id, window.never_arrived)
        if changed:
            logger.warning("The presigned upload of document %s closed without its file", document_id)
            ended.append(document_id)
    return ended


@dataclass(frozen=True)
class _UploadWindow:
    """What the sweep makes of a document whose presigned upload closed before `closed_before`."""

    closed_before: str
    expiry_seconds: int

    def never_arrived(self, current: dict[str, Any]) -> DocumentChange | None:
        if not upload_closed_without_file(current, self.closed_before, self.expiry_seconds):
            return None
        return _upload_never_arrived(current, str(upload_closes_at(current, self.expiry_seconds)))

    def run_for_unannounced_file(self, current: dict[str, Any]) -> DocumentChange | None:
        waiting = "extraction_request" in current or current.get("extraction_state") == "claimed"
        if waiting or not upload_closed_without_file(current, self.closed_before, self.expiry_seconds):
            return None
        event = HistoryEvent("extraction_requested", EXTRACTION_ACTOR, detail="The file arrived without its S3 event.")
        return DocumentChange({"extraction_request": str(version_of(current) + 1)}, history=(event,))


def _upload_never_arrived(current: dict[str, Any], closed_at: str) -> DocumentChange:
    reason = (
        f"The file never arrived: its presigned upload closed at {closed_at} without an upload. "
        "Delete this document and upload the file again."
    )
    values = {
        "status": Status.EXCEPTION.value,
        "error": reason,
        "confidence_reasoning": reason,
        "confidence_score": 0,
        "confidence_label": ConfidenceLabel.for_score(0).value,
        # Should the file arrive after all (an upload still streaming at the expiry), its run takes the
        # document back into the pipeline: this Exception was the sweep's, not a person's decision.
        UPLOAD_EXPIRED: True,
    }
    moved = (field_change("status", current["status"], Status.EXCEPTION.value),)
    event = HistoryEvent("upload_expired", EXTRACTION_ACTOR, moved, reason)
    return DocumentChange(values, remove=("extraction_request",), history=(event,))


def builtin_extractor(content: bytes, media_type: str, profile: Profile) -> Extraction:
    from .extraction.engine import read_document

    return read_document(content, media_type, profile, views=True)


@dataclass(frozen=True)
class _Read:
    """What a run read: the engine's result, and the page text when the engine gives it."""

    result: ExtractionResult
    layout: Layout | None = None
    # Values read from an embedded e-invoice are the seller's own structured data: no hint betters them.
    structured: bool = False


def _as_read(read: ExtractionResult | Extraction) -> _Read:
    if isinstance(read, ExtractionResult):
        return _Read(read)
    return _Read(read.result, read.layout, read.einvoice)


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

    def process_object(self, key: str, size: int, seconds_available: float, etag: str | None = None) -> Outcome:
        """Extracts the document whose file is at `key`. `etag` is the ETag of the object an S3 event names
        (None for a run a person or the sweep asked for): with it, an object that is not the file the
        document records is told from the same event delivered again."""
        document_id = document_id_from_key(key)
        if document_id is None:
            logger.warning("Ignoring an object the API did not create: %s", key)
            return Outcome.IGNORED
        lease = self.settings.extraction_lease_seconds
        claim = self.documents.claim_extraction(document_id, key, lease, etag or None)
        if claim is None:
            return self._not_claimed(document_id, key, size, etag or None, seconds_available)
        return self._run(claim, key, size, seconds_available)

    def _not_claimed(
        self, document_id: int, key: str, size: int, etag: str | None, seconds_available: float
    ) -> Outcome:
        """An event for a document no run may claim now: the same event again (or one for an object since
        replaced), an object whose document is gone (erased), or a new file at the key of a document that
        already has one (recorded, then read)."""
        document = self.documents.get(document_id)
        if document is None or document.get("s3_key") != key:
            return self._discard(document_id, key)
        if etag is None or document.get(FILE_ETAG) == etag:
            logger.info("Document %s is already extracted or being extracted; event ignored", document_id)
            return Outcome.DUPLICATE
        try:
            stored = self.blobs.read(key, self.settings.max_presigned_upload_bytes)
        except (ClientError, BotoCoreError) as error:
            if is_missing_object(error):
                return Outcome.DUPLICATE  # erased since (the document's deletion), nothing to read
            raise RetryLater("The stored file could not be read.") from error
        if stored.etag != etag:
            logger.info("The object of document %s named by the event was replaced since; event ignored", document_id)
            return Outcome.DUPLICATE
        sha256 = stored.sha256
        if sha256 == document.get("sha256"):
            logger.info("Document %s received the same file again; event ignored", document_id)
            return Outcome.DUPLICATE
        claim = self._claim_new_file(document_id, key, size, stored.etag, sha256)
        if isinstance(claim, Outcome):
            return claim
        return self._run(claim, key, size, seconds_available, stored)

    def _claim_new_file(
        self, document_id: int, key: str, size: int, etag: str, sha256: str
    ) -> ExtractionClaim | Outcome:
        """Records that the object at the document's key is another file than the one it describes, and
        claims the document to read it (the earlier reading is dropped, the status goes back to the
        pipeline); the outcome instead when the document is gone or another run recorded the file first."""
        replaced: list[dict[str, Any]] = []

        def describe(current: dict[str, Any]) -> DocumentChange:
            replaced[:] = [current]
            changes = (
                field_change("sha256", current.get("sha256"), sha256),
                field_change("size_bytes", current.get("size_bytes"), size),
                field_change("status", current["status"], Status.PROCESSING.value),
            )
            event = HistoryEvent("file_replaced", EXTRACTION_ACTOR, changes, FILE_REPLACED)
            return DocumentChange({"size_bytes": size}, remove=_READING, history=(event,))

        claim = self.documents.claim_new_file(document_id, key, etag, describe)
        if claim is None:
            if self.documents.get(document_id) is None:
                return self._discard(document_id, key)
            return Outcome.DUPLICATE
        logger.warning("Document %s received another file; it is read and reviewed anew", document_id)
        try:
            self.documents.unindex_file(replaced[-1])
        except (ClientError, BotoCoreError):
            logger.exception("The replaced file of document %s could not be taken out of the duplicates", document_id)
        return claim

    def _discard(self, document_id: int, key: str) -> Outcome:
        """Erases an object whose document is gone: deleted (perhaps while the upload was under way, after
        the deletion had erased the file) or never given this key."""
        logger.warning("Object %s has no document %s (deleted, or not its key); erased", key, document_id)
        try:
            self.blobs.delete(key)
            self.blobs.delete(layout_key(key))
        except (ClientError, BotoCoreError) as error:
            raise RetryLater("The object of a deleted document could not be erased.") from error
        return Outcome.DISCARDED

    def _run(
        self, claim: ExtractionClaim, key: str, size: int, seconds_available: float, stored: StoredFile | None = None
    ) -> Outcome:
        document = claim.document
        facts: dict[str, Any] = {"size_bytes": size}
        if claim.attempt > self.settings.extraction_max_attempts:
            return self._fail(document, f"Extraction did not finish after {claim.attempt - 1} attempts.", facts)
        if size > self.settings.max_presigned_upload_bytes:
            reason = f"The file is {size} bytes, over the limit of {self.settings.max_presigned_upload_bytes}."
            return self._fail(document, reason, facts)
        if stored is None:
            try:
                stored = self.blobs.read(key, self.settings.max_presigned_upload_bytes)
            except (ClientError, BotoCoreError) as error:
                reason = "The stored file could not be read."
                return self._retry_or_fail(document, claim.attempt, reason, error, facts)
        content = stored.content
        sha256 = stored.sha256
        if document.get("sha256") not in (None, sha256):
            # Another file was uploaded since the one the record describes was read (this run was asked for
            # by a person or the sweep, or is S3's retry of an earlier event): recorded before it is read.
            replacement = self._claim_new_file(int(document["id"]), key, size, stored.etag, sha256)
            if isinstance(replacement, Outcome):
                return replacement
            claim, document = replacement, replacement.document
        # The file this run read is the one the record will describe.
        facts[FILE_ETAG] = stored.etag
        if not document.get("sha256"):
            self._record_file(document, sha256, facts)
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

    def _record_file(self, document: dict[str, Any], sha256: str, facts: dict[str, Any]) -> None:
        """A presigned upload's file (or one that replaces a document's file), seen for the first time: its
        SHA-256, and the earlier document of the same contact with the same file."""
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
        # The worker runs in the invocation's context (what the logger and, locally, the IAM check know of it).
        invocation = contextvars.copy_context()
        if isinstance(self.extractor, StoredObjectExtractor):
            # An engine that can read S3 itself (Textract, for large and multi-page documents) gets the location.
            stored = StoredObject(self.settings.bucket_name, str(document["s3_key"]))
            extract_stored = bound(ends, self.extractor.extract_stored, own_budgets=own_budgets)
            future = executor.submit(invocation.run, extract_stored, content, media_type, profile, stored)
        else:
            engine = bound(ends, self.extractor, own_budgets=own_budgets)
            future = executor.submit(invocation.run, engine, content, media_type, profile)
        try:
            read = _as_read(future.result(timeout=max(seconds_available, 1.0)))
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
        outcome = self._conclude(document, read, facts, rules, attempt, profile)
        if outcome is Outcome.EXTRACTED and read.result.page_views:
            self._store_views(document, read.result.page_views)
        return outcome

    def _store_views(self, document: dict[str, Any], views: list[PageView]) -> None:
        """Stores the pages' images beside the file, and their list with each page's words (pages.json, written
        last: the API shows no page before all are there). Best effort: without them the review page shows
        the file itself. A document erased meanwhile has its images erased again."""
        file_key = str(document["s3_key"])
        try:
            for view in views:
                self.blobs.put(page_image_key(file_key, view.page), view.image, PAGE_IMAGE_MEDIA_TYPE)
            manifest = json.dumps({"pages": [view.model_dump(mode="json") for view in views]}, separators=(",", ":"))
            self.blobs.put(pages_prefix(file_key) + PAGES_MANIFEST, manifest.encode(), "application/json")
            if self.documents.get(int(document["id"])) is None:
                self.blobs.delete_under(pages_prefix(file_key))
        except Exception:  # best effort, as the docstring says: the document is extracted either way
            logger.exception("The page images of document %s could not be stored", document["id"])

    def _conclude(
        self,
        document: dict[str, Any],
        read: _Read,
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

        sender = self._attribute(document, read.result)
        result, learned = self._with_hints(document, sender, read, profile)
        if read.layout is not None and sender is not None:
            self._keep_layout(document, read.layout)

        def stored(current: dict[str, Any], in_pipeline: bool) -> DocumentChange:
            reading = {
                **result.model_dump(mode="json"),
                "confidence_label": result.confidence_label.value,
                "error": None,
            }
            values = {**facts, **keep_corrections(reading, current, profile, learned)}
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
            self._end_run(document, stored)
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

    def _with_hints(
        self, document: dict[str, Any], sender: int | None, read: _Read, profile: Profile
    ) -> tuple[ExtractionResult, frozenset[str]]:
        """The result read again with what the sender's reviewed documents taught (senders/hints.py): one read
        of its hints item. A value a hint finds wins, agreeing with the engine or flagged where it does not;
        the fields it found. Hints that cannot be read or used leave the engine's reading as it is."""
        if self.senders is None or sender is None or read.layout is None or read.structured:
            return read.result, frozenset()
        from .senders.learning import read_with_sender

        try:
            stored = self.senders.hints(sender)
            return read_with_sender(stored[0] if stored else None, read.result, read.layout, profile)
        except Exception:  # what was learned never keeps a document from being read
            logger.exception("The hints of sender %s could not be used on document %s", sender, document["id"])
            return read.result, frozenset()

    def _keep_layout(self, document: dict[str, Any], layout: Layout) -> None:
        """Keeps the page text beside the file, for the sender to learn from when a person reviews the document
        (senders/learning.py); a document whose text is not kept teaches nothing, and is read all the same."""
        from .senders.learning import LAYOUT_MEDIA_TYPE, layout_bytes

        try:
            stored = layout_bytes(layout)
            if stored is not None:
                self.blobs.put(layout_key(str(document["s3_key"])), stored, LAYOUT_MEDIA_TYPE)
        except Exception:
            logger.exception("The page text of document %s could not be kept for learning", document["id"])

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

        self._end_run(document, failed)
        return Outcome.FAILED

    def _release(self, document: dict[str, Any], reason: str) -> bool:
        """Gives the claim back so that the event's retry can run extraction anew: a document the run moved to
        Processing is New again; a status a person set stays. False when there was nothing to give back: the
        document was deleted, or another run took its claim over."""

        def released(current: dict[str, Any], in_pipeline: bool) -> DocumentChange:
            if not in_pipeline or current["status"] == Status.NEW.value:
                return DocumentChange(remove=("extraction_claimed_at",))
            moved = (field_change("status", current["status"], Status.NEW.value),)
            event = HistoryEvent("extraction_retried", EXTRACTION_ACTOR, moved, reason)
            return DocumentChange({"status": Status.NEW.value}, remove=("extraction_claimed_at",), history=(event,))

        return self._end_run(document, released)

    def _end_run(self, document: dict[str, Any], decide: Callable[[dict[str, Any], bool], DocumentChange]) -> bool:
        """Concludes the run with `decide`; False when there was nothing to conclude. A document deleted while the
        run went on concludes nothing, and its file, which may have arrived after the deletion erased it, is
        erased."""
        if self.documents.conclude_extraction(document, decide) is not None:
            return True
        if self.documents.get(int(document["id"])) is None:
            self._discard(int(document["id"]), str(document["s3_key"]))
        return False

    def _retry_or_fail(
        self, document: dict[str, Any], attempt: int, reason: str, error: Exception, facts: dict[str, Any]
    ) -> Outcome:
        if attempt >= self.settings.extraction_max_attempts:
            return self._fail(document, reason, facts)
        if not self._release(document, reason):
            # A retry would find nothing to do (a deleted document's file is gone too).
            logger.info("Document %s was deleted or taken over during its run: not retried", document["id"])
            return Outcome.IGNORED
        raise RetryLater(reason) from error
