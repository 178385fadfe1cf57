"""One cold-start sample, in a fresh process: `python -m bench.coldstart_worker CONFIG.json`.

Before the timer: moto in-process with the template's tables and bucket, the seed items (the sample
events' token, contact 1, folder 1, document 1) written with plain boto3 calls, and the handler's
directories on sys.path. Timed: `import app` (the handler module) and its first invocation with the
sample event. The result is printed as one `BENCH_RESULT {json}` line.

`--warm CONFIG.json` imports and invokes every target once, untimed, to write the .pyc.
`python -m bench.coldstart_worker --seed CONFIG.json OUT.json` builds the seed items with the
recordengine domain classes instead (in its own process, so that no measured process imports them early).
Only the standard library, moto and boto3 are imported before the timer here; recordengine, pydantic,
FastAPI and Powertools are imported by the handler module under the timer.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from .stack import AWS_ENV, AWS_ENV_DROPPED, StackSpec, create_resources

RESULT_PREFIX = "BENCH_RESULT "
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class FakeLambdaContext:
    """The attributes of a Lambda context that handlers and Powertools read."""

    function_name = "bench"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    memory_limit_in_mb = 512
    aws_request_id = "00000000-0000-0000-0000-000000000000"
    log_group_name = "/aws/lambda/bench"
    log_stream_name = "bench"

    def __init__(self, timeout_ms: int = 29_000) -> None:
        self._deadline = time.monotonic() + timeout_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _environment(spec: StackSpec) -> None:
    for name in AWS_ENV_DROPPED:
        os.environ.pop(name, None)
    os.environ.update(AWS_ENV)
    os.environ.update(spec.env)


def _start_moto(spec: StackSpec) -> Any:
    """moto in-process with the template's resources; the clients come from their own boto3 Session.

    A separate Session keeps boto3's default session (and its loader's cache of parsed service models)
    untouched, so the handler pays for building its own clients under the timer, as on Lambda.
    """
    import boto3
    from moto import mock_aws

    mock = mock_aws()
    mock.start()
    session = boto3.session.Session()
    dynamodb = session.client("dynamodb")
    create_resources(spec, dynamodb, session.client("s3"))
    boto3.DEFAULT_SESSION = None
    return dynamodb


def seed(config: dict[str, Any], out_path: str) -> None:
    """The items the sample events need, made by the domain code, dumped as DynamoDB JSON per table."""
    spec = StackSpec.from_json(config["spec"])
    _environment(spec)
    dynamodb = _start_moto(spec)
    sys.path.insert(0, config["layer_dir"])
    from recordengine import wiring
    from recordengine.documents import UploadRequest
    from recordengine.models import ContactCreate, FolderCreate

    for number, token in enumerate(config["tokens"], start=1):
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
    tables: dict[str, list[dict[str, Any]]] = {}
    for kwargs in spec.tables.values():
        name = kwargs["TableName"]
        items: list[dict[str, Any]] = []
        for page in dynamodb.get_paginator("scan").paginate(TableName=name):
            items.extend(page["Items"])
        tables[name] = items
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(tables, out)


def _load_seed(dynamodb: Any, seed_tables: dict[str, list[dict[str, Any]]]) -> None:
    for table, items in seed_tables.items():
        for start in range(0, len(items), 25):
            batch = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
            dynamodb.batch_write_item(RequestItems={table: batch})


def _prepared(config: dict[str, Any]) -> Callable[[], None]:
    """Moto started and seeded; returns what puts the tables back to the seed alone (a target may delete
    what the next one reads, or take an id the next one's counter would give again)."""
    spec = StackSpec.from_json(config["spec"])
    _environment(spec)
    dynamodb = _start_moto(spec)
    with open(config["seed_path"], encoding="utf-8") as seed_file:
        seed_tables = json.load(seed_file)
    _load_seed(dynamodb, seed_tables)

    def seed_again() -> None:
        for table in seed_tables:
            keys = [
                attribute["AttributeName"]
                for attribute in dynamodb.describe_table(TableName=table)["Table"]["KeySchema"]
            ]
            for page in dynamodb.get_paginator("scan").paginate(TableName=table):
                for item in page["Items"]:
                    dynamodb.delete_item(TableName=table, Key={key: item[key] for key in keys})
        _load_seed(dynamodb, seed_tables)

    return seed_again


def _status(response: Any) -> int | None:
    status = response.get("statusCode") if isinstance(response, dict) else None
    return status if isinstance(status, int) else None


def warm(config: dict[str, Any]) -> dict[str, Any]:
    """Imports and invokes every target once in this process (untimed), writing the .pyc they all need.

    Each handler file is loaded under its own module name (a .pyc is named after its source file, not
    the module), so one process warms all of them. Returns each target's status code.
    """
    seed_again = _prepared(config)
    sys.path[:0] = config["sys_path"]
    statuses: dict[str, Any] = {}
    for target in config["targets"]:
        seed_again()
        try:
            spec = importlib.util.spec_from_file_location(f"bench_warm_{target['name']}", target["path"])
            if spec is None or spec.loader is None:
                raise ImportError(f"cannot load {target['path']}")
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            with open(target["event_path"], encoding="utf-8") as event_file:
                statuses[target["name"]] = _status(module.handler(json.load(event_file), FakeLambdaContext()))
        except Exception as error:
            statuses[target["name"]] = f"{type(error).__name__}: {error}"
    return statuses


def measure(config: dict[str, Any]) -> dict[str, Any]:
    _prepared(config)
    with open(config["event_path"], encoding="utf-8") as event_file:
        event = json.load(event_file)
    # As on Lambda: the function's code directory first, then the layer's.
    sys.path[:0] = config["sys_path"]
    context = FakeLambdaContext()
    modules_before = len(sys.modules)

    started = time.perf_counter()
    module = importlib.import_module(config["module"])
    imported = time.perf_counter()
    response = module.handler(event, context)
    finished = time.perf_counter()

    return {
        "import_ms": (imported - started) * 1000,
        "invoke_ms": (finished - imported) * 1000,
        "total_ms": (finished - started) * 1000,
        "status": _status(response),
        "body": str(response.get("body", ""))[:300] if isinstance(response, dict) else repr(response)[:300],
        "modules_before": modules_before,
        "modules_imported": len(sys.modules) - modules_before,
    }


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "--seed":
        with open(argv[1], encoding="utf-8") as config_file:
            seed(json.load(config_file), argv[2])
        return 0
    if len(argv) == 2 and argv[0] == "--warm":
        with open(argv[1], encoding="utf-8") as config_file:
            result = warm(json.load(config_file))
    elif len(argv) == 1:
        with open(argv[0], encoding="utf-8") as config_file:
            result = measure(json.load(config_file))
    else:
        print(
            "usage: python -m bench.coldstart_worker CONFIG.json | --warm CONFIG.json | --seed CONFIG.json OUT.json",
            file=sys.stderr,
        )
        return 2
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
