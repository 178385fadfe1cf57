"""GET /api/documents"""

from recordengine.api.app import lambda_handler
from recordengine.api.documents.listing import router

handler = lambda_handler(router)
