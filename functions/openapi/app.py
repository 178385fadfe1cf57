"""GET /api/openapi.json: the OpenAPI document of the whole API, with no token."""

from recordengine.api.app import lambda_handler
from recordengine.api.openapi import openapi_json, router

# Built while the execution environment initialises rather than in the first request (the cold start is
# the same either way): so provisioned concurrency or a snapshot would have it ready.
openapi_json()
handler = lambda_handler(router, public=True)
