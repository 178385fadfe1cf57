"""Ids in paths. Anything that is not a positive integer names no object: 404, as API.md fixes it."""

from recordengine.errors import NotFound
from recordengine.storable import MAX_ID_DIGITS, excerpt


def path_id(value: str, noun: str) -> int:
    if not value.isdecimal() or not value.isascii() or len(value) > MAX_ID_DIGITS or int(value) < 1:
        raise NotFound(f"{noun} {excerpt(value)} not found.")
    return int(value)
