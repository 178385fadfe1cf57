"""The `aws` fixture: moto with a new default boto3 session for each test, whose service models come from the
one loader of the run (reading them again for every test cost seconds each)."""

from __future__ import annotations

import boto3

from tests.support.aws_stack import shared_service_models


def test_each_test_s_clients_read_service_models_through_the_run_s_one_loader(aws: None) -> None:
    session = boto3._get_default_session()
    client = boto3.client("dynamodb")

    assert session._session.get_component("data_loader") is shared_service_models()
    assert client._loader is shared_service_models()  # type: ignore[attr-defined]
