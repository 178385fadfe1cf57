"""The whole application in-process on moto: resources created from template.yaml, each function's real
handler invoked with real-shaped events (API Gateway v2 through the local stack's gateway, S3 notifications
built from the sample event). No network, no server."""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import boto3

from local.cfn import Template
from local.gateway import Gateway, HttpRequest, HttpResponse
from local.iam import function_policy
from local.model import Application, load_application
from local.resources import AwsClients, create_resources
from local.runtime import LambdaFunction, WorkerPool

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "events"
# The prefix of the objects whose creation the template's S3 event delivers to the extraction function.
DOCUMENTS_PREFIX = "documents/"
SAMPLE_TOKEN = "re_5a3f0c9e1b2d_Jm0s7M1b6yQw8Xr2Kp4Vn9Tz3Lc5Hd7Fg1Ae6Sb0Ui8"  # the token in events/*.json


def reset_cached_services() -> None:
    """Services and clients are cached per Lambda environment; each test builds its own."""
    from recordengine import idempotency, settings, wiring
    from recordengine.rules.service import forget_enabled_rules
    from recordengine.storage import blobs, dynamo

    forget_enabled_rules()
    for cached in (
        settings.get_settings,
        dynamo.default_dynamodb_client,
        blobs.default_s3_client,
        idempotency._persistence,
        *(getattr(wiring, name) for name in dir(wiring) if hasattr(getattr(wiring, name), "cache_clear")),
    ):
        cached.cache_clear()  # type: ignore[attr-defined]


def sample_event(relative: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / relative).read_text())
    return event


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class AwsStack:
    template: Template
    application: Application
    resources: dict[str, str]
    functions: dict[str, LambdaFunction]
    gateway: Gateway
    token: str
    delivered_keys: list[str] = field(default_factory=list)
    delivered_objects: set[tuple[str, str]] = field(default_factory=set)

    @property
    def bucket(self) -> str:
        return self.resources["DocumentsBucket"]

    @property
    def table(self) -> str:
        return self.resources["DocumentsTable"]

    def function(self, directory: str) -> LambdaFunction:
        return next(f for f in self.functions.values() if f.spec.code_dir.name == directory)

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        body: bytes = b"",
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        token: str | None = "default",
    ) -> Response:
        all_headers = {"host": "127.0.0.1:3000", "user-agent": "pytest"}
        if token is not None:
            all_headers["authorization"] = f"Bearer {self.token if token == 'default' else token}"
        if json_body is not None:
            body = json.dumps(json_body).encode()
            all_headers["content-type"] = "application/json"
        all_headers.update({k.lower(): v for k, v in (headers or {}).items()})
        target = quote(path) + (f"?{urlencode(params)}" if params else "")
        response: HttpResponse
        response, _ = self.gateway.handle(HttpRequest(method, target, list(all_headers.items()), body))
        return Response(response.status, {k.lower(): v for k, v in response.headers}, response.body)

    def upload(
        self,
        content: bytes,
        *,
        filename: str = "invoice.pdf",
        fields: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> Response:
        boundary = "----pytest-boundary-7MA4YWxkTrZu0gW"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            f"Content-Type: application/pdf\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST",
            "/api/documents/upload",
            body=b"".join(parts),
            headers={"content-type": f"multipart/form-data; boundary={boundary}", **(headers or {})},
        )

    def s3_event(self, key: str, size: int | None = None, etag: str | None = None) -> dict[str, Any]:
        """The S3 ObjectCreated notification for `key`, shaped like events/extract_document's sample: the size
        and the ETag (as S3 writes it in events: without quotes) of the object now there unless given."""
        event = copy.deepcopy(sample_event("extract_document/s3_object_created.json"))
        record = event["Records"][0]
        record["s3"]["bucket"]["name"] = self.bucket
        record["s3"]["bucket"]["arn"] = f"arn:aws:s3:::{self.bucket}"
        record["s3"]["object"]["key"] = quote(key)
        if size is None or etag is None:
            head = boto3.client("s3").head_object(Bucket=self.bucket, Key=key)
            size = head["ContentLength"] if size is None else size
            etag = head["ETag"] if etag is None else etag
        record["s3"]["object"]["size"] = size
        record["s3"]["object"]["eTag"] = etag.strip('"')
        return event

    def deliver_s3_events(self) -> list[Any]:
        """Invokes the extraction function for every object not yet delivered (a key written again is a new
        object) under the prefix the template's event names (not the page images extraction writes), as S3
        would."""
        s3 = boto3.client("s3")
        results = []
        for item in s3.list_objects_v2(Bucket=self.bucket, Prefix=DOCUMENTS_PREFIX).get("Contents", []):
            if (item["Key"], item["ETag"]) not in self.delivered_objects:
                self.delivered_objects.add((item["Key"], item["ETag"]))
                if item["Key"] not in self.delivered_keys:
                    self.delivered_keys.append(item["Key"])
                results.append(self.invoke("extract_document", self.s3_event(item["Key"], item["Size"], item["ETag"])))
        return results

    def invoke(self, directory: str, event: dict[str, Any]) -> Any:
        function = self.function(directory)
        return self.gateway.pool.submit(lambda: function.invoke(event)).result(timeout=120)

    def document(self, document_id: int) -> dict[str, Any]:
        response = self.request("GET", f"/api/documents/{document_id}")
        assert response.status == 200, response.body
        return response.json()  # type: ignore[no-any-return]


def use_moto_credentials(monkeypatch: Any) -> None:
    """The environment every in-process moto run needs: test credentials, one region, and nothing that would
    send boto3 to a real endpoint or profile."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@functools.cache
def shared_service_models() -> Any:
    """One botocore loader for the whole run: it reads each service's JSON model (and the endpoint data) once."""
    import botocore.loaders

    return botocore.loaders.create_loader()


def use_shared_service_models() -> None:
    """Makes boto3's default session one that reads service models through `shared_service_models`. moto's
    mock_aws starts every test with no default session, and a new session would read the models of every
    client the test and its handlers create again: seconds per test, the same files each time."""
    import botocore.session

    session = botocore.session.get_session()
    session.register_component("data_loader", shared_service_models())
    boto3.setup_default_session(botocore_session=session)


@functools.cache
def _project_template_body() -> dict[str, Any]:
    return Template.load(ROOT / "template.yaml").body


def project_template() -> Template:
    """template.yaml, parsed once per process; each call gets its own copy, as a stack records the attributes
    of what it creates in its template."""
    return Template(body=copy.deepcopy(_project_template_body()), directory=ROOT)


@functools.cache
def _resource_clients() -> AwsClients:
    """The clients that create a stack's resources, made once per process: moto's mock intercepts a client's
    calls whichever test made it, and each made anew cost more than creating the resources."""
    return AwsClients(
        boto3.client("dynamodb"), boto3.client("s3"), boto3.client("sqs"), boto3.client("dynamodbstreams")
    )


def start_stack(monkeypatch: Any, template: Template | None = None) -> Iterator[AwsStack]:
    """Yields a stack on moto (the caller holds mock_aws open), of template.yaml unless given another."""
    template = template or project_template()
    resources = create_resources(template, _resource_clients())
    application = load_application(template)
    for name, value in application.environment().items():
        monkeypatch.setenv(name, value)
    reset_cached_services()
    functions = {
        logical_id: LambdaFunction.load(spec, template.arn(logical_id), function_policy(template, logical_id))
        for logical_id, spec in application.functions.items()
    }
    pool = WorkerPool("tests", 2)
    gateway = Gateway(application.routes, functions, pool, api_id="localapi01", account_id=template.account_id)
    from recordengine.tokens import TokenStore

    token = TokenStore(resources["DocumentsTable"]).create("tests").token
    try:
        yield AwsStack(template, application, resources, functions, gateway, token)
    finally:
        pool.shutdown()
        reset_cached_services()


def table_items(stack: AwsStack) -> list[dict[str, Any]]:
    """Every item of the stack's table (a whole Scan)."""
    client = boto3.client("dynamodb")
    items: list[dict[str, Any]] = []
    request: dict[str, Any] = {"TableName": stack.table}
    while True:
        response = client.scan(**request)
        items.extend(response["Items"])
        if "LastEvaluatedKey" not in response:
            return items
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def naming(items: list[dict[str, Any]], doc_id: int) -> list[str]:
    """The keys of every item that belongs to the document or names it."""
    return [
        item["pk"]["S"] + " " + item["sk"]["S"]
        for item in items
        if item["pk"]["S"] == f"DOCUMENT#{doc_id}" or item.get("document_id", {}).get("N") == str(doc_id)
    ]
