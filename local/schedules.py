"""Schedule events (EventBridge rules): what EventBridge does for a function's `Schedule` event, for the
local stack. Each enabled `rate(...)` schedule invokes its function asynchronously (as EventBridge does:
retries, then the on-failure destination) with a scheduled event, once per period, the first a period
after the start (a rule's first run is one period after it is created)."""

from __future__ import annotations

import json
import logging
import re
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .model import ScheduleTrigger

log = logging.getLogger("local.schedules")

_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str) -> float | None:
    """The period of a `rate(value unit)` expression in seconds; None for any other (cron) expression.
    EventBridge wants the singular unit for 1 and the plural otherwise; both are read here."""
    match = _RATE.match(expression.strip())
    if match is None:
        return None
    value, unit = int(match.group(1)), match.group(2).rstrip("s")
    return float(value * _UNIT_SECONDS[unit])


def scheduled_event(trigger: ScheduleTrigger, rule_arn: str, account_id: str, region: str) -> dict[str, Any]:
    """The event EventBridge sends a function on a schedule (or the rule's `Input` when it has one)."""
    if trigger.input is not None:
        parsed: dict[str, Any] = json.loads(trigger.input)
        return parsed
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account_id,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    }


class Scheduler:
    """One thread per schedule: waits out the period (the stop event ends the wait at once), then hands the
    event to `deliver`, the function's asynchronous invocation."""

    def __init__(
        self,
        trigger: ScheduleTrigger,
        deliver: Callable[[dict[str, Any]], None],
        stop: threading.Event,
        *,
        rule_arn: str,
        account_id: str,
        region: str,
    ) -> None:
        self.trigger = trigger
        self.deliver = deliver
        self.stop = stop
        self.rule_arn = rule_arn
        self.account_id = account_id
        self.region = region
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        name = f"schedule-{self.trigger.function}.{self.trigger.event_name}"
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def join(self, timeout: float) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def tick(self) -> None:
        """One run of the schedule."""
        self.deliver(scheduled_event(self.trigger, self.rule_arn, self.account_id, self.region))

    def _run(self) -> None:
        while not self.stop.wait(self.trigger.period_seconds):
            try:
                self.tick()
            except Exception:
                log.exception(
                    "%s.%s: the scheduled event was not delivered", self.trigger.function, self.trigger.event_name
                )
