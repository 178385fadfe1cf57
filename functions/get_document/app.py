"""GET /api/documents/{document_id}"""

from recordengine.api.app import lambda_handler
from recordengine.api.documents import get_router

handler = lambda_handler(get_router)
