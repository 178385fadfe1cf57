"""What a request's path, query and form say as text: ids, numbers, and each parameter once.

An id in a path that is not a positive integer names no object: 404, as API.md fixes it. A query's or a
form's number is decimal digits and nothing else (422 otherwise): Python's int() would also read " 5", "+5",
"1_000" and "٥" (an Arabic-Indic five), each a number the client may not have meant. No route takes a list
in its query and no form field is a list: a parameter given twice (`limit=1&limit=500`, two files) is 422
rather than the last one silently winning (a proxy or a log may read the first).
"""

from collections import Counter
from collections.abc import Iterable
from typing import Any

from fastapi import Request
from pydantic import BeforeValidator

from recordengine.errors import InvalidInput, NotFound
from recordengine.storable import MAX_ID_DIGITS, excerpt


def path_id(value: str, noun: str) -> int:
    if not value.isdecimal() or not value.isascii() or len(value) > MAX_ID_DIGITS or int(value) < 1:
        raise NotFound(f"{noun} {excerpt(value)} not found.")
    return int(value)


def _decimal_digits(value: Any) -> Any:
    if isinstance(value, str) and not (value.isdecimal() and value.isascii()):
        raise ValueError("must be written in the digits 0-9 alone (no sign, spaces, underscores or exponent)")
    return value


# A query's or a form's integer: `Annotated[int, Query(ge=1), DECIMAL_DIGITS]`. After the Query or Form, so that
# FastAPI still publishes the bounds as the schema's minimum and maximum.
DECIMAL_DIGITS = BeforeValidator(_decimal_digits)


def _refuse_repeated(items: Iterable[tuple[str, Any]], kind: str) -> None:
    counts = Counter(name for name, _ in items)
    repeated = sorted(name for name, count in counts.items() if count > 1)
    if repeated:
        names = ", ".join(repr(excerpt(name, 40)) for name in repeated[:5])
        raise InvalidInput(f"Each {kind} may be given once; given more than once: {names}.")


def single_valued_query(request: Request) -> None:
    """App dependency: every query parameter is given at most once."""
    _refuse_repeated(request.query_params.multi_items(), "query parameter")


async def single_valued_form(request: Request) -> None:
    """Dependency of a route that takes a form: every field is given at most once (one file, one contact_id).

    FastAPI has read the form before dependencies run; this reads it again from the request's cache."""
    _refuse_repeated((await request.form()).multi_items(), "form field")
