"""GET /api/documents"""

from recordengine.api.app import lambda_handler
from recordengine.api.documents import list_router

handler = lambda_handler(list_router)
