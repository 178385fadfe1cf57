"""GET /api/documents/{document_id}/file and GET /api/documents/{document_id}/pages"""

from recordengine.api.app import lambda_handler
from recordengine.api.documents.file import router

handler = lambda_handler(router)
