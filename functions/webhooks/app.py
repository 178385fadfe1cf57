"""/api/webhooks: register, list, delete endpoints; list delivery attempts; send one again."""

from recordengine.api.app import lambda_handler
from recordengine.api.webhooks import router

handler = lambda_handler(router)
