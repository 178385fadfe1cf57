"""The cold-start reference: a minimal API handler, timed exactly like the project's functions.

Powertools' APIGatewayHttpResolver (HTTP API, payload v2) with one route that does one DynamoDB GetItem
through a boto3 client created at import. The worker imports this file as the top-level module
`reference_handler` (the bench directory first on sys.path), as Lambda imports a function's `app`.
It is fed the get_document sample event and reads the seeded document 1.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext

TABLE_NAME = os.environ["TABLE_NAME"]
dynamodb = boto3.client("dynamodb")
app = APIGatewayHttpResolver()


@app.get("/api/documents/<document_id>")
def get_document(document_id: str) -> Response[Any] | dict[str, Any]:
    key = f"DOCUMENT#{document_id}"
    item = dynamodb.get_item(TableName=TABLE_NAME, Key={"pk": {"S": key}, "sk": {"S": "DOCUMENT"}}).get("Item")
    if item is None:
        return Response(status_code=404, content_type="application/json", body={"detail": "not found"})
    return {"id": int(item["id"]["N"]), "status": item["status"]["S"]}


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
