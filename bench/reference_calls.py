"""What the cold-start references do on AWS, per call-set: plain boto3, nothing of RecordEngine's.

A reference must make the AWS calls of the function it is compared with (the sample event's request), so
that a ratio measures the function's own code and not the work every implementation has to do. Each
call-set below is the sequence of calls one function makes (operation by operation; the keys follow the
seed: token, contact 1, folder 1, document 1 and its file), with the same clients created on first use:

- `get` (get_document, and every function not in bench/coldstart.py's CALL_SETS): GetItem token, GetItem
  document.
- `file` (document_file): GetItem token, GetItem document; an S3 client; a presigned GetObject URL.
- `delete` (delete_document): GetItem token, GetItem document; an S3 client; DeleteObject; then GetItem,
  DeleteItem (the file's duplicate item), Query (the document's partition), DeleteItem (its history entry),
  DeleteItem (the document).
- `upload` (upload_document, multipart): GetItem token, contact, folder; UpdateItem (the id counter); Query
  (an earlier document with the same file); TransactWriteItems (document, history entry, file item); an S3
  client; PutObject.
- `presign` (create_upload_url, JSON): GetItem token, contact, folder; UpdateItem;
  TransactWriteItems (document, history entry); an S3 client; a presigned POST.
- `none` (openapi, health, web, not_found: fed openapi's event): no AWS call, no client, no boto3.

The front ends (reference_fastapi.py, reference_powertools.py) pick the call-set named by
BENCH_REFERENCE_CALLS (default `get`) and serve it on the sample event's method and path. The worker imports
this file as the top-level module `reference_calls`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from typing import Any

CALLS = os.environ.get("BENCH_REFERENCE_CALLS", "get")
TABLE_NAME = os.environ["TABLE_NAME"]
BUCKET_NAME = os.environ.get("BUCKET_NAME", "")
TOKEN = re.compile(r"^Bearer re_(?P<key_id>[0-9a-f]{12})_(?P<secret>[A-Za-z0-9_-]{43})$")
# The method and path each call-set is served on: the sample event's.
ROUTES = {
    "get": ("GET", "/api/documents/{document_id}"),
    "file": ("GET", "/api/documents/{document_id}/file"),
    "delete": ("DELETE", "/api/documents/{document_id}"),
    "upload": ("POST", "/api/documents/upload"),
    "presign": ("POST", "/api/documents/uploads"),
    "none": ("GET", "/api/openapi.json"),
}
METHOD, PATH = ROUTES[CALLS]
Answer = tuple[int, Any, dict[str, str]]

_clients: dict[str, Any] = {}


def client(service: str) -> Any:
    """A boto3 client made on first use (DynamoDB's for every call-set but `none`, S3's only where used)."""
    if service not in _clients:
        import boto3

        _clients[service] = boto3.client(service)
    return _clients[service]


def _key(kind: str, entity_id: object) -> dict[str, dict[str, str]]:
    return {"pk": {"S": f"{kind}#{entity_id}"}, "sk": {"S": kind}}


def _get(kind: str, entity_id: object) -> dict[str, Any] | None:
    item: dict[str, Any] | None = (
        client("dynamodb").get_item(TableName=TABLE_NAME, Key=_key(kind, entity_id)).get("Item")
    )
    return item


def authorized(header: str) -> bool:
    """The bearer token's record, checked as recordengine.tokens does."""
    match = TOKEN.match(header)
    if match is None:
        return False
    item = _get("TOKEN", match["key_id"])
    if item is None or "revoked_at" in item:
        return False
    digest = hashlib.sha256(match["secret"].encode()).hexdigest()
    return hmac.compare_digest(item["secret_sha256"]["S"], digest)


def answer(authorization: str, document_id: str = "", body: dict[str, Any] | None = None, file: bytes = b"") -> Answer:
    """(status, JSON body or None, headers) of the call-set's request."""
    if CALLS == "none":
        return 200, {"openapi": "3.1.0", "info": {"title": "reference", "version": "1"}, "paths": {}}, {}
    if not authorized(authorization):
        return 401, {"detail": "unauthorized"}, {}
    if CALLS in ("upload", "presign"):
        return _create(body or {}, file)
    item = _get("DOCUMENT", document_id)
    if item is None:
        return 404, {"detail": "not found"}, {}
    if CALLS == "file":
        url = client("s3").generate_presigned_url(
            "get_object", Params={"Bucket": BUCKET_NAME, "Key": item["s3_key"]["S"]}, ExpiresIn=300
        )
        return 302, None, {"location": url}
    if CALLS == "delete":
        return _delete(item)
    return 200, {"id": int(item["id"]["N"]), "status": item["status"]["S"]}, {}


def _delete(item: dict[str, Any]) -> Answer:
    dynamodb = client("dynamodb")
    client("s3").delete_object(Bucket=BUCKET_NAME, Key=item["s3_key"]["S"])
    pk = item["pk"]["S"]
    _get("DOCUMENT", item["id"]["N"])
    dynamodb.delete_item(TableName=TABLE_NAME, Key={"pk": {"S": f"FILE#{pk}"}, "sk": {"S": "FILE"}})
    history = dynamodb.query(
        TableName=TABLE_NAME, KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": pk}}
    )
    for entry in history.get("Items", [])[:1]:
        if entry["sk"]["S"] != "DOCUMENT":
            dynamodb.delete_item(TableName=TABLE_NAME, Key={"pk": entry["pk"], "sk": entry["sk"]})
    dynamodb.delete_item(TableName=TABLE_NAME, Key={"pk": item["pk"], "sk": item["sk"]})
    return 204, None, {}


def _create(body: dict[str, Any], file: bytes) -> Answer:
    dynamodb = client("dynamodb")
    contact, folder = _get("CONTACT", body.get("contact_id")), _get("FOLDER", body.get("folder_id"))
    if contact is None or folder is None:
        return 422, {"detail": "unknown contact or folder"}, {}
    counter = dynamodb.update_item(
        TableName=TABLE_NAME,
        Key=_key("COUNTER", "REFERENCE"),
        UpdateExpression="ADD #value :one",
        ExpressionAttributeNames={"#value": "value"},
        ExpressionAttributeValues={":one": {"N": "1"}},
        ReturnValues="UPDATED_NEW",
    )
    document_id = 1_000_000 + int(counter["Attributes"]["value"]["N"])
    s3_key = f"documents/{document_id}/{secrets.token_hex(16)}"
    document = {**_key("DOCUMENT", document_id), "id": {"N": str(document_id)}, "s3_key": {"S": s3_key}}
    puts = [document, {"pk": document["pk"], "sk": {"S": "HISTORY#1"}, "event": {"S": "uploaded"}}]
    if CALLS == "upload":
        sha256 = hashlib.sha256(file).hexdigest()
        file_pk = {"S": f"FILE#{body['contact_id']}#{sha256}"}
        dynamodb.query(
            TableName=TABLE_NAME,
            KeyConditionExpression="pk = :pk AND sk < :mine",
            ExpressionAttributeValues={":pk": file_pk, ":mine": {"S": str(document_id)}},
            Limit=1,
        )
        puts.append({"pk": file_pk, "sk": {"S": str(document_id)}, "document_id": {"N": str(document_id)}})
    dynamodb.transact_write_items(TransactItems=[{"Put": {"TableName": TABLE_NAME, "Item": put}} for put in puts])
    if CALLS == "upload":
        client("s3").put_object(Bucket=BUCKET_NAME, Key=s3_key, Body=file, ContentType="application/pdf")
        return 201, {"id": document_id, "status": "New"}, {}
    post = client("s3").generate_presigned_post(
        Bucket=BUCKET_NAME, Key=s3_key, Conditions=[["content-length-range", 1, 1 << 30]], ExpiresIn=900
    )
    return 201, {"id": document_id, "status": "New", "upload": post}, {}
