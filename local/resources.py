"""Creating the template's tables, buckets and queues in moto, with the same keys, indexes and streams."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from .cfn import Template, TemplateError

log = logging.getLogger("local.resources")

TABLE_TYPES = ("AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable")
BUCKET_TYPES = ("AWS::S3::Bucket",)
QUEUE_TYPES = ("AWS::SQS::Queue",)
CREATED_TYPES = TABLE_TYPES + BUCKET_TYPES + QUEUE_TYPES

# The types that have nothing to create locally (IAM, logging, policies, the API itself, ...).
_NOT_CREATED_LOCALLY_QUIETLY = (
    "AWS::Serverless::Function",
    "AWS::Serverless::LayerVersion",
    "AWS::Serverless::HttpApi",
    "AWS::S3::BucketPolicy",
    "AWS::SQS::QueuePolicy",
    "AWS::Logs::LogGroup",
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::Lambda::Permission",
)


@dataclass
class AwsClients:
    dynamodb: Any
    s3: Any
    sqs: Any
    dynamodbstreams: Any

    @classmethod
    def create(cls, endpoint_url: str, region: str) -> AwsClients:
        import boto3

        session = boto3.session.Session(
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106 - moto's placeholder, not a secret
            region_name=region,
        )

        def client(service: str) -> Any:
            return session.client(service, endpoint_url=endpoint_url)  # type: ignore[call-overload]

        return cls(client("dynamodb"), client("s3"), client("sqs"), client("dynamodbstreams"))


def create_resources(template: Template, clients: AwsClients) -> dict[str, str]:
    """Creates every table, bucket and queue; returns {logical id: physical name}."""
    created: dict[str, str] = {}
    resources = template.resources
    for logical_id, resource in resources.items():
        kind = resource.get("Type", "")
        if kind not in CREATED_TYPES and kind not in _NOT_CREATED_LOCALLY_QUIETLY:
            log.info("%s (%s) is not created locally", logical_id, kind)
    # Queues without a redrive policy first, so that a dead-letter queue exists before the queue using it.
    queues = sorted(
        (lid for lid, r in resources.items() if r.get("Type") in QUEUE_TYPES),
        key=lambda lid: "RedrivePolicy" in template.properties(lid),
    )
    for logical_id in queues:
        created[logical_id] = _create_queue(template, clients, logical_id)
    for logical_id, resource in resources.items():
        if resource.get("Type") in TABLE_TYPES:
            created[logical_id] = _create_table(template, clients, logical_id)
        elif resource.get("Type") in BUCKET_TYPES:
            created[logical_id] = _create_bucket(template, clients, logical_id)
    return created


def _create_table(template: Template, clients: AwsClients, logical_id: str) -> str:
    name = template.physical_name(logical_id)
    props = template.resolve(template.properties(logical_id))
    if template.resource_type(logical_id) == "AWS::Serverless::SimpleTable":
        primary = props.get("PrimaryKey") or {"Name": "id", "Type": "String"}
        attribute_type = {"String": "S", "Number": "N", "Binary": "B"}[primary.get("Type", "String")]
        props = {
            "KeySchema": [{"AttributeName": primary["Name"], "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": primary["Name"], "AttributeType": attribute_type}],
            "BillingMode": "PAY_PER_REQUEST" if "ProvisionedThroughput" not in props else "PROVISIONED",
            **{k: v for k, v in props.items() if k in ("ProvisionedThroughput",)},
        }
    billing = props.get("BillingMode", "PROVISIONED")
    args: dict[str, Any] = {
        "TableName": name,
        "KeySchema": props["KeySchema"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "BillingMode": billing,
    }
    if billing == "PROVISIONED":
        args["ProvisionedThroughput"] = _throughput(props.get("ProvisionedThroughput"))
    indexes = []
    for index in props.get("GlobalSecondaryIndexes") or []:
        entry = {k: index[k] for k in ("IndexName", "KeySchema", "Projection")}
        if billing == "PROVISIONED":
            entry["ProvisionedThroughput"] = _throughput(index.get("ProvisionedThroughput"))
        indexes.append(entry)
    if indexes:
        args["GlobalSecondaryIndexes"] = indexes
    local_indexes = [
        {k: index[k] for k in ("IndexName", "KeySchema", "Projection")}
        for index in props.get("LocalSecondaryIndexes") or []
    ]
    if local_indexes:
        args["LocalSecondaryIndexes"] = local_indexes
    stream = props.get("StreamSpecification")
    if stream:
        args["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
    try:
        description = clients.dynamodb.create_table(**args)["TableDescription"]
    except KeyError as exc:
        raise TemplateError(f"{logical_id}: missing table property {exc}") from exc
    if description.get("LatestStreamArn"):
        template.set_attribute(logical_id, "StreamArn", description["LatestStreamArn"])
    template.set_attribute(logical_id, "Arn", description["TableArn"])
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled") in (True, "true"):
        clients.dynamodb.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]},
        )
    return name


def _throughput(value: Any) -> dict[str, int]:
    value = value or {}
    return {
        "ReadCapacityUnits": int(value.get("ReadCapacityUnits", 5)),
        "WriteCapacityUnits": int(value.get("WriteCapacityUnits", 5)),
    }


def _create_bucket(template: Template, clients: AwsClients, logical_id: str) -> str:
    name = template.physical_name(logical_id)
    args: dict[str, Any] = {"Bucket": name}
    if template.region != "us-east-1":
        args["CreateBucketConfiguration"] = {"LocationConstraint": template.region}
    clients.s3.create_bucket(**args)
    props = template.resolve(template.properties(logical_id))
    cors = (props.get("CorsConfiguration") or {}).get("CorsRules")
    if cors:
        # A browser uploading with a presigned POST needs the bucket's CORS rules, as in AWS.
        renames = {"ExposedHeaders": "ExposeHeaders", "Id": "ID", "MaxAge": "MaxAgeSeconds"}
        rules = [{renames.get(k, k): v for k, v in rule.items()} for rule in cors]
        clients.s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": rules})
    versioning = (props.get("VersioningConfiguration") or {}).get("Status")
    if versioning:
        # As in AWS: a delete leaves a delete marker and the versions before it, which only a delete of each
        # version erases.
        clients.s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": versioning})
    return name


_QUEUE_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
    "RedrivePolicy",
    "RedriveAllowPolicy",
)


def _create_queue(template: Template, clients: AwsClients, logical_id: str) -> str:
    name = template.physical_name(logical_id)
    props = template.resolve(template.properties(logical_id))
    attributes: dict[str, str] = {}
    for key in _QUEUE_ATTRIBUTES:
        if key not in props:
            continue
        value = props[key]
        if isinstance(value, (dict, list)):
            attributes[key] = json.dumps(value)
        elif isinstance(value, bool):
            attributes[key] = "true" if value else "false"
        else:
            attributes[key] = str(value)
    url = clients.sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    template.set_attribute(logical_id, "QueueUrl", url)
    return name
