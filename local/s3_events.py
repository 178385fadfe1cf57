"""S3 object-created events for the functions with S3 event sources.

moto cannot invoke a Lambda from a bucket notification (it would need Docker), but it does send the
notification to an SQS queue, for PUT, presigned POST, copy and multipart uploads alike. So each S3 event
source gets a local-only queue as the bucket's notification target, and a poller hands each message (the
real S3 event) to the function as an asynchronous invocation.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus, unquote_plus

from .cfn import Template, truncate_name
from .model import Application, S3Trigger
from .resources import AwsClients

log = logging.getLogger("local.s3")

POLL_WAIT_SECONDS = 1  # the longest a stop waits for a poller


@dataclass
class _Subscription:
    trigger: S3Trigger
    queue_url: str
    deliver: Callable[[dict[str, Any]], None]


class _Sequencer:
    """S3's sequencer orders the events of one key: a hex string that grows with each event."""

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def next(self) -> str:
        with self._lock:
            self._last = max(self._last + 1, time.time_ns())
            return f"{self._last:018X}"


_sequencer = _Sequencer()


def real_shaped_record(record: dict[str, Any], source_ip: str = "127.0.0.1") -> dict[str, Any]:
    """Completes moto's S3 event record to the shape S3 sends (and re-encodes the key as S3 does).

    moto URL-encodes the key's slashes ("documents%2Fa.pdf"); S3 leaves them ("documents/a.pdf") and
    encodes the rest as a form value (space as "+").
    """
    s3 = dict(record.get("s3") or {})
    obj = dict(s3.get("object") or {})
    bucket = dict(s3.get("bucket") or {})
    obj["key"] = quote_plus(unquote_plus(str(obj.get("key", ""))), safe="/")
    obj.setdefault("sequencer", _sequencer.next())
    principal = "A3NL1KOZZKExample"
    bucket.setdefault("ownerIdentity", {"principalId": principal})
    s3.update(object=obj, bucket=bucket)
    s3.setdefault("s3SchemaVersion", "1.0")
    return {
        "eventVersion": record.get("eventVersion", "2.1"),
        "eventSource": "aws:s3",
        "awsRegion": record.get("awsRegion"),
        "eventTime": record.get("eventTime"),
        "eventName": record.get("eventName"),
        "userIdentity": {"principalId": f"AWS:{principal}"},
        "requestParameters": {"sourceIPAddress": source_ip},
        "responseElements": {
            "x-amz-request-id": secrets.token_hex(8).upper(),
            "x-amz-id-2": base64.b64encode(secrets.token_bytes(48)).decode(),
        },
        "s3": s3,
    }


class S3EventSource:
    def __init__(
        self,
        app: Application,
        clients: AwsClients,
        stop: threading.Event,
        deliver: Callable[[str], Callable[[dict[str, Any]], None]],
    ) -> None:
        """`deliver(function logical id)` gives the callable that invokes that function asynchronously."""
        self.app = app
        self.template: Template = app.template
        self.clients = clients
        self.stop = stop
        self.deliver = deliver
        self.subscriptions: list[_Subscription] = []
        self._threads: list[threading.Thread] = []

    def setup(self) -> None:
        """Creates the queues and the buckets' notification configurations."""
        per_bucket: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for fn in self.app.functions.values():
            for trigger in fn.s3_triggers:
                queue_name = truncate_name(
                    f"{self.template.stack_name}-local-s3-{fn.logical_id}-{trigger.event_name}", 80
                )
                url = self.clients.sqs.create_queue(QueueName=queue_name)["QueueUrl"]
                arn = self.clients.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
                    "QueueArn"
                ]
                configuration: dict[str, Any] = {
                    "Id": f"{fn.logical_id}-{trigger.event_name}",
                    "QueueArn": arn,
                    "Events": list(trigger.events),
                }
                if trigger.filter_rules:
                    configuration["Filter"] = {
                        "Key": {"FilterRules": [{"Name": n, "Value": v} for n, v in trigger.filter_rules]}
                    }
                per_bucket[trigger.bucket].append(configuration)
                self.subscriptions.append(_Subscription(trigger, url, self.deliver(fn.logical_id)))
        for bucket_id, configurations in per_bucket.items():
            self.clients.s3.put_bucket_notification_configuration(
                Bucket=self.template.physical_name(bucket_id),
                NotificationConfiguration={"QueueConfigurations": configurations},
            )

    def start(self) -> None:
        for subscription in self.subscriptions:
            thread = threading.Thread(
                target=self._poll,
                args=(subscription,),
                name=f"s3-events-{subscription.trigger.function}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)

    def join(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def _poll(self, subscription: _Subscription) -> None:
        sqs = self.clients.sqs
        while not self.stop.is_set():
            try:
                messages = sqs.receive_message(
                    QueueUrl=subscription.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=POLL_WAIT_SECONDS
                ).get("Messages", [])
            except Exception:
                if self.stop.is_set():
                    return
                log.exception("polling the S3 event queue of %s failed", subscription.trigger.function)
                self.stop.wait(1.0)
                continue
            for message in messages:
                sqs.delete_message(QueueUrl=subscription.queue_url, ReceiptHandle=message["ReceiptHandle"])
                self._dispatch(subscription, message["Body"])

    def _dispatch(self, subscription: _Subscription, body: str) -> None:
        try:
            event = json.loads(body)
        except json.JSONDecodeError:
            log.error("ignoring an S3 notification that is not JSON: %.200s", body)
            return
        if event.get("Event") == "s3:TestEvent":
            return  # S3 sends this once when the notification configuration is set
        for record in event.get("Records") or []:
            shaped = real_shaped_record(record)
            log.info(
                "S3 %s s3://%s/%s -> %s",
                shaped["eventName"],
                shaped["s3"]["bucket"].get("name"),
                shaped["s3"]["object"]["key"],
                subscription.trigger.function,
            )
            # S3 sends one record per event.
            subscription.deliver({"Records": [shaped]})
