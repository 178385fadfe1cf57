"""The local stack's resources carry the template's settings that the application can see: here, the
buckets' versioning (a delete leaves versions behind, as in AWS, unless each version is deleted)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from textwrap import dedent

import boto3
import pytest
from moto import mock_aws

from local.cfn import Template
from local.resources import AwsClients, create_resources
from tests.support.aws_stack import use_moto_credentials

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def clients(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsClients]:
    use_moto_credentials(monkeypatch)
    with mock_aws():
        yield AwsClients(
            boto3.client("dynamodb"), boto3.client("s3"), boto3.client("sqs"), boto3.client("dynamodbstreams")
        )


def test_a_bucket_gets_the_versioning_of_the_template(clients: AwsClients, tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(
        dedent(
            """
            Resources:
              Versioned:
                Type: AWS::S3::Bucket
                Properties:
                  BucketName: versioned
                  VersioningConfiguration:
                    Status: Enabled
              Suspended:
                Type: AWS::S3::Bucket
                Properties:
                  BucketName: suspended
                  VersioningConfiguration:
                    Status: Suspended
              Plain:
                Type: AWS::S3::Bucket
                Properties:
                  BucketName: plain
            """
        ),
        encoding="utf-8",
    )
    create_resources(Template.load(path), clients)

    assert clients.s3.get_bucket_versioning(Bucket="versioned")["Status"] == "Enabled"
    assert clients.s3.get_bucket_versioning(Bucket="suspended")["Status"] == "Suspended"
    assert "Status" not in clients.s3.get_bucket_versioning(Bucket="plain")


def test_a_delete_in_the_documents_bucket_leaves_its_versions_as_in_aws(clients: AwsClients) -> None:
    template = Template.load(REPO / "template.yaml")
    bucket = create_resources(template, clients)["DocumentsBucket"]
    clients.s3.put_object(Bucket=bucket, Key="documents/1/file", Body=b"%PDF-1.7")

    clients.s3.delete_object(Bucket=bucket, Key="documents/1/file")

    listed = clients.s3.list_object_versions(Bucket=bucket, Prefix="documents/1/")
    assert [v["Key"] for v in listed["Versions"]] == ["documents/1/file"], "still recoverable"
    assert [m["Key"] for m in listed["DeleteMarkers"]] == ["documents/1/file"]
