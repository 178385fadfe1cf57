"""The OpenAPI 3.1 document of the whole API, generated from its routers.

Only the tools and the tests build it: `make openapi` (scripts/openapi.py) writes it to openapi.json at the
repository root and beside the openapi function's handler, which serves that file as it is
(api/openapi_route.py), so no function's cold start pays for the schemas of every model.

FastAPI derives each operation's parameters, body and success answer from its route. Added here, every
error answer in the API's one shape (`Error`: `{"detail": ...}`), each for what the route is:
- a route that requires a token scope (api/auth.py) needs a token: its security names the scope, and it
  answers 401 (no valid token), 403 (the token lacks the scope) and 503 (the token store is unavailable);
- a route with a path parameter answers 404: every path parameter is an id (api/paths.py);
- a route whose input FastAPI validates (a query, header or form field, or a body) answers 422;
- what is particular to a route is declared on it: `responses=error_responses(...)` (api/errors.py).
A route that requires any valid token but no scope (`requires_token`: GET /api/me) answers 401 and 503, and
its security names no scope. A route that requires neither needs no token (`security: []`): health, and
this document.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

import recordengine

from .app import TITLE
from .auth import ScopeRequirement, TokenRequirement

SCHEMAS = "#/components/schemas/"
SECURITY_SCHEME = "bearer"

DESCRIPTION = (
    "Every operation but GET /api/health and GET /api/openapi.json needs `Authorization: Bearer <token>`, "
    'a token carrying the scope the operation\'s security names. Every error answer is `{"detail": ...}`.'
)

ERROR_SCHEMAS: dict[str, Any] = {
    "Error": {
        "title": "Error",
        "description": "Every error answer: a message, or (422, input that failed validation) what failed.",
        "type": "object",
        "properties": {
            "detail": {
                "title": "Detail",
                "anyOf": [{"type": "string"}, {"type": "array", "items": {"$ref": f"{SCHEMAS}InputProblem"}}],
            }
        },
        "required": ["detail"],
    },
    "InputProblem": {
        "title": "InputProblem",
        "description": "One input that failed validation: where it is (`loc`), the kind of problem and a message.",
        "type": "object",
        "properties": {
            "loc": {
                "title": "Location",
                "type": "array",
                "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
            },
            "msg": {"title": "Message", "type": "string"},
            "type": {"title": "Error Type", "type": "string"},
        },
        "required": ["loc", "msg", "type"],
    },
}
# FastAPI's shape of a 422, replaced by Error: the API's 422 can also be a message.
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def _required_scope(route: APIRoute) -> str | None:
    requirements = [d.dependency for d in route.dependencies if isinstance(d.dependency, ScopeRequirement)]
    return requirements[0].scope.value if requirements else None


def _needs_token(route: APIRoute) -> bool:
    """A route that requires a scope, or any valid token (api/auth.py: requires_token)."""
    return any(isinstance(d.dependency, ScopeRequirement | TokenRequirement) for d in route.dependencies)


def _validates_input(route: APIRoute) -> bool:
    # Path parameters are text to the routes (api/paths.py): only the other inputs can fail validation.
    dependant = route.dependant
    return route.body_field is not None or any(
        _flat(dependant, kind) for kind in ("query_params", "header_params", "cookie_params")
    )


def _flat(dependant: Any, kind: str) -> list[Any]:
    return [*getattr(dependant, kind), *(p for d in dependant.dependencies for p in _flat(d, kind))]


def _errors_of(route: APIRoute) -> dict[str, dict[str, Any]]:
    """The error answers a route gives for what it is (see the module's docstring), by status."""
    errors: dict[str, dict[str, Any]] = {}
    scope = _required_scope(route)
    if _needs_token(route):
        errors["401"] = {
            "description": "No valid token: missing, malformed, unknown or revoked.",
            "headers": {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}},
        }
        if scope is not None:
            errors["403"] = {"description": f"The token lacks the {scope} scope."}
        errors["503"] = {"description": "A service behind the API is unavailable; retry the request."}
    if route.dependant.path_params:
        errors["404"] = {"description": "No object has the id in the path (or it is not a positive integer)."}
    if _validates_input(route):
        errors["422"] = {"description": "Input that failed validation, or a body that could not be read."}
    return errors


def _document_operation(operation: dict[str, Any], route: APIRoute) -> None:
    declared = {str(status) for status in route.responses}
    responses = {
        status: answer
        for status, answer in operation["responses"].items()
        if int(status) < 400 or status in declared  # not FastAPI's 422 of any route with a parameter
    }
    for status, answer in _errors_of(route).items():
        responses.setdefault(status, answer)
    for status, answer in responses.items():
        if int(status) >= 400:
            answer["content"] = {"application/json": {"schema": {"$ref": f"{SCHEMAS}Error"}}}
    operation["responses"] = responses
    scope = _required_scope(route)
    if scope is not None:
        operation["security"] = [{SECURITY_SCHEME: [scope]}]
    else:
        operation["security"] = [{SECURITY_SCHEME: []}] if _needs_token(route) else []


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of every route `api_routers()` lists."""
    from .routes import api_routers

    # The review page's routes (api/web.py) are not part of the API: include_in_schema=False leaves them out.
    routes = [
        route
        for router in api_routers()
        for route in router.routes
        if isinstance(route, APIRoute) and route.include_in_schema
    ]
    document = get_openapi(title=TITLE, version=recordengine.__version__, description=DESCRIPTION, routes=routes)
    for route in routes:
        for method in route.methods or ():
            _document_operation(document["paths"][route.path_format][method.lower()], route)
    schemas: dict[str, Any] = document.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    clashes = set(schemas) & set(ERROR_SCHEMAS)
    if clashes:
        raise RuntimeError(f"A model of the API has the name of an error schema: {sorted(clashes)}")
    schemas.update(ERROR_SCHEMAS)
    document["components"]["securitySchemes"] = {
        SECURITY_SCHEME: {
            "type": "http",
            "scheme": "bearer",
            "description": "re_<key id>_<secret>; each token carries scopes (documents:read, documents:write, admin)",
        }
    }
    document["security"] = [{SECURITY_SCHEME: []}]
    return document


def openapi_text(document: dict[str, Any]) -> str:
    """The document as committed and served: sorted keys and fixed indentation, so that it diffs cleanly."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
