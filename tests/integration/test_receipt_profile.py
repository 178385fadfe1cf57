"""A receipt is checked as a receipt (issue 18 point 5): the built-in profile does not expect an invoice
number or a due date on one, whether the engine or a person says the document is a receipt."""

from __future__ import annotations

from tests.support.aws_stack import AwsStack
from tests.support.documents import receipt_pdf


def extracted(stack: AwsStack, contact: dict, folder: dict, content: bytes) -> dict:
    r = stack.upload(content, fields={"contact_id": contact["id"], "folder_id": folder["id"]})
    assert r.status == 201, r.body
    stack.deliver_s3_events()
    return stack.document(int(r.json()["id"]))


def test_a_receipt_misses_no_invoice_number_or_due_date(stack, contact, folder):
    document = extracted(stack, contact, folder, receipt_pdf())

    assert document["doc_type"] == "Receipt"
    assert document["profile_id"] == 1
    assert "invoice_number" not in document["missing_fields"]
    assert "due_date" not in document["missing_fields"]
    assert "Missing invoice_number" not in document["confidence_reasoning"]


def test_a_document_a_person_calls_a_receipt_is_checked_as_one(stack, contact, folder):
    from tests.support.documents import invoice_pdf

    document = extracted(stack, contact, folder, invoice_pdf())
    cleared = {"extracted_fields": {"invoice_number": None, "due_date": None}}
    r = stack.request("PATCH", f"/api/documents/{document['id']}", json_body=cleared)
    assert r.status == 200, r.body
    as_invoice = r.json()
    assert {"invoice_number", "due_date"} <= set(as_invoice["missing_fields"])

    r = stack.request("PATCH", f"/api/documents/{document['id']}", json_body={"doc_type": "Receipt"})

    assert r.status == 200, r.body
    assert not {"invoice_number", "due_date"} & set(r.json()["missing_fields"])
    assert r.json()["confidence_score"] > as_invoice["confidence_score"]


def test_the_builtin_profile_says_which_fields_a_receipt_does_not_carry(stack):
    fields = {f["name"]: f for f in stack.request("GET", "/api/profiles/1").json()["fields"]}
    assert fields["invoice_number"]["not_expected_on"] == ["Receipt"]
    assert fields["due_date"]["not_expected_on"] == ["Receipt"]
    assert fields["total_amount"]["not_expected_on"] == []
