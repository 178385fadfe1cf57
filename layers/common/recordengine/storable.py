"""What DynamoDB can store, checked once where input enters: the request models refuse the rest with 422.

JSON and Python accept values that DynamoDB refuses, and a value refused at the write would be a 500 (or,
inside a transaction, a half-made request): NaN and Infinity; numbers with more than 38 digits or outside
1E-130 .. 9.9999999999999999999999999999999999999E+125 in magnitude; strings with lone surrogates (they are
not UTF-8); empty map keys; maps nested deeper than 32 levels; key attributes over 2048 bytes; items over
400 KB. The limits below keep every stored value inside those bounds with room to spare; README's API
section lists them.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StrictInt, ValidationInfo

# Ids are positive integers of at most 18 digits (they fit a 64-bit integer in any client).
MAX_ID_DIGITS = 18
MAX_ID = 10**MAX_ID_DIGITS - 1

# DynamoDB numbers: at most 38 digits, magnitude 1E-130 to 9.99...E+125 (or zero).
MAX_NUMBER_DIGITS = 38
MIN_NUMBER_EXPONENT = -130
MAX_NUMBER_EXPONENT = 125

# external_refs: {"<system>": {"record_id": "...", ...}, ...}. A system name and a record id become part of
# an index key (`EXTREF#<system>#<record id>`, percent-encoded: at most 3 characters per byte), which
# DynamoDB caps at 2048 bytes: 256 bytes each keep the key under 1600.
MAX_EXTERNAL_REF_SYSTEMS = 25
MAX_EXTERNAL_REF_KEY_BYTES = 256
MAX_EXTERNAL_REF_RECORD_ID_BYTES = 256
MAX_EXTERNAL_REFS_DEPTH = 8
MAX_EXTERNAL_REFS_BYTES = 16 * 1024

# A document's record, corrections included, stays below DynamoDB's 400 KB item with room for what the
# pipeline adds (the index keys, the claim); measured as UTF-8 JSON, which is close to DynamoDB's own count.
MAX_RECORD_BYTES = 350_000

# How much of a client's value an error message quotes.
_EXCERPT_CHARACTERS = 60


def excerpt(value: str, limit: int = _EXCERPT_CHARACTERS) -> str:
    """A client's value as an error message may quote it: at most `limit` characters, always encodable."""
    short = value if len(value) <= limit else value[:limit] + "…"
    return short.encode("utf-8", "replace").decode("utf-8")


def record_bytes(record: dict[str, Any]) -> int:
    """About what DynamoDB counts for an item: its attribute names and values as UTF-8 JSON."""
    return len(json.dumps(record, ensure_ascii=False, default=str).encode("utf-8"))


def text_problem(text: str) -> str | None:
    """Why `text` cannot be stored, or None: a lone surrogate is not Unicode text and has no UTF-8 form."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode text (it contains a lone surrogate)"
    return None


def as_dynamodb_number(number: int | float) -> Decimal:
    """The Decimal that storage writes for a number: through str, so 0.1 stays 0.1 (not its binary expansion)."""
    return Decimal(str(number)) if isinstance(number, float) else Decimal(number)


def number_problem(number: int | float) -> str | None:
    """Why `number` cannot be stored as a DynamoDB number, or None."""
    if isinstance(number, float) and not math.isfinite(number):
        return "must be a finite number (not NaN or Infinity)"
    if isinstance(number, int) and abs(number) >= 10**MAX_NUMBER_DIGITS:
        # Before the conversion to Decimal: an int of thousands of digits is refused without the work.
        return f"has more than {MAX_NUMBER_DIGITS} digits"
    value = as_dynamodb_number(number)
    if len(value.as_tuple().digits) > MAX_NUMBER_DIGITS:
        return f"has more than {MAX_NUMBER_DIGITS} digits"
    if value and not MIN_NUMBER_EXPONENT <= value.adjusted() <= MAX_NUMBER_EXPONENT:
        return "is out of range (a number's magnitude must lie between 1E-130 and 9.99E+125)"
    return None


# Characters that no value a client stores may hold (README, "Limits"): the C0 and C1 control characters but
# tab and line breaks (NUL among them: much software ends a string there), and the bidirectional embedding,
# override and isolate controls, which make "1000<U+202E>.00" display as "1000.00" read backwards. They are
# refused (422), never silently dropped, so that what a person reads back is what they sent. Filenames differ:
# a file's name is cleaned of them (documents.clean_filename), since the client's file system chose it.
_HIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def hidden_character_problem(text: str) -> str | None:
    """Why `text` cannot be a stored value because of a character it hides, or None."""
    found = _HIDDEN_CHARACTERS.search(text)
    if found is None:
        return None
    return (
        f"contains the invisible character U+{ord(found.group()):04X} (control characters other than tab and "
        "line breaks, and bidirectional overrides, are not accepted)"
    )


def stored_text_problem(text: str) -> str | None:
    """Why `text` cannot be stored as a client's value, or None: it is not Unicode, or it hides a character."""
    return text_problem(text) or hidden_character_problem(text)


def check_unicode(text: str) -> str:
    """Pydantic validator: text that has a UTF-8 form (a filename, cleaned of control characters afterwards)."""
    problem = text_problem(text)
    if problem is not None:
        raise ValueError(problem)
    return text


# The validation context of a record read back from storage (`Rule.model_validate(item, context=STORED)`): its
# text is taken as it was accepted when it was written, so that a record stored before a character was refused
# still reads (and can be corrected) rather than failing every request that reads it.
STORED: dict[str, bool] = {"stored": True}


def _is_stored(info: ValidationInfo) -> bool:
    return isinstance(info.context, dict) and bool(info.context.get("stored"))


def check_text(text: str, info: ValidationInfo) -> str:
    """Pydantic validator: text that can be stored as a value a person reads back."""
    check_unicode(text)
    problem = None if _is_stored(info) else hidden_character_problem(text)
    if problem is not None:
        raise ValueError(problem)
    return text


def check_scalar(value: Any, info: ValidationInfo) -> Any:
    """Pydantic validator for a JSON scalar (text, number, true/false, null): one that can be stored."""
    if isinstance(value, str):
        return check_text(value, info)
    if isinstance(value, int | float) and not isinstance(value, bool):
        problem = number_problem(value)
        if problem is not None:
            raise ValueError(f"the number {problem}")
    return value


def _where(path: tuple[str, ...]) -> str:
    return "".join(f"[{json.dumps(excerpt(key, 40), ensure_ascii=False)}]" for key in path)


def json_problem(value: Any, *, max_depth: int, max_key_bytes: int, path: tuple[str, ...] = ()) -> str | None:
    """Why a JSON value cannot be stored (its path and the reason), or None.

    Maps need non-empty keys of at most `max_key_bytes` UTF-8 bytes; nothing may nest deeper than
    `max_depth` levels (the walk stops there, so a hostile depth costs nothing). Keys and text are checked as
    every stored text is (`stored_text_problem`): a system name or a record id is shown and searched for too.
    """
    if isinstance(value, dict | list) and len(path) >= max_depth:
        return f"{_where(path)} is nested more than {max_depth} levels deep"
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or not key:
                return f"{_where(path)} has an empty key"
            problem = stored_text_problem(key)
            if problem is not None:
                return f"{_where(path)} has a key that {problem}"
            if len(key.encode("utf-8")) > max_key_bytes:
                return f"{_where(path)} has a key longer than {max_key_bytes} bytes"
            problem = json_problem(item, max_depth=max_depth, max_key_bytes=max_key_bytes, path=(*path, key))
            if problem is not None:
                return problem
        return None
    if isinstance(value, list):
        for index, item in enumerate(value):
            problem = json_problem(item, max_depth=max_depth, max_key_bytes=max_key_bytes, path=(*path, str(index)))
            if problem is not None:
                return problem
        return None
    if isinstance(value, str):
        problem = stored_text_problem(value)
    elif isinstance(value, bool) or value is None:
        problem = None
    elif isinstance(value, int | float):
        problem = number_problem(value)
        problem = f"is a number that {problem}" if problem else None
    else:
        problem = "is not a JSON value"
    return f"{_where(path)} {problem}" if problem else None


def external_refs_problem(refs: dict[str, Any]) -> str | None:
    """Why `external_refs` cannot be stored and indexed, or None (README, "Limits")."""
    if len(refs) > MAX_EXTERNAL_REF_SYSTEMS:
        return f"external_refs names {len(refs)} systems; at most {MAX_EXTERNAL_REF_SYSTEMS} are allowed."
    problem = json_problem(refs, max_depth=MAX_EXTERNAL_REFS_DEPTH, max_key_bytes=MAX_EXTERNAL_REF_KEY_BYTES)
    if problem is not None:
        return f"external_refs{problem}."
    for system, reference in refs.items():
        record_id = reference.get("record_id") if isinstance(reference, dict) else None
        if isinstance(record_id, str) and len(record_id.encode("utf-8")) > MAX_EXTERNAL_REF_RECORD_ID_BYTES:
            return (
                f"external_refs{_where((system, 'record_id'))} is longer than {MAX_EXTERNAL_REF_RECORD_ID_BYTES} bytes."
            )
    size = len(json.dumps(refs, ensure_ascii=False).encode("utf-8"))
    if size > MAX_EXTERNAL_REFS_BYTES:
        return f"external_refs is {size} bytes of JSON; at most {MAX_EXTERNAL_REFS_BYTES} are allowed."
    return None


def check_external_refs(refs: dict[str, Any]) -> dict[str, Any]:
    """Pydantic validator for external_refs."""
    problem = external_refs_problem(refs)
    if problem is not None:
        raise ValueError(problem)
    return refs


# Strict: a JSON true or "5" is not an id (lax validation would read true as 1).
Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
# Text that is stored: valid Unicode without hidden characters. Its length is bounded where it is used.
StorableText = Annotated[str, AfterValidator(check_text)]
# A client's filename: valid Unicode; what it hides is removed when it is stored (documents.clean_filename).
FilenameText = Annotated[str, AfterValidator(check_unicode)]
# The name of a contact, folder, profile, rule (what a list shows).
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(check_text)]
ExternalRefs = Annotated[dict[str, Any], AfterValidator(check_external_refs)]
