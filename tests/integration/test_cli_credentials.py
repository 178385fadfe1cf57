"""`make token` and `cli --local` work with no AWS credentials at all (the local stack takes any); without
--local, missing credentials get a one-line explanation, not a traceback, and a missing region is make deploy's."""

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from recordengine.cli import main as cli
from recordengine.tokens import TokenStore

TABLE = "recordengine-local-DocumentsTable"


@pytest.fixture
def no_aws_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    # Nothing here may leave the machine: no instance metadata service, and any AWS call that got through
    # would go to a closed local port.
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    # boto3's default session keeps the credentials it found for earlier tests.
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)


@pytest.fixture
def local_stack_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A moto server with the documents table, described by .local/stack.json as `make run` writes it."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        boto3.client(
            "dynamodb",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="setup",
            aws_secret_access_key="setup",
        ).create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        state = tmp_path / ".local" / "stack.json"
        state.parent.mkdir()
        state.write_text(
            json.dumps(
                {
                    "url": "http://127.0.0.1:3000",
                    "endpoint_url": endpoint,
                    "region": "us-east-1",
                    "resources": {"DocumentsTable": TABLE},
                }
            )
        )
        monkeypatch.chdir(tmp_path)
        yield state
    finally:
        server.stop()


def test_a_local_token_needs_no_aws_credentials(local_stack_file, no_aws_configuration, capsys):
    assert cli(["tokens", "create", "--local", "--name", "dev", "--scope", "documents:read,admin"]) == 0
    token = capsys.readouterr().out.strip()
    state = json.loads(local_stack_file.read_text())
    client = boto3.client(
        "dynamodb",
        endpoint_url=state["endpoint_url"],
        region_name="us-east-1",
        aws_access_key_id="check",
        aws_secret_access_key="check",
    )
    assert TokenStore(TABLE, client).scopes_of(token) == {"documents:read", "admin"}
    # What `make token` prints: the line that hands the stack's URL and a new token to a shell.
    assert cli(["tokens", "create", "--local", "--name", "dev", "--export"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("export RECORDENGINE_URL=http://127.0.0.1:3000 RECORDENGINE_TOKEN=re_"), line


def test_without_a_local_stack_the_cli_says_how_to_start_one(tmp_path, monkeypatch, no_aws_configuration, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli(["tokens", "list", "--local"]) == 2
    assert "make run" in capsys.readouterr().err


def test_a_deployed_stack_without_credentials_gets_a_clear_message(no_aws_configuration, capsys):
    assert cli(["tokens", "list", "--table", TABLE, "--region", "eu-west-1"]) == 2
    assert "No AWS credentials found" in capsys.readouterr().err


def test_a_deployed_stack_without_a_region_is_looked_for_in_make_deploys_and_that_is_said(
    no_aws_configuration, monkeypatch, capsys
):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    assert cli(["tokens", "list", "--table", TABLE]) == 2  # AWS_ENDPOINT_URL is a closed port
    error = capsys.readouterr().err
    assert "No AWS region configured" in error and "us-east-1" in error and "--region" in error
