"""The local stack: moto plus the template's resources, functions, HTTP routes and event sources."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .async_invoke import AsyncInvoker, SqsDestination
from .cfn import Template, api_id_for
from .gateway import Gateway, GatewayServer
from .iam import function_policy
from .model import Application, load_application
from .ports import LOOPBACK, PortInUse, check_port_free
from .resources import AwsClients, create_resources
from .runtime import ACCOUNT_CONCURRENCY, LambdaFunction, WorkerPool, add_layers_to_path, cpu_count
from .s3_events import S3EventSource
from .schedules import Scheduler
from .sqs_events import SqsPoller
from .streams import StreamReader

log = logging.getLogger("local.stack")

TOKEN_ENV = "RECORDENGINE_DEV_TOKEN"  # noqa: S105 - the variable's name
# What the printed `export` line sets: the README's examples, the e2e tests and the conformance suite read them.
URL_ENV = "RECORDENGINE_URL"
CLIENT_TOKEN_ENV = "RECORDENGINE_TOKEN"  # noqa: S105 - the variable's name
# Said at every start: a newcomer otherwise finds out by losing their test data.
DATA_IS_IN_MEMORY = "Data is kept in memory only: everything stored is gone when the stack stops."
# Names under which a laptop's AWS configuration could point the stack at a real account.
_AWS_ENV_TO_DROP = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)


class StackError(Exception):
    """The stack cannot start; the message says why."""


@dataclass
class StackConfig:
    template_path: Path
    port: int = 3000
    moto_port: int = 0
    host: str = LOOPBACK
    parameter_overrides: dict[str, str] = field(default_factory=dict)
    dev_token: str | None = None
    # Where the running stack is described for other tools; None: don't write one.
    state_file: Path | None = None
    http_workers: int = 16
    # The executions of the functions with no executions of their own, shared: as many as Lambda's account
    # allows, started as needed, so an event never waits for another function's (or another message group's)
    # to end; each event source bounds itself (a stream shard one batch at a time, an SQS source its batches
    # in flight).
    event_workers: int = ACCOUNT_CONCURRENCY
    # The executions at once of a function S3 invokes that has no ReservedConcurrentExecutions. Lambda
    # would run up to the account's limit, each with a CPU of its own; here they share this machine's cores,
    # and more executions than cores would only make each slower.
    unreserved_concurrency: int = field(default_factory=cpu_count)
    async_retry_delays: tuple[float, ...] = (1.0, 2.0)


class LocalStack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.stop_event = threading.Event()
        self.url = ""
        self.endpoint_url = ""
        self.region = "us-east-1"
        self.token: str | None = None
        self.resources: dict[str, str] = {}
        self.functions: dict[str, LambdaFunction] = {}
        # The most executions at once of each function that has executions of its own.
        self.concurrency: dict[str, int] = {}
        self.app: Application | None = None
        self.started_in_seconds = 0.0
        self._moto: Any = None
        self._http: GatewayServer | None = None
        self._http_thread: threading.Thread | None = None
        self._pools: list[WorkerPool] = []
        self._s3_events: S3EventSource | None = None
        self._stream_readers: list[StreamReader] = []
        self._sqs_pollers: list[SqsPoller] = []
        self._schedulers: list[Scheduler] = []
        self._saved_environ: dict[str, str] | None = None
        self._saved_path: list[str] | None = None
        self._stopped = False

    # ------------------------------------------------------------------------------------------ start

    def start(self) -> None:
        started = time.monotonic()
        self._saved_environ = dict(os.environ)
        self._saved_path = list(sys.path)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        self.started_in_seconds = time.monotonic() - started

    def _start(self) -> None:
        self._isolate_aws_environment()
        template = Template.load(
            self.config.template_path, region=self.region, parameter_overrides=self.config.parameter_overrides
        )
        # Reading the whole application first reports template problems before anything starts.
        app = load_application(template)
        self.app = app
        _check_port_free(self.config.host, self.config.port, "PORT")

        phase = _Phases()
        self._start_moto()
        phase.done("moto")
        clients = AwsClients.create(self.endpoint_url, self.region)
        self.resources = create_resources(template, clients)
        phase.done("resources")

        environment = app.environment()
        for key in environment:
            if key.startswith("AWS_"):
                raise StackError(f"a function sets {key}, which Lambda reserves (and the local stack sets)")
        os.environ.update(environment)

        add_layers_to_path(_unique([d for fn in app.functions.values() for d in fn.layer_dirs]))
        for logical_id, spec in app.functions.items():
            self.functions[logical_id] = LambdaFunction.load(
                spec, template.arn(logical_id), function_policy(template, logical_id)
            )
        phase.done(f"importing {len(self.functions)} handlers")

        http_pool = WorkerPool("http", self.config.http_workers)
        event_pool = WorkerPool("events", self.config.event_workers)
        self._pools = [http_pool, event_pool]
        self._start_event_sources(app, clients, self._executions(app, event_pool))
        self.token = self._issue_token(clients)
        phase.done("event sources and token")

        gateway = Gateway(
            app.routes, self.functions, http_pool, api_id=_first_api_id(template), account_id=template.account_id
        )
        self._http = GatewayServer((self.config.host, self.config.port), gateway)
        port = self._http.server_address[1]
        self.url = f"http://{self.config.host}:{port}"
        # A short poll interval: shutdown() waits up to one interval for the serving loop to notice.
        self._http_thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.1}, name="http", daemon=True
        )
        self._http_thread.start()
        self._write_state()
        log.info("started: %s", phase.summary())

    def _isolate_aws_environment(self) -> None:
        """Every AWS call must reach moto: no profile, no config file, no real credentials or endpoints."""
        for name in list(os.environ):
            if name in _AWS_ENV_TO_DROP or name.startswith("AWS_ENDPOINT_URL"):
                del os.environ[name]
        os.environ["AWS_ACCESS_KEY_ID"] = "testing"
        os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"  # noqa: S105 - moto's placeholder
        os.environ["AWS_CONFIG_FILE"] = os.devnull
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
        os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
        self.region = os.environ["AWS_DEFAULT_REGION"]
        # Lambda sets AWS_REGION too, and some libraries read only that one.
        os.environ["AWS_REGION"] = self.region

    def _start_moto(self) -> None:
        _check_port_free(LOOPBACK, self.config.moto_port, "MOTO_PORT")
        # moto is imported here, not at the top: it is the slowest import, and the CLI's --help needs none.
        from .moto_server import LocalMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._moto = LocalMotoServer(ip_address=LOOPBACK, port=self.config.moto_port, verbose=False)
        self._moto.start()
        host, port = self._moto.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        os.environ["AWS_ENDPOINT_URL"] = self.endpoint_url

    def _executions(self, app: Application, shared: WorkerPool) -> dict[str, WorkerPool]:
        """Where each function's events run. A function with reserved concurrency, or invoked by S3, has
        executions of its own (as many as it may run at once), which every event source of it shares: the
        events beyond them wait in the queue. The others share the `shared` pool."""
        pools: dict[str, WorkerPool] = {}
        for logical_id, spec in app.functions.items():
            size = spec.reserved_concurrency
            if size is None and spec.s3_triggers:
                size = self.config.unreserved_concurrency
            if size is None:
                pools[logical_id] = shared
                continue
            pools[logical_id] = WorkerPool(f"{logical_id}-execution", size)
            self._pools.append(pools[logical_id])
            self.concurrency[logical_id] = size
        return pools

    def _start_event_sources(self, app: Application, clients: AwsClients, executions: dict[str, WorkerPool]) -> None:
        template = app.template
        invokers: dict[str, AsyncInvoker] = {}

        def destination(node: Any) -> SqsDestination | None:
            if node is None:
                return None
            arn = str(template.resolve(node))
            name = arn.rsplit(":", 1)[-1]
            try:
                url = clients.sqs.get_queue_url(QueueName=name)["QueueUrl"]
            except Exception as exc:
                raise StackError(f"destination {arn} is not a queue of the template") from exc
            return SqsDestination(clients.sqs, url)

        def deliver(logical_id: str) -> Any:
            if logical_id not in invokers:
                fn = self.functions[logical_id]
                invokers[logical_id] = AsyncInvoker(
                    fn,
                    executions[logical_id],
                    self.stop_event,
                    on_failure=destination(fn.spec.async_config.on_failure),
                    on_success=destination(fn.spec.async_config.on_success),
                    retry_delays=self.config.async_retry_delays,
                )
            return invokers[logical_id].invoke

        self._s3_events = S3EventSource(app, clients, self.stop_event, deliver)
        self._s3_events.setup()
        self._s3_events.start()

        for fn in app.functions.values():
            for trigger in fn.stream_triggers:
                if not trigger.enabled:
                    continue
                stream_arn = template.get_att(trigger.table, "StreamArn")
                reader = StreamReader(
                    trigger,
                    self.functions[fn.logical_id],
                    stream_arn,
                    clients.dynamodbstreams,
                    executions[fn.logical_id],
                    self.stop_event,
                    region=self.region,
                )
                reader.prime()
                reader.start()
                self._stream_readers.append(reader)
            for sqs_trigger in fn.sqs_triggers:
                if not sqs_trigger.enabled:
                    continue
                poller = SqsPoller(
                    sqs_trigger,
                    self.functions[fn.logical_id],
                    template.get_att(sqs_trigger.queue, "QueueUrl"),
                    template.get_att(sqs_trigger.queue, "Arn"),
                    clients.sqs,
                    executions[fn.logical_id],
                    self.stop_event,
                    region=self.region,
                )
                poller.start()
                self._sqs_pollers.append(poller)
            for schedule in fn.schedule_triggers:
                if not schedule.enabled:
                    continue
                scheduler = Scheduler(
                    schedule,
                    deliver(fn.logical_id),
                    self.stop_event,
                    rule_arn=f"arn:aws:events:{self.region}:{template.account_id}:rule/"
                    f"{template.stack_name}-{fn.logical_id}{schedule.event_name}",
                    account_id=template.account_id,
                    region=self.region,
                )
                scheduler.start()
                self._schedulers.append(scheduler)

    def _issue_token(self, clients: AwsClients) -> str | None:
        table_name = os.environ.get("TABLE_NAME")
        if not table_name:
            log.warning("no function has TABLE_NAME in its environment: no API token issued")
            return None
        try:
            from recordengine.tokens import TokenStore
        except ImportError as exc:
            log.warning("recordengine.tokens cannot be imported (%s): no API token issued", exc)
            return None
        store = TokenStore(table_name, client=clients.dynamodb)
        fixed = self.config.dev_token
        try:
            issued = store.create("local stack", fixed) if fixed else store.create("local stack")
        except ValueError as exc:
            raise StackError(f"{TOKEN_ENV} is not a well-formed token: {exc}") from exc
        return issued.token

    def _write_state(self) -> None:
        path = self.config.state_file
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        state = {
            "url": self.url,
            "token": self.token,
            "endpoint_url": self.endpoint_url,
            "region": self.region,
            "resources": self.resources,
            "pid": os.getpid(),
        }
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
        os.chmod(temporary, 0o600)  # it holds a bearer token
        temporary.replace(path)

    # ------------------------------------------------------------------------------------------ stop

    def stop(self) -> None:
        """Stops everything this stack started, within a few seconds; safe to call more than once."""
        if self._stopped:
            return
        self._stopped = True
        phase = _Phases()
        self.stop_event.set()
        # First, so that no tool picks up a stack that is going away.
        self._remove_state()
        if self._http is not None:
            if self._http_thread is not None:
                self._http.shutdown()
                self._http_thread.join(5)
            self._http.server_close()
        phase.done("http")
        # Pollers notice the stop event within a poll (1 s at most); a stream reader waiting on a handler
        # is not waited for longer than that either.
        if self._s3_events is not None:
            self._s3_events.join(2)
        for reader in self._stream_readers:
            reader.join(2)
        for poller in self._sqs_pollers:
            poller.join(2)
        for scheduler in self._schedulers:
            scheduler.join(2)
        phase.done("event sources")
        for pool in self._pools:
            pool.shutdown(timeout=1)
        phase.done("handlers")
        if self._moto is not None:
            with contextlib.suppress(Exception):
                self._moto.stop()
        phase.done("moto")
        if self._moto is not None:
            log.info("stopped: %s", phase.summary())
        # Restored so that a stack started in a test process leaves that process as it found it.
        if self._saved_environ is not None:
            os.environ.clear()
            os.environ.update(self._saved_environ)
        if self._saved_path is not None:
            sys.path[:] = self._saved_path

    def _remove_state(self) -> None:
        path = self.config.state_file
        if path is None or not path.exists():
            return
        with contextlib.suppress(OSError, ValueError):
            if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
                path.unlink()

    # ------------------------------------------------------------------------------------------ info

    def banner(self) -> str:
        lines = [f"RecordEngine local stack ready in {self.started_in_seconds:.1f} s: {self.url}"]
        if self.app is not None:
            for route in sorted(self.app.routes, key=lambda r: (r.path, r.method)):
                lines.append(
                    f"  {route.method:6} {self.url}{route.path if route.path != '$default' else '/*'}"
                    f"  -> {route.function}"
                )
            for fn in self.app.functions.values():
                for s3 in fn.s3_triggers:
                    rules = " ".join(f"{n}={v}" for n, v in s3.filter_rules)
                    bucket = self.resources.get(s3.bucket)
                    lines.append(f"  S3 {','.join(s3.events)} {bucket} {rules} -> {fn.logical_id}")
                for stream in fn.stream_triggers:
                    lines.append(f"  DynamoDB stream {self.resources.get(stream.table)} -> {fn.logical_id}")
                for sqs in fn.sqs_triggers:
                    lines.append(f"  SQS {self.resources.get(sqs.queue)} -> {fn.logical_id}")
                for schedule in fn.schedule_triggers:
                    lines.append(f"  Schedule {schedule.expression} -> {fn.logical_id}")
                if fn.logical_id in self.concurrency:
                    lines.append(
                        f"  {fn.logical_id}: {self.concurrency[fn.logical_id]} execution(s) at once; "
                        "further events wait in its queue"
                    )
        lines.append(f"AWS endpoint (moto): {self.endpoint_url}  region {self.region}")
        lines.append(DATA_IS_IN_MEMORY)
        if self.token:
            lines.append(f"Bearer token: {self.token}")
        lines.append(export_line(self.url, self.token))
        return "\n".join(lines)


def export_line(url: str, token: str | None) -> str:
    """The shell line that sets URL_ENV and CLIENT_TOKEN_ENV for the README's examples and the test suites."""
    if token:
        return f"export {URL_ENV}={url} {CLIENT_TOKEN_ENV}={token}"
    return f"export {URL_ENV}={url}"


class _Phases:
    """Start-up timings, logged so that a slow start shows where its time went."""

    def __init__(self) -> None:
        self._last = time.monotonic()
        self._parts: list[str] = []

    def done(self, name: str) -> None:
        now = time.monotonic()
        self._parts.append(f"{name} {now - self._last:.2f} s")
        self._last = now

    def summary(self) -> str:
        return ", ".join(self._parts)


def _first_api_id(template: Template) -> str:
    apis = template.resources_of_type("AWS::Serverless::HttpApi")
    return api_id_for(next(iter(apis), "ServerlessHttpApi"))


def _unique(paths: list[Path]) -> list[Path]:
    seen: dict[Path, None] = {}
    for path in paths:
        seen.setdefault(path, None)
    return list(seen)


def _check_port_free(host: str, port: int, variable: str) -> None:
    """Fails early and clearly; a busy port would otherwise surface as a hang (moto) or a traceback."""
    try:
        check_port_free(host, port, variable)
    except PortInUse as exc:
        raise StackError(str(exc)) from exc
