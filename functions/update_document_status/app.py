"""PATCH /api/documents/{document_id}/status"""

from recordengine.api.app import lambda_handler
from recordengine.api.documents.status import router

handler = lambda_handler(router)
