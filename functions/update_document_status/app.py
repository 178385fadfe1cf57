"""PATCH /api/documents/{document_id}/status"""

from recordengine.api.app import lambda_handler
from recordengine.api.documents import status_router

handler = lambda_handler(status_router)
