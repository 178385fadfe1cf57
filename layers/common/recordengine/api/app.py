"""The FastAPI application of one Lambda function: only the routers that function serves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths
from fastapi import APIRouter, Depends, FastAPI
from mangum import Mangum

from recordengine.environment import register_restore_hooks

from .auth import Authenticate, BearerAuthMiddleware, Identity
from .errors import install_error_handlers
from .headers import AnswerHeadersMiddleware
from .json_body import StrictJsonBodyMiddleware
from .paths import single_valued_query

TITLE = "RecordEngine Documents API"


def _token_holder(token: str) -> Identity | None:
    from recordengine.wiring import token_store

    return token_store().identify(token)


def create_app(
    *routers: APIRouter, authenticate: Authenticate | None = _token_holder, routes_read_json: bool = False
) -> FastAPI:
    """The app of one function. `authenticate=None` only for the public functions, which read nothing.

    `routes_read_json=True` for routers whose routes read their JSON bodies themselves (json_body.read_json)
    and answer a malformed one as they publish: the app does not check the body first."""
    # No generated docs: each function serves a few routes, and building the schema costs cold-start time
    # (the whole API's document is built and served by its own function: api/openapi.py).
    app = FastAPI(
        title=TITLE,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(single_valued_query)],
    )
    for router in routers:
        app.include_router(router)
    install_error_handlers(app)
    if not routes_read_json:
        # Innermost: a body is read only for a caller the token check let through.
        app.add_middleware(StrictJsonBodyMiddleware)
    if authenticate is not None:
        app.add_middleware(BearerAuthMiddleware, authenticate=authenticate)
    # Added last, so outermost: the answers of the token check carry the headers too.
    app.add_middleware(AnswerHeadersMiddleware)
    return app


def lambda_handler(
    *routers: APIRouter, public: bool = False, routes_read_json: bool = False
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The Lambda handler for an API function: API Gateway HTTP API (v2) events in, responses out.

    Logs are structured JSON (Powertools Logger) carrying the API Gateway request id as correlation id.
    `public=True` serves without a token (the answer to unknown routes, the OpenAPI document);
    `routes_read_json` as for create_app.
    """
    # With SnapStart, what an environment must not share with others restored from its snapshot is made
    # again after each restore (recordengine/environment.py); a no-op outside Lambda.
    register_restore_hooks()
    if public:
        app = create_app(*routers, authenticate=None, routes_read_json=routes_read_json)
    else:
        app = create_app(*routers, routes_read_json=routes_read_json)
    # lifespan="off": Mangum would otherwise run the ASGI lifespan on every invocation.
    asgi = Mangum(app, lifespan="off")
    logger = Logger()

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        response: dict[str, Any] = asgi(event, context)
        return response

    return handler
