"""Lambda's asynchronous invocation (how S3 invokes a function): an event queue, the function's executions
taking events from it one at a time, retries, then the on-failure destination."""

from __future__ import annotations

import json
import logging
import threading
import traceback
from datetime import UTC, datetime
from typing import Any

from .runtime import LambdaFunction, WorkerPool

log = logging.getLogger("local.async")

# Lambda waits about a minute, then two, between the attempts of an asynchronous event; locally seconds.
DEFAULT_RETRY_DELAYS_SECONDS = (1.0, 2.0)


class SqsDestination:
    def __init__(self, sqs_client: Any, queue_url: str) -> None:
        self.sqs = sqs_client
        self.queue_url = queue_url

    def send(self, record: dict[str, Any]) -> None:
        self.sqs.send_message(QueueUrl=self.queue_url, MessageBody=json.dumps(record, default=str))


class AsyncInvoker:
    """Invokes `function` asynchronously on `pool`, the function's executions: each runs one event at a time,
    and the events beyond them wait in the pool's queue, first in first out, for as long as it takes (Lambda
    keeps an asynchronous event up to six hours). Waiting there costs an event none of its own time."""

    def __init__(
        self,
        function: LambdaFunction,
        pool: WorkerPool,
        stop: threading.Event,
        *,
        on_failure: SqsDestination | None = None,
        on_success: SqsDestination | None = None,
        retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS_SECONDS,
    ) -> None:
        self.function = function
        self.pool = pool
        self.stop = stop
        self.on_failure = on_failure
        self.on_success = on_success
        self.retry_delays = retry_delays

    def invoke(self, event: dict[str, Any]) -> None:
        """Queues the event and returns at once, as an asynchronous invocation does."""
        self._enqueue(event, attempt=1)

    def _enqueue(self, event: dict[str, Any], attempt: int) -> None:
        if not self.stop.is_set():
            self.pool.submit(lambda: self._run(event, attempt))

    def _run(self, event: dict[str, Any], attempt: int) -> None:
        spec = self.function.spec
        attempts = 1 + spec.async_config.maximum_retry_attempts
        context = self.function.new_context()
        try:
            result = self.function.invoke(event, context)
        except Exception as exc:  # a function error is what gets retried
            log.error(
                "%s failed (attempt %d of %d, request %s):\n%s",
                spec.logical_id,
                attempt,
                attempts,
                context.aws_request_id,
                "".join(traceback.format_exception(exc)).rstrip(),
            )
            if attempt == attempts:
                self._destination(self.on_failure, event, context.aws_request_id, attempt, error=exc)
                log.error("%s: dropped an event after %d attempts", spec.logical_id, attempts)
                return
            # As in Lambda, the event waits out the delay back in the queue, not in an execution: the
            # execution takes the next event meanwhile, and the retry queues behind those already waiting.
            delay = self.retry_delays[min(attempt - 1, len(self.retry_delays) - 1)]
            retry = threading.Timer(delay, self._enqueue, args=(event, attempt + 1))
            retry.daemon = True
            retry.start()
            return
        self._destination(self.on_success, event, context.aws_request_id, attempt, result=result)

    def _destination(
        self,
        destination: SqsDestination | None,
        event: dict[str, Any],
        request_id: str,
        attempts: int,
        *,
        result: Any = None,
        error: BaseException | None = None,
    ) -> None:
        if destination is None:
            return
        record = invocation_record(self.function.arn, event, request_id, attempts, result=result, error=error)
        try:
            destination.send(record)
        except Exception:
            log.exception("%s: could not send to its destination", self.function.spec.logical_id)


def invocation_record(
    function_arn: str,
    event: dict[str, Any],
    request_id: str,
    attempts: int,
    *,
    result: Any = None,
    error: BaseException | None = None,
) -> dict[str, Any]:
    """The invocation record Lambda sends to an asynchronous invocation's destination."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    response_context: dict[str, Any] = {"statusCode": 200, "executedVersion": "$LATEST"}
    if error is not None:
        response_context["functionError"] = "Unhandled"
        payload: Any = {
            "errorMessage": str(error),
            "errorType": type(error).__name__,
            "requestId": request_id,
            "stackTrace": traceback.format_tb(error.__traceback__),
        }
    else:
        payload = result
    return {
        "version": "1.0",
        "timestamp": now,
        "requestContext": {
            "requestId": request_id,
            "functionArn": f"{function_arn}:$LATEST",
            "condition": "RetriesExhausted" if error is not None else "Success",
            "approximateInvokeCount": attempts,
        },
        "requestPayload": event,
        "responseContext": response_context,
        "responsePayload": payload,
    }
