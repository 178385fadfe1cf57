"""The $default route: a request no other route takes gets 404 (405 on a path served with other methods)."""

from recordengine.api.app import lambda_handler
from recordengine.api.not_found import router

handler = lambda_handler(router, public=True)
