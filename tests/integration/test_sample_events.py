"""Every sample event in events/ runs through its function's real handler and is answered with success."""

import json
from pathlib import Path

import pytest

from tests.support.aws_stack import EVENTS, SAMPLE_TOKEN, sample_event

# Functions fed by S3, DynamoDB streams and SQS rather than API Gateway.
EVENT_FUNCTIONS = {
    "extract_document",
    "queue_webhook_deliveries",
    "send_webhook",
    "retry_webhook_delivery",
    "sweep_extractions",
}
# The $default route's function: its sample events are requests that no route takes.
NOT_FOUND_FUNCTION = "not_found"
API_EVENTS = sorted(
    p.relative_to(EVENTS).as_posix()
    for p in EVENTS.glob("*/*.json")
    if p.parent.name not in {*EVENT_FUNCTIONS, NOT_FOUND_FUNCTION}
)
# The receiver of events/webhooks/post_webhook.json, as a public address (tests never resolve names).
SAMPLE_RECEIVER_ADDRESS = "93.184.215.14"


def test_every_function_has_a_sample_event(stack):
    with_events = {p.parent.name for p in EVENTS.glob("*/*.json")}
    assert {f.spec.code_dir.name for f in stack.functions.values()} <= with_events


@pytest.fixture
def seeded(stack, monkeypatch):
    """The rows the sample events refer to: the sample token, contact 1, folder 1, document 1, webhook 1, rule 1."""
    from recordengine.tokens import TokenStore

    monkeypatch.setattr("recordengine.webhooks.ssrf.resolve", lambda host, port: [SAMPLE_RECEIVER_ADDRESS])
    TokenStore(stack.table).create("sample events", token=SAMPLE_TOKEN)
    for name in (
        "contacts/post_contact.json",
        "folders/post_folder.json",
        "upload_document/post_upload.json",
        "webhooks/post_webhook.json",
        "rules/post_rule.json",
    ):
        result = stack.invoke(Path(name).parent.name, sample_event(name))
        assert result["statusCode"] == 201, result
    return stack


@pytest.mark.parametrize("name", API_EVENTS)
def test_api_sample_event(seeded, name):
    event = sample_event(name)
    result = seeded.invoke(Path(name).parent.name, event)
    if result["statusCode"] == 302:  # the file: a redirect to the download URL
        assert result["headers"]["location"].startswith("http"), result
        return
    if Path(name).parent.name == "web":  # the review page: HTML and its assets, not JSON
        assert result["statusCode"] == 200, result
        assert result["headers"]["content-security-policy"].startswith("default-src 'none'")
        return
    assert 200 <= result["statusCode"] < 300, result
    assert result["statusCode"] == 204 or json.loads(result["body"])


def test_extraction_request_sample_event_runs_extraction_again(seeded):
    """The stream record of a person setting New on document 1 (its file uploaded by the seeding) runs it."""
    import boto3

    key = boto3.client("s3").list_objects_v2(Bucket=seeded.bucket)["Contents"][0]["Key"]
    event = sample_event("extract_document/dynamodb_stream_extraction_request.json")
    event["Records"][0]["dynamodb"]["NewImage"]["s3_key"]["S"] = key
    assert seeded.invoke("extract_document", event) == {"batchItemFailures": []}
    assert seeded.document(1)["status"] == "Needs Review"
    assert seeded.invoke("extract_document", event) == {"batchItemFailures": []}, "a repeated record does nothing"


@pytest.mark.parametrize(
    ("name", "status", "allow"), [("get_unknown.json", 404, None), ("put_status.json", 405, "PATCH")]
)
def test_not_found_sample_events_answer_with_a_detail(seeded, name, status, allow):
    result = seeded.invoke(NOT_FOUND_FUNCTION, sample_event(f"{NOT_FOUND_FUNCTION}/{name}"))
    assert result["statusCode"] == status, result
    assert json.loads(result["body"])["detail"]
    assert result["headers"].get("allow") == allow


def test_s3_sample_event_drives_extraction(seeded):
    import boto3

    key = boto3.client("s3").list_objects_v2(Bucket=seeded.bucket)["Contents"][0]["Key"]
    event = sample_event("extract_document/s3_object_created.json")
    record = event["Records"][0]["s3"]
    record["bucket"]["name"] = seeded.bucket
    record["object"]["key"] = key
    assert seeded.invoke("extract_document", event) == {"outcomes": ["extracted"]}
    assert seeded.document(1)["status"] == "Needs Review"


def test_an_object_the_api_did_not_create_is_ignored(seeded):
    event = sample_event("extract_document/s3_object_created.json")
    event["Records"][0]["s3"]["object"]["key"] = "documents/not-ours.pdf"
    assert seeded.invoke("extract_document", event) == {"outcomes": ["ignored"]}


def test_stream_job_and_retry_sample_events_deliver_the_webhook(seeded):
    """The stream record of document 1 entering Export queues its job; the job sample makes the first
    attempt (failing here); the retry message of the sample (its attempt 2 is due) queues that attempt, and
    the job it queued succeeds. No network: the sender is replaced."""
    import boto3

    from recordengine import wiring
    from recordengine.webhooks.sender import SendResult

    answers = [SendResult(500, None, 3), SendResult(204, None, 2)]
    sent = []

    def sender(target, headers, body, timeout):
        sent.append((target, headers))
        return answers[len(sent) - 1]

    wiring.webhook_dispatcher().sender = sender
    sqs = boto3.client("sqs")
    jobs_url = sqs.get_queue_url(QueueName=seeded.resources["WebhookDeliveryQueue"])["QueueUrl"]

    def queued_jobs():
        messages = sqs.receive_message(QueueUrl=jobs_url, MaxNumberOfMessages=10).get("Messages", [])
        for message in messages:
            sqs.delete_message(QueueUrl=jobs_url, ReceiptHandle=message["ReceiptHandle"])
        return [json.loads(m["Body"]) for m in messages]

    stream_event = sample_event("queue_webhook_deliveries/dynamodb_stream_export.json")
    assert seeded.invoke("queue_webhook_deliveries", stream_event) == {"batchItemFailures": []}
    job_event = sample_event("send_webhook/sqs_delivery_job.json")
    assert queued_jobs() == [json.loads(job_event["Records"][0]["body"])]
    assert seeded.invoke("send_webhook", job_event) == {"batchItemFailures": []}
    retry_event = sample_event("retry_webhook_delivery/sqs_retry_due.json")
    assert seeded.invoke("retry_webhook_delivery", retry_event) == {"batchItemFailures": []}
    (due,) = queued_jobs()
    assert due == {"event_id": "msg_doc1_4421584500000000017450439091", "webhook_id": 1, "attempts": 1}
    job_event["Records"][0]["body"] = json.dumps(due)
    assert seeded.invoke("send_webhook", job_event) == {"batchItemFailures": []}
    assert [t.address for t, _ in sent] == [SAMPLE_RECEIVER_ADDRESS] * 2
    assert sent[0][1]["webhook-id"] == sent[1][1]["webhook-id"] == "msg_doc1_4421584500000000017450439091"
    deliveries = seeded.request("GET", "/api/webhooks/1/deliveries").json()["deliveries"]
    assert [(d["attempt"], d["status"], d["trigger"]) for d in deliveries] == [
        (2, "succeeded", "retry"),
        (1, "failed", "stream"),
    ]


def test_the_scheduled_sample_event_sweeps(seeded):
    """Document 1 was just uploaded and is extracted by nobody yet: the sweep finds no run that died."""
    assert seeded.invoke("sweep_extractions", sample_event("sweep_extractions/scheduled.json")) == {
        "requeued": [],
        "uploads_never_arrived": [],
    }
