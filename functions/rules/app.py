"""/api/rules: create, list, get, replace, delete, and test a rule against a document."""

from recordengine.api.app import lambda_handler
from recordengine.api.rules import router

handler = lambda_handler(router)
