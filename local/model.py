"""The SAM application as the local stack sees it: functions, their HTTP routes and event sources.

Built from the template with SAM's Globals semantics (function values override globals; maps such as
Environment.Variables merge; lists such as Layers are globals first, then the function's own).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cfn import NO_VALUE, Template, TemplateError, as_env_value
from .event_filter import FilterPatternError, validate_pattern

log = logging.getLogger("local.model")

FUNCTION_TYPES = ("AWS::Serverless::Function",)
LAYER_TYPES = ("AWS::Serverless::LayerVersion",)

# Lambda's defaults when neither the function nor Globals set a value.
DEFAULT_TIMEOUT_SECONDS = 3
DEFAULT_MEMORY_MB = 128
# API Gateway HTTP APIs cut an integration off after 30 s at most.
MAX_INTEGRATION_TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class HttpRoute:
    function: str
    event_name: str
    method: str  # upper case, or "ANY"
    path: str  # "/api/documents/{document_id}", or "$default"
    timeout_ms: int = MAX_INTEGRATION_TIMEOUT_MS

    @property
    def route_key(self) -> str:
        return "$default" if self.path == "$default" else f"{self.method} {self.path}"


@dataclass(frozen=True)
class S3Trigger:
    function: str
    event_name: str
    bucket: str  # logical id
    events: tuple[str, ...]
    filter_rules: tuple[tuple[str, str], ...]  # (prefix|suffix, value)


@dataclass(frozen=True)
class StreamTrigger:
    function: str
    event_name: str
    table: str  # logical id
    starting_position: str
    batch_size: int
    filter_patterns: tuple[dict[str, Any], ...]
    report_batch_item_failures: bool
    maximum_retry_attempts: int  # -1: until the record expires, as in Lambda
    bisect_on_error: bool
    enabled: bool


@dataclass(frozen=True)
class SqsTrigger:
    function: str
    event_name: str
    queue: str  # logical id
    batch_size: int
    filter_patterns: tuple[dict[str, Any], ...]
    report_batch_item_failures: bool
    enabled: bool
    maximum_concurrency: int | None = None  # ScalingConfig.MaximumConcurrency


@dataclass(frozen=True)
class ScheduleTrigger:
    function: str
    event_name: str
    expression: str  # "rate(5 minutes)"
    period_seconds: float
    enabled: bool
    input: str | None = None  # the rule's Input (JSON text), sent instead of the scheduled event


@dataclass(frozen=True)
class AsyncInvokeConfig:
    maximum_retry_attempts: int = 2
    on_failure: Any = None  # the unresolved destination ARN node (an SQS queue)
    on_success: Any = None


@dataclass
class FunctionSpec:
    logical_id: str
    name: str
    code_dir: Path
    handler: str
    timeout_seconds: int
    memory_mb: int
    layer_dirs: list[Path]
    environment_node: dict[str, Any]
    routes: list[HttpRoute] = field(default_factory=list)
    s3_triggers: list[S3Trigger] = field(default_factory=list)
    stream_triggers: list[StreamTrigger] = field(default_factory=list)
    sqs_triggers: list[SqsTrigger] = field(default_factory=list)
    schedule_triggers: list[ScheduleTrigger] = field(default_factory=list)
    async_config: AsyncInvokeConfig = field(default_factory=AsyncInvokeConfig)
    # ReservedConcurrentExecutions: the most executions of the function at once (None: not reserved).
    reserved_concurrency: int | None = None

    @property
    def handler_file(self) -> Path:
        module, _, _ = self.handler.rpartition(".")
        return self.code_dir.joinpath(*module.split(".")).with_suffix(".py")

    @property
    def handler_attribute(self) -> str:
        return self.handler.rpartition(".")[2]


@dataclass
class Application:
    template: Template
    functions: dict[str, FunctionSpec]

    @property
    def routes(self) -> list[HttpRoute]:
        return [route for fn in self.functions.values() for route in fn.routes]

    def environment(self) -> dict[str, str]:
        """Every function's variables, merged: all functions share one process (and one os.environ)."""
        merged: dict[str, str] = {}
        owner: dict[str, str] = {}
        for fn in self.functions.values():
            for key, value in function_environment(self.template, fn).items():
                if key in merged and merged[key] != value:
                    raise TemplateError(
                        f"environment variable {key} is {merged[key]!r} for {owner[key]} but {value!r} for "
                        f"{fn.logical_id}; the local stack runs every function in one process, so a variable "
                        "must have one value (give the functions different variable names)"
                    )
                merged[key] = value
                owner.setdefault(key, fn.logical_id)
        return merged


def function_environment(template: Template, fn: FunctionSpec) -> dict[str, str]:
    resolved = template.resolve(fn.environment_node)
    return {str(k): as_env_value(v) for k, v in resolved.items()}


def _merge_globals(globals_: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
    merged = dict(globals_)
    for key, value in props.items():
        base = merged.get(key)
        if isinstance(base, dict) and isinstance(value, dict) and not _is_intrinsic(value):
            merged[key] = _merge_globals(base, value)
        elif isinstance(base, list) and isinstance(value, list):
            merged[key] = base + value
        else:
            merged[key] = value
    return merged


def _is_intrinsic(node: dict[str, Any]) -> bool:
    return len(node) == 1 and next(iter(node)).startswith(("Fn::", "Ref"))


def _local_dir(template: Template, uri: Any, what: str) -> Path:
    if not isinstance(uri, str):
        raise TemplateError(f"{what} must be a local folder to run locally, got {uri!r}")
    path = (template.directory / uri).resolve()
    if not path.is_dir():
        raise TemplateError(f"{what} {uri!r} is not a folder (looked at {path})")
    return path


def _layer_dirs(template: Template, layers: list[Any], function: str) -> list[Path]:
    dirs: list[Path] = []
    for layer in layers:
        if isinstance(layer, dict) and set(layer) == {"Ref"}:
            logical_id = str(layer["Ref"])
            resource = template.resources.get(logical_id)
            if resource is not None and resource.get("Type") in LAYER_TYPES:
                content = _local_dir(template, template.properties(logical_id).get("ContentUri"), "ContentUri")
                # A built layer has its packages under python/; a source layer (as here) at its root.
                built = content / "python"
                dirs.append(built if built.is_dir() else content)
                continue
        log.warning("%s: layer %r is not a layer of this template; it is not available locally", function, layer)
    return dirs


def _int(template: Template, node: Any, what: str) -> int:
    value = template.resolve(node)
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise TemplateError(f"{what} must be a number, got {value!r}") from exc


def _events_list(value: Any) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(str(v) for v in value)


def _http_route(template: Template, logical_id: str, event_name: str, props: dict[str, Any]) -> HttpRoute:
    props = template.resolve(props)
    version = str(props.get("PayloadFormatVersion", "2.0"))
    if version != "2.0":
        raise TemplateError(f"{logical_id}.{event_name}: only payload format 2.0 is served locally, not {version}")
    path = props.get("Path")
    method = props.get("Method")
    if path is None and method is None:
        return HttpRoute(logical_id, event_name, "ANY", "$default")
    if not isinstance(path, str) or not isinstance(method, str):
        raise TemplateError(f"{logical_id}.{event_name}: an HttpApi event needs both Path and Method")
    method = method.upper()
    if method == "X-AMAZON-APIGATEWAY-ANY-METHOD":
        method = "ANY"
    timeout = int(props.get("TimeoutInMillis", MAX_INTEGRATION_TIMEOUT_MS))
    return HttpRoute(logical_id, event_name, method, path, min(timeout, MAX_INTEGRATION_TIMEOUT_MS))


def _s3_trigger(template: Template, logical_id: str, event_name: str, props: dict[str, Any]) -> S3Trigger:
    bucket = props.get("Bucket")
    if not (isinstance(bucket, dict) and set(bucket) == {"Ref"}):
        raise TemplateError(f"{logical_id}.{event_name}: Bucket must be !Ref to a bucket of the template")
    bucket_id = str(bucket["Ref"])
    if template.resource_type(bucket_id) != "AWS::S3::Bucket":
        raise TemplateError(f"{logical_id}.{event_name}: {bucket_id} is not an AWS::S3::Bucket")
    resolved = template.resolve({k: v for k, v in props.items() if k != "Bucket"})
    rules = ((resolved.get("Filter") or {}).get("S3Key") or {}).get("Rules") or []
    filter_rules = tuple((str(rule["Name"]).lower(), str(rule["Value"])) for rule in rules)
    for name, _ in filter_rules:
        if name not in ("prefix", "suffix"):
            raise TemplateError(f"{logical_id}.{event_name}: S3Key rule names are prefix or suffix, not {name}")
    return S3Trigger(logical_id, event_name, bucket_id, _events_list(resolved["Events"]), filter_rules)


def _filter_patterns(resolved: dict[str, Any], where: str) -> list[dict[str, Any]]:
    patterns: list[dict[str, Any]] = []
    for entry in (resolved.get("FilterCriteria") or {}).get("Filters") or []:
        pattern = entry.get("Pattern")
        try:
            parsed = json.loads(pattern) if isinstance(pattern, str) else pattern
        except json.JSONDecodeError as exc:
            raise TemplateError(f"{where}: FilterCriteria pattern is not JSON: {exc}") from exc
        try:
            validate_pattern(parsed)
        except FilterPatternError as exc:
            raise TemplateError(f"{where}: invalid FilterCriteria pattern: {exc}") from exc
        patterns.append(parsed)
    return patterns


def _source_resource(template: Template, node: Any, attribute: str, resource_type: str, where: str, noun: str) -> str:
    """The logical id behind an event source written as `!GetAtt <resource>.<attribute>`."""
    if isinstance(node, dict) and "Fn::GetAtt" in node:
        target = node["Fn::GetAtt"]
        parts = target.split(".", 1) if isinstance(target, str) else target
        if len(parts) == 2 and parts[1] == attribute and template.resource_type(str(parts[0])) == resource_type:
            return str(parts[0])
    raise TemplateError(f"{where} must be !GetAtt <{noun} of the template>.{attribute}")


def _sqs_trigger(template: Template, logical_id: str, event_name: str, props: dict[str, Any]) -> SqsTrigger:
    queue_id = _source_resource(
        template, props.get("Queue"), "Arn", "AWS::SQS::Queue", f"{logical_id}.{event_name}: Queue", "queue"
    )
    resolved = template.resolve({k: v for k, v in props.items() if k != "Queue"})
    return SqsTrigger(
        function=logical_id,
        event_name=event_name,
        queue=queue_id,
        batch_size=min(int(resolved.get("BatchSize", 10)), 10),
        filter_patterns=tuple(_filter_patterns(resolved, f"{logical_id}.{event_name}")),
        report_batch_item_failures="ReportBatchItemFailures" in (resolved.get("FunctionResponseTypes") or []),
        enabled=resolved.get("Enabled", True) not in (False, "false"),
        maximum_concurrency=_maximum_concurrency(resolved, f"{logical_id}.{event_name}"),
    )


def _maximum_concurrency(resolved: dict[str, Any], where: str) -> int | None:
    value = (resolved.get("ScalingConfig") or {}).get("MaximumConcurrency")
    if value is None:
        return None
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        raise TemplateError(f"{where}: ScalingConfig.MaximumConcurrency must be a number, not {value!r}") from None


def _stream_trigger(template: Template, logical_id: str, event_name: str, props: dict[str, Any]) -> StreamTrigger:
    table_id = _source_resource(
        template,
        props.get("Stream"),
        "StreamArn",
        "AWS::DynamoDB::Table",
        f"{logical_id}.{event_name}: Stream",
        "table",
    )
    resolved = template.resolve({k: v for k, v in props.items() if k != "Stream"})
    patterns = _filter_patterns(resolved, f"{logical_id}.{event_name}")
    starting = str(resolved.get("StartingPosition", "LATEST"))
    if starting not in ("LATEST", "TRIM_HORIZON"):
        raise TemplateError(f"{logical_id}.{event_name}: StartingPosition {starting} is not supported locally")
    return StreamTrigger(
        function=logical_id,
        event_name=event_name,
        table=table_id,
        starting_position=starting,
        batch_size=int(resolved.get("BatchSize", 100)),
        filter_patterns=tuple(patterns),
        report_batch_item_failures="ReportBatchItemFailures" in (resolved.get("FunctionResponseTypes") or []),
        maximum_retry_attempts=int(resolved.get("MaximumRetryAttempts", -1)),
        bisect_on_error=resolved.get("BisectBatchOnFunctionError") in (True, "true"),
        enabled=resolved.get("Enabled", True) not in (False, "false"),
    )


def _schedule_trigger(
    template: Template, logical_id: str, event_name: str, props: dict[str, Any]
) -> ScheduleTrigger | None:
    """A `Schedule` event with a rate expression; None (with a warning) for a cron expression, which the
    local stack does not run."""
    from .schedules import rate_seconds

    resolved = template.resolve(props)
    expression = resolved.get("Schedule")
    if not isinstance(expression, str):
        raise TemplateError(f"{logical_id}.{event_name}: a Schedule event needs a Schedule expression")
    period = rate_seconds(expression)
    if period is None:
        log.warning("%s.%s: only rate() schedules run locally, not %s", logical_id, event_name, expression)
        return None
    if period <= 0:
        raise TemplateError(f"{logical_id}.{event_name}: {expression} is not a period")
    enabled = resolved.get("Enabled", True) not in (False, "false") and resolved.get("State") != "DISABLED"
    input_text = resolved.get("Input")
    return ScheduleTrigger(
        logical_id, event_name, expression, period, enabled, None if input_text is None else str(input_text)
    )


def _async_config(template: Template, props: dict[str, Any]) -> AsyncInvokeConfig:
    # Destinations stay unresolved here: a queue's attributes are known only once it exists.
    config = props.get("EventInvokeConfig") or {}
    destinations = config.get("DestinationConfig") or {}

    def destination(kind: str) -> Any:
        target = destinations.get(kind) or {}
        if not target:
            return None
        if template.resolve(target.get("Type", "SQS")) != "SQS":
            log.warning("only SQS destinations are delivered locally; ignoring %s %s", kind, target.get("Type"))
            return None
        return target.get("Destination")

    return AsyncInvokeConfig(
        maximum_retry_attempts=_int(template, config.get("MaximumRetryAttempts", 2), "MaximumRetryAttempts"),
        on_failure=destination("OnFailure"),
        on_success=destination("OnSuccess"),
    )


def _reserved_concurrency(template: Template, props: dict[str, Any], logical_id: str) -> int | None:
    value = template.resolve(props.get("ReservedConcurrentExecutions", NO_VALUE))
    if value is NO_VALUE or value is None:
        return None
    reserved = _int(template, value, f"{logical_id}.ReservedConcurrentExecutions")
    if reserved < 1:
        # Lambda throttles every invocation of a function reserved at 0; locally that would only hide it.
        raise TemplateError(f"{logical_id}: ReservedConcurrentExecutions {reserved} would let no event run")
    return reserved


def load_application(template: Template) -> Application:
    functions: dict[str, FunctionSpec] = {}
    for logical_id, resource in template.resources_of_type(*FUNCTION_TYPES).items():
        props = _merge_globals(template.globals_function, resource.get("Properties") or {})
        if props.get("InlineCode") is not None:
            raise TemplateError(f"{logical_id}: InlineCode is not supported by the local stack")
        handler = template.resolve(props.get("Handler"))
        if not isinstance(handler, str) or "." not in handler:
            raise TemplateError(f"{logical_id}: Handler must look like module.function, got {handler!r}")
        environment = (props.get("Environment") or {}).get("Variables") or {}
        if environment is NO_VALUE:
            environment = {}
        spec = FunctionSpec(
            logical_id=logical_id,
            name=template.physical_name(logical_id),
            code_dir=_local_dir(template, template.resolve(props.get("CodeUri")), f"{logical_id}: CodeUri"),
            handler=handler,
            timeout_seconds=_int(template, props.get("Timeout", DEFAULT_TIMEOUT_SECONDS), f"{logical_id}.Timeout"),
            memory_mb=_int(template, props.get("MemorySize", DEFAULT_MEMORY_MB), f"{logical_id}.MemorySize"),
            layer_dirs=_layer_dirs(template, list(props.get("Layers") or []), logical_id),
            environment_node=dict(environment),
            async_config=_async_config(template, props),
            reserved_concurrency=_reserved_concurrency(template, props, logical_id),
        )
        if not spec.handler_file.is_file():
            raise TemplateError(f"{logical_id}: handler file {spec.handler_file} does not exist")
        for event_name, event in (props.get("Events") or {}).items():
            kind = event.get("Type")
            event_props = event.get("Properties") or {}
            if kind == "HttpApi":
                spec.routes.append(_http_route(template, logical_id, event_name, event_props))
            elif kind == "S3":
                spec.s3_triggers.append(_s3_trigger(template, logical_id, event_name, event_props))
            elif kind == "DynamoDB":
                spec.stream_triggers.append(_stream_trigger(template, logical_id, event_name, event_props))
            elif kind == "SQS":
                spec.sqs_triggers.append(_sqs_trigger(template, logical_id, event_name, event_props))
            elif kind == "Schedule":
                schedule = _schedule_trigger(template, logical_id, event_name, event_props)
                if schedule is not None:
                    spec.schedule_triggers.append(schedule)
            else:
                log.warning(
                    "%s.%s: events of type %s are not delivered by the local stack", logical_id, event_name, kind
                )
        functions[logical_id] = spec
    if not functions:
        raise TemplateError("the template has no AWS::Serverless::Function")
    return Application(template, functions)
