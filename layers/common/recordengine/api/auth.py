"""Bearer-token authentication, checked before anything else in the request is looked at.

It is ASGI middleware rather than a FastAPI dependency because FastAPI parses bodies (JSON, multipart)
before it solves dependencies: a bad token must get 401 even when the body is malformed too.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

logger = logging.getLogger(__name__)

PUBLIC_PATHS = frozenset({"/api/health"})


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


class BearerAuthMiddleware:
    def __init__(self, app: ASGIApp, is_valid: Callable[[str], bool]) -> None:
        self.app = app
        self.is_valid = is_valid

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        token = bearer_token(headers.get(b"authorization", b"").decode("latin-1"))
        if token is None:
            await self._deny(send, "Missing or malformed Authorization header; send 'Authorization: Bearer <token>'.")
            return
        try:
            valid = self.is_valid(token)
        except Exception:
            logger.exception("The token store could not be read")
            await _send_json(send, 503, {"detail": "Authentication is unavailable; retry the request."}, [])
            return
        if not valid:
            await self._deny(send, "Invalid or revoked token.")
            return
        await self.app(scope, receive, send)

    @staticmethod
    async def _deny(send: Send, detail: str) -> None:
        await _send_json(send, 401, {"detail": detail}, [(b"www-authenticate", b"Bearer")])


async def _send_json(send: Send, status: int, content: dict[str, str], headers: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps(content).encode()
    all_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers]
    await send({"type": "http.response.start", "status": status, "headers": all_headers})
    await send({"type": "http.response.body", "body": body})
