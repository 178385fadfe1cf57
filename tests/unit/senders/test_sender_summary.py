"""What the senders API says a sender has learned: read from its hints as senders/hints.py stores them."""

from __future__ import annotations

from recordengine.senders.hints import FieldHint, Kind, SenderHints
from recordengine.senders.service import fields_learned, learned_accuracy


def stored(**fields: FieldHint) -> dict[str, object]:
    return SenderHints(fields=fields).to_storable()


def test_a_sender_without_hints_has_learned_nothing_and_has_no_accuracy() -> None:
    assert fields_learned({}) == 0
    assert learned_accuracy({}) is None


def test_fields_learned_counts_the_hints_and_accuracy_waits_for_a_review() -> None:
    hints = stored(
        vendor_name=FieldHint(kind=Kind.NAME, value="Quillmere Stationers"),
        currency=FieldHint(kind=Kind.CURRENCY, value="EUR"),
    )

    assert fields_learned(hints) == 2
    assert learned_accuracy(hints) is None


def test_accuracy_is_the_share_of_reviewed_learned_readings_left_as_they_were() -> None:
    hints = stored(
        vendor_name=FieldHint(kind=Kind.NAME, value="Quillmere Stationers", used=4, confirmed=3, failed=1),
        currency=FieldHint(kind=Kind.CURRENCY, value="EUR", used=4, confirmed=4),
    )

    assert learned_accuracy(hints) == 0.875


def test_what_is_not_a_field_hint_counts_as_nothing_learned() -> None:
    odd = {"fields": {"total": "amount", "tax": {"confirmed": True, "failed": -3}}}

    assert fields_learned(odd) == 1
    assert learned_accuracy(odd) is None
