"""GET /api/documents/{document_id}/file"""

from recordengine.api.app import lambda_handler
from recordengine.api.documents import file_router

handler = lambda_handler(file_router)
