"""Webhook test helpers: a loopback receiver with scripted answers, and a pump that does what Lambda's
event source mappings do (read the table's stream through the template's FilterCriteria into
queue_webhook_deliveries; receive the FIFO delivery queue into send_webhook, one job at a time as the
template's BatchSize says; receive the retry queue into retry_webhook_delivery), in bounded loops."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3

from local.event_filter import matches_any
from local.sqs_events import lambda_record as sqs_record
from local.streams import lambda_record as stream_record
from tests.support.aws_stack import AwsStack, reset_cached_services

# What the receiver does with one request: an HTTP status, or "timeout" (answers after the sender gave up).
Behaviour = Callable[[int, dict[str, str], bytes], int | str]


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    answer: int | str
    arrived: float = field(default_factory=time.monotonic)

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]


class Receiver:
    def __init__(self, behaviour: Behaviour | None = None, hang_seconds: float = 1.0) -> None:
        self.behaviour = behaviour or (lambda n, h, b: 200)
        self.requests: list[Received] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver.lock:
                    answer = receiver.behaviour(len(receiver.requests), headers, body)
                    receiver.requests.append(Received(headers, body, answer))
                if answer == "timeout":
                    time.sleep(hang_seconds)
                    answer = 200  # too late: the sender has given up
                try:
                    self.send_response(int(answer))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class SilentReceiver:
    """A receiver that accepts connections and never answers; records when each one opened and closed."""

    def __init__(self) -> None:
        self.connections: list[dict[str, float]] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/hook"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return  # closed
            record = {"opened": time.monotonic()}
            self.connections.append(record)
            threading.Thread(target=self._hold, args=(connection, record), daemon=True).start()

    @staticmethod
    def _hold(connection: socket.socket, record: dict[str, float]) -> None:
        with connection:
            try:
                while connection.recv(65536):
                    pass  # the request, read and never answered, until the sender gives up
            except OSError:
                pass
        record["closed"] = time.monotonic()

    def close(self) -> None:
        self.listener.close()


def configure(monkeypatch: Any, **settings: str) -> None:
    """Webhook settings for a test (as the template's parameters would set them), then fresh services."""
    values = {"WEBHOOK_ALLOW_LOOPBACK": "true", "WEBHOOK_RETRY_SCHEDULE": "0,0,0,0,0", "WEBHOOK_TIMEOUT_SECONDS": "2"}
    values.update(settings)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    reset_cached_services()


@dataclass
class Pump:
    stack: AwsStack
    stream_batch: int = 5
    results: list[Any] = field(default_factory=list)
    retry_messages: int = 0

    def __post_init__(self) -> None:
        # moto answers DescribeStream only when the endpoint is given explicitly.
        self.streams = boto3.client("dynamodbstreams", endpoint_url="https://streams.dynamodb.us-east-1.amazonaws.com")
        self.sqs = boto3.client("sqs")
        arn = boto3.client("dynamodb").describe_table(TableName=self.stack.table)["Table"]["LatestStreamArn"]
        self.stream_arn = arn
        shards = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
        self.iterators = {
            s["ShardId"]: self.streams.get_shard_iterator(
                StreamArn=arn, ShardId=s["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            for s in shards
        }
        spec = self.stack.function("queue_webhook_deliveries").spec
        self.filters = spec.stream_triggers[0].filter_patterns
        self.jobs_url = self.url_of("WebhookDeliveryQueue")
        self.queue_url = self.url_of("WebhookRetryQueue")
        self.dead_letter_url = self.url_of("WebhookDeadLetterQueue")

    def url_of(self, queue: str) -> str:
        return str(self.sqs.get_queue_url(QueueName=self.stack.resources[queue])["QueueUrl"])

    def stream_records(self) -> list[dict[str, Any]]:
        """New stream records that pass the template's FilterCriteria, shaped as Lambda delivers them."""
        records: list[dict[str, Any]] = []
        for shard, iterator in list(self.iterators.items()):
            response = self.streams.get_records(ShardIterator=iterator, Limit=1000)
            self.iterators[shard] = response["NextShardIterator"]
            for raw in response.get("Records", []):
                record = stream_record(raw, self.stream_arn, "us-east-1")
                if matches_any(self.filters, record):
                    records.append(record)
        return records

    def deliver(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Invokes queue_webhook_deliveries in batches, then sends the jobs it queued; returns the
        batchItemFailures of every stream batch."""
        failures = self.queue_jobs(records)
        self.send_jobs()
        return failures

    def queue_jobs(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Invokes queue_webhook_deliveries in batches; returns the batchItemFailures of every batch."""
        failures: list[dict[str, Any]] = []
        for start in range(0, len(records), self.stream_batch):
            batch = {"Records": records[start : start + self.stream_batch]}
            result = self.stack.invoke("queue_webhook_deliveries", batch)
            self.results.append(result)
            failures.extend(result["batchItemFailures"])
        return failures

    def send_jobs(self, rounds: int = 500) -> None:
        """Runs send_webhook on every job of the FIFO delivery queue, one job per invocation (bounded)."""
        for _ in range(rounds):
            messages = self.sqs.receive_message(
                QueueUrl=self.jobs_url, MaxNumberOfMessages=1, AttributeNames=["All"], WaitTimeSeconds=0
            ).get("Messages", [])
            if not messages:
                return
            records = [sqs_record(m, "arn:aws:sqs:us-east-1:123456789012:jobs.fifo", "us-east-1") for m in messages]
            result = self.stack.invoke("send_webhook", {"Records": records})
            assert not result["batchItemFailures"], f"send_webhook failed on a job: {result}"
            self.sqs.delete_message(QueueUrl=self.jobs_url, ReceiptHandle=records[0]["receiptHandle"])
        raise AssertionError(f"the delivery queue did not drain in {rounds} jobs")

    def drain_retries(self, rounds: int = 50) -> None:
        """Runs the retry consumer, and the sender on the jobs it queues, until both queues are empty (bounded)."""
        for _ in range(rounds):
            self.send_jobs()
            messages = self.sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=10, AttributeNames=["All"], WaitTimeSeconds=0
            ).get("Messages", [])
            if not messages:
                if not self._waiting():
                    return
                time.sleep(0.2)
                continue
            self.retry_messages += len(messages)
            records = [sqs_record(m, "arn:aws:sqs:us-east-1:123456789012:retry", "us-east-1") for m in messages]
            result = self.stack.invoke("retry_webhook_delivery", {"Records": records})
            failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
            done = [r for r in records if r["messageId"] not in failed]
            if done:
                self.sqs.delete_message_batch(
                    QueueUrl=self.queue_url,
                    Entries=[{"Id": str(i), "ReceiptHandle": r["receiptHandle"]} for i, r in enumerate(done)],
                )
        raise AssertionError(f"the retry queue did not drain in {rounds} rounds")

    def _waiting(self) -> bool:
        for url in (self.queue_url, self.jobs_url):
            attributes = self.sqs.get_queue_attributes(
                QueueUrl=url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed"],
            )["Attributes"]
            if any(int(v) for v in attributes.values()):
                return True
        return False

    def run(self) -> None:
        """Everything the stream has, then every retry."""
        assert not self.deliver(self.stream_records())
        self.drain_retries()

    def dead_letters(self) -> list[dict[str, Any]]:
        url = self.dead_letter_url
        messages: list[dict[str, Any]] = []
        for _ in range(20):
            batch = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
                "Messages", []
            )
            if not batch:
                return messages
            messages.extend(json.loads(m["Body"]) for m in batch)
        return messages


def iter_ids(requests: list[Received]) -> Iterator[str]:
    return (r.webhook_id for r in requests)
