"""Corrections are bounded by what DynamoDB stores: a record that would outgrow its item is refused with
422 before any write, and a history entry of huge values is stored shortened."""

from __future__ import annotations

import pytest

from tests.support.documents import invoice_pdf


@pytest.fixture
def document_id(stack, contact, folder):
    r = stack.upload(invoice_pdf(), fields={"contact_id": contact["id"], "folder_id": folder["id"]})
    assert r.status == 201, r.body
    stack.deliver_s3_events()
    return r.json()["id"]


def test_line_items_that_would_outgrow_the_item_are_422_and_nothing_changes(stack, document_id):
    before = stack.document(document_id)
    items = [{"description": "é" * 1000, "quantity": 1, "amount": 1.0} for _ in range(500)]
    r = stack.request("PATCH", f"/api/documents/{document_id}", json_body={"line_items": items})
    assert r.status == 422, r.body
    assert "bytes" in r.json()["detail"]
    assert stack.document(document_id) == before


def test_large_but_storable_corrections_are_kept_and_their_history_is_shortened(stack, document_id):
    items = [{"description": f"{n} " + "x" * 400, "quantity": 1, "amount": 1.0} for n in range(500)]
    r = stack.request("PATCH", f"/api/documents/{document_id}", json_body={"line_items": items})
    assert r.status == 200, r.body
    assert len(stack.document(document_id)["line_items"]) == 500
    entries = stack.request("GET", f"/api/documents/{document_id}/history").json()["entries"]
    (change,) = entries[-1]["changes"]
    assert change["field"] == "line_items" and change["to"] == "500 item(s)"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"extracted_fields": {"total_amount": "12,50"}}, "extracted_fields.total_amount"),
        ({"extracted_fields": {"invoice_date": "2025-02-30"}}, "extracted_fields.invoice_date"),
        ({"extracted_fields": {"currency": "EURO"}}, "extracted_fields.currency"),
        ({"extracted_fields": {"colour": "red"}}, "extracted_fields.colour"),
        ({"extracted_fields": {"vendor": "\ud800"}}, "vendor"),
        ({"line_items": [{"amount": float("nan")}]}, "amount"),
        ({"line_items": [{"amount": True}]}, "amount"),
        ({"line_items": [{"price": 1}]}, "price"),
        ({"doc_date": "15/11/2025"}, "doc_date"),
        ({"notes": "n" * 10_001}, "notes"),
        ({"contact_id": 999}, "contact_id"),
        ({"contact_id": None}, "contact_id"),
    ],
)
def test_values_storage_or_the_profile_do_not_take_are_422_naming_the_field(stack, document_id, body, field):
    before = stack.document(document_id)
    r = stack.request("PATCH", f"/api/documents/{document_id}", json_body=body)
    assert r.status == 422, r.body
    assert field in r.body.decode(), r.body
    assert stack.document(document_id) == before
