"""GET /api/openapi.json as the openapi function serves it: the document `make openapi` wrote, as it is.

api/openapi.py generates the document from every router; `make openapi` (scripts/openapi.py) writes it to
openapi.json at the root of the repository and beside the function's handler (functions/openapi/), and
`make lint` and tests/unit/test_openapi.py check both against the routers. Serving that file rather than
generating it at run time spares the function's cold start every router's import and every model's schema.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

OPENAPI_PATH = "/api/openapi.json"


def openapi_router(document: bytes) -> APIRouter:
    """The route that answers `document`. api/routes.py lists it with an empty one: the generated document
    reads only what the route declares."""
    router = APIRouter()

    @router.get(
        OPENAPI_PATH,
        response_class=Response,
        responses={
            200: {"description": "This document", "content": {"application/json": {"schema": {"type": "object"}}}}
        },
    )
    def get_openapi_document() -> Response:
        return Response(document, media_type="application/json")

    return router
