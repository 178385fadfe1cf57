"""Every error answer of the API is decided here: domain errors and validation errors to HTTP statuses."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from recordengine.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    InvalidStatus,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    StorageUnavailable,
    UnsupportedMediaType,
)
from recordengine.storable import excerpt

from .headers import ANSWER_HEADERS
from .preconditions import entity_tag

logger = logging.getLogger(__name__)

STATUS_BY_ERROR: dict[type[DomainError], int] = {
    InvalidStatus: 400,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    PreconditionFailed: 412,
    PayloadTooLarge: 413,
    UnsupportedMediaType: 415,
    InvalidInput: 422,
    StorageUnavailable: 503,
}


def status_of(error: type[DomainError]) -> int:
    return next((code for kind, code in STATUS_BY_ERROR.items() if issubclass(error, kind)), 400)


def error_responses(causes: Mapping[type[DomainError], str]) -> dict[int | str, dict[str, Any]]:
    """A route's `responses=`: the errors particular to it, each with its cause, at its status.

    Only these are declared on routes: the errors a route gives for what it is (401, 403, 503 for a token, 404
    for an id in the path, 422 for validated input) are added by the OpenAPI document's generator
    (api/openapi.py). No `model` here: a response model would cost every function's cold start.
    """
    return {status_of(kind): {"description": cause} for kind, cause in causes.items()}


# No message of ours is this long; a longer string in a detail is a client's value.
_DETAIL_TEXT_LIMIT = 1000


def _encodable(value: Any) -> Any:
    """A detail as it can always be sent: lone surrogates replaced, clients' long values cut short."""
    if isinstance(value, str):
        return excerpt(value, _DETAIL_TEXT_LIMIT)
    if isinstance(value, dict):
        return {_encodable(k): _encodable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encodable(v) for v in value]
    return value


def error_response(status_code: int, detail: Any, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": _encodable(jsonable_encoder(detail))}, status_code=status_code, headers=headers)


async def _domain_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    # A failed If-Match names the version the resource is at, as its ETag does.
    headers = {"ETag": entity_tag(error.version)} if isinstance(error, PreconditionFailed) else None
    return error_response(status_of(type(error)), error.detail, headers)


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    # The raw input is left out of the answer: it can be a whole uploaded file.
    details = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in error.errors()]
    return error_response(422, details)


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 400:
        # Only FastAPI and Starlette raise HTTPException here (the API's own errors are domain errors), and
        # their 400 means a body they could not parse: JSON that is not UTF-8 or too deeply nested, broken
        # multipart. API.md calls that malformed input: 422. (The status route reads its body itself and
        # keeps the published 400.)
        return error_response(
            422,
            f"The request body could not be read ({error.detail}): JSON must be UTF-8 text, and multipart "
            "must be well-formed.",
        )
    return error_response(error.status_code, error.detail, getattr(error, "headers", None))


async def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
    logger.exception("Unhandled error on %s %s", request.method, request.url.path)
    # Starlette sends this answer from outside every middleware: it carries the API's headers itself.
    return error_response(500, "Internal server error.", headers=ANSWER_HEADERS)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
