"""GET /api/openapi.json: the OpenAPI document of the whole API, with no token."""

from pathlib import Path

from recordengine.api.app import lambda_handler
from recordengine.api.openapi_route import openapi_router

# The document `make openapi` wrote beside this handler (make lint checks it against the routers), read once
# while the execution environment initialises and served as it is: no other router is imported, no schema built.
handler = lambda_handler(openapi_router((Path(__file__).parent / "openapi.json").read_bytes()), public=True)
