"""POST /api/documents/upload"""

from recordengine.api.app import lambda_handler
from recordengine.api.documents import upload_router

handler = lambda_handler(upload_router)
