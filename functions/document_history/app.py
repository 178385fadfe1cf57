"""GET /api/documents/{document_id}/history"""

from recordengine.api.app import lambda_handler
from recordengine.api.documents import history_router

handler = lambda_handler(history_router)
