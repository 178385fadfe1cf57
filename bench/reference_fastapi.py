"""Cold-start reference (a): a minimal FastAPI + Mangum handler doing what GET /api/documents/{id} does.

One route, a boto3 DynamoDB client created at import, Mangum with lifespan="off", and the same two GetItems
as the project's get_document: the bearer token's record (checked as recordengine.tokens does), then the
document. No logger, no middleware, no error handlers, no generated docs: the least a FastAPI function on
Lambda does. The worker imports it as the top-level module `reference_fastapi`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from typing import Any

import boto3
from fastapi import FastAPI, Header, HTTPException
from mangum import Mangum

TABLE_NAME = os.environ["TABLE_NAME"]
TOKEN = re.compile(r"^Bearer re_(?P<key_id>[0-9a-f]{12})_(?P<secret>[A-Za-z0-9_-]{43})$")
dynamodb = boto3.client("dynamodb")
app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


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


@app.get("/api/documents/{document_id}")
def get_document(document_id: int, authorization: str = Header(default="")) -> dict[str, Any]:
    if not _authorized(authorization):
        raise HTTPException(status_code=401, detail="unauthorized")
    key = {"pk": {"S": f"DOCUMENT#{document_id}"}, "sk": {"S": "DOCUMENT"}}
    item = dynamodb.get_item(TableName=TABLE_NAME, Key=key).get("Item")
    if item is None:
        raise HTTPException(status_code=404, detail="not found")
    return {"id": int(item["id"]["N"]), "status": item["status"]["S"]}


handler = Mangum(app, lifespan="off")
