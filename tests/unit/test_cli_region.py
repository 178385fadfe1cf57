"""The tokens CLI against a deployed stack: it finds the stack where `make deploy` put it (the same region
fallback: --region, AWS_REGION, AWS_DEFAULT_REGION or the profile's, else us-east-1), and `--export` (what
`make token` passes) prints the shell line with the stack's API URL. moto stands in for CloudFormation and
DynamoDB."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from recordengine.cli import DEFAULT_REGION, main
from recordengine.tokens import TokenStore

REPO = Path(__file__).resolve().parents[2]
STACK = "docs-test"
API_URL = "https://abc123.execute-api.example.com"
STACK_TEMPLATE = {
    "Resources": {
        "DocumentsTable": {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
                "BillingMode": "PAY_PER_REQUEST",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                "AttributeDefinitions": [
                    {"AttributeName": "pk", "AttributeType": "S"},
                    {"AttributeName": "sk", "AttributeType": "S"},
                ],
            },
        }
    },
    "Outputs": {
        "DocumentsTableName": {"Value": {"Ref": "DocumentsTable"}},
        "ApiUrl": {"Value": API_URL},
    },
}


@pytest.fixture
def no_region(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    with mock_aws():
        yield


def _deploy_stack(region: str) -> str:
    cloudformation = boto3.client("cloudformation", region_name=region)
    cloudformation.create_stack(StackName=STACK, TemplateBody=json.dumps(STACK_TEMPLATE))
    outputs = cloudformation.describe_stacks(StackName=STACK)["Stacks"][0]["Outputs"]
    return next(o["OutputValue"] for o in outputs if o["OutputKey"] == "DocumentsTableName")


def _scopes(token: str, table: str, region: str) -> set[str]:
    return TokenStore(table, boto3.client("dynamodb", region_name=region)).scopes_of(token) or set()


def test_without_a_configured_region_the_stack_is_looked_for_where_make_deploy_put_it(no_region, capsys) -> None:
    table = _deploy_stack(DEFAULT_REGION)
    assert main(["tokens", "create", "--stack", STACK, "--name", "admin", "--scope", "admin"]) == 0
    captured = capsys.readouterr()
    assert _scopes(captured.out.strip(), table, DEFAULT_REGION) == {"admin"}
    assert f"using {DEFAULT_REGION}" in captured.err


def test_the_fallback_region_is_make_deploys() -> None:
    deploy_script = (REPO / "scripts" / "deploy.sh").read_text(encoding="utf-8")
    assert re.search(rf"^DEFAULT_REGION={DEFAULT_REGION}$", deploy_script, re.MULTILINE)


@pytest.mark.parametrize("how", ["argument", "AWS_REGION", "AWS_DEFAULT_REGION", "profile"])
def test_a_configured_region_comes_first(no_region, monkeypatch, tmp_path, capsys, how: str) -> None:
    table = _deploy_stack("eu-west-1")
    arguments = ["tokens", "create", "--stack", STACK, "--name", "ops"]
    if how == "argument":
        arguments += ["--region", "eu-west-1"]
    elif how == "profile":
        (tmp_path / "no-config").write_text("[default]\nregion = eu-west-1\n")
    else:
        monkeypatch.setenv(how, "eu-west-1")
    assert main(arguments) == 0
    captured = capsys.readouterr()
    assert _scopes(captured.out.strip(), table, "eu-west-1") == {"documents:read", "documents:write"}
    assert "No AWS region configured" not in captured.err


def test_export_prints_the_line_that_sets_the_url_and_the_token(no_region, capsys) -> None:
    table = _deploy_stack(DEFAULT_REGION)
    assert main(["tokens", "create", "--stack", STACK, "--name", "admin", "--export"]) == 0
    line = capsys.readouterr().out.strip()
    match = re.fullmatch(rf"export RECORDENGINE_URL={re.escape(API_URL)} RECORDENGINE_TOKEN=(re_\S+)", line)
    assert match, line
    assert _scopes(match.group(1), table, DEFAULT_REGION) == {"documents:read", "documents:write"}


def test_a_stack_that_does_not_exist_is_said_in_one_line(no_region, capsys) -> None:
    assert main(["tokens", "create", "--stack", "missing", "--name", "admin", "--region", "eu-west-1"]) == 2
    assert "AWS refused the request" in capsys.readouterr().err
