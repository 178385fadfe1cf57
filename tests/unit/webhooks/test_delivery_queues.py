"""Delivery jobs on the FIFO queue: one message group per endpoint, one deduplication id per attempt."""

import json
from typing import Any

import pytest

from recordengine.webhooks.delivery import DeliveryQueues


class FakeSqs:
    def __init__(self, failing_ids: tuple[str, ...] = ()) -> None:
        self.batches: list[list[dict[str, Any]]] = []
        self.failing_ids = failing_ids

    def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803
        self.batches.append(Entries)
        failed = [{"Id": e["Id"], "Message": "throttled"} for e in Entries if e["Id"] in self.failing_ids]
        return {"Successful": [], "Failed": failed} if failed else {"Successful": []}


def queues(sqs: FakeSqs) -> DeliveryQueues:
    return DeliveryQueues("https://sqs/jobs.fifo", "https://sqs/retry", "https://sqs/dead", client=sqs)  # type: ignore[arg-type]


def test_each_endpoint_is_a_message_group_and_each_attempt_one_deduplication_id() -> None:
    sqs = FakeSqs()
    jobs = [{"event_id": "msg_doc7_42", "webhook_id": webhook, "attempts": 0} for webhook in (1, 2)]
    jobs.append({"event_id": "msg_doc7_42", "webhook_id": 1, "attempts": 3})
    queues(sqs).enqueue(jobs)
    (entries,) = sqs.batches
    assert [json.loads(e["MessageBody"]) for e in entries] == jobs
    assert [e["MessageGroupId"] for e in entries] == ["webhook-1", "webhook-2", "webhook-1"]
    assert [e["MessageDeduplicationId"] for e in entries] == ["msg_doc7_42#1#0", "msg_doc7_42#2#0", "msg_doc7_42#1#3"]


def test_many_endpoints_go_in_batches_of_ten() -> None:
    sqs = FakeSqs()
    queues(sqs).enqueue([{"event_id": "msg_doc1_1", "webhook_id": n, "attempts": 0} for n in range(23)])
    assert [len(batch) for batch in sqs.batches] == [10, 10, 3]


def test_a_job_sqs_did_not_take_fails_the_record() -> None:
    sqs = FakeSqs(failing_ids=("1",))
    with pytest.raises(RuntimeError, match="did not queue 1 delivery job"):
        queues(sqs).enqueue([{"event_id": "msg_doc1_1", "webhook_id": n, "attempts": 0} for n in range(3)])


def test_nothing_is_sent_for_no_endpoint() -> None:
    sqs = FakeSqs()
    queues(sqs).enqueue([])
    assert sqs.batches == []
