"""Lambda event filtering (an event source mapping's FilterCriteria), as the local stream reader applies it.

The pattern language is EventBridge's, which Lambda uses for filters: a pattern is a JSON object whose
leaves are arrays of matchers, and a record passes when every key of the pattern matches. A leaf array
matches when any of its matchers does; when the record's value is itself an array, a matcher matches when
any element does. Matching is type-exact, as in Lambda: the string "5" never equals the number 5, so a
DynamoDB number (`{"N": "5"}`, a string in the record) is matched with strings, not `numeric`.
A record passes FilterCriteria when any of its filters matches.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

MISSING: Any = object()

_NUMERIC_OPERATORS = {"=", "<", "<=", ">", ">="}
_STRING_OPERATORS = {"prefix", "suffix", "equals-ignore-case", "wildcard"}
_OPERATORS = _STRING_OPERATORS | {"anything-but", "numeric", "exists", "cidr"}


class FilterPatternError(ValueError):
    """The pattern is not one Lambda would accept."""


# ---------------------------------------------------------------------------------------------- validation


def validate_pattern(pattern: Any, where: str = "pattern") -> None:
    if not isinstance(pattern, Mapping) or not pattern:
        raise FilterPatternError(f"{where} must be a non-empty JSON object")
    for key, value in pattern.items():
        path = f"{where}.{key}"
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2:
                raise FilterPatternError(f"{path} needs a list of at least two patterns")
            for index, alternative in enumerate(value):
                validate_pattern(alternative, f"{path}[{index}]")
        elif isinstance(value, Mapping):
            validate_pattern(value, path)
        elif isinstance(value, list):
            if not value:
                raise FilterPatternError(f"{path} must not be an empty array")
            for matcher in value:
                _validate_matcher(matcher, path)
        else:
            raise FilterPatternError(f"{path} must be an object or an array of matchers, got {value!r}")


def _validate_matcher(matcher: Any, path: str) -> None:
    if matcher is None or isinstance(matcher, (str, bool)) or _is_number(matcher):
        return
    if not isinstance(matcher, Mapping) or len(matcher) != 1:
        raise FilterPatternError(f"{path}: a matcher is a value or an object with one operator, got {matcher!r}")
    ((operator, argument),) = matcher.items()
    if operator not in _OPERATORS:
        raise FilterPatternError(f"{path}: unknown operator {operator!r}")
    if operator in ("prefix", "suffix"):
        if not (isinstance(argument, str) or _is_ignore_case(argument)):
            raise FilterPatternError(f"{path}: {operator} takes a string or {{equals-ignore-case: string}}")
    elif operator in ("equals-ignore-case", "wildcard"):
        if not isinstance(argument, str):
            raise FilterPatternError(f"{path}: {operator} takes a string")
    elif operator == "exists":
        if not isinstance(argument, bool):
            raise FilterPatternError(f"{path}: exists takes true or false")
    elif operator == "cidr":
        try:
            ipaddress.ip_network(str(argument), strict=False)
        except ValueError as exc:
            raise FilterPatternError(f"{path}: cidr takes a network, got {argument!r}") from exc
    elif operator == "numeric":
        _validate_numeric(argument, path)
    elif operator == "anything-but":
        if isinstance(argument, Mapping):
            if len(argument) != 1 or next(iter(argument)) not in _STRING_OPERATORS:
                raise FilterPatternError(f"{path}: anything-but takes values or one of {sorted(_STRING_OPERATORS)}")
            ((inner, inner_argument),) = argument.items()
            if not isinstance(inner_argument, str):
                raise FilterPatternError(f"{path}: anything-but/{inner} takes a string")
        else:
            values = argument if isinstance(argument, list) else [argument]
            if not values or not all(isinstance(v, str) or _is_number(v) for v in values):
                raise FilterPatternError(f"{path}: anything-but takes strings or numbers")


def _validate_numeric(argument: Any, path: str) -> None:
    if not isinstance(argument, list) or len(argument) not in (2, 4):
        raise FilterPatternError(f"{path}: numeric takes [op, number] or [op, number, op, number]")
    operators = argument[0::2]
    for operator, bound in zip(operators, argument[1::2], strict=True):
        if operator not in _NUMERIC_OPERATORS or not _is_number(bound):
            raise FilterPatternError(f"{path}: numeric takes operators {sorted(_NUMERIC_OPERATORS)} with numbers")
    if len(argument) == 4:
        lower, upper = operators
        if lower not in (">", ">=") or upper not in ("<", "<="):
            raise FilterPatternError(f"{path}: a numeric range is [>|>=, low, <|<=, high]")


# ---------------------------------------------------------------------------------------------- matching


def matches_any(patterns: Iterable[Mapping[str, Any]], record: Mapping[str, Any]) -> bool:
    """FilterCriteria semantics: no filters lets everything through; otherwise any one filter must match."""
    patterns = list(patterns)
    return not patterns or any(matches(pattern, record) for pattern in patterns)


def matches(pattern: Mapping[str, Any], record: Any) -> bool:
    for key, expected in pattern.items():
        if key == "$or":
            if not any(matches(alternative, record) for alternative in expected):
                return False
            continue
        value = record.get(key, MISSING) if isinstance(record, Mapping) else MISSING
        if isinstance(expected, Mapping):
            if not matches(expected, value):
                return False
        elif not any(_match_one(matcher, value) for matcher in expected):
            return False
    return True


def _match_one(matcher: Any, value: Any) -> bool:
    if isinstance(matcher, Mapping):
        ((operator, argument),) = matcher.items()
        if operator == "exists":
            # Only leaves exist for EventBridge: an object at that key is not a match for exists: true.
            present = value is not MISSING and not isinstance(value, Mapping)
            return present if argument else value is MISSING
        return any(_match_operator(operator, argument, candidate) for candidate in _candidates(value))
    return any(_equal(candidate, matcher) for candidate in _candidates(value))


def _candidates(value: Any) -> list[Any]:
    if value is MISSING or isinstance(value, Mapping):
        return []
    if isinstance(value, list):
        return [v for v in value if not isinstance(v, (Mapping, list))]
    return [value]


def _match_operator(operator: str, argument: Any, value: Any) -> bool:
    if operator in _STRING_OPERATORS:
        return isinstance(value, str) and _match_string(operator, argument, value)
    if operator == "anything-but":
        if isinstance(argument, Mapping):
            ((inner, inner_argument),) = argument.items()
            return isinstance(value, str) and not _match_string(inner, inner_argument, value)
        excluded = argument if isinstance(argument, list) else [argument]
        return not any(_equal(value, other) for other in excluded)
    if operator == "numeric":
        return _is_number(value) and _match_numeric(argument, float(value))
    if operator == "cidr":
        if not isinstance(value, str):
            return False
        try:
            return ipaddress.ip_address(value) in ipaddress.ip_network(str(argument), strict=False)
        except ValueError:
            return False
    return False  # pragma: no cover - validate_pattern rejects unknown operators


def _match_string(operator: str, argument: Any, value: str) -> bool:
    if operator in ("prefix", "suffix"):
        if isinstance(argument, Mapping):
            expected, actual = argument["equals-ignore-case"].casefold(), value.casefold()
        else:
            expected, actual = argument, value
        return actual.startswith(expected) if operator == "prefix" else actual.endswith(expected)
    if operator == "equals-ignore-case":
        return bool(value.casefold() == argument.casefold())
    if operator == "wildcard":
        regex = ".*".join(re.escape(part) for part in argument.split("*"))
        return re.fullmatch(regex, value, flags=re.DOTALL) is not None
    return False  # pragma: no cover


def _match_numeric(conditions: list[Any], value: float) -> bool:
    for operator, bound in zip(conditions[0::2], conditions[1::2], strict=True):
        bound = float(bound)
        ok = {
            "=": math.isclose(value, bound, rel_tol=0, abs_tol=1e-9),
            "<": value < bound,
            "<=": value <= bound,
            ">": value > bound,
            ">=": value >= bound,
        }[operator]
        if not ok:
            return False
    return True


def _equal(value: Any, expected: Any) -> bool:
    if _is_number(expected):
        return _is_number(value) and float(value) == float(expected)
    if isinstance(expected, bool) or expected is None:
        return value is expected
    return isinstance(value, str) and value == expected


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_ignore_case(argument: Any) -> bool:
    return (
        isinstance(argument, Mapping)
        and set(argument) == {"equals-ignore-case"}
        and isinstance(argument["equals-ignore-case"], str)
    )
