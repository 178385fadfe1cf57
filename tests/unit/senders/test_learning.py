"""Learning from a person's review (senders/learning.py): which changes of a document record are a review,
the page text kept beside the file, and the sender's hints changed from them. Fakes stand in for S3 and the
table; layouts are generated for an invented supplier."""

from __future__ import annotations

import gzip
import json
import random
import string
from typing import Any

import pytest
from botocore.exceptions import ClientError

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction.layout import Layout
from recordengine.models import Profile
from recordengine.senders.hints import SenderHints, read_with_hints
from recordengine.senders.learning import (
    MAX_LAYOUT_BYTES,
    Learner,
    Review,
    layout_bytes,
    layout_from_bytes,
    review_of,
)
from recordengine.senders.memory import MemorySenderStore
from recordengine.storage.blobs import StoredFile, layout_key
from tests.unit.senders.test_hints import FIRST, SECOND

KEY = "documents/7/" + "a" * 32
NUMBER = "QF/2024-0117"


def record(status: str = "Needs Review", **values: Any) -> dict[str, Any]:
    fields = {"invoice_number": None, "total_amount": "119.00", "vendor": "Quillfeather Stationers GmbH"}
    return {
        "id": 7,
        "s3_key": KEY,
        "profile_id": INVOICE_PROFILE.id,
        "sender_id": 1,
        "status": status,
        "extracted_fields": fields,
        "field_sources": {"total_amount": "extracted", "vendor": "learned"},
        **values,
    }


def corrected_record(status: str = "Needs Review") -> dict[str, Any]:
    before = record(status)
    return {
        **before,
        "extracted_fields": {**before["extracted_fields"], "invoice_number": NUMBER},
        "field_sources": {**before["field_sources"], "invoice_number": "corrected"},
    }


def test_a_correction_is_a_review_of_the_field_changed() -> None:
    review = review_of(record(), corrected_record())
    assert review == Review(1, 7, KEY, INVOICE_PROFILE.id, {"invoice_number": NUMBER}, {})


def test_an_approval_confirms_every_field_left_as_read_but_not_what_a_person_set() -> None:
    review = review_of(corrected_record(), corrected_record("Approved"))
    assert review is not None and review.corrected == {}
    assert review.confirmed == {"total_amount": "119.00", "vendor": "Quillfeather Stationers GmbH"}


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # An extraction concluding (a rule may approve at once): no person looked.
        (record("Processing"), corrected_record("Approved")),
        (record("Processing"), record("Needs Review")),
        # A request for a new run.
        (record("Needs Review"), record("New")),
        # Moving on from an approval confirms nothing again.
        (record("Approved"), record("Export")),
        # Notes only.
        (record(), record(notes="Checked by phone")),
        # No sender to teach.
        (record(sender_id=None), {**corrected_record(), "sender_id": None}),
        # A document created (no old image).
        ({}, corrected_record()),
    ],
)
def test_changes_no_person_made_or_that_review_nothing_teach_nothing(old: dict[str, Any], new: dict[str, Any]) -> None:
    assert review_of(old, new) is None


def test_the_page_text_is_kept_and_read_back_as_it_was_read() -> None:
    two_pages = Layout(["first page\n  Total   12.00", "second page"])
    again = layout_from_bytes(layout_bytes(two_pages) or b"")
    assert again.lines == two_pages.lines and again.page_of_line == two_pages.page_of_line
    assert not again.ocr
    scanned = Layout(["a scan"], [[[(0, 1, 90.0)]]])
    assert layout_from_bytes(layout_bytes(scanned) or b"").ocr


def test_the_page_text_kept_is_bounded_to_the_first_pages_that_fit() -> None:
    noise = random.Random(17)
    pages = ["".join(noise.choices(string.ascii_letters, k=60_000)) for _ in range(10)]
    stored = layout_bytes(Layout(pages))
    assert stored is not None and len(stored) <= MAX_LAYOUT_BYTES
    kept = json.loads(gzip.decompress(stored))["pages"]
    assert 0 < len(kept) < 10 and kept == pages[: len(kept)]


def test_what_is_not_a_kept_layout_is_refused() -> None:
    with pytest.raises(ValueError, match="not a stored layout"):
        layout_from_bytes(b"not gzip")
    with pytest.raises(ValueError, match="not a stored layout"):
        layout_from_bytes(gzip.compress(b'{"pages": [1, 2]}'))


class FakeBlobs:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def read(self, key: str, max_bytes: int) -> StoredFile:
        if key not in self.objects:
            raise ClientError({"Error": {"Code": "NoSuchKey"}}, "GetObject")
        return StoredFile(self.objects[key][:max_bytes], "etag")


class FakeProfiles:
    def find(self, profile_id: int) -> Profile | None:
        return INVOICE_PROFILE if profile_id == INVOICE_PROFILE.id else None


@pytest.fixture
def senders() -> MemorySenderStore:
    store = MemorySenderStore()
    store.create("Quillfeather Stationers GmbH", ["tax:DE:DE310341316"], "2026-03-01T10:00:00Z")
    return store


def learner(senders: MemorySenderStore, layout: Layout | None = FIRST) -> Learner:
    blobs = FakeBlobs()
    if layout is not None:
        blobs.objects[layout_key(KEY)] = layout_bytes(layout) or b""
    return Learner(blobs, senders, FakeProfiles())  # type: ignore[arg-type]


def test_a_correction_teaches_the_sender_where_the_field_is_printed(senders: MemorySenderStore) -> None:
    review = review_of(record(), corrected_record())
    assert review is not None and learner(senders).learn(review)
    stored, version = senders.hints(1) or ({}, 0)
    assert version == 1
    hints = SenderHints.from_storable(stored)
    assert read_with_hints(hints, SECOND, INVOICE_PROFILE)["invoice_number"].value == "QF/2024-0342"


def test_a_confirmation_counts_for_the_hint_that_read_the_value(senders: MemorySenderStore) -> None:
    teacher = learner(senders)
    teacher.learn(Review(1, 7, KEY, INVOICE_PROFILE.id, {"invoice_number": NUMBER}, {}))
    teacher.learn(Review(1, 7, KEY, INVOICE_PROFILE.id, {}, {"invoice_number": NUMBER}))
    hint = SenderHints.from_storable((senders.hints(1) or ({}, 0))[0]).fields["invoice_number"]
    assert (hint.confirmed, hint.failed) == (1, 0)
    # Confirmed as something the hint does not read: it failed.
    teacher.learn(Review(1, 7, KEY, INVOICE_PROFILE.id, {}, {"invoice_number": "QF/2024-9999"}))
    hint = SenderHints.from_storable((senders.hints(1) or ({}, 0))[0]).fields["invoice_number"]
    assert hint.failed == 1


def test_without_the_page_text_or_the_sender_nothing_is_learned(senders: MemorySenderStore) -> None:
    review = Review(1, 7, KEY, INVOICE_PROFILE.id, {"invoice_number": NUMBER}, {})
    assert not learner(senders, layout=None).learn(review)
    assert senders.hints(1) == ({}, 0)
    senders.forget(1)
    assert not learner(senders).learn(review)


def test_a_stream_record_of_a_correction_teaches_through_the_same_path(senders: MemorySenderStore) -> None:
    from recordengine.storage.dynamo import to_item

    old, new = record(), corrected_record()
    stream = {"eventName": "MODIFY", "dynamodb": {"OldImage": to_item(old), "NewImage": to_item(new)}}
    assert learner(senders).learn_from_record(stream)
    assert "invoice_number" in SenderHints.from_storable((senders.hints(1) or ({}, 0))[0]).fields
    assert not learner(senders).learn_from_record({**stream, "eventName": "INSERT"})


def test_a_result_is_read_with_the_hints_as_stored_and_is_unchanged_without_any(senders: MemorySenderStore) -> None:
    from recordengine.senders.learning import read_with_sender
    from tests.unit.senders.test_hints import engine_reading

    generic = engine_reading(SECOND)
    assert read_with_sender({}, generic, SECOND, INVOICE_PROFILE) == (generic, frozenset())
    learner(senders).learn(Review(1, 7, KEY, INVOICE_PROFILE.id, {"invoice_number": NUMBER}, {}))
    result, learned = read_with_sender((senders.hints(1) or ({}, 0))[0], generic, SECOND, INVOICE_PROFILE)
    assert learned == {"invoice_number"} and result.extracted_fields["invoice_number"] == "QF/2024-0342"
    with pytest.raises(ValueError, match="not a sender's hints"):
        read_with_sender({"fields": {"invoice_number": {"kind": "text"}}}, generic, SECOND, INVOICE_PROFILE)
