"""JSON read as it was written, or refused: what a client sends is what the API reads (422 otherwise).

Python's JSON reader accepts more than JSON (RFC 8259) and reads some of it other than as written, without
notice: a key given twice in one object (the last wins, where a proxy, a log or another client may keep the
first); numbers a float holds only approximately (`1e-400` reads as 0, `5.0000000000000000001` as 5: an
amount changed on its way in); UTF-16 and UTF-32 text. Each is refused here, before a route reads the body:
every JSON body (`StrictJsonBodyMiddleware`), and the JSON a route reads itself (`read_json`). `NaN`,
`Infinity` and numbers too large for a float (`1e400`, read as infinity) are left to the request models,
which refuse them naming the field (storable.number_problem).

Bodies Python cannot read at all are left to the route, which answers them as it always has.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from recordengine.storable import excerpt

from .errors import error_response

_UTF8_BOM = "\ufeff"


class LaxJson(ValueError):
    """JSON that Python would read, but not as the client wrote it."""


def _exact_float(literal: str) -> float:
    value = float(literal)
    # Compared as decimals: 0.1 is exact in this sense (0.1 is what a float of it prints and stores as).
    if math.isfinite(value) and Decimal(repr(value)) != Decimal(literal):
        raise LaxJson(
            f"the number {excerpt(literal)} would be read as {value!r}: a JSON number has at most 17 "
            "significant digits, and is no smaller than a float can hold (send more as text)."
        )
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise LaxJson(f"the key {json.dumps(excerpt(key, 40), ensure_ascii=False)} appears twice in one object.")
        result[key] = value
    return result


def read_json(data: str | bytes) -> Any:
    """`data` read as strict JSON: LaxJson for what is read other than as written, ValueError (or, for a
    hostile depth, RecursionError) for what is not JSON at all."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            json.loads(data)  # UTF-16 or UTF-32 JSON gets past this; anything else is ValueError.
            raise LaxJson("JSON must be UTF-8 text (RFC 8259); this body is UTF-16 or UTF-32.") from None
    else:
        text = data
    # A byte order mark is allowed before UTF-8 JSON (RFC 8259 lets readers ignore it), as Python does.
    return json.loads(
        text.removeprefix(_UTF8_BOM),
        object_pairs_hook=_unique_keys,
        parse_float=_exact_float,
    )


def lax_json_problem(data: bytes) -> str | None:
    """Why `data` is JSON that would be read other than as written, or None (also for what is not JSON)."""
    try:
        read_json(data)
    except LaxJson as lax:
        return f"The JSON body is not read as written: {lax}"
    except (ValueError, RecursionError):
        return None
    return None


def _declares_json(scope: Scope) -> bool:
    """Whether the request says its body is JSON, as FastAPI decides it (application/json, application/*+json)."""
    content_type = next((value for name, value in scope["headers"] if name == b"content-type"), b"")
    media_type = content_type.decode("latin-1").split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


class StrictJsonBodyMiddleware:
    """Refuses (422) a JSON body that would be read other than as written, before any route reads it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _declares_json(scope):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request" or not message.get("more_body", False):
                break
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        problem = lax_json_problem(body) if body else None
        if problem is not None:
            await error_response(422, problem)(scope, receive, send)
            return

        # The route reads the body again: the messages read here, then whatever follows them.
        unread = iter(messages)

        async def receive_again() -> Message:
            return next(unread, None) or await receive()

        await self.app(scope, receive_again, send)
