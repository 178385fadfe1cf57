"""The published Documents API (API.md Part 1): one module per endpoint, each the router of its own Lambda
function, so that a function imports and builds only its own route (and the models it answers with).

api/routes.py lists them all, for the OpenAPI document and the answer to unknown routes.
"""
