"""Reading a SAM/CloudFormation template and resolving the intrinsic functions the local stack needs.

Only what a local run can know is resolved: parameters come from their defaults (or overrides), pseudo
parameters from the local stack's identity, and resource references from the physical names this tool
chooses. Attributes that only exist once a resource is created (a table's StreamArn, a queue's URL) are
filled in by `Template.set_attribute` and raise `NotReadyError` when asked for too early.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml  # type: ignore[import-untyped,unused-ignore]

STACK_NAME = "recordengine-local"
ACCOUNT_ID = "123456789012"
URL_SUFFIX = "amazonaws.com"
PARTITION = "aws"


class TemplateError(Exception):
    """The template cannot be run locally (malformed, or uses something the local stack cannot resolve)."""


class NotReadyError(TemplateError):
    """An attribute that exists only after its resource was created was asked for before that."""


class _NoValue:
    """AWS::NoValue: removes the property (or list item) that resolves to it."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()


# ---------------------------------------------------------------------------------------------- YAML


# libyaml's parser when PyYAML was built with it (it is, in its wheels): ten times faster than the pure-Python
# one, which matters because every in-process stack the tests start parses the whole template.
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CfnYamlLoader(_SAFE_LOADER):  # type: ignore[misc,unused-ignore]
    """A safe loader that turns CloudFormation's short-form tags into their long-form dicts."""


def _construct_tag(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    else:  # pragma: no cover - yaml has no other node kinds
        raise TemplateError(f"unsupported YAML node for !{tag_suffix}")
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "Condition":
        return {"Condition": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        # The short form "Resource.Attribute" splits at the first dot only (attributes may contain dots).
        resource, _, attribute = value.partition(".")
        return {"Fn::GetAtt": [resource, attribute]}
    return {f"Fn::{tag_suffix}": value}


CfnYamlLoader.add_multi_constructor("!", _construct_tag)


# CloudFormation treats unquoted dates (e.g. AWSTemplateFormatVersion: 2010-09-09) as strings, not dates.
CfnYamlLoader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda loader, node: loader.construct_scalar(cast(yaml.ScalarNode, node)),
)


def load_yaml(text: str) -> dict[str, Any]:
    data = yaml.load(text, Loader=CfnYamlLoader)  # noqa: S506 - CfnYamlLoader derives from SafeLoader
    if not isinstance(data, dict):
        raise TemplateError("a template must be a YAML mapping")
    return data


# ---------------------------------------------------------------------------------------------- naming


def truncate_name(name: str, limit: int) -> str:
    if len(name) <= limit:
        return name
    # Keep names unique when truncated, as CloudFormation does with its random suffixes.
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: limit - 9]}-{digest}"


def default_physical_name(stack_name: str, logical_id: str, resource_type: str) -> str:
    """CloudFormation appends a random suffix; locally the name is deterministic so logs stay readable."""
    if resource_type == "AWS::S3::Bucket":
        return truncate_name(f"{stack_name}-{logical_id}".lower(), 63)
    if resource_type == "AWS::SQS::Queue":
        return truncate_name(f"{stack_name}-{logical_id}", 80)
    if resource_type == "AWS::Serverless::Function":
        return truncate_name(f"{stack_name}-{logical_id}", 64)
    return truncate_name(f"{stack_name}-{logical_id}", 255)


def api_id_for(logical_id: str) -> str:
    """API Gateway ids are 10 lowercase alphanumerics; derive one so that it is stable between runs."""
    return hashlib.sha256(logical_id.encode()).hexdigest()[:10]


# ---------------------------------------------------------------------------------------------- template


_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


@dataclass
class Template:
    """A parsed template plus everything needed to resolve its intrinsics locally."""

    body: dict[str, Any]
    directory: Path
    region: str = "us-east-1"
    stack_name: str = STACK_NAME
    account_id: str = ACCOUNT_ID
    parameter_overrides: Mapping[str, str] = field(default_factory=dict)
    # Runtime attributes (StreamArn, QueueUrl, ...) recorded as resources get created.
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)
    _physical_names: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    _conditions: dict[str, bool] = field(default_factory=dict, init=False, repr=False)
    _conditions_in_progress: set[str] = field(default_factory=set, init=False, repr=False)

    @classmethod
    def load(
        cls,
        path: Path,
        *,
        region: str = "us-east-1",
        stack_name: str = STACK_NAME,
        parameter_overrides: Mapping[str, str] | None = None,
    ) -> Template:
        try:
            body = load_yaml(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise TemplateError(f"{path}: not valid YAML: {exc}") from exc
        template = cls(
            body=body,
            directory=path.resolve().parent,
            region=region,
            stack_name=stack_name,
            parameter_overrides=dict(parameter_overrides or {}),
        )
        unknown = set(template.parameter_overrides) - set(template.parameters_section)
        if unknown:
            raise TemplateError(f"parameter overrides name no parameter of the template: {sorted(unknown)}")
        return template

    # -- sections

    @property
    def parameters_section(self) -> dict[str, Any]:
        return cast(dict[str, Any], self.body.get("Parameters") or {})

    @property
    def globals_function(self) -> dict[str, Any]:
        return cast(dict[str, Any], (self.body.get("Globals") or {}).get("Function") or {})

    @property
    def all_resources(self) -> dict[str, dict[str, Any]]:
        resources = self.body.get("Resources")
        if not isinstance(resources, dict) or not resources:
            raise TemplateError("the template has no Resources")
        return cast(dict[str, dict[str, Any]], resources)

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        """The resources whose Condition (if any) holds with the local parameter values."""
        active: dict[str, dict[str, Any]] = {}
        for logical_id, resource in self.all_resources.items():
            condition = resource.get("Condition")
            if condition is None or self.condition(condition):
                active[logical_id] = resource
        return active

    def resources_of_type(self, *types: str) -> dict[str, dict[str, Any]]:
        return {lid: r for lid, r in self.resources.items() if r.get("Type") in types}

    def properties(self, logical_id: str) -> dict[str, Any]:
        return cast(dict[str, Any], self.all_resources[logical_id].get("Properties") or {})

    def resource_type(self, logical_id: str) -> str:
        return str(self.all_resources[logical_id].get("Type", ""))

    # -- parameters and conditions

    def parameter_value(self, name: str) -> Any:
        spec = self.parameters_section[name] or {}
        if name in self.parameter_overrides:
            value: Any = self.parameter_overrides[name]
        elif "Default" in spec:
            value = spec["Default"]
        else:
            raise TemplateError(f"parameter {name} has no Default; pass it with --parameter-overrides {name}=...")
        kind = str(spec.get("Type", "String"))
        if kind.startswith("List<") or kind == "CommaDelimitedList":
            return value if isinstance(value, list) else [v.strip() for v in str(value).split(",")]
        # A Ref to a Number parameter is a string in CloudFormation (e.g. in environment variables).
        return value if isinstance(value, str) else json.dumps(value)

    def condition(self, name: str) -> bool:
        if name in self._conditions:
            return self._conditions[name]
        conditions = self.body.get("Conditions") or {}
        if name not in conditions:
            raise TemplateError(f"unknown condition {name}")
        if name in self._conditions_in_progress:
            raise TemplateError(f"condition {name} refers to itself")
        self._conditions_in_progress.add(name)
        try:
            value = self.resolve(conditions[name])
        finally:
            self._conditions_in_progress.discard(name)
        if not isinstance(value, bool):
            raise TemplateError(f"condition {name} does not evaluate to true or false")
        self._conditions[name] = value
        return value

    # -- physical names and attributes

    def physical_name(self, logical_id: str) -> str:
        """The name this tool gives a resource: its explicit name property, else a deterministic one."""
        if logical_id in self._physical_names:
            return self._physical_names[logical_id]
        if logical_id not in self.all_resources:
            raise TemplateError(f"reference to unknown resource {logical_id}")
        kind = self.resource_type(logical_id)
        props = self.properties(logical_id)
        name_property = {
            "AWS::DynamoDB::Table": "TableName",
            "AWS::Serverless::SimpleTable": "TableName",
            "AWS::S3::Bucket": "BucketName",
            "AWS::SQS::Queue": "QueueName",
            "AWS::Serverless::Function": "FunctionName",
            "AWS::Lambda::Function": "FunctionName",
            "AWS::Serverless::LayerVersion": "LayerName",
            "AWS::Logs::LogGroup": "LogGroupName",
        }.get(kind)
        explicit = self.resolve(props[name_property]) if name_property and name_property in props else None
        if explicit is not None and explicit is not NO_VALUE:
            name = str(explicit)
        else:
            name = default_physical_name(self.stack_name, logical_id, kind)
            if kind == "AWS::SQS::Queue" and self.resolve(props.get("FifoQueue", False)) in (True, "true"):
                name = truncate_name(name, 75) + ".fifo"
        self._physical_names[logical_id] = name
        return name

    def set_attribute(self, logical_id: str, attribute: str, value: str) -> None:
        self.attributes.setdefault(logical_id, {})[attribute] = value

    def arn(self, logical_id: str) -> str:
        kind = self.resource_type(logical_id)
        name = self.physical_name(logical_id)
        region, account = self.region, self.account_id
        if kind in ("AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable"):
            return f"arn:{PARTITION}:dynamodb:{region}:{account}:table/{name}"
        if kind == "AWS::S3::Bucket":
            return f"arn:{PARTITION}:s3:::{name}"
        if kind == "AWS::SQS::Queue":
            return f"arn:{PARTITION}:sqs:{region}:{account}:{name}"
        if kind in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
            return f"arn:{PARTITION}:lambda:{region}:{account}:function:{name}"
        if kind == "AWS::Serverless::LayerVersion":
            return f"arn:{PARTITION}:lambda:{region}:{account}:layer:{name}:1"
        if kind == "AWS::Logs::LogGroup":
            return f"arn:{PARTITION}:logs:{region}:{account}:log-group:{name}:*"
        if kind == "AWS::SNS::Topic":
            return f"arn:{PARTITION}:sns:{region}:{account}:{name}"
        service = kind.split("::")[1].lower() if kind.count("::") == 2 else "local"
        return f"arn:{PARTITION}:{service}:{region}:{account}:{name}"

    def ref(self, name: str) -> Any:
        pseudo = {
            "AWS::StackName": self.stack_name,
            "AWS::AccountId": self.account_id,
            "AWS::Region": self.region,
            "AWS::URLSuffix": URL_SUFFIX,
            "AWS::Partition": PARTITION,
            "AWS::StackId": (
                f"arn:{PARTITION}:cloudformation:{self.region}:{self.account_id}:stack/{self.stack_name}/local"
            ),
            "AWS::NotificationARNs": [],
        }
        if name in pseudo:
            return pseudo[name]
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.parameters_section:
            return self.parameter_value(name)
        if name not in self.all_resources:
            raise TemplateError(f"!Ref {name}: no such parameter or resource")
        kind = self.resource_type(name)
        if kind == "AWS::SQS::Queue":
            # CloudFormation's Ref of a queue is its URL, known once the queue exists.
            return self.get_att(name, "QueueUrl")
        if kind in ("AWS::Serverless::HttpApi", "AWS::Serverless::Api", "AWS::ApiGatewayV2::Api"):
            return api_id_for(name)
        if kind in ("AWS::Serverless::LayerVersion", "AWS::SNS::Topic"):
            return self.arn(name)
        return self.physical_name(name)

    def get_att(self, logical_id: str, attribute: str) -> Any:
        if logical_id not in self.all_resources:
            raise TemplateError(f"!GetAtt {logical_id}.{attribute}: no such resource")
        known = self.attributes.get(logical_id, {})
        if attribute in known:
            return known[attribute]
        kind = self.resource_type(logical_id)
        name = self.physical_name(logical_id)
        if attribute == "Arn":
            return self.arn(logical_id)
        if kind == "AWS::SQS::Queue" and attribute == "QueueName":
            return name
        if kind == "AWS::S3::Bucket":
            if attribute == "DomainName":
                return f"{name}.s3.{URL_SUFFIX}"
            if attribute == "RegionalDomainName":
                return f"{name}.s3.{self.region}.{URL_SUFFIX}"
        if kind in ("AWS::Serverless::HttpApi", "AWS::ApiGatewayV2::Api") and attribute == "ApiEndpoint":
            return f"https://{api_id_for(logical_id)}.execute-api.{self.region}.{URL_SUFFIX}"
        if (kind, attribute) in {
            ("AWS::DynamoDB::Table", "StreamArn"),
            ("AWS::SQS::Queue", "QueueUrl"),
        }:
            raise NotReadyError(f"{logical_id}.{attribute} is known only after the resource is created")
        raise TemplateError(f"!GetAtt {logical_id}.{attribute} is not supported by the local stack ({kind})")

    # -- intrinsic functions

    def resolve(self, node: Any) -> Any:
        """Resolves every intrinsic in `node` (recursively); AWS::NoValue removes the entry it is in."""
        if isinstance(node, list):
            return [v for v in (self.resolve(item) for item in node) if v is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((key, arg),) = node.items()
            if key == "Ref":
                return self.ref(str(arg))
            if key == "Condition" and isinstance(arg, str):
                return self.condition(arg)
            if key.startswith("Fn::"):
                return self._function(key, arg)
        return {k: v for k, v in ((k, self.resolve(v)) for k, v in node.items()) if v is not NO_VALUE}

    def _function(self, key: str, arg: Any) -> Any:
        if key == "Fn::Sub":
            return self._sub(arg)
        if key == "Fn::GetAtt":
            parts = arg.split(".", 1) if isinstance(arg, str) else self.resolve(arg)
            if not isinstance(parts, list) or len(parts) != 2:
                raise TemplateError(f"Fn::GetAtt needs [resource, attribute], got {arg!r}")
            return self.get_att(str(parts[0]), str(parts[1]))
        if key == "Fn::Join":
            delimiter, values = self._args(key, arg, 2)
            items = self.resolve(values)
            if not isinstance(items, list):
                raise TemplateError("Fn::Join needs a list of values")
            return str(delimiter).join(_as_string(v) for v in items)
        if key == "Fn::Select":
            index, values = self._args(key, arg, 2)
            items = self.resolve(values)
            return items[int(self.resolve(index))]
        if key == "Fn::Split":
            delimiter, value = self._args(key, arg, 2)
            return str(self.resolve(value)).split(str(delimiter))
        if key == "Fn::If":
            condition, if_true, if_false = self._args(key, arg, 3)
            return self.resolve(if_true if self.condition(str(condition)) else if_false)
        if key == "Fn::Equals":
            left, right = self._args(key, arg, 2)
            return _as_string(self.resolve(left)) == _as_string(self.resolve(right))
        if key == "Fn::Not":
            (value,) = self._args(key, arg, 1)
            return not self._truth(value)
        if key == "Fn::And":
            return all(self._truth(v) for v in self._list(key, arg))
        if key == "Fn::Or":
            return any(self._truth(v) for v in self._list(key, arg))
        if key == "Fn::Base64":
            return base64.b64encode(_as_string(self.resolve(arg)).encode()).decode()
        if key == "Fn::FindInMap":
            map_name, top, second = (self.resolve(a) for a in self._args(key, arg, 3))
            try:
                return self.body["Mappings"][map_name][top][second]
            except (KeyError, TypeError) as exc:
                raise TemplateError(f"Fn::FindInMap {map_name}/{top}/{second}: not in the template") from exc
        if key == "Fn::GetAZs":
            return [f"{self.region}{zone}" for zone in "abc"]
        if key == "Fn::ToJsonString":
            return json.dumps(self.resolve(arg), separators=(",", ":"))
        raise TemplateError(f"{key} is not supported by the local stack")

    def _sub(self, arg: Any) -> str:
        if isinstance(arg, str):
            text, variables = arg, {}
        elif isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], dict):
            text, variables = arg[0], {k: self.resolve(v) for k, v in arg[1].items()}
        else:
            raise TemplateError(f"Fn::Sub needs a string or [string, {{variables}}], got {arg!r}")

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            name = name.strip()
            if name in variables:
                return _as_string(variables[name])
            if "." in name and not name.startswith("AWS::"):
                resource, attribute = name.split(".", 1)
                return _as_string(self.get_att(resource, attribute))
            return _as_string(self.ref(name))

        return _SUB_VARIABLE.sub(replace, text)

    def _args(self, key: str, arg: Any, count: int) -> list[Any]:
        if not isinstance(arg, list) or len(arg) != count:
            raise TemplateError(f"{key} needs a list of {count} arguments, got {arg!r}")
        return arg

    def _list(self, key: str, arg: Any) -> list[Any]:
        if not isinstance(arg, list) or not arg:
            raise TemplateError(f"{key} needs a non-empty list, got {arg!r}")
        return arg

    def _truth(self, node: Any) -> bool:
        value = self.resolve(node)
        if not isinstance(value, bool):
            raise TemplateError(f"expected a condition, got {value!r}")
        return value


def _as_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return json.dumps(value)
    raise TemplateError(f"expected a string, got {value!r}")


def as_env_value(value: Any) -> str:
    """Lambda environment values are strings; CloudFormation stringifies numbers and booleans."""
    return _as_string(value)
