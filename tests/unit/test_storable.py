"""The bounds every stored value is checked against where it enters: what DynamoDB can store, and no more."""

import decimal
import json

import pytest
from boto3.dynamodb.types import TypeSerializer

from recordengine.storable import (
    MAX_EXTERNAL_REF_SYSTEMS,
    MAX_EXTERNAL_REFS_BYTES,
    excerpt,
    external_refs_problem,
    hidden_character_problem,
    json_problem,
    number_problem,
    text_problem,
)
from recordengine.storage.dynamo import from_item, to_item

STORABLE_NUMBERS = [
    0,
    -0.0,
    1,
    -1,
    0.1,
    12.5,
    10**38 - 1,
    -(10**38 - 1),
    9.99e125,
    -9.99e125,
    1e-130,
    -1e-130,
    1.5e-130,
    123456789.123456789,
]
UNSTORABLE_NUMBERS = [
    float("nan"),
    float("inf"),
    float("-inf"),
    1e126,
    -1e200,
    1e300,
    1e-131,
    1e-300,
    10**38,
    123456789012345678901234567890123456789012,
    -(10**45),
]


@pytest.mark.parametrize("number", STORABLE_NUMBERS)
def test_numbers_that_pass_are_written_and_read_back_by_storage(number):
    assert number_problem(number) is None
    item = to_item({"value": number})  # boto3's serializer refuses what DynamoDB would
    # (An integral number comes back as an int up to 38 digits, and as a float past them: 9.99e125.)
    assert from_item(item)["value"] == pytest.approx(number, rel=1e-15)


@pytest.mark.parametrize("number", STORABLE_NUMBERS)
def test_numbers_read_back_from_storage_are_written_again_unchanged(number):
    # As an int, 9.99e125 would be 126 digits, which boto3 refuses to write: it reads back as the float it was.
    read = from_item(to_item({"value": number}))["value"]
    assert from_item(to_item({"value": read})) == {"value": read}


def test_no_integer_is_rounded_on_its_way_to_storage():
    with pytest.raises(decimal.DecimalException):
        to_item({"value": 10**60 + 1})


@pytest.mark.parametrize("number", UNSTORABLE_NUMBERS)
def test_numbers_dynamodb_cannot_store_are_refused(number):
    assert number_problem(number)


def test_a_refused_number_boto3_would_send_is_outside_dynamodbs_own_range():
    serializer = TypeSerializer()
    for number in UNSTORABLE_NUMBERS:
        if number != number or number in (float("inf"), float("-inf")):
            continue
        try:
            serializer.serialize(to_item({"n": number})["n"])
        except Exception:
            continue
        # boto3 takes it: then DynamoDB's own range (1E-130 .. 9.99E+125) is what refuses it.
        assert abs(number) >= 1e126 or abs(number) < 1e-130


def test_text_with_a_lone_surrogate_is_refused():
    assert text_problem("Approved\ud800")
    assert text_problem("emoji 😀 and accents é") is None


@pytest.mark.parametrize("character", ["\x00", "\x08", "\x1b", "\x7f", "\x85", "\u202a", "\u202e", "\u2066", "\u2069"])
def test_control_characters_and_bidirectional_overrides_are_refused(character):
    problem = hidden_character_problem(f"Zephyr{character}Supplies")
    assert problem and f"U+{ord(character):04X}" in problem


def test_tabs_line_breaks_marks_and_joiners_are_text():
    # Right-to-left marks and zero-width (non-)joiners are part of how scripts are written; they override nothing.
    assert hidden_character_problem("a\tb\r\nc \u200f\u200e\u200c\u200d 👩\u200d💻 \u05e9\u05dc\u05d5\u05dd") is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({"": 1}, "empty key"),
        ({"a": {"": 1}}, "empty key"),
        ({"k" * 300: 1}, "longer than 256 bytes"),
        ({"\ud800": 1}, "lone surrogate"),
        ({"a": ["ok", "\udfff"]}, "lone surrogate"),
        ({"a": [1, float("nan")]}, "finite"),
        (json.loads('{"a":' * 20 + "1" + "}" * 20), "nested more than 8"),
        ({"a": object()}, "not a JSON value"),
    ],
)
def test_json_problems_name_the_place_and_the_reason(value, reason):
    problem = json_problem(value, max_depth=8, max_key_bytes=256)
    assert problem and reason in problem


def test_a_hostile_depth_costs_nothing():
    deep: dict = {}
    node = deep
    for _ in range(10_000):
        node["a"] = {}
        node = node["a"]
    assert "nested" in json_problem(deep, max_depth=8, max_key_bytes=256)


def test_ordinary_external_refs_pass():
    refs = {
        "salesforce": {
            "record_id": "001Qy00000BnXt2IAF",
            "record_type": "Opportunity",
            "record_url": "https://yourorg.salesforce.com/001Qy00000BnXt2IAF",
        },
        "erp": {"record_id": 4711, "amount": 12.5, "tags": ["a", "b"], "nested": {"n": None, "ok": True}},
    }
    assert external_refs_problem(refs) is None


@pytest.mark.parametrize(
    ("refs", "reason"),
    [
        ({"salesforce": {"record_id": "x" * 257}}, "record_id"),
        ({"s" * 2100: {"record_id": "1"}}, "longer than 256 bytes"),
        ({"crm": {"note": "x" * MAX_EXTERNAL_REFS_BYTES}}, f"at most {MAX_EXTERNAL_REFS_BYTES}"),
        ({f"s{n}": {"record_id": str(n)} for n in range(MAX_EXTERNAL_REF_SYSTEMS + 1)}, "systems"),
        ({"crm": {"amount": 1e200}}, "out of range"),
        ({"crm": {"record_id": 123456789012345678901234567890123456789012345}}, "digits"),
    ],
)
def test_unstorable_external_refs_are_refused_with_a_reason(refs, reason):
    problem = external_refs_problem(refs)
    assert problem and reason in problem
    problem.encode("utf-8")  # the message itself can always be sent


@pytest.mark.parametrize("hidden", ["\x00", "\x1b", "\x85", "\u202e", "\u2066"])
@pytest.mark.parametrize(
    "refs",
    [
        lambda h: {f"crm{h}": {"record_id": "1"}},
        lambda h: {"crm": {"record_id": f"00{h}1"}},
        lambda h: {"crm": {f"record{h}_url": "x"}},
        lambda h: {"crm": {"nested": {"tags": ["ok", f"a{h}"]}}},
    ],
)
def test_external_refs_hide_no_character_in_keys_or_text(refs, hidden):
    problem = external_refs_problem(refs(hidden))
    assert problem and f"U+{ord(hidden):04X}" in problem, problem


def test_external_refs_keep_marks_and_joiners_as_text():
    assert external_refs_problem({"crm": {"record_id": "\u05e9\u200f\u200d 1"}}) is None


def test_a_record_id_of_256_multibyte_bytes_passes_and_its_index_key_fits():
    from recordengine.storage.keys import external_ref_key

    system, record_id = "é" * 128, "€" * 85  # 256 and 255 bytes of UTF-8
    assert external_refs_problem({system: {"record_id": record_id}}) is None
    assert len(external_ref_key(system, record_id).encode()) <= 2048


def test_excerpts_are_short_and_always_encodable():
    assert excerpt("short") == "short"
    assert excerpt("x" * 100, 10) == "x" * 10 + "…"
    assert excerpt("bad\ud800").encode("utf-8") == b"bad?"


def test_a_key_problem_names_where_the_key_is():
    assert external_refs_problem({"crm\x00": {"record_id": "1"}}).startswith("external_refs has a key that contains")
    assert external_refs_problem({"crm": {"\ud800": 1}}).startswith('external_refs["crm"] has a key that is not valid')
    assert external_refs_problem({"k" * 300: 1}) == "external_refs has a key longer than 256 bytes."
