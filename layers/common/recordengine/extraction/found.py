"""A field's value as read: the text the API shows, how sure the reader is, and the parsed value for checks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Found:
    """One field's value as the API shows it, with how sure we are and the parsed value for checks."""

    value: str
    confidence: int
    raw: object = None
    line: int | None = None
