"""Schedule events in the local stack: the template's rate() schedules invoke their functions, as
EventBridge does, with a scheduled event."""

from __future__ import annotations

import threading
from pathlib import Path
from textwrap import dedent

import pytest

from local.cfn import Template, TemplateError
from local.model import ScheduleTrigger, load_application
from local.schedules import Scheduler, rate_seconds

REPO = Path(__file__).resolve().parents[3]

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: fn/
      Events:
        Every:
          Type: Schedule
          Properties:
            Schedule: {schedule}
            Enabled: {enabled}
"""


def application(tmp_path: Path, schedule: str, enabled: str = "true") -> list[ScheduleTrigger]:
    (tmp_path / "fn").mkdir(exist_ok=True)
    (tmp_path / "fn" / "app.py").write_text("def handler(event, context):\n    return event\n", encoding="utf-8")
    path = tmp_path / "template.yaml"
    path.write_text(dedent(TEMPLATE.format(schedule=schedule, enabled=enabled)), encoding="utf-8")
    return load_application(Template.load(path)).functions["Fn"].schedule_triggers


@pytest.mark.parametrize(
    ("expression", "seconds"),
    [("rate(5 minutes)", 300), ("rate(1 minute)", 60), ("rate(2 hours)", 7200), ("rate(1 day)", 86400)],
)
def test_rate_expressions_are_read_as_periods(expression: str, seconds: float) -> None:
    assert rate_seconds(expression) == seconds


def test_a_cron_expression_is_not_a_rate() -> None:
    assert rate_seconds("cron(0 12 * * ? *)") is None


def test_a_schedule_event_becomes_a_trigger(tmp_path: Path) -> None:
    (trigger,) = application(tmp_path, "rate(10 minutes)")
    assert (trigger.function, trigger.event_name, trigger.period_seconds, trigger.enabled) == ("Fn", "Every", 600, True)
    (disabled,) = application(tmp_path, "rate(10 minutes)", enabled="false")
    assert not disabled.enabled


def test_a_cron_schedule_is_not_run_locally(tmp_path: Path) -> None:
    assert application(tmp_path, '"cron(0 12 * * ? *)"') == []


def test_a_zero_rate_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="not a period"):
        application(tmp_path, "rate(0 minutes)")


def test_the_sweep_of_abandoned_extractions_runs_on_the_templates_schedule() -> None:
    functions = load_application(Template.load(REPO / "template.yaml")).functions
    (trigger,) = functions["SweepExtractionsFunction"].schedule_triggers
    assert trigger.enabled and trigger.period_seconds == 300


def test_the_scheduler_delivers_a_scheduled_event_each_period_until_stopped() -> None:
    trigger = ScheduleTrigger("Fn", "Every", "rate(1 minute)", 0.05, True)
    delivered: list[dict[str, object]] = []
    two = threading.Event()

    def deliver(event: dict[str, object]) -> None:
        delivered.append(event)
        if len(delivered) >= 2:
            two.set()

    stop = threading.Event()
    rule = "arn:aws:events:us-east-1:123456789012:rule/stack-FnEvery"
    scheduler = Scheduler(trigger, deliver, stop, rule_arn=rule, account_id="123456789012", region="us-east-1")
    scheduler.start()
    assert two.wait(5)
    stop.set()
    scheduler.join(2)
    count = len(delivered)
    event = delivered[0]
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    assert event["resources"] == [rule] and event["detail"] == {} and event["account"] == "123456789012"
    assert delivered[0]["id"] != delivered[1]["id"]
    stop.wait(0.2)
    assert len(delivered) == count, "nothing after the stop"


def test_a_rule_input_is_sent_instead_of_the_scheduled_event() -> None:
    trigger = ScheduleTrigger("Fn", "Every", "rate(1 minute)", 60, True, input='{"dry_run": true}')
    delivered: list[dict[str, object]] = []
    scheduler = Scheduler(
        trigger, delivered.append, threading.Event(), rule_arn="arn", account_id="123456789012", region="us-east-1"
    )
    scheduler.tick()
    assert delivered == [{"dry_run": True}]
