"""GET /api/openapi.json through the gateway and its function: the whole API's OpenAPI document, no token."""

import json

import pytest

from tests.support.aws_stack import ROOT, sample_event


def status_enum(document):
    schema = document["paths"]["/api/documents/{document_id}/status"]["patch"]["requestBody"]["content"]
    reference = schema["application/json"]["schema"]["properties"]["status"]["$ref"]
    return document["components"]["schemas"][reference.rsplit("/", 1)[1]]["enum"]


@pytest.mark.parametrize("token", [None, "wrong", "default"])
def test_the_document_is_served_to_anyone(stack, token):
    r = stack.request("GET", "/api/openapi.json", token=token)
    assert r.status == 200, r.body[:300]
    assert r.headers["content-type"] == "application/json"
    document = r.json()
    assert document["openapi"] == "3.1.0"
    assert "/api/documents/{document_id}/status" in document["paths"]
    assert status_enum(document) == [
        "New",
        "Processing",
        "Needs Review",
        "Missing Info",
        "Ready",
        "Approved",
        "Export",
        "Exception",
        "Archived",
    ]


def test_the_served_document_is_the_committed_openapi_json(stack):
    r = stack.request("GET", "/api/openapi.json", token=None)
    assert r.body == (ROOT / "openapi.json").read_bytes()


def test_the_sample_event_gets_the_document_from_the_handler(stack):
    result = stack.invoke("openapi", sample_event("openapi/get_openapi.json"))
    assert result["statusCode"] == 200
    assert result["headers"]["content-type"] == "application/json"
    assert json.loads(result["body"])["info"]["title"] == "RecordEngine Documents API"


def test_other_methods_on_the_document_get_405(stack):
    r = stack.request("POST", "/api/openapi.json", token=None)
    assert r.status == 405 and r.headers["allow"] == "GET"
