"""Conditional requests on versioned resources: the ETag a document is answered with, and `If-Match`.

A document's version goes up by one on every change, so `"<version>"` is a strong validator. A client that
sends `If-Match` with the ETag it read changes the document only if nobody changed it since (else 412).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Header

_ANY = "*"
# The 412 answer of a route that takes If-Match, as its OpenAPI document describes it.
STALE_VERSION = "If-Match names a version the document is no longer at; the ETag header gives the current one."


def entity_tag(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None) -> int | None:
    """The version an `If-Match` header asks for; None without one (or with `*`: any version). A value that
    names no version (not a number) can match no document: -1, which fails the precondition as RFC 9110 says."""
    if if_match is None or not if_match.strip() or if_match.strip() == _ANY:
        return None
    # One tag is expected; of a list, the first. A weak tag (W/"3") names the same version here.
    tag = if_match.split(",")[0].strip().removeprefix("W/").strip().strip('"')
    # Decimal ASCII digits: str.isdigit() is also true of "²", which int() refuses.
    return int(tag) if tag.isdecimal() and tag.isascii() and len(tag) <= 18 else -1


IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description='The ETag read from GET (e.g. "7"): the change is made only if the document is still at that '
        "version, else 412.",
    ),
]
