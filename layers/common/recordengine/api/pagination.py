"""The list parameters every collection shares: `limit` (default 50, at most 200) and `offset`."""

from typing import Annotated

from fastapi import Query

from recordengine.documents import DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT

# Offsets are read through (DynamoDB has no skip); the bound keeps one request's work finite.
MAX_OFFSET = 1_000_000

Limit = Annotated[int, Query(ge=1, le=MAX_LIST_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
DEFAULT_LIMIT = DEFAULT_LIST_LIMIT
