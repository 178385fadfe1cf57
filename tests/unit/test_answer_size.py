"""A list page's items are bounded by the size of the answer; a cursor of a list read by position is checked."""

import pytest
from pydantic import BaseModel

from recordengine.answer_size import (
    answer_bytes,
    decode_position,
    encode_position,
    fitting,
    next_position_cursor,
    start_of,
)
from recordengine.errors import InvalidInput


class Note(BaseModel):
    text: str


def test_a_page_takes_items_while_their_answer_fits_the_budget() -> None:
    notes = [Note(text="a" * 90) for _ in range(10)]
    size = answer_bytes(notes[0])
    assert fitting(notes, budget=size * 3) == notes[:3]
    assert fitting(notes, budget=size * 3 - 1) == notes[:2]
    assert fitting(notes, budget=size * 100) == notes


def test_a_page_holds_its_first_item_whatever_its_size() -> None:
    notes = [Note(text="a" * 1000), Note(text="b")]
    assert fitting(notes, budget=10) == notes[:1]
    assert fitting([], budget=10) == []


def test_items_are_measured_as_the_runtime_writes_the_body() -> None:
    # Inside the JSON string of the body, a quote takes 2 bytes and a non-ASCII character 6 (\u00fc).
    assert answer_bytes(Note(text="\u00fc" * 10)) - answer_bytes(Note(text="")) == 60
    assert answer_bytes(Note(text='"' * 10)) - answer_bytes(Note(text="")) == 40


def test_a_position_cursor_leads_to_the_next_page() -> None:
    assert next_position_cursor(start=50, shown=20, total=71) == encode_position(70)
    assert next_position_cursor(start=50, shown=21, total=71) is None
    assert start_of(5, encode_position(70)) == 75
    assert start_of(5, None) == 5
    assert decode_position(encode_position(123)) == 123


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "cG9zaXRpb246MA",  # position:0
        "cG9zaXRpb246Mw==",  # padded: not the encoding the API writes
        "cG9zaXRpb246MDM",  # position:03
        "cG9zaXRpb246LTE",  # position:-1
        "bm90IGEgY3Vyc29y",  # not a cursor
        "MjAyNS0xMS0xNVQwODoyMzo0MVojMDAwMDAwMDAwODQ3",  # a documents cursor
        "!!!!",
        "x" * 40,
    ],
)
def test_a_cursor_this_api_did_not_write_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidInput):
        decode_position(cursor)
