"""A sender learns from what a person did to one of its documents (issue 17): a correction (PATCH of a field)
or an approval (the fields left as read are confirmed). Nothing else teaches: an extraction, a rule or a
document on its own never calls ``hints.learn``.

The extraction keeps the page text it read beside the document's file (``layout_key``), bounded, since the
record does not hold it; the review is told from the document's DynamoDB stream record (old and new image),
off the request path, and the sender's hints item is changed by a write conditional on its version (two
documents of one sender reviewed at once both count).
"""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from recordengine.models import FieldSource, Status
from recordengine.storage import keys
from recordengine.storage.blobs import is_missing_object, layout_key

if TYPE_CHECKING:
    from recordengine.catalog import ProfileCatalog
    from recordengine.extraction.layout import Layout
    from recordengine.models import ExtractionResult, Profile
    from recordengine.storage.blobs import BlobStore

    from .store import SenderStore

logger = logging.getLogger(__name__)

# What is kept of a document's page text for learning, compressed: pages beyond it are left out (a sender's
# hints hold pages up to hints.MAX_PAGE anyway).
MAX_LAYOUT_BYTES = 256 * 1024
LAYOUT_MEDIA_TYPE = "application/gzip"
# A person's decision that confirms what the record holds (entering it from a review status).
APPROVING = frozenset({Status.APPROVED.value, Status.EXPORT.value})
# Statuses a document already left review in: moving between them confirms nothing new.
_SETTLED = APPROVING | {Status.ARCHIVED.value}


def layout_bytes(layout: Layout) -> bytes | None:
    """The layout's page text as stored for learning (gzip'd JSON), the pages that fit in MAX_LAYOUT_BYTES;
    None when not even the first page fits."""
    pages: list[list[str]] = []
    for line, page in zip(layout.lines, layout.page_of_line, strict=True):
        while len(pages) <= page:
            pages.append([])
        pages[page].append(line)
    texts = ["\n".join(lines) for lines in pages]
    kept = len(texts)
    while kept > 0:
        stored = gzip.compress(json.dumps({"pages": texts[:kept], "ocr": layout.ocr}).encode("utf-8"))
        if len(stored) <= MAX_LAYOUT_BYTES:
            return stored
        # About as many pages as fit, rather than one page fewer at a time.
        kept = min(kept - 1, kept * MAX_LAYOUT_BYTES // len(stored))
    return None


def layout_from_bytes(stored: bytes) -> Layout:
    """The layout ``layout_bytes`` stored (ValueError when it is not one)."""
    from recordengine.extraction.layout import Layout, Span

    try:
        data = json.loads(gzip.decompress(stored[: MAX_LAYOUT_BYTES + 1]))
    except (OSError, EOFError, ValueError) as error:
        raise ValueError("not a stored layout") from error
    pages = data.get("pages") if isinstance(data, dict) else None
    if not isinstance(pages, list) or not all(isinstance(page, str) for page in pages):
        raise ValueError("not a stored layout")
    # Read by OCR: the readers treat digits as misreadable (no word confidences are kept).
    spans: list[list[list[Span]]] | None = None
    if data.get("ocr") is True:
        spans = [[[] for _ in page.split("\n")] for page in pages]
    return Layout(pages, spans)


def read_with_sender(
    stored: Mapping[str, Any] | None, result: ExtractionResult, layout: Layout, profile: Profile
) -> tuple[ExtractionResult, frozenset[str]]:
    """An engine's result read again with a sender's hints as stored (senders/hints.py: what a hint finds on
    the page wins, agreeing or flagged), and the fields a hint found; the result as it is without hints.
    ValueError when the stored hints are not hints."""
    if not stored:
        return result, frozenset()
    from .hints import SenderHints, combine, read_with_hints

    combined = combine(result, read_with_hints(SenderHints.from_storable(stored), layout, profile), profile)
    return combined.result, combined.learned


@dataclass(frozen=True)
class Review:
    """What a person did to one document of a sender: fields corrected (field → the value they set) and
    fields confirmed (approved as they were read)."""

    sender_id: int
    document_id: int
    s3_key: str
    profile_id: int
    corrected: dict[str, str]
    confirmed: dict[str, str]


def review_of(old: Mapping[str, Any], new: Mapping[str, Any]) -> Review | None:
    """The review a change of a document record (its images before and after) holds, or None: a change that
    no person made (an extraction concluding, a rule at extraction), of a document without a sender, or one
    that neither corrects a field nor approves the document."""
    sender = new.get("sender_id")
    if sender is None or not old or not new.get("s3_key") or new.get("profile_id") is None:
        return None
    if old.get("status") in keys.PIPELINE_STATUSES or new.get("status") in keys.PIPELINE_STATUSES:
        return None
    fields = new.get("extracted_fields") or {}
    before = old.get("extracted_fields") or {}
    sources, old_sources = new.get("field_sources") or {}, old.get("field_sources") or {}
    corrected = {
        name: str(value)
        for name, value in fields.items()
        if value is not None
        and sources.get(name) == FieldSource.CORRECTED.value
        and (before.get(name) != value or old_sources.get(name) != FieldSource.CORRECTED.value)
    }
    confirmed: dict[str, str] = {}
    if new.get("status") in APPROVING and old.get("status") not in _SETTLED:
        confirmed = {
            name: str(value)
            for name, value in fields.items()
            if value is not None and sources.get(name) != FieldSource.CORRECTED.value
        }
    if not corrected and not confirmed:
        return None
    return Review(int(sender), int(new["id"]), str(new["s3_key"]), int(new["profile_id"]), corrected, confirmed)


@dataclass
class Learner:
    """Teaches a document's sender what a person's review of the document shows."""

    blobs: BlobStore
    senders: SenderStore
    profiles: ProfileCatalog

    def learn_from_record(self, record: Mapping[str, Any]) -> bool:
        """A DynamoDB stream record of a document item; whether its sender learned anything."""
        from recordengine.storage.dynamo import from_item

        stream = record.get("dynamodb") or {}
        if record.get("eventName") != "MODIFY":
            return False
        review = review_of(from_item(stream.get("OldImage") or {}), from_item(stream.get("NewImage") or {}))
        return review is not None and self.learn(review)

    def learn(self, review: Review) -> bool:
        from .hints import SenderHints, learn

        profile = self.profiles.find(review.profile_id)
        if profile is None:
            return False
        try:
            stored = self.blobs.read(layout_key(review.s3_key), MAX_LAYOUT_BYTES)
        except Exception as error:
            if is_missing_object(error):
                # Extracted before the page text was kept, or by an engine that reads none: nothing to learn from.
                logger.info("Document %s has no page text kept; its review teaches nothing", review.document_id)
                return False
            raise
        layout = layout_from_bytes(stored.content)

        def decide(current: dict[str, Any]) -> dict[str, Any]:
            try:
                hints = SenderHints.from_storable(current) if current else None
            except ValueError:
                logger.warning("Sender %s had hints that do not validate; learning starts again", review.sender_id)
                hints = None
            return learn(hints, layout, review.corrected, review.confirmed, profile).to_storable()

        changed = self.senders.change_hints(review.sender_id, decide)
        if changed is None:
            logger.info(
                "Sender %s is gone (forgotten); document %s teaches nothing", review.sender_id, review.document_id
            )
            return False
        return True
