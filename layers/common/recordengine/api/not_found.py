"""The `$default` route's answer: a request that no route of the API takes gets a `detail` like every error.

API Gateway sends here what matches no other route; that alone decides it. A path the API serves with
other methods gets 405 and `Allow`; anything else 404. It reads no token and no data.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.exceptions import HTTPException
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from recordengine.errors import NotFound
from recordengine.storable import excerpt

from .routes import allowed_methods


class _NoSuchRoute:
    """An ASGI endpoint rather than a path operation: a Starlette route to one takes every method, whatever
    its name (TRACE, QUERY, ...), where a path operation would need them listed."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method, path = scope["method"], scope["path"]
        allowed = allowed_methods(path)
        if allowed:
            raise HTTPException(
                405,
                detail=f"{excerpt(method, 20)} is not served on {excerpt(path)}; use {', '.join(allowed)}.",
                headers={"Allow": ", ".join(allowed)},
            )
        raise NotFound(f"No route for {excerpt(method, 20)} {excerpt(path)}; every path of the API is under /api.")


router = APIRouter()
router.routes.append(Route("/{path:path}", endpoint=_NoSuchRoute()))
