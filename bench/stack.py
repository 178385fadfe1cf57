"""The resources of template.yaml as moto needs them: table and bucket definitions plus the functions' env.

Only what the benchmark needs is resolved, simply: a table is named `bench-<logical id>` (unless the
template names it), `!Sub` sees a fixed stack name, account and region, and parameters take their defaults.
Everything here is plain JSON data, so a worker process can create the resources without importing yaml.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"

STACK_NAME = "bench"
ACCOUNT_ID = "123456789012"
REGION = "us-east-1"

# Fake credentials: moto never sends a request anywhere, and nothing may reach a real account.
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}
# Variables that could send a client elsewhere than moto, or change what it reads.
AWS_ENV_DROPPED = ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")


def _cfn_loader() -> type[Any]:
    """A safe loader that turns CloudFormation's short-form tags (`!Ref`, `!Sub`, ...) into long-form dicts.

    yaml is imported here, not at module level: worker processes import this module and must not load yaml.
    """
    import yaml  # type: ignore[import-untyped,unused-ignore]

    class CfnLoader(yaml.SafeLoader):  # type: ignore[misc,unused-ignore]
        pass

    def construct_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
        value: Any
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(cast(yaml.MappingNode, node), deep=True)
        if suffix in ("Ref", "Condition"):
            return {suffix: value}
        return {f"Fn::{suffix}": value}

    CfnLoader.add_multi_constructor("!", construct_tag)
    # CloudFormation reads an unquoted date (AWSTemplateFormatVersion: 2010-09-09) as a string.
    CfnLoader.add_constructor(
        "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(cast(yaml.ScalarNode, node))
    )
    return CfnLoader


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    import yaml  # type: ignore[import-untyped,unused-ignore]

    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_cfn_loader())  # noqa: S506 - a SafeLoader
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a YAML mapping")
    return data


_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


@dataclass
class StackSpec:
    """Everything a process needs to recreate the template's tables and buckets in moto."""

    tables: dict[str, dict[str, Any]] = field(default_factory=dict)  # logical id -> create_table kwargs
    ttl: dict[str, dict[str, Any]] = field(default_factory=dict)  # logical id -> TimeToLiveSpecification
    buckets: dict[str, str] = field(default_factory=dict)  # logical id -> bucket name
    env: dict[str, str] = field(default_factory=dict)  # the functions' Globals environment

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StackSpec:
        return cls(**data)

    def table_name(self, logical_id: str) -> str:
        return str(self.tables[logical_id]["TableName"])


class _Resolver:
    def __init__(self, template: dict[str, Any]) -> None:
        self.template = template
        self.resources: dict[str, Any] = template.get("Resources", {})
        self.parameters: dict[str, Any] = template.get("Parameters", {})

    def physical_name(self, logical_id: str) -> str:
        resource = self.resources[logical_id]
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::DynamoDB::Table":
            return self.value(properties["TableName"]) if "TableName" in properties else f"{STACK_NAME}-{logical_id}"
        if resource["Type"] == "AWS::S3::Bucket":
            if "BucketName" in properties:
                return self.value(properties["BucketName"])
            return f"{STACK_NAME}-{logical_id}".lower()
        raise ValueError(f"bench does not name resources of type {resource['Type']} ({logical_id})")

    def ref(self, name: str) -> str:
        pseudo = {"AWS::StackName": STACK_NAME, "AWS::AccountId": ACCOUNT_ID, "AWS::Region": REGION}
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return str(self.parameters[name]["Default"])
        if name in self.resources:
            return self.physical_name(name)
        raise ValueError(f"cannot resolve Ref {name}")

    def value(self, value: Any) -> str:
        if isinstance(value, str | int | float):
            return str(value)
        if isinstance(value, dict) and "Ref" in value:
            return self.ref(value["Ref"])
        if isinstance(value, dict) and isinstance(value.get("Fn::Sub"), str):
            return _SUB_VARIABLE.sub(lambda m: self.ref(m.group(1)), value["Fn::Sub"])
        raise ValueError(f"bench cannot resolve {value!r}")


def _create_table_kwargs(name: str, properties: dict[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"TableName": name}
    for key in (
        "AttributeDefinitions",
        "KeySchema",
        "GlobalSecondaryIndexes",
        "LocalSecondaryIndexes",
        "BillingMode",
        "ProvisionedThroughput",
    ):
        if key in properties:
            kwargs[key] = properties[key]
    if "StreamSpecification" in properties:
        kwargs["StreamSpecification"] = {"StreamEnabled": True, **properties["StreamSpecification"]}
    if "SSESpecification" in properties:
        kwargs["SSESpecification"] = {"Enabled": bool(properties["SSESpecification"].get("SSEEnabled"))}
    return kwargs


def stack_spec(template: dict[str, Any] | None = None) -> StackSpec:
    template = template if template is not None else load_template()
    resolver = _Resolver(template)
    spec = StackSpec()
    for logical_id, resource in resolver.resources.items():
        if "Condition" in resource:
            continue
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::DynamoDB::Table":
            spec.tables[logical_id] = _create_table_kwargs(resolver.physical_name(logical_id), properties)
            if "TimeToLiveSpecification" in properties:
                spec.ttl[logical_id] = properties["TimeToLiveSpecification"]
        elif resource["Type"] == "AWS::S3::Bucket":
            spec.buckets[logical_id] = resolver.physical_name(logical_id)
    variables = template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    spec.env = {name: resolver.value(value) for name, value in variables.items()}
    return spec


def api_functions(template: dict[str, Any] | None = None) -> dict[str, str]:
    """Function logical id -> CodeUri (e.g. `functions/health/`) of every function with an HttpApi event."""
    template = template if template is not None else load_template()
    functions: dict[str, str] = {}
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        properties = resource.get("Properties", {})
        events = properties.get("Events", {}).values()
        if any(event.get("Type") == "HttpApi" for event in events):
            functions[logical_id] = str(properties["CodeUri"])
    return functions


def create_resources(spec: StackSpec, dynamodb: DynamoDBClient, s3: S3Client, only: tuple[str, ...] = ()) -> None:
    """Creates the spec's tables and buckets (all of them, or the logical ids in `only`) with these clients."""
    for logical_id, kwargs in spec.tables.items():
        if only and logical_id not in only:
            continue
        dynamodb.create_table(**kwargs)
        if logical_id in spec.ttl:
            dynamodb.update_time_to_live(TableName=kwargs["TableName"], TimeToLiveSpecification=spec.ttl[logical_id])  # type: ignore[arg-type]
    for logical_id, name in spec.buckets.items():
        if only and logical_id not in only:
            continue
        s3.create_bucket(Bucket=name)
