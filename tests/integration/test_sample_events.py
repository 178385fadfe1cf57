"""Every sample event in events/ runs through its function's real handler and is answered with success."""

import json
from pathlib import Path

import pytest

from tests.support.aws_stack import EVENTS, SAMPLE_TOKEN, sample_event

API_EVENTS = sorted(
    p.relative_to(EVENTS).as_posix() for p in EVENTS.glob("*/*.json") if p.parent.name != "extract_document"
)


def test_every_function_has_a_sample_event(stack):
    with_events = {p.parent.name for p in EVENTS.glob("*/*.json")}
    assert {f.spec.code_dir.name for f in stack.functions.values()} <= with_events


@pytest.fixture
def seeded(stack):
    """The rows the sample events refer to: the sample token, contact 1, folder 1 and document 1."""
    from recordengine.tokens import TokenStore

    TokenStore(stack.table).create("sample events", token=SAMPLE_TOKEN)
    for name in ("contacts/post_contact.json", "folders/post_folder.json", "upload_document/post_upload.json"):
        result = stack.invoke(Path(name).parent.name, sample_event(name))
        assert result["statusCode"] == 201, result
    return stack


@pytest.mark.parametrize("name", API_EVENTS)
def test_api_sample_event(seeded, name):
    event = sample_event(name)
    result = seeded.invoke(Path(name).parent.name, event)
    assert 200 <= result["statusCode"] < 300, result
    assert json.loads(result["body"])


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
