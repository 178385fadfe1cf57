"""The cold-start bench's AWS: `python -m bench.coldstart_moto PORT SPEC.json SEED_CONFIG.json OUT.json`.

Runs in its own process (never in a measured one): starts the local stack's moto server (local/moto_server.py)
on PORT, creates the template's tables and bucket in it, writes the items the sample events need with the
recordengine domain code (the events' tokens, contact 1, folder 1, document 1 with its file), dumps them to
OUT.json (DynamoDB JSON per table, and the bucket's objects) so the parent can put them back after a
sample that changed them, prints `READY`, and serves until its stdin closes.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import sys
from typing import Any

from .stack import AWS_ENV, AWS_ENV_DROPPED, StackSpec, create_resources

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _seed(spec: StackSpec, layer_dir: str, tokens: list[str]) -> None:
    sys.path.insert(0, layer_dir)
    from recordengine import wiring
    from recordengine.documents import UploadRequest
    from recordengine.models import ContactCreate, FolderCreate

    for number, token in enumerate(tokens, start=1):
        wiring.token_store().create(f"bench-{number}", token=token)
    contact = wiring.contact_catalog().create(ContactCreate(name="Bench Contact"))
    folder = wiring.folder_catalog().create(FolderCreate(name="Bench Folder"))
    document = wiring.document_service().upload(
        UploadRequest(content=MINIMAL_PDF, filename="bench.pdf", contact_id=contact.id, folder_id=folder.id),
        "bench",
    )
    ids = {"contact": contact.id, "folder": folder.id, "document": document.id}
    if ids != {"contact": 1, "folder": 1, "document": 1}:
        raise RuntimeError(f"the sample events name contact, folder and document 1; the seed made {ids}")


def _dump(spec: StackSpec, dynamodb: Any, s3: Any) -> dict[str, Any]:
    tables: dict[str, list[dict[str, Any]]] = {}
    for kwargs in spec.tables.values():
        items: list[dict[str, Any]] = []
        for page in dynamodb.get_paginator("scan").paginate(TableName=kwargs["TableName"]):
            items.extend(page["Items"])
        tables[kwargs["TableName"]] = items
    objects: dict[str, dict[str, str]] = {}
    for bucket in spec.buckets.values():
        objects[bucket] = {}
        for entry in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            body = s3.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read()
            objects[bucket][entry["Key"]] = base64.b64encode(body).decode()
    return {"tables": tables, "objects": objects}


def main(argv: list[str]) -> int:
    port, spec_path, seed_path, out_path = argv
    with open(spec_path, encoding="utf-8") as spec_file:
        spec = StackSpec.from_json(json.load(spec_file))
    with open(seed_path, encoding="utf-8") as seed_file:
        seed_config = json.load(seed_file)
    for name in AWS_ENV_DROPPED:
        os.environ.pop(name, None)
    os.environ.update(AWS_ENV)
    os.environ.update(spec.env)
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull

    import boto3

    from local.moto_server import LocalMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = LocalMotoServer(ip_address="127.0.0.1", port=int(port), verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    session = boto3.session.Session()
    dynamodb, s3 = session.client("dynamodb"), session.client("s3")
    create_resources(spec, dynamodb, s3)
    _seed(spec, seed_config["layer_dir"], seed_config["tokens"])
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(_dump(spec, dynamodb, s3), out)
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    sys.stdin.read()  # until the parent closes it
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
