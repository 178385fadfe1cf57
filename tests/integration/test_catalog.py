"""Contacts, folders and extraction profiles (API.md Part 2)."""

import pytest

PROFILE = {
    "name": "Receipts",
    "doc_types": ["Receipt"],
    "fields": [
        {"name": "merchant", "type": "string", "required": True, "description": "Store name"},
        {"name": "total_amount", "type": "amount", "required": True},
    ],
}


@pytest.mark.parametrize("resource", ["contacts", "folders"])
def test_create_list_and_get(stack, resource):
    created = [stack.request("POST", f"/api/{resource}", json_body={"name": f"n{i}"}).json() for i in range(3)]
    assert [c["id"] for c in created] == [1, 2, 3]
    page = stack.request("GET", f"/api/{resource}", params={"limit": 2}).json()
    assert page["total"] == 3 and [c["id"] for c in page[resource]] == [3, 2]
    assert stack.request("GET", f"/api/{resource}/2").json() == created[1]
    for unknown in ("99", "0", "abc"):
        r = stack.request("GET", f"/api/{resource}/{unknown}")
        assert r.status == 404 and r.json()["detail"]


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": 5}, {"name": "x", "unexpected": 1}, []])
@pytest.mark.parametrize("resource", ["contacts", "folders", "profiles"])
def test_malformed_bodies_are_422(stack, resource, body):
    r = stack.request("POST", f"/api/{resource}", json_body=body)
    assert r.status == 422 and r.json()["detail"]


def test_a_contact_defaults_to_the_builtin_invoice_profile(stack):
    contact = stack.request("POST", "/api/contacts", json_body={"name": "Acme"}).json()
    assert contact["default_profile_id"] == 1
    r = stack.request("POST", "/api/contacts", json_body={"name": "Acme", "default_profile_id": 42})
    assert r.status == 422 and "default_profile_id" in r.json()["detail"]


def test_the_builtin_profile_exists_and_custom_ones_follow_it(stack):
    builtin = stack.request("GET", "/api/profiles/1").json()
    assert builtin["name"] == "Invoice"
    assert [f["name"] for f in builtin["fields"]] == [
        "vendor",
        "invoice_number",
        "invoice_date",
        "due_date",
        "currency",
        "subtotal",
        "tax_amount",
        "total_amount",
    ]
    r = stack.request("POST", "/api/profiles", json_body=PROFILE)
    assert r.status == 201 and r.json()["id"] == 2
    listed = stack.request("GET", "/api/profiles").json()
    assert listed["total"] == 2 and [p["id"] for p in listed["profiles"]] == [2, 1]


def test_a_profile_with_duplicate_or_badly_typed_fields_is_422(stack):
    twice = {**PROFILE, "fields": PROFILE["fields"] + [PROFILE["fields"][0]]}
    assert stack.request("POST", "/api/profiles", json_body=twice).status == 422
    bad_type = {**PROFILE, "fields": [{"name": "x", "type": "blob"}]}
    assert stack.request("POST", "/api/profiles", json_body=bad_type).status == 422


def test_a_document_uses_its_contacts_default_profile_unless_told_otherwise(stack):
    from tests.support.documents import invoice_pdf

    profile_id = stack.request("POST", "/api/profiles", json_body=PROFILE).json()["id"]
    contact = stack.request("POST", "/api/contacts", json_body={"name": "Shop", "default_profile_id": profile_id})
    folder = stack.request("POST", "/api/folders", json_body={"name": "Receipts"}).json()
    fields = {"contact_id": contact.json()["id"], "folder_id": folder["id"]}
    assert stack.upload(invoice_pdf(), fields=fields).json()["profile_id"] == profile_id
    assert stack.upload(invoice_pdf(), fields={**fields, "profile_id": 1}).json()["profile_id"] == 1
    stack.deliver_s3_events()
    custom = stack.document(1)
    assert set(custom["extracted_fields"]) == {"merchant", "total_amount"}
