"""Cold-start reference (b): a bare Powertools handler doing what GET /api/documents/{id} does on AWS.

Powertools' APIGatewayHttpResolver (HTTP API, payload v2) with one route, a boto3 DynamoDB client created at
import, and the same two GetItems as the project's get_document: the bearer token's record (checked as
recordengine.tokens does: key id from the token, SHA-256 of the secret compared in constant time), then
the document. The worker imports this file as the top-level module `reference_powertools`, as Lambda
imports a function's `app`. It is fed the get_document sample event and reads the seeded document 1.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from typing import Any

import boto3
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext

TABLE_NAME = os.environ["TABLE_NAME"]
TOKEN = re.compile(r"^Bearer re_(?P<key_id>[0-9a-f]{12})_(?P<secret>[A-Za-z0-9_-]{43})$")
dynamodb = boto3.client("dynamodb")
app = APIGatewayHttpResolver()


def _authorized(header: str) -> bool:
    match = TOKEN.match(header)
    if match is None:
        return False
    key = {"pk": {"S": f"TOKEN#{match['key_id']}"}, "sk": {"S": "TOKEN"}}
    item = dynamodb.get_item(TableName=TABLE_NAME, Key=key).get("Item")
    if item is None or "revoked_at" in item:
        return False
    digest = hashlib.sha256(match["secret"].encode()).hexdigest()
    return hmac.compare_digest(item["secret_sha256"]["S"], digest)


@app.get("/api/documents/<document_id>")
def get_document(document_id: str) -> Response[Any] | dict[str, Any]:
    if not _authorized(app.current_event.headers.get("authorization", "")):
        return Response(status_code=401, content_type="application/json", body={"detail": "unauthorized"})
    key = {"pk": {"S": f"DOCUMENT#{document_id}"}, "sk": {"S": "DOCUMENT"}}
    item = dynamodb.get_item(TableName=TABLE_NAME, Key=key).get("Item")
    if item is None:
        return Response(status_code=404, content_type="application/json", body={"detail": "not found"})
    return {"id": int(item["id"]["N"]), "status": item["status"]["S"]}


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
