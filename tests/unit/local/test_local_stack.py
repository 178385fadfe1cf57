"""The whole local stack in-process, on the fixture template, against moto: HTTP, S3 events, the stream."""

from __future__ import annotations

import http.client
import itertools
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from local.stack import LocalStack, StackConfig

FIXTURES = Path(__file__).parent / "fixtures"


def wait_until(predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    return predicate()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    state_file = tmp_path_factory.mktemp("state") / "stack.json"
    stack = LocalStack(
        StackConfig(
            template_path=FIXTURES / "template.yaml",
            port=0,
            moto_port=0,
            state_file=state_file,
            async_retry_delays=(0.1,),
        )
    )
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()
    assert not state_file.exists()


def module(stack: LocalStack, logical_id: str) -> Any:
    return sys.modules[f"local_fn_{logical_id}"]


def aws(stack: LocalStack, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=stack.endpoint_url,
        region_name=stack.region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_starts_quickly_and_describes_itself(stack: LocalStack) -> None:
    assert stack.started_in_seconds < 15
    state = json.loads(stack.config.state_file.read_text())  # type: ignore[union-attr]
    assert state["url"] == stack.url
    assert state["endpoint_url"] == stack.endpoint_url
    assert state["region"] == "us-east-1"
    assert state["resources"] == {
        "ItemsTable": "recordengine-local-ItemsTable",
        "UploadsBucket": "recordengine-local-uploads-123456789012",
        "WorkQueue": "recordengine-local-WorkQueue",
        "WorkDeadLetterQueue": "recordengine-local-WorkDeadLetterQueue",
        "FailureQueue": "recordengine-local-FailureQueue",
        "OrderedQueue": "recordengine-local-OrderedQueue.fifo",
    }
    assert state["token"] == stack.token
    if stack.token is not None:
        assert stack.token.startswith("re_")
    banner = stack.banner()
    assert f"export RECORDENGINE_URL={stack.url}" in banner
    assert "gone when the stack stops" in banner


def test_resources_match_the_template(stack: LocalStack) -> None:
    table = aws(stack, "dynamodb").describe_table(TableName="recordengine-local-ItemsTable")["Table"]
    assert [k["AttributeName"] for k in table["KeySchema"]] == ["pk", "sk"]
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["by_kind"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ttl = aws(stack, "dynamodb").describe_time_to_live(TableName="recordengine-local-ItemsTable")
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "expires_at"
    sqs = aws(stack, "sqs")
    url = sqs.get_queue_url(QueueName="recordengine-local-WorkQueue")["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert json.loads(attributes["RedrivePolicy"])["deadLetterTargetArn"].endswith("WorkDeadLetterQueue")


def test_environment_of_the_functions(stack: LocalStack) -> None:
    import os

    assert os.environ["TABLE_NAME"] == "recordengine-local-ItemsTable"
    assert os.environ["WORK_QUEUE_URL"].startswith(stack.endpoint_url)
    assert os.environ["AWS_ENDPOINT_URL"] == stack.endpoint_url
    assert os.environ["STAGE_LABEL"] == "dev-us-east-1"


def test_a_route_with_path_and_query_parameters(stack: LocalStack) -> None:
    response = requests.get(f"{stack.url}/hello/world?a=1&a=2", cookies={"c": "3"}, timeout=10)
    assert response.status_code == 200
    assert response.headers["x-greeting"] == "hello"
    assert response.headers["apigw-requestid"]
    assert response.cookies.get("a") == "1"
    assert response.cookies.get("b") == "2"
    body = response.json()
    assert body["route"] == "GET /hello/{name}"
    assert body["path_parameters"] == {"name": "world"}
    assert body["query"] == {"a": "1,2"}
    assert body["function_name"] == "recordengine-local-HelloFunction"
    assert 0 < body["remaining_ms"] <= 10_000
    event = module(stack, "HelloFunction").EVENTS[-1]
    assert event["cookies"] == ["c=3"]
    assert event["requestContext"]["http"]["sourceIp"] == "127.0.0.1"


def test_a_handlers_aws_calls_are_held_to_its_functions_policy(stack: LocalStack) -> None:
    # The function may write under allowed/ only; moto alone would take both writes.
    assert requests.put(f"{stack.url}/store/allowed", timeout=10).text == "stored"
    refused = requests.put(f"{stack.url}/store/other", timeout=10)
    assert (refused.status_code, refused.text) == (403, "AccessDenied")
    listed = aws(stack, "s3").list_objects_v2(Bucket="recordengine-local-uploads-123456789012")
    assert [o["Key"] for o in listed["Contents"]] == ["allowed/a.txt"]


def test_binary_bodies_arrive_base64_encoded(stack: LocalStack) -> None:
    payload = bytes(range(256))
    response = requests.post(
        f"{stack.url}/echo", data=payload, headers={"content-type": "application/octet-stream"}, timeout=10
    )
    assert response.status_code == 200
    assert response.json()["body"].encode("latin-1") == payload
    assert module(stack, "HelloFunction").EVENTS[-1]["isBase64Encoded"] is True


def test_greedy_route_and_any_method(stack: LocalStack) -> None:
    response = requests.delete(f"{stack.url}/things/a/b", timeout=10)
    assert response.json()["path_parameters"] == {"proxy": "a/b"}
    assert response.json()["route"] == "ANY /things/{proxy+}"


def test_api_gateway_answers(stack: LocalStack) -> None:
    missing = requests.get(f"{stack.url}/nope", timeout=10)
    assert (missing.status_code, missing.json()) == (404, {"message": "Not Found"})
    wrong_method = requests.put(f"{stack.url}/echo", timeout=10)
    assert wrong_method.status_code == 404
    for method in ("TRACE", "QUERY", "BREW"):  # routed like any other method, not http.server's 501 page
        other = requests.request(method, f"{stack.url}/echo", timeout=10)
        assert (other.status_code, other.json()) == (404, {"message": "Not Found"})
    boom = requests.get(f"{stack.url}/boom", timeout=10)
    assert (boom.status_code, boom.json()) == (500, {"message": "Internal Server Error"})
    raw = requests.get(f"{stack.url}/raw", timeout=10)
    assert (raw.status_code, raw.json()) == (200, {"plain": True})
    assert raw.headers["content-type"] == "application/json"
    too_large = requests.post(
        f"{stack.url}/echo", data=b"x" * (7 * 1024 * 1024), headers={"content-type": "text/plain"}, timeout=30
    )
    assert (too_large.status_code, too_large.json()) == (413, {"message": "Request Entity Too Large"})
    # The base64 of a 4.8 MB binary body makes an event over 6 MB: too large for Lambda as well.
    too_large_encoded = requests.post(
        f"{stack.url}/echo",
        data=b"\x00" * 4_800_000,
        headers={"content-type": "application/octet-stream"},
        timeout=30,
    )
    assert too_large_encoded.status_code == 413
    # The connection stays usable after a 413.
    assert requests.get(f"{stack.url}/api/health", timeout=10).json() == {"status": "ok"}


class _OneWriteHandler(BaseHTTPRequestHandler):
    """The baseline: a keep-alive server that sends each whole response in one write."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = b'{"status":"ok"}'
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        self.wfile.write(head.encode() + body)

    def log_message(self, *args: Any) -> None:
        pass


def keep_alive_seconds(port: int, path: str, requests_made: int = 20) -> float:
    """Time for `requests_made` requests, one after another, on one keep-alive connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        connection.getresponse().read()  # connected and warm
        started = time.perf_counter()
        for _ in range(requests_made):
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            assert response.status == 200 and not response.will_close
        return time.perf_counter() - started
    finally:
        connection.close()


def test_keep_alive_requests_are_answered_without_a_delayed_ack_stall(stack: LocalStack) -> None:
    baseline_server = ThreadingHTTPServer(("127.0.0.1", 0), _OneWriteHandler)
    threading.Thread(target=baseline_server.serve_forever, daemon=True).start()
    try:
        baseline = keep_alive_seconds(baseline_server.server_address[1], "/")
    finally:
        baseline_server.shutdown()
        baseline_server.server_close()
    gateway = keep_alive_seconds(int(stack.url.rsplit(":", 1)[1]), "/api/health")
    # Headers and body in two writes cost a delayed ACK (~40 ms) per request: 0.8 s over 20 requests.
    assert gateway < baseline + 20 * 0.015, f"20 keep-alive requests took {gateway:.3f} s ({baseline:.3f} s baseline)"


def test_s3_events_reach_the_function(stack: LocalStack) -> None:
    events = module(stack, "OnUploadFunction").EVENTS
    s3 = aws(stack, "s3")
    bucket = "recordengine-local-uploads-123456789012"
    s3.put_object(Bucket=bucket, Key="other/skip.pdf", Body=b"x")  # filtered out: prefix
    s3.put_object(Bucket=bucket, Key="incoming/skip.txt", Body=b"x")  # filtered out: suffix
    s3.put_object(Bucket=bucket, Key="incoming/a b+c.pdf", Body=b"%PDF-1.4")
    delivered = wait_until(lambda: [e for e in events if "a+b" in e["Records"][0]["s3"]["object"]["key"]])
    assert len(delivered) == 1
    (record,) = delivered[0]["Records"]
    assert record["eventSource"] == "aws:s3"
    assert record["eventVersion"] == "2.1"
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["awsRegion"] == "us-east-1"
    assert record["s3"]["bucket"] == {
        "name": bucket,
        "arn": f"arn:aws:s3:::{bucket}",
        "ownerIdentity": record["s3"]["bucket"]["ownerIdentity"],
    }
    # S3 form-encodes the key but keeps its slashes.
    assert record["s3"]["object"]["key"] == "incoming/a+b%2Bc.pdf"
    assert record["s3"]["object"]["size"] == 8
    assert record["s3"]["object"]["eTag"]
    assert len(record["s3"]["object"]["sequencer"]) >= 16
    for key in ("userIdentity", "requestParameters", "responseElements", "eventTime"):
        assert key in record
    time.sleep(0.5)
    keys = [e["Records"][0]["s3"]["object"]["key"] for e in events]
    assert not any("skip" in key for key in keys)


def test_presigned_post_uploads_send_events(stack: LocalStack) -> None:
    events = module(stack, "OnUploadFunction").EVENTS
    post = aws(stack, "s3").generate_presigned_post("recordengine-local-uploads-123456789012", "incoming/posted.pdf")
    response = requests.post(post["url"], data=post["fields"], files={"file": ("posted.pdf", b"%PDF")}, timeout=10)
    assert response.status_code == 204
    delivered = wait_until(
        lambda: [e for e in events if e["Records"][0]["s3"]["object"]["key"] == "incoming/posted.pdf"]
    )
    assert delivered[0]["Records"][0]["eventName"] == "ObjectCreated:Post"


def test_failed_s3_events_are_retried_then_sent_to_the_failure_destination(stack: LocalStack) -> None:
    events = module(stack, "OnUploadFunction").EVENTS
    aws(stack, "s3").put_object(Bucket="recordengine-local-uploads-123456789012", Key="incoming/fail.pdf", Body=b"x")
    # MaximumRetryAttempts: 1 in the template, so two attempts.
    attempts = wait_until(
        lambda: len([e for e in events if e["Records"][0]["s3"]["object"]["key"] == "incoming/fail.pdf"]) >= 2
    )
    assert attempts
    sqs = aws(stack, "sqs")
    url = sqs.get_queue_url(QueueName="recordengine-local-FailureQueue")["QueueUrl"]
    messages = wait_until(lambda: sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages"))
    record = json.loads(messages[0]["Body"])
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 2
    assert record["requestContext"]["functionArn"].endswith(":function:recordengine-local-OnUploadFunction:$LATEST")
    assert record["responseContext"]["functionError"] == "Unhandled"
    assert record["responsePayload"]["errorType"] == "ValueError"
    assert record["requestPayload"]["Records"][0]["s3"]["object"]["key"] == "incoming/fail.pdf"
    time.sleep(0.5)
    assert len([e for e in events if e["Records"][0]["s3"]["object"]["key"] == "incoming/fail.pdf"]) == 2


def put(stack: LocalStack, pk: str, status: str, **extra: str) -> None:
    item = {"pk": {"S": pk}, "sk": {"S": "DOC"}, "status": {"S": status}}
    item.update({k: {"S": v} for k, v in extra.items()})
    aws(stack, "dynamodb").put_item(TableName="recordengine-local-ItemsTable", Item=item)


def delivered_pks(stack: LocalStack) -> list[str]:
    batches = module(stack, "OnChangeFunction").BATCHES
    return [r["dynamodb"]["Keys"]["pk"]["S"] for batch in list(batches) for r in batch]


def test_the_stream_delivers_filtered_real_shaped_batches(stack: LocalStack) -> None:
    put(stack, "stream-a", "New")
    put(stack, "stream-b", "Export")
    put(stack, "stream-a", "Export")
    aws(stack, "dynamodb").delete_item(
        TableName="recordengine-local-ItemsTable", Key={"pk": {"S": "stream-b"}, "sk": {"S": "DOC"}}
    )
    assert wait_until(lambda: {"stream-a", "stream-b"} <= set(delivered_pks(stack)))
    time.sleep(0.6)
    pks = [pk for pk in delivered_pks(stack) if pk.startswith("stream-")]
    # Only records whose NewImage has status Export pass the template's FilterCriteria.
    assert pks == ["stream-b", "stream-a"]
    record = next(
        r
        for batch in module(stack, "OnChangeFunction").BATCHES
        for r in batch
        if r["dynamodb"]["Keys"]["pk"]["S"] == "stream-a"
    )
    assert record["eventName"] == "MODIFY"
    assert record["eventVersion"] == "1.1"
    assert record["eventSource"] == "aws:dynamodb"
    assert record["awsRegion"] == "us-east-1"
    assert record["eventSourceARN"].startswith(
        "arn:aws:dynamodb:us-east-1:123456789012:table/recordengine-local-ItemsTable/stream/"
    )
    assert record["dynamodb"]["NewImage"]["status"] == {"S": "Export"}
    assert record["dynamodb"]["OldImage"]["status"] == {"S": "New"}
    assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int)
    assert record["dynamodb"]["SequenceNumber"].isdigit()


def test_the_stream_retries_reported_failures(stack: LocalStack) -> None:
    put(stack, "retry-once", "Export", fail="once")
    put(stack, "retry-always", "Export", fail="always")
    # retry-once: delivered, reported, delivered again (then fine). retry-always: 1 + MaximumRetryAttempts (2).
    assert wait_until(lambda: delivered_pks(stack).count("retry-always") >= 3, timeout=15)
    time.sleep(1.5)
    pks = delivered_pks(stack)
    assert pks.count("retry-always") == 3
    assert pks.count("retry-once") == 2
    # The stream moves on after dropping the failing record.
    put(stack, "after-drop", "Export")
    assert wait_until(lambda: "after-drop" in delivered_pks(stack))


def test_the_stream_goes_on_after_a_failed_transaction(stack: LocalStack) -> None:
    dynamodb = aws(stack, "dynamodb")
    table = "recordengine-local-ItemsTable"
    put(stack, "tx-existing", "New")
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": table,
                        "Item": {"pk": {"S": "tx-rolled-back"}, "sk": {"S": "DOC"}, "status": {"S": "Export"}},
                    }
                },
                {
                    "Put": {
                        "TableName": table,
                        "Item": {"pk": {"S": "tx-existing"}, "sk": {"S": "DOC"}, "status": {"S": "Export"}},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )
    put(stack, "after-tx", "Export")
    assert wait_until(lambda: "after-tx" in delivered_pks(stack))
    # The rolled-back write left no record in the stream.
    assert "tx-rolled-back" not in delivered_pks(stack)
    assert "Item" not in dynamodb.get_item(TableName=table, Key={"pk": {"S": "tx-rolled-back"}, "sk": {"S": "DOC"}})


def test_sqs_messages_reach_the_function_and_failures_go_back_to_the_queue(stack: LocalStack) -> None:
    records = module(stack, "WorkerFunction").RECORDS
    sqs = aws(stack, "sqs")
    url = sqs.get_queue_url(QueueName="recordengine-local-WorkQueue")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"kind": "other"}))  # filtered out (and deleted)
    sqs.send_message(
        QueueUrl=url,
        MessageBody=json.dumps({"kind": "job", "n": 1}),
        MessageAttributes={"source": {"DataType": "String", "StringValue": "test"}},
    )
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"kind": "job", "n": 2, "fail": True}))
    assert wait_until(lambda: any(json.loads(r["body"]).get("n") == 1 for r in records))
    record = next(r for r in records if json.loads(r["body"]).get("n") == 1)
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == "arn:aws:sqs:us-east-1:123456789012:recordengine-local-WorkQueue"
    assert record["awsRegion"] == "us-east-1"
    assert record["messageAttributes"]["source"]["stringValue"] == "test"
    assert record["messageAttributes"]["source"]["dataType"] == "String"
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert record["md5OfBody"]
    # The failed message comes back after the visibility timeout (1 s), then SQS moves it to the
    # dead-letter queue (maxReceiveCount 2).
    assert wait_until(lambda: sum(json.loads(r["body"]).get("n") == 2 for r in records) >= 2, timeout=15)
    dead_letters = sqs.get_queue_url(QueueName="recordengine-local-WorkDeadLetterQueue")["QueueUrl"]
    moved = wait_until(lambda: sqs.receive_message(QueueUrl=dead_letters, WaitTimeSeconds=1).get("Messages"), 15)
    assert json.loads(moved[0]["Body"])["n"] == 2
    assert sum(json.loads(r["body"]).get("n") == 1 for r in records) == 1
    assert not any(json.loads(r["body"]).get("kind") == "other" for r in records)


def test_fifo_message_groups_run_side_by_side_each_in_order(stack: LocalStack) -> None:
    handled = module(stack, "OrderedWorkerFunction").HANDLED
    sqs = aws(stack, "sqs")
    url = sqs.get_queue_url(QueueName="recordengine-local-OrderedQueue.fifo")["QueueUrl"]
    messages = [("slow", n, 1.5) for n in range(2)] + [("fast", n, 0) for n in range(5)]
    for group, n, seconds in messages:
        sqs.send_message(
            QueueUrl=url,
            MessageBody=json.dumps({"n": n, "seconds": seconds}),
            MessageGroupId=group,
            MessageDeduplicationId=f"{group}-{n}",
        )
    assert wait_until(lambda: len(handled) == len(messages), timeout=15)
    by_group = {group: [h for h in handled if h["group"] == group] for group in ("slow", "fast")}
    # Each group in the order sent, one message after another ...
    for group in by_group.values():
        assert [h["n"] for h in group] == list(range(len(group)))
        assert all(earlier["ended"] <= later["started"] for earlier, later in itertools.pairwise(group))
    # ... while the slow group does not hold up the fast one.
    assert by_group["fast"][-1]["ended"] < by_group["slow"][0]["ended"]
