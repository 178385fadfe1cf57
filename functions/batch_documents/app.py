"""POST /api/documents/batch"""

from recordengine.api.app import lambda_handler
from recordengine.api.documents.batch import router

handler = lambda_handler(router)
