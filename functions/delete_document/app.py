"""DELETE /api/documents/{document_id}"""

from recordengine.api.app import lambda_handler
from recordengine.api.documents import delete_router

handler = lambda_handler(delete_router)
