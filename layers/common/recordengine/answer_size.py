"""Lists stay inside Lambda's 6 MB response: a page ends early, with a cursor to the rest, before it gets too big.

Lambda refuses a function's response over 6,291,556 bytes, measured as the JSON it returns to API Gateway, in
which the body is a JSON string: the page's JSON escaped once more (ASCII, as the runtime writes it). Each item
is measured that way; a page takes items while their sum stays within the budget, which leaves room for the
rest of the answer (the page's other keys, the headers). A page always holds at least its first item: one
stored item (under DynamoDB's 400 KB) fits many times over.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Sequence
from typing import TypeVar

from pydantic import BaseModel

from .errors import InvalidInput

LIST_ANSWER_BUDGET_BYTES = 5_000_000

Item = TypeVar("Item", bound=BaseModel)

# A list read by position (every list but the documents') continues at a cursor that holds that position:
# opaque to clients, URL-safe base64 without padding of "position:<n>", and checked like the documents' one.
_POSITION = re.compile(r"position:(?P<position>[1-9]\d{0,8})")
_NOT_A_CURSOR = "cursor is not a cursor this API returned (next_cursor of a previous page)."


def answer_bytes(item: BaseModel) -> int:
    """What `item` adds to a Lambda response: its JSON inside the body string, escaped as the runtime does."""
    return len(json.dumps(item.model_dump_json()))


def fitting(items: Sequence[Item], budget: int = LIST_ANSWER_BUDGET_BYTES) -> list[Item]:
    """The longest run of `items` from the first whose answer stays within `budget` (never fewer than one)."""
    used = 0
    for count, item in enumerate(items):
        used += answer_bytes(item)
        if used > budget and count > 0:
            return list(items[:count])
    return list(items)


def encode_position(position: int) -> str:
    return base64.urlsafe_b64encode(f"position:{position}".encode()).decode().rstrip("=")


def decode_position(cursor: str) -> int:
    """The position a `next_cursor` of a list read by position stands for; 422 for anything else."""
    if len(cursor) > 32:
        raise InvalidInput(_NOT_A_CURSOR)
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput(_NOT_A_CURSOR) from None
    parts = _POSITION.fullmatch(text)
    if parts is None or encode_position(int(parts["position"])) != cursor:
        raise InvalidInput(_NOT_A_CURSOR)
    return int(parts["position"])


def start_of(offset: int, cursor: str | None) -> int:
    """Where a page of a list read by position starts: `offset` counts from the cursor's position."""
    return offset + (decode_position(cursor) if cursor is not None else 0)


def next_position_cursor(start: int, shown: int, total: int) -> str | None:
    """The cursor of the page after `shown` items from `start`, or None when they reach the end."""
    end = start + shown
    return encode_position(end) if end < total else None
