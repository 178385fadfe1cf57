"""PATCH /api/documents/{document_id}"""

from recordengine.api.app import lambda_handler
from recordengine.api.documents.update import router

handler = lambda_handler(router)
