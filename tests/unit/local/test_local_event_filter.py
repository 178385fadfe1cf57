"""Lambda event filtering (FilterCriteria) as the local stream reader applies it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from local.event_filter import FilterPatternError, matches, matches_any, validate_pattern


def stream_record(
    event_name: str = "MODIFY", new: dict[str, Any] | None = None, old: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A DynamoDB stream record as Lambda passes it to a function (and matches filters against it)."""
    dynamodb: dict[str, Any] = {
        "ApproximateCreationDateTime": 1763195021,
        "Keys": {"pk": {"S": "DOC#847"}, "sk": {"S": "DOC"}},
        "SequenceNumber": "1100000000017454423009",
        "SizeBytes": 120,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if new is not None:
        dynamodb["NewImage"] = new
    if old is not None:
        dynamodb["OldImage"] = old
    return {
        "eventID": "c4ca4238a0b923820dcc509a6f75849b",
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": dynamodb,
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2025-01-01T00:00:00.000",
    }


EXPORTED = stream_record(
    new={"status": {"S": "Export"}, "score": {"N": "87"}, "tags": {"SS": ["a", "b"]}},
    old={"status": {"S": "Approved"}},
)
APPROVED = stream_record(new={"status": {"S": "Approved"}}, old={"status": {"S": "Needs Review"}})
REMOVED = stream_record("REMOVE", old={"status": {"S": "Export"}})

# The filter the webhook function will use: documents entering Export.
ENTERING_EXPORT = {
    "eventName": ["INSERT", "MODIFY"],
    "dynamodb": {
        "NewImage": {"status": {"S": ["Export"]}},
        "OldImage": {"status": {"S": [{"anything-but": ["Export"]}]}},
    },
}


def test_the_export_filter() -> None:
    assert matches(ENTERING_EXPORT, EXPORTED)
    assert not matches(ENTERING_EXPORT, APPROVED)
    assert not matches(ENTERING_EXPORT, REMOVED)
    # Already in Export (a later edit of an exported document): not entering it.
    again = stream_record(new={"status": {"S": "Export"}}, old={"status": {"S": "Export"}})
    assert not matches(ENTERING_EXPORT, again)
    # An INSERT straight into Export has no OldImage: anything-but needs the field, so it does not match.
    inserted = stream_record("INSERT", new={"status": {"S": "Export"}})
    assert not matches(ENTERING_EXPORT, inserted)


def test_exact_values_are_type_exact() -> None:
    assert matches({"dynamodb": {"NewImage": {"score": {"N": ["87"]}}}}, EXPORTED)
    # A DynamoDB number is a string in the record: the number 87 does not match it.
    assert not matches({"dynamodb": {"NewImage": {"score": {"N": [87]}}}}, EXPORTED)
    assert matches({"n": [87]}, {"n": 87.0})
    assert not matches({"n": ["87"]}, {"n": 87})
    assert matches({"flag": [True]}, {"flag": True})
    assert not matches({"flag": [True]}, {"flag": 1})
    assert matches({"v": [None]}, {"v": None})
    assert not matches({"v": [None]}, {})
    assert matches({"v": [""]}, {"v": ""})


def test_or_within_a_field_and_and_across_fields() -> None:
    pattern = {"eventName": ["INSERT", "MODIFY"], "dynamodb": {"NewImage": {"status": {"S": ["Export", "Ready"]}}}}
    assert matches(pattern, EXPORTED)
    assert not matches(pattern, stream_record("REMOVE", new={"status": {"S": "Export"}}))
    assert not matches(pattern, APPROVED)


def test_arrays_in_the_record_match_when_any_element_does() -> None:
    assert matches({"dynamodb": {"NewImage": {"tags": {"SS": ["b"]}}}}, EXPORTED)
    assert not matches({"dynamodb": {"NewImage": {"tags": {"SS": ["c"]}}}}, EXPORTED)
    assert matches({"xs": [{"prefix": "ab"}]}, {"xs": ["zz", "abc"]})
    assert matches({"xs": [{"anything-but": "a"}]}, {"xs": ["a", "b"]})
    assert not matches({"xs": [{"anything-but": "a"}]}, {"xs": ["a"]})


def test_prefix_suffix_and_ignore_case() -> None:
    record = {"key": "documents/847/Invoice.PDF"}
    assert matches({"key": [{"prefix": "documents/"}]}, record)
    assert not matches({"key": [{"prefix": "uploads/"}]}, record)
    assert matches({"key": [{"suffix": ".PDF"}]}, record)
    assert not matches({"key": [{"suffix": ".pdf"}]}, record)
    assert matches({"key": [{"suffix": {"equals-ignore-case": ".pdf"}}]}, record)
    assert matches({"key": [{"prefix": {"equals-ignore-case": "DOCUMENTS/"}}]}, record)
    assert matches({"key": [{"equals-ignore-case": "DOCUMENTS/847/invoice.pdf"}]}, record)
    assert matches({"key": [{"wildcard": "documents/*/*.PDF"}]}, record)
    assert not matches({"key": [{"wildcard": "documents/*.txt"}]}, record)
    # String operators never match numbers.
    assert not matches({"n": [{"prefix": "1"}]}, {"n": 12})


def test_anything_but() -> None:
    assert matches({"s": [{"anything-but": "Export"}]}, {"s": "Ready"})
    assert not matches({"s": [{"anything-but": "Export"}]}, {"s": "Export"})
    assert matches({"s": [{"anything-but": ["Export", "Archived"]}]}, {"s": "Ready"})
    assert not matches({"s": [{"anything-but": ["Export", "Archived"]}]}, {"s": "Archived"})
    assert matches({"n": [{"anything-but": [1, 2]}]}, {"n": 3})
    assert not matches({"n": [{"anything-but": [1, 2]}]}, {"n": 2.0})
    assert matches({"s": [{"anything-but": {"prefix": "tmp/"}}]}, {"s": "documents/a"})
    assert not matches({"s": [{"anything-but": {"prefix": "tmp/"}}]}, {"s": "tmp/a"})
    assert not matches({"s": [{"anything-but": {"suffix": ".tmp"}}]}, {"s": "a.tmp"})
    # A missing field matches no anything-but.
    assert not matches({"s": [{"anything-but": "Export"}]}, {})


@pytest.mark.parametrize(
    ("condition", "value", "expected"),
    [
        (["=", 5], 5, True),
        (["=", 5], 5.0, True),
        (["=", 5], 6, False),
        ([">", 0], 0.5, True),
        ([">", 0], 0, False),
        ([">=", 0], 0, True),
        (["<", 10], 10, False),
        (["<=", 10], 10, True),
        ([">", 0, "<=", 5], 5, True),
        ([">", 0, "<=", 5], 0, False),
        ([">=", 10, "<", 20], 15, True),
        ([">=", 10, "<", 20], 20, False),
        ([">", 0], "5", False),  # a numeric string is not a number
        ([">", 0], True, False),
    ],
)
def test_numeric(condition: list[Any], value: Any, expected: bool) -> None:
    assert matches({"n": [{"numeric": condition}]}, {"n": value}) is expected


def test_exists() -> None:
    assert matches({"dynamodb": {"NewImage": {"webhook": [{"exists": False}]}}}, EXPORTED)
    assert not matches({"dynamodb": {"NewImage": {"webhook": [{"exists": True}]}}}, EXPORTED)
    assert matches({"dynamodb": {"NewImage": {"status": {"S": [{"exists": True}]}}}}, EXPORTED)
    assert not matches({"dynamodb": {"NewImage": {"status": {"S": [{"exists": False}]}}}}, EXPORTED)
    # No NewImage at all (a REMOVE): its leaves don't exist.
    assert matches({"dynamodb": {"NewImage": {"status": {"S": [{"exists": False}]}}}}, REMOVED)
    # exists applies to leaves; an object at that key is not a leaf.
    assert not matches({"dynamodb": {"NewImage": [{"exists": True}]}}, EXPORTED)
    assert matches({"v": [{"exists": True}]}, {"v": None})


def test_cidr() -> None:
    assert matches({"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip": "10.0.0.7"})
    assert not matches({"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip": "10.0.1.7"})
    assert not matches({"ip": [{"cidr": "10.0.0.0/24"}]}, {"ip": "not an ip"})


def test_or_of_patterns() -> None:
    pattern = {"$or": [{"eventName": ["REMOVE"]}, {"dynamodb": {"NewImage": {"status": {"S": ["Export"]}}}}]}
    assert matches(pattern, EXPORTED)
    assert matches(pattern, REMOVED)
    assert not matches(pattern, APPROVED)


def test_a_nested_pattern_against_a_scalar_or_missing_value() -> None:
    assert not matches({"dynamodb": {"NewImage": {"status": {"S": ["Export"]}}}}, {"dynamodb": "text"})
    assert not matches({"eventName": ["MODIFY"]}, {"eventName": {"nested": "MODIFY"}})


def test_filter_criteria_pass_a_record_when_any_filter_matches() -> None:
    approved = {"dynamodb": {"NewImage": {"status": {"S": ["Approved"]}}}}
    exported = {"dynamodb": {"NewImage": {"status": {"S": ["Export"]}}}}
    assert matches_any([approved, exported], EXPORTED)
    assert matches_any([approved, exported], APPROVED)
    assert not matches_any([exported], APPROVED)
    # No FilterCriteria: every record is delivered.
    assert matches_any([], APPROVED)


def test_the_pattern_string_form_used_in_templates() -> None:
    pattern = json.loads('{"dynamodb": {"NewImage": {"status": {"S": ["Export"]}}}}')
    validate_pattern(pattern)
    assert matches(pattern, EXPORTED)


@pytest.mark.parametrize(
    "pattern",
    [
        {},
        [],
        {"eventName": "MODIFY"},  # a leaf must be an array
        {"eventName": []},
        {"eventName": [{"unknown-op": 1}]},
        {"eventName": [{"prefix": 1}]},
        {"eventName": [{"prefix": "a", "suffix": "b"}]},
        {"n": [{"numeric": [">", "1"]}]},
        {"n": [{"numeric": ["~", 1]}]},
        {"n": [{"numeric": ["<", 5, ">", 1]}]},
        {"n": [{"numeric": [">", 1, "<"]}]},
        {"x": [{"exists": "yes"}]},
        {"x": [{"anything-but": []}]},
        {"x": [{"anything-but": {"numeric": [">", 1]}}]},
        {"x": [{"cidr": "not-a-network"}]},
        {"$or": [{"a": ["b"]}]},
        {"x": [["nested"]]},
    ],
)
def test_invalid_patterns_are_rejected(pattern: Any) -> None:
    with pytest.raises(FilterPatternError):
        validate_pattern(pattern)


def test_valid_patterns_pass_validation() -> None:
    for pattern in (
        ENTERING_EXPORT,
        {"n": [{"numeric": [">", 0, "<=", 5]}, {"numeric": ["=", 10]}]},
        {"x": [None, "", 1, True, {"exists": False}, {"anything-but": {"prefix": "a"}}, {"cidr": "10.0.0.0/8"}]},
        {"$or": [{"a": ["b"]}, {"c": [{"suffix": {"equals-ignore-case": ".PDF"}}]}]},
    ):
        validate_pattern(pattern)
