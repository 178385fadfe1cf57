from collections.abc import Iterator

import pytest
from moto import mock_aws

from tests.support.aws_stack import AwsStack, start_stack


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield


@pytest.fixture
def stack(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsStack]:
    yield from start_stack(monkeypatch)


@pytest.fixture
def contact(stack: AwsStack) -> dict:
    r = stack.request("POST", "/api/contacts", json_body={"name": "Acme Corporation"})
    assert r.status == 201, r.body
    return r.json()


@pytest.fixture
def folder(stack: AwsStack) -> dict:
    r = stack.request("POST", "/api/folders", json_body={"name": "Q4 Invoices"})
    assert r.status == 201, r.body
    return r.json()
