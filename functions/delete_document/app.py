"""DELETE /api/documents/{document_id}"""

from recordengine.api.app import lambda_handler
from recordengine.api.documents.delete import router

handler = lambda_handler(router)
