"""GET /api/documents/{document_id}/history"""

from recordengine.api.app import lambda_handler
from recordengine.api.documents.history import router

handler = lambda_handler(router)
