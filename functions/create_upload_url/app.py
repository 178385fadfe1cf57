"""POST /api/documents/uploads: a presigned S3 upload for files over the multipart limit."""

from recordengine.api.app import lambda_handler
from recordengine.api.documents import presigned_upload_router

handler = lambda_handler(presigned_upload_router)
