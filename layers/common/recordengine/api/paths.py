"""Ids in paths. Anything that is not a positive integer names no object: 404, as API.md fixes it."""

from recordengine.errors import NotFound

_MAX_ID_DIGITS = 18


def path_id(value: str, noun: str) -> int:
    if not value.isdecimal() or not value.isascii() or len(value) > _MAX_ID_DIGITS or int(value) < 1:
        raise NotFound(f"{noun} {value} not found.")
    return int(value)
