"""The `$default` route's answer: a request that no route of the API takes gets a `detail` like every error.

API Gateway sends here what matches no other route; that alone decides it. A path the API serves with
other methods gets 405 and `Allow`; anything else 404. It reads no token and no data.
"""

from __future__ import annotations

from typing import NoReturn

from fastapi import APIRouter, Request
from starlette.exceptions import HTTPException

from recordengine.errors import NotFound
from recordengine.storable import excerpt

from .routes import allowed_methods

router = APIRouter()

_EVERY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@router.api_route("/{path:path}", methods=_EVERY_METHOD, include_in_schema=False, response_model=None)
def no_such_route(request: Request) -> NoReturn:
    path = request.url.path
    allowed = allowed_methods(path)
    if allowed:
        raise HTTPException(
            405,
            detail=f"{request.method} is not served on {excerpt(path)}; use {', '.join(allowed)}.",
            headers={"Allow": ", ".join(allowed)},
        )
    raise NotFound(f"No route for {request.method} {excerpt(path)}; every path of the API is under /api (API.md).")
