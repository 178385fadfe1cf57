import threading
from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws
from moto.core.botocore_stubber import BotocoreStubber

from local.moto_patches import patch_moto
from tests.support.aws_stack import AwsStack, start_stack, use_moto_credentials, use_shared_service_models

_DYNAMODB_LOCK = threading.Lock()
_moto_call = BotocoreStubber.__call__


def _atomic_dynamodb_call(self: BotocoreStubber, event_name: str, request: Any, **kwargs: Any) -> Any:
    # DynamoDB applies each request atomically (the id counter and conditional writes rely on it); moto's
    # backend has no locking, so concurrent tests would see races real DynamoDB never has.
    if ".dynamodb." in event_name:
        with _DYNAMODB_LOCK:
            return _moto_call(self, event_name, request, **kwargs)
    return _moto_call(self, event_name, request, **kwargs)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(BotocoreStubber, "__call__", _atomic_dynamodb_call)
    # As in the local stack: moto put right where it differs from AWS (moto_patches).
    patch_moto()
    use_moto_credentials(monkeypatch)
    with mock_aws():
        use_shared_service_models()
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
