"""Evaluating conditions against a document. Type-aware, and never an error.

- Numbers compare as numbers, numeric strings included ("18500.00" >= 10000, "18,500.00" too).
- ISO dates and timestamps compare as dates ("2025-11-15" < "2025-12-01"; a date against a timestamp by day).
- Other text compares without regard to case (`==`, `!=`, `contains`); text has no order.
- A field that is absent, null or blank is `missing`; every comparison on it is false.
- A comparison that cannot be made (an order between words, a number against a list...) is simply false,
  `!=` included.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .models import EXTRACTED_PREFIX, Condition, Operator, Rule
from .values import as_date, as_number, comparable_dates

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConditionOutcome:
    condition: Condition
    passed: bool
    actual: Any


def field_value(document: Mapping[str, Any], field: str) -> Any:
    """The value a condition's field names on `document` (None when it has none)."""
    if field.startswith(EXTRACTED_PREFIX):
        fields = document.get("extracted_fields")
        return fields.get(field.removeprefix(EXTRACTED_PREFIX)) if isinstance(fields, Mapping) else None
    return document.get(field)


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ({}, [])


def _equal(actual: Any, expected: Any) -> bool | None:
    """Whether the two are equal; None when they cannot be compared."""
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual == expected if isinstance(actual, bool) and isinstance(expected, bool) else None
    left_number, right_number = as_number(actual), as_number(expected)
    if left_number is not None and right_number is not None:
        return left_number == right_number
    left_date, right_date = as_date(actual), as_date(expected)
    if left_date is not None and right_date is not None:
        left, right = comparable_dates(left_date, right_date)
        return bool(left == right)
    if isinstance(actual, str | int | float) and isinstance(expected, str | int | float):
        return str(actual).strip().casefold() == str(expected).strip().casefold()
    return None


def _order(actual: Any, expected: Any) -> int | None:
    """-1, 0 or 1 as `actual` is below, equal to or above `expected`; None when they have no common order."""
    left_number, right_number = as_number(actual), as_number(expected)
    if left_number is not None and right_number is not None:
        return (left_number > right_number) - (left_number < right_number)
    left_date, right_date = as_date(actual), as_date(expected)
    if left_date is not None and right_date is not None:
        left, right = comparable_dates(left_date, right_date)
        return int(left > right) - int(left < right)
    return None


def _contains(actual: Any, expected: Any) -> bool:
    if isinstance(actual, str):
        return str(expected).strip().casefold() in actual.casefold()
    if isinstance(actual, list | tuple):
        return any(_equal(item, expected) for item in actual)
    if isinstance(actual, Mapping):
        return str(expected) in actual
    return False


def compare(actual: Any, op: Operator, expected: Any) -> bool:
    if op is Operator.EXISTS:
        return not is_missing(actual)
    if op is Operator.MISSING:
        return is_missing(actual)
    if is_missing(actual):
        return False
    if op is Operator.CONTAINS:
        return _contains(actual, expected)
    if op in (Operator.EQ, Operator.NE):
        equal = _equal(actual, expected)
        if equal is None:
            return False
        return equal if op is Operator.EQ else not equal
    order = _order(actual, expected)
    if order is None:
        return False
    return {
        Operator.GT: order > 0,
        Operator.GE: order >= 0,
        Operator.LT: order < 0,
        Operator.LE: order <= 0,
    }[op]


def evaluate_condition(condition: Condition, document: Mapping[str, Any]) -> ConditionOutcome:
    actual = field_value(document, condition.field)
    try:
        passed = compare(actual, condition.op, condition.value)
    except Exception:  # a condition is true or false, never an error
        logger.exception("Condition %s %s %r could not be evaluated", condition.field, condition.op, condition.value)
        passed = False
    return ConditionOutcome(condition, passed, actual)


def evaluate_rule(rule: Rule, document: Mapping[str, Any]) -> tuple[bool, list[ConditionOutcome]]:
    """Whether `rule` matches `document`, and each condition's outcome (all of them, for the test endpoint)."""
    outcomes = [evaluate_condition(condition, document) for condition in rule.conditions]
    passed = [o.passed for o in outcomes]
    matched = all(passed) if rule.match == "all" else any(passed)
    return matched, outcomes
