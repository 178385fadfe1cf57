"""Delivery of document webhooks: from the stream record to acknowledged (or dead-lettered) attempts.

One Export transition is one event: its id is derived from the stream record that carries the transition
(the document id and the record's sequence number, which DynamoDB assigns once per change and which every
repetition of the record — a retried batch, a bisected batch — keeps), and the event is created with a
conditional put. Each (event, endpoint) pair has a task whose attempt numbers are claimed with conditional
updates, so a repeated stream record or SQS message never makes a second event nor repeats an attempt that
has been made. Every delivery of one event carries the same `webhook-id`.

The stream handler sends nothing: it creates the event and puts one delivery job per enabled endpoint on
an SQS FIFO queue whose message group is the endpoint. The sender consumes that queue: each endpoint's
attempts are made one at a time, in the order the jobs were queued, and endpoints never wait for one
another, so a receiver that does not answer holds up its own deliveries only. A failed attempt hands the
next one to the retry queue with the delay of the schedule; when it is due, it goes back on the FIFO queue
behind the endpoint's other jobs. SQS delays a message by at most 15 minutes, so a longer wait is a chain
of hops (the message carries when it is due and is re-sent until then). After the last retry of the
schedule the job goes to the dead-letter queue.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from recordengine.clock import format_timestamp, now_timestamp
from recordengine.models import Document, Status
from recordengine.storage.dynamo import from_item

from . import signing
from .sender import SendResult, send
from .ssrf import Target, UnsafeUrl, vet
from .store import Claim, TaskState, WebhookStore

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef

EVENT_TYPE = "document.exported"
# The version of the event's shape. 2: `data` is the record as corrected, with `field_sources` and `version`
# (1 had neither). A receiver reads it to know what it was sent; fields are only ever added within a version.
EVENT_SCHEMA_VERSION = 2
MAX_SQS_DELAY_SECONDS = 900
# How long an attempt may hold its claim before another run may take it over.
LEASE_MARGIN_SECONDS = 30
SQS_BATCH_LIMIT = 10


class DeliveryInProgress(Exception):
    """Another run is making this attempt now; the record is retried later."""


def parse_schedule(text: str) -> tuple[int, ...]:
    """ "5,300,1800" -> (5, 300, 1800): the wait in seconds before each retry."""
    try:
        schedule = tuple(int(part) for part in text.replace(" ", "").split(",") if part)
    except ValueError:
        raise ValueError(f"WEBHOOK_RETRY_SCHEDULE must be seconds separated by commas, not {text!r}") from None
    if any(seconds < 0 for seconds in schedule):
        raise ValueError("WEBHOOK_RETRY_SCHEDULE must not contain negative waits")
    return schedule


def event_id_for(document_id: int, sequence_number: str) -> str:
    return f"msg_doc{document_id}_{sequence_number}"


def message_group(webhook_id: int) -> str:
    """The FIFO message group of an endpoint's jobs: its attempts are made in order, one at a time."""
    return f"webhook-{webhook_id}"


@dataclass
class DeliveryQueues:
    """The FIFO queue of delivery jobs, the retry queue (delayed messages) and the dead-letter queue."""

    jobs_url: str
    retry_url: str
    dead_letter_url: str
    client: SQSClient | None = None

    def _sqs(self) -> SQSClient:
        if self.client is None:
            import boto3

            self.client = boto3.client("sqs")
        return self.client

    def enqueue(self, jobs: list[dict[str, Any]]) -> None:
        """Queues attempts ({event_id, webhook_id, attempts made so far}) in their endpoints' groups.

        The deduplication id names the attempt, so a job queued twice within SQS's five minutes is stored
        once (and past them, the task's claim keeps the attempt from being made twice).
        """
        if jobs and not self.jobs_url:
            raise RuntimeError("WEBHOOK_DELIVERY_QUEUE_URL is not set: deliveries cannot be queued")
        for start in range(0, len(jobs), SQS_BATCH_LIMIT):
            entries: list[SendMessageBatchRequestEntryTypeDef] = [
                {
                    "Id": str(index),
                    "MessageBody": json.dumps(job),
                    "MessageGroupId": message_group(int(job["webhook_id"])),
                    "MessageDeduplicationId": f"{job['event_id']}#{job['webhook_id']}#{job['attempts']}",
                }
                for index, job in enumerate(jobs[start : start + SQS_BATCH_LIMIT])
            ]
            failed = self._sqs().send_message_batch(QueueUrl=self.jobs_url, Entries=entries).get("Failed")
            if failed:
                raise RuntimeError(f"SQS did not queue {len(failed)} delivery job(s): {failed[0].get('Message')}")

    def schedule(self, message: dict[str, Any], delay_seconds: int) -> None:
        if not self.retry_url:
            raise RuntimeError("WEBHOOK_RETRY_QUEUE_URL is not set: failed deliveries cannot be retried")
        self._sqs().send_message(
            QueueUrl=self.retry_url,
            MessageBody=json.dumps(message),
            DelaySeconds=max(0, min(MAX_SQS_DELAY_SECONDS, delay_seconds)),
        )

    def dead_letter(self, message: dict[str, Any]) -> None:
        if not self.dead_letter_url:
            raise RuntimeError("WEBHOOK_DEAD_LETTER_QUEUE_URL is not set")
        self._sqs().send_message(QueueUrl=self.dead_letter_url, MessageBody=json.dumps(message))


@dataclass
class Dispatcher:
    store: WebhookStore
    queues: DeliveryQueues
    schedule: tuple[int, ...]
    timeout_seconds: float = 15.0
    allow_loopback: bool = False
    clock: Callable[[], float] = time.time
    sender: Callable[[Target, dict[str, str], bytes, float], SendResult] = field(default=send)

    # ------------------------------------------------------------------ the stream
    def handle_stream_record(self, record: dict[str, Any]) -> str:
        """One DynamoDB stream record (Lambda's shape). Returns what was done, for the log."""
        stream = record["dynamodb"]
        new, old = stream.get("NewImage") or {}, stream.get("OldImage") or {}
        if not _enters_export(record.get("eventName"), new, old):
            return "ignored"
        document = Document.model_validate(from_item(new))
        payload = {
            "type": EVENT_TYPE,
            "schema_version": EVENT_SCHEMA_VERSION,
            "timestamp": document.updated_at,
            "data": document.model_dump(mode="json"),
        }
        event = self.store.create_event(
            {
                "event_id": event_id_for(document.id, str(stream["SequenceNumber"])),
                "event_type": EVENT_TYPE,
                "document_id": document.id,
                "body": json.dumps(payload, separators=(",", ":"), ensure_ascii=False),
                "created_at": now_timestamp(),
            }
        )
        if event is None:
            return "document deleted"
        endpoints = [endpoint for endpoint in self.store.all_endpoints() if endpoint.get("enabled", True)]
        for endpoint in endpoints:
            self.store.create_task(event["event_id"], endpoint["id"], event["created_at"])
        self.queues.enqueue(
            [{"event_id": event["event_id"], "webhook_id": endpoint["id"], "attempts": 0} for endpoint in endpoints]
        )
        return f"queued for {len(endpoints)} endpoint(s)"

    # ------------------------------------------------------------------ the FIFO queue of jobs
    def handle_delivery_job(self, job: dict[str, Any]) -> str:
        """One job of the delivery queue: {event_id, webhook_id, attempts (made so far)}."""
        event = self.store.event(job["event_id"])
        if event is None:
            return "unknown event"
        webhook_id = int(job["webhook_id"])
        endpoint = self.store.endpoint(webhook_id)
        if endpoint is None or not endpoint.get("enabled", True):
            self.store.finish(event["event_id"], webhook_id, TaskState.ABANDONED)
            return "endpoint gone"
        made = int(job["attempts"])
        outcome = self.attempt(event, endpoint, made=made, trigger="stream" if made == 0 else "retry")
        if outcome == Claim.BUSY:
            raise DeliveryInProgress(f"attempt {made + 1} of {event['event_id']} to {webhook_id} is running")
        return outcome.value

    # ------------------------------------------------------------------ the retry queue
    def handle_retry_message(self, message: dict[str, Any]) -> str:
        """One message of the retry queue: {event_id, webhook_id, attempts (made so far), due_at}."""
        remaining = int(message.get("due_at", 0)) - int(self.clock())
        if remaining > 0:
            # Longer than one SQS delay: another hop.
            self.queues.schedule(message, math.ceil(remaining))
            return "waiting"
        # Due: the attempt joins the endpoint's other jobs, so that the endpoint still gets one at a time.
        self.queues.enqueue(
            [{"event_id": message["event_id"], "webhook_id": message["webhook_id"], "attempts": message["attempts"]}]
        )
        return "queued"

    # ------------------------------------------------------------------ one attempt
    def attempt(self, event: dict[str, Any], endpoint: dict[str, Any], *, made: int, trigger: str) -> Claim:
        """Claims and makes attempt `made + 1` of `event` to `endpoint`, then settles what comes next."""
        now = int(self.clock())
        lease = math.ceil(self.timeout_seconds) + LEASE_MARGIN_SECONDS
        claim = self.store.claim(event["event_id"], endpoint["id"], made, now, lease)
        if claim != Claim.CLAIMED:
            return claim
        number = made + 1
        result = self.send(event, endpoint)
        base = {"event_id": event["event_id"], "webhook_id": endpoint["id"]}
        next_at: str | None = None
        if result.ok:
            state = TaskState.DELIVERED
        elif result.status_code == 410:
            self.store.disable_endpoint(endpoint["id"], "The receiver answered 410 Gone.")
            state = TaskState.ABANDONED
        elif number <= len(self.schedule):
            wait = self.schedule[number - 1]
            due = int(self.clock()) + wait
            self.queues.schedule({**base, "attempts": number, "due_at": due}, wait)
            next_at = format_timestamp(datetime.fromtimestamp(due, UTC))
            state = TaskState.SCHEDULED
        else:
            self.queues.dead_letter({**base, "attempts": number, "last_error": _describe(result)})
            state = TaskState.DEAD
        self.record(event, endpoint, number, trigger, result, next_at)
        self.store.finish(event["event_id"], endpoint["id"], state)
        return claim

    def send(self, event: dict[str, Any], endpoint: dict[str, Any]) -> SendResult:
        """Vets the URL again (its name may resolve elsewhere now) and sends the signed event."""
        try:
            target = vet(endpoint["url"], allow_loopback=self.allow_loopback)
        except UnsafeUrl as refused:
            return SendResult(None, refused.detail, 0)
        body = event["body"].encode()
        headers = signing.headers(endpoint["secret"], event["event_id"], int(self.clock()), body)
        return self.sender(target, headers, body, self.timeout_seconds)

    def record(
        self,
        event: dict[str, Any],
        endpoint: dict[str, Any],
        number: int,
        trigger: str,
        result: SendResult,
        next_at: str | None,
    ) -> dict[str, Any]:
        return self.store.record_attempt(
            {
                "webhook_id": endpoint["id"],
                "event_id": event["event_id"],
                "event_type": event.get("event_type", EVENT_TYPE),
                "document_id": event["document_id"],
                "attempt": number,
                "trigger": trigger,
                "status": "succeeded" if result.ok else "failed",
                "response_status": result.status_code,
                "error": result.error,
                "duration_ms": result.duration_ms,
                "next_attempt_at": next_at,
                "created_at": now_timestamp(),
            }
        )

    def resend(self, delivery: dict[str, Any], endpoint: dict[str, Any]) -> dict[str, Any]:
        """Sends the event of an earlier attempt once more (POST .../retry), outside the schedule."""
        event = self.store.event(delivery["event_id"])
        if event is None:
            raise LookupError(delivery["event_id"])
        result = self.send(event, endpoint)
        task = self.store.task(event["event_id"], endpoint["id"])
        number = int(task["attempts"]) + 1 if task else int(delivery["attempt"]) + 1
        attempt = self.record(event, endpoint, number, "manual", result, None)
        if result.ok and task is not None:
            # The scheduled retries find the task delivered and stop.
            self.store.finish(event["event_id"], endpoint["id"], TaskState.DELIVERED)
        elif result.status_code == 410:
            self.store.disable_endpoint(endpoint["id"], "The receiver answered 410 Gone.")
        return attempt


def _enters_export(event_name: Any, new: dict[str, Any], old: dict[str, Any]) -> bool:
    """The record is a document entering Export (the template's FilterCriteria say the same)."""

    def text(image: dict[str, Any], name: str) -> str | None:
        value = image.get(name)
        return value.get("S") if isinstance(value, dict) else None

    return (
        event_name in ("INSERT", "MODIFY")
        and (text(new, "pk") or "").startswith("DOCUMENT#")
        and text(new, "status") == Status.EXPORT.value
        and text(old, "status") != Status.EXPORT.value
    )


def _describe(result: SendResult) -> str:
    return result.error or f"HTTP {result.status_code}"
