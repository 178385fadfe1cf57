"""POST /api/documents/upload"""

from recordengine.api.app import lambda_handler
from recordengine.api.documents.upload import router

handler = lambda_handler(router)
