"""GET /api/health"""

from recordengine.api.app import lambda_handler
from recordengine.api.health import router

handler = lambda_handler(router)
