"""GET /api/me: who the request's token is and what it may do (the review page hides what it may not)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from recordengine.models import Me

from .auth import current_caller, requires_token

# No scope: any valid token may ask who it is (the middleware has already answered 401 to the others).
router = APIRouter(dependencies=[requires_token()])


@router.get("/api/me")
def me(request: Request) -> Me:
    caller = current_caller(request)
    assert caller is not None  # requires_token
    return Me(name=caller.name, scopes=sorted(caller.scopes))
