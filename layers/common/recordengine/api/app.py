"""The FastAPI application of one Lambda function: only the routers that function serves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from fastapi import APIRouter, FastAPI
from mangum import Mangum

from .auth import BearerAuthMiddleware
from .errors import install_error_handlers


def _token_is_valid(token: str) -> bool:
    from recordengine.wiring import token_store

    return token_store().is_valid(token)


def create_app(*routers: APIRouter, token_is_valid: Callable[[str], bool] = _token_is_valid) -> FastAPI:
    # No generated docs: each function serves a few routes, and building the schema costs cold-start time.
    app = FastAPI(title="RecordEngine Documents API", openapi_url=None, docs_url=None, redoc_url=None)
    for router in routers:
        app.include_router(router)
    install_error_handlers(app)
    app.add_middleware(BearerAuthMiddleware, is_valid=token_is_valid)
    return app


def lambda_handler(*routers: APIRouter) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The Lambda handler for an API function: API Gateway HTTP API (v2) events in, responses out.

    Logs are structured JSON (Powertools Logger) carrying the API Gateway request id as correlation id.
    """
    # lifespan="off": Mangum would otherwise run the ASGI lifespan on every invocation.
    asgi = Mangum(create_app(*routers), lifespan="off")
    logger = Logger()

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        response: dict[str, Any] = asgi(event, context)
        return response

    return handler
