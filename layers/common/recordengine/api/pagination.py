"""The list parameters every collection shares: `limit` (default 50, at most 200), `offset` and `cursor`."""

from typing import Annotated

from fastapi import Query

from recordengine.answer_size import start_of
from recordengine.api.paths import DECIMAL_DIGITS
from recordengine.documents import DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT

# Offsets are read through (DynamoDB has no skip); the bound keeps one request's work finite.
MAX_OFFSET = 1_000_000

Limit = Annotated[int, Query(ge=1, le=MAX_LIST_LIMIT), DECIMAL_DIGITS]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET), DECIMAL_DIGITS]
DEFAULT_LIMIT = DEFAULT_LIST_LIMIT

__all__ = ["DEFAULT_LIMIT", "MAX_OFFSET", "Cursor", "Limit", "Offset", "start_of"]

# A page ends before `limit` items when more would make the answer too large for Lambda; its next_cursor
# leads to the rest (so does offset plus the number of items shown).
Cursor = Annotated[
    str | None,
    Query(
        description="next_cursor of the previous page: the page after it (offset then counts from there). "
        "A page holds fewer than limit items when more would make the answer too large.",
    ),
]
