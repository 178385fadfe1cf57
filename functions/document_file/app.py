"""GET /api/documents/{document_id}/file"""

from recordengine.api.app import lambda_handler
from recordengine.api.documents.file import router

handler = lambda_handler(router)
