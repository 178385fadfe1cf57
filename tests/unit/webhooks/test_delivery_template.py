"""What template.yaml gives the webhook sender in AWS: a receiver that never answers holds up its own
endpoint only, and an attempt that hangs ends inside the function's Timeout and the job's visibility."""

from __future__ import annotations

import math
from pathlib import Path

from local.cfn import Template
from local.model import load_application
from local.runtime import ACCOUNT_CONCURRENCY
from local.sqs_events import batches_at_once
from recordengine.settings import Settings
from recordengine.webhooks.delivery import LEASE_MARGIN_SECONDS

REPO = Path(__file__).resolve().parents[3]


def test_every_endpoint_has_its_delivery_in_flight_and_a_hung_one_ends_in_time() -> None:
    template = Template.load(REPO / "template.yaml", region="us-east-1")
    sender = load_application(template).functions["SendWebhookFunction"]
    (due,) = sender.sqs_triggers
    queue = template.properties(due.queue)
    queue_arn = str(template.get_att(due.queue, "Arn"))

    # A batch is one endpoint's job, and no cap below the number of endpoints: Lambda runs a batch per
    # message group with jobs waiting, so receivers that never answer cannot take every execution.
    assert template.resolve(queue["FifoQueue"]) in (True, "true")
    assert due.batch_size == 1
    assert batches_at_once(due, sender.reserved_concurrency, queue_arn) == ACCOUNT_CONCURRENCY

    # An attempt is cut off well inside the function's Timeout, and its claim outlasts the run that holds it.
    attempt = Settings().webhook_timeout_seconds
    assert attempt < sender.timeout_seconds <= math.ceil(attempt) + LEASE_MARGIN_SECONDS
    # A job whose run was stopped comes back only after that run is over (Lambda advises six times the Timeout).
    assert int(template.resolve(queue["VisibilityTimeout"])) >= 6 * sender.timeout_seconds
