"""Strict types at the edge: JSON true is not an id or a number, "5" is not a number, "yes" is not true;
values a person stores hold no hidden characters; an amount is never rounded without notice."""

import json

import boto3
import pytest

from tests.support.documents import invoice_pdf

RULE = {
    "name": "r",
    "conditions": [{"field": "status", "op": "exists"}],
    "actions": [{"type": "add_note", "value": "x"}],
}
PROFILE = {"name": "P", "fields": [{"name": "total", "type": "amount"}]}
PRESIGNED = {"contact_id": 1, "folder_id": 1, "filename": "a.pdf"}

# (method, path, body): each must be 422, and change nothing.
LAX_BODIES = [
    ("PATCH", "/api/documents/1", {"contact_id": True}),
    ("PATCH", "/api/documents/1", {"folder_id": True}),
    ("PATCH", "/api/documents/1", {"profile_id": "1"}),
    ("PATCH", "/api/documents/1", {"contact_id": 1.0}),
    ("PATCH", "/api/documents/1", {"extracted_fields": {"total_amount": True}}),
    ("PATCH", "/api/documents/1", {"line_items": [{"amount": False}]}),
    ("POST", "/api/contacts", {"name": "c", "default_profile_id": True}),
    ("POST", "/api/contacts", {"name": "c", "default_profile_id": "1"}),
    ("POST", "/api/documents/uploads", {"contact_id": True, "folder_id": 1, "filename": "a.pdf"}),
    ("POST", "/api/documents/uploads", {"contact_id": 1, "folder_id": "1", "filename": "a.pdf"}),
    ("POST", "/api/rules", {**RULE, "priority": "5"}),
    ("POST", "/api/rules", {**RULE, "priority": True}),
    ("POST", "/api/rules", {**RULE, "priority": 5.0}),
    ("POST", "/api/rules", {**RULE, "enabled": "yes"}),
    ("POST", "/api/rules", {**RULE, "enabled": 1}),
    ("POST", "/api/rules", {**RULE, "actions": [{"type": "move_to_folder", "value": True}]}),
    ("POST", "/api/rules/1/test", {"document_id": True}),
    ("POST", "/api/profiles", {**PROFILE, "line_items": "yes"}),
    ("POST", "/api/profiles", {**PROFILE, "line_items": 1}),
    ("POST", "/api/profiles", {"name": "P", "fields": [{"name": "total", "required": "true"}]}),
    # A field the body does not have is not ignored either.
    ("POST", "/api/webhooks", {"url": "https://93.184.215.14/hook", "enabled": False}),
    ("POST", "/api/webhooks", {"url": "https://93.184.215.14/hook", "secret": "whsec_chosen"}),
]


@pytest.fixture
def seeded(stack, contact, folder):
    """Document 1 in contact 1, folder 1, and rule 1; contact 2 and folder 2 exist too."""
    assert stack.upload(invoice_pdf(), fields={"contact_id": 1, "folder_id": 1}).status == 201
    assert stack.request("POST", "/api/rules", json_body=RULE).status == 201
    assert stack.request("POST", "/api/contacts", json_body={"name": "Other"}).status == 201
    assert stack.request("POST", "/api/folders", json_body={"name": "Other"}).status == 201
    return stack


def test_bools_are_not_ids_and_strings_are_not_numbers(seeded):
    totals = {path: seeded.request("GET", path).json()["total"] for path in ("/api/contacts", "/api/rules")}
    before = seeded.document(1)
    for method, path, body in LAX_BODIES:
        r = seeded.request(method, path, json_body=body)
        assert r.status == 422, (method, path, body, r.status, r.body[:300])
        assert r.json()["detail"]
    after = seeded.document(1)
    assert (after["contact_id"], after["folder_id"], after["version"]) == (1, 1, before["version"])
    assert {path: seeded.request("GET", path).json()["total"] for path in totals} == totals
    assert seeded.request("GET", "/api/profiles").json()["total"] == 1
    assert seeded.request("GET", "/api/documents").json()["total"] == 1
    assert seeded.request("GET", "/api/webhooks").json()["total"] == 0


HIDDEN = ["\x00", "\u202e", "\u202a", "\u2066", "\u2069", "\x1b", "\x7f", "\x85"]


def hidden_character_bodies(hidden):
    return [
        ("PATCH", "/api/documents/1", {"extracted_fields": {"vendor": f"Zephyr{hidden}Supplies"}}),
        ("PATCH", "/api/documents/1", {"notes": f"checked{hidden}"}),
        ("PATCH", "/api/documents/1", {"doc_type": f"Invoice{hidden}"}),
        ("PATCH", "/api/documents/1", {"line_items": [{"description": f"paper{hidden}"}]}),
        ("PATCH", "/api/documents/1/status", {"status": "Approved", "notes": f"ok{hidden}"}),
        ("POST", "/api/contacts", {"name": f"Zephyr{hidden}"}),
        ("POST", "/api/rules", {**RULE, "actions": [{"type": "add_note", "value": f"x{hidden}"}]}),
        ("POST", "/api/webhooks", {"url": "https://93.184.215.14/hook", "description": f"crm{hidden}"}),
        ("POST", "/api/documents/uploads", {**PRESIGNED, "external_refs": {f"crm{hidden}": {"record_id": "1"}}}),
        ("POST", "/api/documents/uploads", {**PRESIGNED, "external_refs": {"crm": {"record_id": f"00{hidden}1"}}}),
        ("POST", "/api/documents/uploads", {**PRESIGNED, "external_refs": {"crm": {"tags": ["a", {"b": hidden}]}}}),
        ("POST", "/api/folders", {"name": f"Q4{hidden}"}),
        ("POST", "/api/profiles", {**PROFILE, "name": f"P{hidden}"}),
        ("POST", "/api/profiles", {"name": "P", "fields": [{"name": "total", "description": f"sum{hidden}"}]}),
        ("POST", "/api/profiles", {**PROFILE, "doc_types": ["Invoice", f"Receipt{hidden}"]}),
        ("POST", "/api/rules", {**RULE, "name": f"r{hidden}"}),
        ("PUT", "/api/rules/1", {**RULE, "name": f"r{hidden}"}),
        ("POST", "/api/rules", {**RULE, "conditions": [{"field": "vendor", "op": "equals", "value": f"a{hidden}"}]}),
    ]


def test_values_with_hidden_characters_are_refused(seeded):
    version = seeded.document(1)["version"]
    for hidden in HIDDEN:
        for method, path, body in hidden_character_bodies(hidden):
            r = seeded.request(method, path, json_body=body)
            assert r.status == 422, (method, path, body, r.status, r.body[:300])
            assert "U+" in r.body.decode()
    assert seeded.document(1)["version"] == version
    assert seeded.request("GET", "/api/contacts").json()["total"] == 2
    assert seeded.request("GET", "/api/documents").json()["total"] == 1
    assert seeded.request("GET", "/api/rules/1").json()["name"] == "r"


@pytest.mark.parametrize("hidden", HIDDEN)
def test_external_refs_of_a_multipart_upload_hide_no_character(seeded, hidden):
    for refs in ({f"crm{hidden}": {"record_id": "1"}}, {"crm": {"record_id": f"00{hidden}1"}}):
        r = seeded.upload(invoice_pdf(), fields={"contact_id": 1, "folder_id": 1, "external_refs": json.dumps(refs)})
        assert r.status == 422 and f"U+{ord(hidden):04X}" in r.json()["detail"], (refs, r.status, r.body)
    assert seeded.request("GET", "/api/documents").json()["total"] == 1


@pytest.mark.parametrize("value", ["crm\x00:1", "crm:\u202e1", "crm:1\x1b", "crm:\x851", "\x1fcrm:1"])
def test_the_external_ref_filter_refuses_what_external_refs_cannot_hold(seeded, value):
    r = seeded.request("GET", "/api/documents", params={"external_ref": value})
    assert r.status == 422 and "external_ref's" in r.json()["detail"], (value, r.status, r.body)


def test_external_refs_with_marks_and_joiners_are_stored_and_found(seeded):
    refs = {"crm\u200d": {"record_id": "\u05e9\u200f1"}}
    r = seeded.upload(invoice_pdf(), fields={"contact_id": 1, "folder_id": 1, "external_refs": json.dumps(refs)})
    assert r.status == 201 and r.json()["external_refs"] == refs, r.body
    found = seeded.request("GET", "/api/documents", params={"external_ref": "crm\u200d:\u05e9\u200f1"})
    assert [d["id"] for d in found.json()["documents"]] == [r.json()["id"]]


def test_tabs_line_breaks_and_right_to_left_text_are_kept(seeded):
    notes = "checked\tby hand\r\nsecond line \u05e9\u05dc\u05d5\u05dd\u200f"
    r = seeded.request(
        "PATCH",
        "/api/documents/1",
        json_body={"notes": notes, "extracted_fields": {"vendor": "\u0634\u0631\u0643\u0629"}},
    )
    assert r.status == 200, r.body
    assert r.json()["notes"] == notes and r.json()["extracted_fields"]["vendor"] == "\u0634\u0631\u0643\u0629"


def test_filenames_are_cleaned_rather_than_refused(seeded):
    r = seeded.request(
        "POST", "/api/documents/uploads", json_body={"contact_id": 1, "folder_id": 1, "filename": "scan\x00\u202e.pdf"}
    )
    assert r.status == 201 and r.json()["filename"] == "scan.pdf", r.body


def test_amounts_are_stored_in_hundredths_and_zero_has_no_sign(seeded):
    for value, stored in [("-0.0", "0.00"), (-0.0, "0.00"), ("-0", "0.00"), ("1.500", "1.50"), (12.5, "12.50")]:
        r = seeded.request("PATCH", "/api/documents/1", json_body={"extracted_fields": {"total_amount": value}})
        assert r.status == 200, (value, r.body)
        assert r.json()["extracted_fields"]["total_amount"] == stored, value


def test_amounts_with_more_than_hundredths_are_refused_not_rounded(seeded):
    for value in ("0.001", 0.001, "18500.005", "1.0001"):
        r = seeded.request("PATCH", "/api/documents/1", json_body={"extracted_fields": {"total_amount": value}})
        assert r.status == 422, (value, r.status, r.body)
        assert "total_amount" in r.json()["detail"]
    assert seeded.document(1)["extracted_fields"].get("total_amount") is None


def _store_name(stack, name_now, hidden_name):
    """Gives a stored record the name `hidden_name`, as a record written before hidden characters were refused."""
    client = boto3.client("dynamodb")
    items = client.scan(TableName=stack.table)["Items"]
    (item,) = [i for i in items if i.get("name", {}).get("S") == name_now]
    client.update_item(
        TableName=stack.table,
        Key={"pk": item["pk"], "sk": item["sk"]},
        UpdateExpression="SET #n = :n",
        ExpressionAttributeNames={"#n": "name"},
        ExpressionAttributeValues={":n": {"S": hidden_name}},
    )


def test_records_stored_before_hidden_characters_were_refused_still_read(seeded):
    assert seeded.request("POST", "/api/profiles", json_body={**PROFILE, "name": "Old profile"}).status == 201
    _store_name(seeded, "Old profile", "Old\x00profile")
    _store_name(seeded, "r", "old\u202erule")
    profile = seeded.request("GET", "/api/profiles/2")
    assert profile.status == 200 and profile.json()["name"] == "Old\x00profile", profile.body
    rules = seeded.request("GET", "/api/rules")
    assert rules.status == 200 and rules.json()["rules"][0]["name"] == "old\u202erule", rules.body
    assert seeded.request("POST", "/api/rules/1/test", json_body={"document_id": 1}).status == 200
    # Written again, it is checked as any new value is.
    replaced = seeded.request("PUT", "/api/rules/1", json_body=rules.json()["rules"][0])
    assert replaced.status == 422 and "U+202E" in replaced.body.decode()


def send_raw(stack, method, path, body, content_type="application/json"):
    """`body` exactly as given (bytes a JSON library would not write)."""
    headers = {} if content_type is None else {"content-type": content_type}
    return stack.request(method, path, body=body, headers=headers)


# JSON that Python would read other than as written: each is 422 on every route, and changes nothing.
LAX_JSON = [
    (b'{"name": "a", "name": "b"}', "appears twice"),
    (b'{"name": "a", "default_profile_id": 1, "default_profile_id": 2}', "appears twice"),
    (b'{"name": 1e-400}', "0.0"),
    (b'{"name": 5.0000000000000000001}', "5.0"),
    (b'{"name": 9007199254740993.0}', "9007199254740992.0"),
    ('{"name": "utf-16"}'.encode("utf-16"), "UTF-8"),
    ('{"name": "utf-32"}'.encode("utf-32"), "UTF-8"),
]


@pytest.mark.parametrize(("body", "reason"), LAX_JSON)
def test_json_read_other_than_as_written_is_refused(seeded, body, reason):
    version = seeded.document(1)["version"]
    for method, path in [
        ("POST", "/api/contacts"),
        ("POST", "/api/folders"),
        ("PATCH", "/api/documents/1"),
        ("POST", "/api/rules"),
        ("PUT", "/api/rules/1"),
        ("POST", "/api/profiles"),
        ("POST", "/api/webhooks"),
        ("POST", "/api/documents/uploads"),
        ("POST", "/api/rules/1/test"),
    ]:
        for content_type in ("application/json", "application/json; charset=utf-8", "application/merge-patch+json"):
            r = send_raw(seeded, method, path, body, content_type)
            assert r.status == 422 and reason in r.json()["detail"], (method, path, body, r.status, r.body[:300])
        # The status route answers any malformed body with its published 400.
        r = send_raw(seeded, "PATCH", "/api/documents/1/status", body, content_type)
        assert r.status == 400 and reason in r.json()["detail"], (body, r.status, r.body[:300])
    assert seeded.document(1)["version"] == version
    assert seeded.request("GET", "/api/contacts").json()["total"] == 2


def test_nested_duplicates_and_numbers_are_found_too(seeded):
    for body in (
        b'{"extracted_fields": {"vendor": "a", "vendor": "b"}}',
        b'{"line_items": [{"amount": 1, "amount": 2}]}',
        b'{"extracted_fields": {"total_amount": 0.1000000000000000000001}}',
        b'{"line_items": [{"quantity": 1e-400}]}',
    ):
        r = send_raw(seeded, "PATCH", "/api/documents/1", body)
        assert r.status == 422 and "not read as written" in r.json()["detail"], (body, r.status, r.body)


def test_the_status_route_reads_its_body_as_strictly_whatever_its_content_type(seeded):
    for content_type in ("application/json", "text/plain", None):
        r = send_raw(
            seeded, "PATCH", "/api/documents/1/status", b'{"status": "Approved", "status": "New"}', content_type
        )
        assert r.status == 400 and "appears twice" in r.json()["detail"], (content_type, r.status, r.body)
    assert seeded.document(1)["status"] != "Approved"


def test_external_refs_of_a_multipart_upload_are_read_as_strictly(seeded):
    for refs, reason in [
        ('{"crm": {"record_id": "1", "record_id": "2"}}', "appears twice"),
        ('{"crm": {"amount": NaN}}', "NaN"),
        ('{"crm": {"amount": 1e-400}}', "0.0"),
    ]:
        r = seeded.upload(invoice_pdf(), fields={"contact_id": 1, "folder_id": 1, "external_refs": refs})
        assert r.status == 422 and reason in r.json()["detail"], (refs, r.status, r.body)
    assert seeded.request("GET", "/api/documents").json()["total"] == 1


def test_json_numbers_written_in_any_exact_form_are_read(seeded):
    for literal, stored in [
        (b"1E2", "100.00"),
        (b"12.50", "12.50"),
        (b"-0.0", "0.00"),
        (b"0.1", "0.10"),
        (b"1e0", "1.00"),
    ]:
        r = send_raw(seeded, "PATCH", "/api/documents/1", b'{"extracted_fields": {"total_amount": %s}}' % literal)
        assert r.status == 200, (literal, r.body)
        assert r.json()["extracted_fields"]["total_amount"] == stored, literal


def test_a_utf8_byte_order_mark_is_allowed_and_a_charset_does_not_change_the_reading(seeded):
    r = send_raw(seeded, "POST", "/api/contacts", b'\xef\xbb\xbf{"name": "With mark"}')
    assert r.status == 201 and r.json()["name"] == "With mark", r.body
    r = send_raw(seeded, "POST", "/api/contacts", '{"name": "Zoë"}'.encode(), "application/json; charset=latin-1")
    assert r.status == 201 and r.json()["name"] == "Zoë", r.body


@pytest.mark.parametrize(
    "content_type", [None, "", "text/plain", "application/xml", "application/x-www-form-urlencoded"]
)
def test_json_sent_as_something_else_is_not_read_as_json(seeded, content_type):
    r = send_raw(seeded, "POST", "/api/contacts", b'{"name": "Typed wrong"}', content_type)
    assert r.status == 422 and r.json()["detail"], (content_type, r.status, r.body)
    assert seeded.request("GET", "/api/contacts").json()["total"] == 2


def test_json_nested_beyond_any_reader_is_a_422_for_objects_as_for_arrays(seeded):
    for body in (
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b'{"name": "x", "z": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ):
        for method, path in (
            ("POST", "/api/contacts"),
            ("PATCH", "/api/documents/1"),
            ("PATCH", "/api/documents/1/status"),
        ):
            r = send_raw(seeded, method, path, body)
            assert r.status in (400, 422) and r.json()["detail"], (method, path, r.status, r.body[:200])


def test_a_document_holding_numbers_at_dynamodbs_edges_can_be_corrected_again(seeded):
    # A number stored as 1E+125 reads back as an int of 126 digits: writing it again (the history keeps the
    # old line items) must not fail.
    for edge in (9.99e125, 1e125, -1e125, 10**38 - 1, 1e-130, 123456789.12345679):
        for body in (
            {"line_items": [{"quantity": edge, "unit_price": edge, "amount": edge}]},
            {"line_items": [{"quantity": 1, "amount": 0.5}]},
        ):
            r = seeded.request("PATCH", "/api/documents/1", json_body=body)
            assert r.status == 200, (edge, body, r.status, r.body[:300])
    history = seeded.request("GET", "/api/documents/1/history", params={"limit": 200})
    assert history.status == 200 and history.json()["total"] >= 12
