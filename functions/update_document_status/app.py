"""PATCH /api/documents/{document_id}/status"""

from recordengine.api.app import lambda_handler
from recordengine.api.documents.status import router

# The route reads its body itself, as strictly as the app would, and answers a malformed one with its published
# 400 (API.md), where the app's own check would answer 422.
handler = lambda_handler(router, routes_read_json=True)
