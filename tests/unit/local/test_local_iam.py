"""The local stack's IAM check: policies read from the template as SAM builds them, evaluated as IAM does, and
enforced on the boto3 calls a handler makes (a denied call answers as AWS does)."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from pathlib import Path
from textwrap import dedent
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from local.cfn import Template
from local.iam import (
    SWITCH,
    Policy,
    PolicyError,
    Request,
    Statement,
    acting_as,
    function_policy,
    install,
    requests_for,
)

ACCOUNT = "123456789012"
TABLE_ARN = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/docs"

TEMPLATE = """
Parameters:
  Engine:
    Type: String
    Default: local
Conditions:
  UsesTextract: !Equals [!Ref Engine, textract]
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: docs
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: failures
  Reader:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - DynamoDBReadPolicy:
            TableName: !Ref Table
        - S3ReadPolicy:
            BucketName: files
        - SQSSendMessagePolicy:
            QueueName: !GetAtt Queue.QueueName
        - Statement:
            - Effect: Allow
              Action: s3:ListBucketVersions
              Resource: arn:aws:s3:::files
              Condition:
                StringLike:
                  s3:prefix: [documents/*]
            - Effect: Allow
              Action: [s3:Delete*]
              Resource: arn:aws:s3:::files/documents/*
            - Effect: Deny
              Action: s3:DeleteObject
              Resource: arn:aws:s3:::files/documents/locked/*
        - !If
          - UsesTextract
          - Statement:
              - Effect: Allow
                Action: textract:AnalyzeExpense
                Resource: "*"
          - !Ref AWS::NoValue
      Events:
        Jobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Queue.Arn
"""


def template(tmp_path: Path, text: str = TEMPLATE, **overrides: str) -> Template:
    path = tmp_path / "template.yaml"
    path.write_text(dedent(text), encoding="utf-8")
    return Template.load(path, parameter_overrides=overrides)


def allowed(policy: Policy, action: str, resource: str, **keys: str) -> bool:
    return policy.allows(Request(action, resource, keys))


# ---------------------------------------------------------------------------------------------- evaluation


def test_sam_policy_templates_grant_their_actions_on_their_resources_only(tmp_path: Path) -> None:
    policy = function_policy(template(tmp_path), "Reader")
    assert allowed(policy, "dynamodb:Query", TABLE_ARN)
    assert allowed(policy, "dynamodb:Query", TABLE_ARN + "/index/by_status")
    assert not allowed(policy, "dynamodb:PutItem", TABLE_ARN)  # read, not write
    assert not allowed(policy, "dynamodb:GetItem", TABLE_ARN.replace("docs", "other"))
    assert allowed(policy, "s3:GetObject", "arn:aws:s3:::files/any/key")
    assert not allowed(policy, "s3:PutObject", "arn:aws:s3:::files/any/key")
    assert allowed(policy, "sqs:SendMessage", f"arn:aws:sqs:us-east-1:{ACCOUNT}:failures")
    assert not allowed(policy, "sqs:SendMessage", f"arn:aws:sqs:us-east-1:{ACCOUNT}:elsewhere")


def test_wildcard_actions_match_case_insensitively_and_resources_exactly(tmp_path: Path) -> None:
    policy = function_policy(template(tmp_path), "Reader")
    assert allowed(policy, "s3:DeleteObjectVersion", "arn:aws:s3:::files/documents/1/a.pdf")
    assert allowed(policy, "S3:deleteobject", "arn:aws:s3:::files/documents/1/a.pdf")
    assert not allowed(policy, "s3:DeleteObject", "arn:aws:s3:::files/layouts/1.json")
    assert not allowed(policy, "s3:DeleteObject", "arn:aws:s3:::files/Documents/1/a.pdf")


def test_an_explicit_deny_wins_over_an_allow(tmp_path: Path) -> None:
    policy = function_policy(template(tmp_path), "Reader")
    assert not allowed(policy, "s3:DeleteObject", "arn:aws:s3:::files/documents/locked/a.pdf")
    assert allowed(policy, "s3:DeleteObjectVersion", "arn:aws:s3:::files/documents/locked/a.pdf")


def test_a_prefix_condition_allows_listing_under_the_prefix_only(tmp_path: Path) -> None:
    policy = function_policy(template(tmp_path), "Reader")
    bucket = "arn:aws:s3:::files"
    assert allowed(policy, "s3:ListBucketVersions", bucket, **{"s3:prefix": "documents/1/a.pdf"})
    assert not allowed(policy, "s3:ListBucketVersions", bucket, **{"s3:prefix": "layouts/1"})
    # No prefix at all is the whole bucket: the condition does not hold.
    assert not allowed(policy, "s3:ListBucketVersions", bucket)


def test_if_conditions_follow_the_stacks_parameters(tmp_path: Path) -> None:
    local = function_policy(template(tmp_path), "Reader")
    textract = function_policy(template(tmp_path, Engine="textract"), "Reader")
    assert not allowed(local, "textract:AnalyzeExpense", "*")
    assert allowed(textract, "textract:AnalyzeExpense", "*")


def test_an_sqs_event_source_adds_the_pollers_actions(tmp_path: Path) -> None:
    policy = function_policy(template(tmp_path), "Reader")
    assert allowed(policy, "sqs:ReceiveMessage", f"arn:aws:sqs:us-east-1:{ACCOUNT}:failures")
    assert not allowed(policy, "sqs:PurgeQueue", f"arn:aws:sqs:us-east-1:{ACCOUNT}:failures")


@pytest.mark.parametrize(
    "policies",
    [
        "- AWSLambdaSomethingPolicy: {}",
        "- arn:aws:iam::aws:policy/AdministratorAccess",
        "- Statement: [{Effect: Allow, NotAction: s3:*, Resource: '*'}]",
        "- Statement: [{Effect: Allow, Action: s3:*, Resource: '*', Condition: {IpAddress: {aws:SourceIp: x}}}]",
    ],
)
def test_a_policy_the_check_cannot_evaluate_is_refused_not_ignored(tmp_path: Path, policies: str) -> None:
    text = f"""
    Resources:
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          Policies:
            {policies}
    """
    with pytest.raises(PolicyError):
        function_policy(template(tmp_path, text), "Fn")


def test_the_real_templates_policies_are_all_understood() -> None:
    real = Template.load(Path(__file__).resolve().parents[3] / "template.yaml")
    table = "DocumentsTable"
    real.set_attribute(table, "StreamArn", f"{real.arn(table)}/stream/2026-01-01T00:00:00.000")
    for logical_id, function in real.resources_of_type("AWS::Serverless::Function").items():
        has_policies = bool(function["Properties"].get("Policies"))
        assert bool(function_policy(real, logical_id).statements) == has_policies, logical_id


# ---------------------------------------------------------------------------------------------- requests


def test_calls_map_to_the_actions_and_resources_aws_authorizes() -> None:
    def of(service: str, operation: str, **params: Any) -> list[tuple[str, str, dict[str, str]]]:
        return [
            (r.action, r.resource, dict(r.keys)) for r in requests_for(service, operation, params, "us-east-1", ACCOUNT)
        ]

    assert of("s3", "HeadObject", Bucket="b", Key="k") == [("s3:GetObject", "arn:aws:s3:::b/k", {})]
    assert of("s3", "ListObjectsV2", Bucket="b", Prefix="p/") == [
        ("s3:ListBucket", "arn:aws:s3:::b", {"s3:prefix": "p/"})
    ]
    assert of("s3", "ListObjectVersions", Bucket="b") == [("s3:ListBucketVersions", "arn:aws:s3:::b", {})]
    assert of(
        "s3", "DeleteObjects", Bucket="b", Delete={"Objects": [{"Key": "a", "VersionId": "1"}, {"Key": "c"}]}
    ) == [
        ("s3:DeleteObjectVersion", "arn:aws:s3:::b/a", {}),
        ("s3:DeleteObject", "arn:aws:s3:::b/c", {}),
    ]
    assert of("dynamodb", "Query", TableName="docs", IndexName="by_status") == [
        ("dynamodb:Query", TABLE_ARN + "/index/by_status", {})
    ]
    assert of(
        "dynamodb",
        "TransactWriteItems",
        TransactItems=[{"Put": {"TableName": "docs"}}, {"ConditionCheck": {"TableName": "other"}}],
    ) == [
        ("dynamodb:PutItem", TABLE_ARN, {}),
        ("dynamodb:ConditionCheckItem", TABLE_ARN.replace("docs", "other"), {}),
    ]
    assert of("dynamodb", "BatchWriteItem", RequestItems={"docs": []}) == [("dynamodb:BatchWriteItem", TABLE_ARN, {})]
    queue = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/failures"
    assert of("sqs", "SendMessageBatch", QueueUrl=queue) == [
        ("sqs:SendMessage", f"arn:aws:sqs:us-east-1:{ACCOUNT}:failures", {})
    ]
    assert of("bedrock", "Converse", modelId="vendor.model-v1") == [
        ("bedrock:InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/vendor.model-v1", {})
    ]


# ---------------------------------------------------------------------------------------------- enforcing


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv(SWITCH, raising=False)
    with mock_aws():
        install()
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="files")
        s3.put_bucket_versioning(Bucket="files", VersioningConfiguration={"Status": "Enabled"})
        boto3.client("dynamodb").create_table(
            TableName="docs",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield


READER = Policy(
    "Reader",
    ACCOUNT,
    (
        Statement("Allow", ("dynamodb:GetItem",), (TABLE_ARN,)),
        Statement("Allow", ("s3:GetObject", "s3:DeleteObjectVersion"), ("arn:aws:s3:::files/documents/*",)),
    ),
)


def as_function(policy: Policy, call: Any) -> Any:
    """Runs `call` as a handler would: in its own context, acting as the function."""

    def run() -> Any:
        with acting_as(policy):
            return call()

    return contextvars.copy_context().run(run)


def error_code(call: Any) -> str:
    with pytest.raises(ClientError) as raised:
        as_function(READER, call)
    return str(raised.value.response["Error"]["Code"])


def test_a_call_the_policy_allows_goes_through(aws: None) -> None:
    dynamodb = boto3.client("dynamodb")
    assert "Item" not in as_function(READER, lambda: dynamodb.get_item(TableName="docs", Key={"pk": {"S": "x"}}))


def test_a_call_the_policy_does_not_allow_fails_as_in_aws_and_does_nothing(aws: None) -> None:
    dynamodb, s3 = boto3.client("dynamodb"), boto3.client("s3")
    put = lambda: dynamodb.put_item(TableName="docs", Item={"pk": {"S": "x"}})  # noqa: E731
    assert error_code(put) == "AccessDeniedException"
    assert "Item" not in dynamodb.get_item(TableName="docs", Key={"pk": {"S": "x"}})
    assert error_code(lambda: s3.put_object(Bucket="files", Key="documents/a", Body=b"x")) == "AccessDenied"
    assert "Contents" not in s3.list_objects_v2(Bucket="files")


def test_calls_outside_a_function_and_with_the_switch_off_are_not_checked(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    s3 = boto3.client("s3")
    s3.put_object(Bucket="files", Key="documents/a", Body=b"x")
    monkeypatch.setenv(SWITCH, "off")
    as_function(READER, lambda: s3.put_object(Bucket="files", Key="documents/b", Body=b"x"))
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="files")["Contents"]] == ["documents/a", "documents/b"]


def test_delete_objects_deletes_the_allowed_keys_and_reports_the_others(aws: None) -> None:
    s3 = boto3.client("s3")
    kept = s3.put_object(Bucket="files", Key="layouts/1.json", Body=b"x")["VersionId"]
    gone = s3.put_object(Bucket="files", Key="documents/1.pdf", Body=b"x")["VersionId"]
    objects: list[Any] = [{"Key": "layouts/1.json", "VersionId": kept}, {"Key": "documents/1.pdf", "VersionId": gone}]
    answer = as_function(READER, lambda: s3.delete_objects(Bucket="files", Delete={"Objects": objects}))
    assert [(e["Key"], e["Code"]) for e in answer["Errors"]] == [("layouts/1.json", "AccessDenied")]
    assert [v["Key"] for v in s3.list_object_versions(Bucket="files")["Versions"]] == ["layouts/1.json"]
    only_denied: list[Any] = [{"Key": "layouts/1.json", "VersionId": kept}]
    answer = as_function(READER, lambda: s3.delete_objects(Bucket="files", Delete={"Objects": only_denied}))
    assert [e["Key"] for e in answer["Errors"]] == ["layouts/1.json"]


def test_a_missing_key_is_forbidden_not_absent_to_a_caller_that_may_not_list(aws: None) -> None:
    s3 = boto3.client("s3")
    assert error_code(lambda: s3.head_object(Bucket="files", Key="documents/none")) == "403"
    lister = Policy(
        "Lister", ACCOUNT, (*READER.statements, Statement("Allow", ("s3:ListBucket",), ("arn:aws:s3:::files",)))
    )
    with pytest.raises(ClientError) as raised:
        as_function(lister, lambda: s3.head_object(Bucket="files", Key="documents/none"))
    assert raised.value.response["Error"]["Code"] == "404"


def test_presigning_is_not_a_call(aws: None) -> None:
    s3 = boto3.client("s3")
    url = as_function(READER, lambda: s3.generate_presigned_post(Bucket="files", Key="elsewhere/a", ExpiresIn=60))
    assert url["fields"]["key"] == "elsewhere/a"
