"""Bearer-token authentication, checked before anything else in the request is looked at, and token scopes.

Authentication is ASGI middleware rather than a FastAPI dependency because FastAPI parses bodies (JSON,
multipart) before it solves dependencies: a bad token must get 401 even when the body is malformed too.
Scopes are a dependency of each route (`requires`): what a route needs is declared beside it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Protocol

from fastapi import Depends, Request
from starlette.types import ASGIApp, Receive, Scope, Send

from recordengine.errors import Forbidden
from recordengine.settings import get_settings
from recordengine.tokens import TokenScope

logger = logging.getLogger(__name__)

PUBLIC_PATHS = frozenset({"/api/health"})
# Where the middleware leaves the authenticated caller in the ASGI scope, for the routes.
CALLER_SCOPE_KEY = "recordengine.caller"


class Identity(Protocol):
    """What a valid token says about its holder (recordengine.tokens.TokenInfo is one)."""

    @property
    def name(self) -> str: ...

    @property
    def scopes(self) -> Collection[str]: ...


# Who holds a token, or None when it is not a valid token.
Authenticate = Callable[[str], Identity | None]


@dataclass(frozen=True)
class Caller:
    """Who sent an authenticated request."""

    # Identifies the token (never its secret): the scope of its Idempotency-Keys.
    token_id: str
    scopes: frozenset[str]
    # The token's name: who a document's history says made a change.
    name: str = ""


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, however the scheme is spelt or spaced."""
    if not authorization:
        return None
    parts = authorization.split(None, 1)
    if len(parts) != 2 or parts[0].lower() != "bearer":
        return None
    return parts[1].strip() or None


def token_id(token: str) -> str:
    # The hash of the canonical header "Bearer <token>": Idempotency-Keys stored when the scope was the
    # header as sent keep their scope for clients that spelt it the canonical way.
    return hashlib.sha256(f"Bearer {token}".encode()).hexdigest()[:16]


def current_caller(request: Request) -> Caller | None:
    caller = request.scope.get(CALLER_SCOPE_KEY)
    return caller if isinstance(caller, Caller) else None


def may_read_documents(request: Request) -> bool:
    """Whether the request's token may read documents: only then does an answer carry a document's content
    (a write or an admin route's answer otherwise says what was done, not what the document holds)."""
    caller = current_caller(request)
    return caller is not None and TokenScope.DOCUMENTS_READ.value in caller.scopes


class ScopeRequirement:
    """A route dependency: the caller's token must carry `scope`, else 403."""

    def __init__(self, scope: TokenScope) -> None:
        self.scope = scope

    def __call__(self, request: Request) -> None:
        caller = current_caller(request)
        if caller is None or self.scope.value not in caller.scopes:
            raise Forbidden(
                f"This token lacks the '{self.scope.value}' scope this request needs; issue one with it, in the "
                f"project's directory: {get_settings().token_command(self.scope.value)}"
            )


class TokenRequirement:
    """A route dependency for a route that any valid token may call, whatever its scopes.

    The middleware has already answered 401 without a valid token; this declares it beside the route, for
    the OpenAPI document (which would otherwise say that the route needs no token)."""

    def __call__(self, request: Request) -> None:
        if current_caller(request) is None:
            raise Forbidden("This request needs a valid bearer token.")


def requires_token() -> Any:
    """`dependencies=[requires_token()]`: any valid token, no particular scope."""
    return Depends(TokenRequirement())


def requires(scope: TokenScope) -> Any:
    """`dependencies=[requires(TokenScope.ADMIN)]` on a router or a route."""
    return Depends(ScopeRequirement(scope))


class BearerAuthMiddleware:
    def __init__(self, app: ASGIApp, authenticate: Authenticate) -> None:
        self.app = app
        self.authenticate = authenticate

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
            identity = self.authenticate(token)
        except Exception:
            logger.exception("The token store could not be read")
            await _send_json(send, 503, {"detail": "Authentication is unavailable; retry the request."}, [])
            return
        if identity is None:
            await self._deny(send, "Invalid or revoked token.")
            return
        scope[CALLER_SCOPE_KEY] = Caller(
            token_id=token_id(token), scopes=frozenset(identity.scopes), name=identity.name
        )
        await self.app(scope, receive, send)

    @staticmethod
    async def _deny(send: Send, detail: str) -> None:
        await _send_json(send, 401, {"detail": detail}, [(b"www-authenticate", b"Bearer")])


async def _send_json(send: Send, status: int, content: dict[str, str], headers: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps(content).encode()
    all_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers]
    await send({"type": "http.response.start", "status": status, "headers": all_headers})
    await send({"type": "http.response.body", "body": body})
