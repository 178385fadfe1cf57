"""POST /api/documents/uploads: a presigned S3 upload for files over the multipart limit."""

from recordengine.api.app import lambda_handler
from recordengine.api.documents.presigned_upload import router

handler = lambda_handler(router)
