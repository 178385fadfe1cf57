"""PATCH /api/documents/{document_id}"""

from recordengine.api.app import lambda_handler
from recordengine.api.documents import update_router

handler = lambda_handler(update_router)
