"""GET /api/me"""

from recordengine.api.app import lambda_handler
from recordengine.api.me import router

handler = lambda_handler(router)
