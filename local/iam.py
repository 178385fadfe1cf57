"""Each function's IAM policy, enforced on the AWS calls its handler makes, as Lambda's execution role is.

moto enforces no IAM, so a permission missing from template.yaml would otherwise show only in AWS. While a
handler runs (`acting_as`), every botocore call it makes is turned into the IAM requests AWS would evaluate
(action, resource ARN, condition keys) and checked against the function's policy: its `Policies` from the
template (SAM policy templates expanded, inline statements, `!If` resolved with the stack's parameters) and
the policies SAM adds for its event sources. A call the policy does not allow is answered as AWS answers it,
with a 403 AccessDenied(Exception) that botocore raises as a ClientError, so the code's own error handling
runs as in AWS. Calls made outside any handler (test setup, the emulator's event source pollers) are not
checked. `LOCAL_IAM=off` turns the check off, for debugging.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .cfn import PARTITION, Template, TemplateError

log = logging.getLogger("local.iam")

SWITCH = "LOCAL_IAM"

# The policy templates template.yaml uses, as SAM's policy_templates.json defines them: (actions, resources),
# the resources with the template's parameters as {Name}.
_TABLE = "arn:{Partition}:dynamodb:{Region}:{AccountId}:table/{TableName}"
_TABLE_RESOURCES = (_TABLE, _TABLE + "/index/*")
_BUCKET_RESOURCES = ("arn:{Partition}:s3:::{BucketName}", "arn:{Partition}:s3:::{BucketName}/*")
_QUEUE_RESOURCES = ("arn:{Partition}:sqs:{Region}:{AccountId}:{QueueName}",)
SAM_POLICY_TEMPLATES: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = {
    "DynamoDBCrudPolicy": (
        (
            (
                "dynamodb:GetItem",
                "dynamodb:DeleteItem",
                "dynamodb:PutItem",
                "dynamodb:Scan",
                "dynamodb:Query",
                "dynamodb:UpdateItem",
                "dynamodb:BatchWriteItem",
                "dynamodb:BatchGetItem",
                "dynamodb:DescribeTable",
                "dynamodb:ConditionCheckItem",
            ),
            _TABLE_RESOURCES,
        ),
    ),
    "DynamoDBReadPolicy": (
        (
            (
                "dynamodb:GetItem",
                "dynamodb:Scan",
                "dynamodb:Query",
                "dynamodb:BatchGetItem",
                "dynamodb:DescribeTable",
            ),
            _TABLE_RESOURCES,
        ),
    ),
    "DynamoDBWritePolicy": (
        (
            ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"),
            _TABLE_RESOURCES,
        ),
    ),
    "DynamoDBStreamReadPolicy": (
        (
            ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"),
            (_TABLE + "/stream/{StreamName}",),
        ),
        (("dynamodb:ListStreams",), (_TABLE + "/stream/*",)),
    ),
    "S3ReadPolicy": (
        (
            (
                "s3:GetObject",
                "s3:ListBucket",
                "s3:GetBucketLocation",
                "s3:GetObjectVersion",
                "s3:GetLifecycleConfiguration",
            ),
            _BUCKET_RESOURCES,
        ),
    ),
    "S3WritePolicy": ((("s3:PutObject", "s3:PutObjectAcl", "s3:PutLifecycleConfiguration"), _BUCKET_RESOURCES),),
    "S3CrudPolicy": (
        (
            (
                "s3:GetObject",
                "s3:ListBucket",
                "s3:GetBucketLocation",
                "s3:GetObjectVersion",
                "s3:PutObject",
                "s3:PutObjectAcl",
                "s3:GetLifecycleConfiguration",
                "s3:PutLifecycleConfiguration",
                "s3:DeleteObject",
            ),
            _BUCKET_RESOURCES,
        ),
    ),
    "SQSSendMessagePolicy": ((("sqs:SendMessage*",), _QUEUE_RESOURCES),),
    "SQSPollerPolicy": (
        (
            (
                "sqs:ChangeMessageVisibility",
                "sqs:ChangeMessageVisibilityBatch",
                "sqs:DeleteMessage",
                "sqs:DeleteMessageBatch",
                "sqs:GetQueueAttributes",
                "sqs:ReceiveMessage",
            ),
            _QUEUE_RESOURCES,
        ),
    ),
}

# What SAM attaches for an event source (the managed policies AWSLambdaSQSQueueExecutionRole and
# AWSLambdaDynamoDBExecutionRole): the poller's actions, on every resource.
EVENT_SOURCE_ACTIONS: dict[str, tuple[str, ...]] = {
    "SQS": ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"),
    "DynamoDB": ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"),
}

# The condition operators the policies use; any other is refused when the policy is read, never ignored.
_STRING_OPERATORS = {"StringEquals", "StringLike", "StringNotEquals", "StringNotLike"}


class PolicyError(TemplateError):
    pass


@cache
def _pattern(wildcard: str, ignore_case: bool) -> re.Pattern[str]:
    """IAM's wildcards: * any run of characters, ? any one."""
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in wildcard)
    return re.compile(body, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def _matches(wildcard: str, value: str, *, ignore_case: bool = False) -> bool:
    return _pattern(wildcard, ignore_case).fullmatch(value) is not None


@dataclass(frozen=True)
class Request:
    """One authorization AWS makes for a call: an action on a resource, with the request's condition keys."""

    action: str
    resource: str
    keys: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Condition:
    operator: str
    key: str
    values: tuple[str, ...]

    def holds(self, request: Request) -> bool:
        value = request.keys.get(self.key)
        negated = "Not" in self.operator
        if value is None:
            # A key the request lacks matches no value: a negated operator holds, the others do not.
            return negated
        if self.operator.startswith("StringLike") or self.operator.startswith("StringNotLike"):
            found = any(_matches(pattern, value) for pattern in self.values)
        else:
            found = value in self.values
        return found != negated


@dataclass(frozen=True)
class Statement:
    effect: str  # "Allow" or "Deny"
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    conditions: tuple[Condition, ...] = ()

    def applies_to(self, request: Request) -> bool:
        return (
            any(_matches(action, request.action, ignore_case=True) for action in self.actions)
            and any(_matches(resource, request.resource) for resource in self.resources)
            and all(condition.holds(request) for condition in self.conditions)
        )


@dataclass(frozen=True)
class Policy:
    """A function's identity-based policy: what its execution role may do."""

    function: str
    account_id: str
    statements: tuple[Statement, ...]

    def allows(self, request: Request) -> bool:
        """IAM's evaluation for one account and no boundaries: an explicit Deny wins, else an Allow is needed."""
        applying = [s for s in self.statements if s.applies_to(request)]
        return bool(applying) and all(s.effect == "Allow" for s in applying)


def _strings(node: Any, where: str) -> tuple[str, ...]:
    values = node if isinstance(node, list) else [node]
    if not all(isinstance(v, str) for v in values):
        raise PolicyError(f"{where}: expected strings, got {node!r}")
    return tuple(values)


def _conditions(node: Any, where: str) -> tuple[Condition, ...]:
    conditions: list[Condition] = []
    for operator, tests in (node or {}).items():
        if operator not in _STRING_OPERATORS:
            raise PolicyError(f"{where}: condition operator {operator} is not evaluated by the local stack")
        for key, values in tests.items():
            conditions.append(Condition(operator, key, _strings(values, f"{where}.{operator}.{key}")))
    return tuple(conditions)


def _statements(document: Any, where: str) -> list[Statement]:
    statements = document.get("Statement") if isinstance(document, dict) else None
    if statements is None:
        raise PolicyError(f"{where}: a policy document needs Statement")
    parsed: list[Statement] = []
    for index, statement in enumerate(statements if isinstance(statements, list) else [statements]):
        here = f"{where}.Statement[{index}]"
        unsupported = {"NotAction", "NotResource", "NotPrincipal"} & set(statement)
        if unsupported:
            raise PolicyError(f"{here}: {sorted(unsupported)} are not evaluated by the local stack")
        parsed.append(
            Statement(
                effect=str(statement.get("Effect", "")),
                actions=_strings(statement.get("Action"), f"{here}.Action"),
                resources=_strings(statement.get("Resource"), f"{here}.Resource"),
                conditions=_conditions(statement.get("Condition"), here),
            )
        )
    return parsed


def _policy_template(template: Template, name: str, arguments: Any, where: str) -> list[Statement]:
    values = {
        "Partition": PARTITION,
        "Region": template.region,
        "AccountId": template.account_id,
        **{str(k): str(v) for k, v in (arguments or {}).items()},
    }
    statements: list[Statement] = []
    for actions, resources in SAM_POLICY_TEMPLATES[name]:
        try:
            arns = tuple(resource.format(**values) for resource in resources)
        except KeyError as missing:
            raise PolicyError(f"{where}: {name} needs the parameter {missing}") from None
        statements.append(Statement("Allow", actions, arns))
    return statements


def function_policy(template: Template, logical_id: str) -> Policy:
    """The policy of the function's execution role as SAM builds it from the template."""
    props = template.properties(logical_id)
    policies = template.resolve(props.get("Policies") or [])
    statements: list[Statement] = []
    for index, policy in enumerate(policies if isinstance(policies, list) else [policies]):
        where = f"{logical_id}.Policies[{index}]"
        if isinstance(policy, str):
            raise PolicyError(f"{where}: managed policy {policy} is not known to the local stack")
        if len(policy) == 1 and next(iter(policy)) in SAM_POLICY_TEMPLATES:
            ((name, arguments),) = policy.items()
            statements.extend(_policy_template(template, name, arguments, where))
        elif isinstance(policy, dict) and len(policy) == 1 and next(iter(policy)).endswith("Policy"):
            raise PolicyError(f"{where}: SAM policy template {next(iter(policy))} is not known to the local stack")
        else:
            statements.extend(_statements(policy, where))
    for event in (props.get("Events") or {}).values():
        actions = EVENT_SOURCE_ACTIONS.get(str(event.get("Type")))
        if actions:
            statements.append(Statement("Allow", actions, ("*",)))
    return Policy(logical_id, template.account_id, tuple(statements))


# -- the IAM requests of a call


def _table_arn(region: str, account: str, table: str, index: str | None = None) -> str:
    arn = table if table.startswith("arn:") else f"arn:{PARTITION}:dynamodb:{region}:{account}:table/{table}"
    return f"{arn}/index/{index}" if index else arn


_TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


def _dynamodb_requests(operation: str, params: Mapping[str, Any], region: str, account: str) -> list[Request]:
    if operation == "TransactWriteItems":
        return [
            Request(f"dynamodb:{_TRANSACT_ACTIONS[kind]}", _table_arn(region, account, item[kind]["TableName"]))
            for item in params.get("TransactItems", [])
            for kind in item
        ]
    if operation == "TransactGetItems":
        return [
            Request("dynamodb:GetItem", _table_arn(region, account, item["Get"]["TableName"]))
            for item in params.get("TransactItems", [])
        ]
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return [
            Request(f"dynamodb:{operation}", _table_arn(region, account, table))
            for table in params.get("RequestItems", {})
        ]
    if "StreamArn" in params:
        return [Request(f"dynamodb:{operation}", str(params["StreamArn"]))]
    if "TableName" in params:
        arn = _table_arn(region, account, str(params["TableName"]), params.get("IndexName"))
        return [Request(f"dynamodb:{operation}", arn)]
    return [Request(f"dynamodb:{operation}", "*")]


# S3 operations whose IAM action is not the operation's name (HEAD reads, listings).
_S3_ACTIONS = {
    "HeadObject": "GetObject",
    "ListObjects": "ListBucket",
    "ListObjectsV2": "ListBucket",
    "HeadBucket": "ListBucket",
    "ListObjectVersions": "ListBucketVersions",
}
_S3_VERSIONED_ACTIONS = {"GetObject": "GetObjectVersion", "DeleteObject": "DeleteObjectVersion"}


def _s3_object(action: str, bucket: str, key: str, version: str | None) -> Request:
    if version:
        action = _S3_VERSIONED_ACTIONS.get(action, action)
    return Request(f"s3:{action}", f"arn:{PARTITION}:s3:::{bucket}/{key}")


def _s3_requests(operation: str, params: Mapping[str, Any]) -> list[Request]:
    bucket = str(params.get("Bucket", ""))
    if operation == "DeleteObjects":
        return [
            _s3_object("DeleteObject", bucket, str(obj["Key"]), obj.get("VersionId"))
            for obj in params.get("Delete", {}).get("Objects", [])
        ]
    action = _S3_ACTIONS.get(operation, operation)
    if "Key" in params:
        requests = [_s3_object(action, bucket, str(params["Key"]), params.get("VersionId"))]
        if operation == "CopyObject":
            requests[0] = Request("s3:PutObject", requests[0].resource)
            source = params["CopySource"]
            if isinstance(source, Mapping):
                requests.append(
                    _s3_object("GetObject", str(source["Bucket"]), str(source["Key"]), source.get("VersionId"))
                )
            else:
                requests.append(Request("s3:GetObject", f"arn:{PARTITION}:s3:::{str(source).split('?')[0]}"))
        return requests
    keys = {"s3:prefix": str(params["Prefix"])} if "Prefix" in params else {}
    return [Request(f"s3:{action}", f"arn:{PARTITION}:s3:::{bucket}", keys)]


_SQS_BATCH_ACTIONS = {
    "SendMessageBatch": "SendMessage",
    "DeleteMessageBatch": "DeleteMessage",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
}


def _sqs_requests(operation: str, params: Mapping[str, Any], region: str, account: str) -> list[Request]:
    name = str(params["QueueUrl"]).rstrip("/").rsplit("/", 1)[-1] if "QueueUrl" in params else params.get("QueueName")
    resource = f"arn:{PARTITION}:sqs:{region}:{account}:{name}" if name else "*"
    return [Request(f"sqs:{_SQS_BATCH_ACTIONS.get(operation, operation)}", resource)]


def _bedrock_requests(operation: str, params: Mapping[str, Any], region: str) -> list[Request]:
    model = str(params.get("modelId", ""))
    resource = model if model.startswith("arn:") else f"arn:{PARTITION}:bedrock:{region}::foundation-model/{model}"
    # Converse is authorized as InvokeModel, ConverseStream as InvokeModelWithResponseStream.
    action = {"Converse": "InvokeModel", "ConverseStream": "InvokeModelWithResponseStream"}.get(operation, operation)
    return [Request(f"bedrock:{action}", resource)]


def requests_for(service: str, operation: str, params: Mapping[str, Any], region: str, account: str) -> list[Request]:
    """The authorizations AWS makes for one call; `service` is the IAM prefix (the client's signing name)."""
    if service == "dynamodb":
        return _dynamodb_requests(operation, params, region, account)
    if service == "s3":
        return _s3_requests(operation, params)
    if service == "sqs":
        return _sqs_requests(operation, params, region, account)
    if service == "bedrock":
        return _bedrock_requests(operation, params, region)
    # Textract and the like take no resource-level restriction.
    return [Request(f"{service}:{operation}", "*")]


# -- enforcing it on botocore's calls

_ACTING: contextvars.ContextVar[Policy | None] = contextvars.ContextVar("local_iam_policy", default=None)
_DENIED = "local_iam_denied"
_DENIED_KEYS = "local_iam_denied_keys"


def enabled() -> bool:
    return os.environ.get(SWITCH, "on").strip().lower() not in ("off", "0", "false", "no")


@contextlib.contextmanager
def acting_as(policy: Policy | None) -> Iterator[None]:
    """The AWS calls made inside (on this thread, and in tasks and threads that copy its context) are checked
    against `policy`."""
    token = _ACTING.set(policy if policy is not None and enabled() else None)
    try:
        yield
    finally:
        _ACTING.reset(token)


def _denied_message(policy: Policy, request: Request) -> str:
    return (
        f"User: arn:{PARTITION}:sts::{policy.account_id}:assumed-role/{policy.function}Role/{policy.function} is not "
        f"authorized to perform: {request.action} on resource: {request.resource} because no identity-based policy "
        f"allows the {request.action} action"
    )


def _check_call(params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> dict[str, Any] | None:
    """provide-client-params: decides the call (a presigned URL is no call: it is checked when used)."""
    policy = _ACTING.get()
    if policy is None or context.get("is_presign_request"):
        return None
    service = str(model.service_model.signing_name)
    region = str(context.get("client_region") or os.environ.get("AWS_REGION", "us-east-1"))
    requests = requests_for(service, model.name, params, region, policy.account_id)
    denied = [r for r in requests if not policy.allows(r)]
    if not denied:
        return None
    # Logged: the code may handle the error quietly, and a missing permission should not go unnoticed.
    for request in denied:
        log.warning("%s", _denied_message(policy, request))
    if service == "s3" and model.name == "DeleteObjects":
        # S3 deletes the keys the caller may delete and reports the others in the answer's Errors.
        objects = params.get("Delete", {}).get("Objects", [])
        refused = [obj for obj, request in zip(objects, requests, strict=True) if request in denied]
        context[_DENIED_KEYS] = [
            {
                "Key": obj["Key"],
                **({"VersionId": obj["VersionId"]} if "VersionId" in obj else {}),
                "Code": "AccessDenied",
                "Message": "Access Denied",
            }
            for obj in refused
        ]
        kept = [obj for obj in objects if obj not in refused]
        if kept:
            return {**params, "Delete": {**params["Delete"], "Objects": kept}}
        context[_DENIED] = None  # nothing left to send: answered with the errors alone
        return None
    context[_DENIED] = (policy, denied[0])
    return None


class _EmptyBody:
    def stream(self) -> Iterator[bytes]:
        return iter(())


def _response(status: int) -> Any:
    from botocore.awsrequest import AWSResponse, HTTPHeaders

    return AWSResponse("", status, HTTPHeaders(), _EmptyBody())


def _metadata(status: int) -> dict[str, Any]:
    return {"HTTPStatusCode": status, "HTTPHeaders": {}, "RequestId": str(uuid.uuid4()), "RetryAttempts": 0}


def _answer_denied(model: Any, context: dict[str, Any], **_: Any) -> tuple[Any, dict[str, Any]] | None:
    """before-call: a denied call never reaches the service; it is answered as AWS answers it."""
    if _DENIED not in context:
        return None
    decision = context[_DENIED]
    if decision is None:
        return _response(200), {"ResponseMetadata": _metadata(200)}
    policy, request = decision
    # S3 and SQS name the error AccessDenied; the JSON services AccessDeniedException.
    code = "AccessDenied" if model.service_model.signing_name in ("s3", "sqs") else "AccessDeniedException"
    error = {"Code": code, "Message": _denied_message(policy, request)}
    return _response(403), {"Error": error, "ResponseMetadata": _metadata(403)}


def _after_call(http_response: Any, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call: the keys DeleteObjects was not allowed to delete; and S3's 403 for a missing key to a caller
    that may not list the bucket (it answers 404 only to one that could learn the key's absence by listing)."""
    if _DENIED_KEYS in context:
        parsed["Errors"] = [*parsed.get("Errors", []), *context[_DENIED_KEYS]]
        return
    policy = _ACTING.get()
    if (
        policy is None
        or _DENIED in context
        or model.service_model.signing_name != "s3"
        or model.name not in ("HeadObject", "GetObject")
        or http_response.status_code != 404
    ):
        return
    bucket = str(context.get("local_iam_bucket", ""))
    if policy.allows(Request("s3:ListBucket", f"arn:{PARTITION}:s3:::{bucket}")):
        return
    http_response.status_code = 403
    # HEAD answers have no body: botocore names the error after the status.
    code = "403" if model.name == "HeadObject" else "AccessDenied"
    parsed["Error"] = {"Code": code, "Message": "Forbidden" if code == "403" else "Access Denied"}
    parsed.setdefault("ResponseMetadata", {})["HTTPStatusCode"] = 403


def _remember_bucket(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    if "Bucket" in params:
        context["local_iam_bucket"] = params["Bucket"]


_HANDLERS: tuple[tuple[str, Callable[..., Any]], ...] = (
    ("provide-client-params", _check_call),
    ("before-parameter-build.s3", _remember_bucket),
    ("before-call", _answer_denied),
    ("after-call", _after_call),
)


def install() -> None:
    """Registers the check on every botocore session made from now on, and on boto3's default session if one
    exists. Idempotent; costs a context variable read per call outside handlers."""
    import boto3
    import botocore.handlers

    for registration in _HANDLERS:
        if registration not in botocore.handlers.BUILTIN_HANDLERS:
            botocore.handlers.BUILTIN_HANDLERS.append(registration)
    session = boto3.DEFAULT_SESSION
    if session is not None:
        events = session._session.get_component("event_emitter")  # boto3 exposes no other way
        for event, handler in _HANDLERS:
            # A unique id makes registering again (a second stack in one process) a no-op.
            events.register(event, handler, unique_id=f"local-iam-{handler.__name__}")
