"""Senders through the real handlers on moto: documents attributed by extraction from what they print, the
/api/senders routes, `sender_id` as a list filter and a rule field, forgetting a sender."""

import io

import pytest

SELLER_VAT, OTHER_VAT, BUYER_VAT = "DE310341316", "DE834738299", "DE366299468"


def supplier_pdf(head: list[str], footer: list[str], *, number: str = "R-2026-118", buyer: list[str] = ()) -> bytes:
    """A one-page invoice: the seller's head lines, the buyer's block, a total, the seller's footer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    y = 800
    for text in (
        *head,
        "",
        "INVOICE",
        f"Invoice Number: {number}",
        "Invoice Date: 2026-02-03",
        "",
        "Bill to:",
        *buyer,
        "",
        "Description   Qty   Amount",
        "Drawing paper   10   45.00",
        "Total: EUR 45.00",
        "",
        *footer,
    ):
        page.drawString(60, y, text)
        y -= 18
    page.save()
    return buffer.getvalue()


LARKSPUR_INVOICE = supplier_pdf(
    ["Larkspur Drafting Supplies GmbH", "Eichenallee 9, 54321 Beispielstadt"],
    [f"VAT Reg No: {SELLER_VAT}   www.larkspur-drafting.de"],
    buyer=["Tamarind Office Ltd", f"VAT: {BUYER_VAT}"],
)
# The same supplier's receipt: another layout, only its domain and name in common with the invoice.
LARKSPUR_RECEIPT = supplier_pdf(
    ["LARKSPUR DRAFTING SUPPLIES", "shop.larkspur-drafting.de"], ["Thank you for your visit"], number="B-77"
)
# Another supplier whose customer is Larkspur: Larkspur's name and VAT number are in its bill-to block.
QUILLON_INVOICE = supplier_pdf(
    ["Quillon Instruments Ltd", "4 Kiln Yard, Millbrook"],
    [f"VAT Reg No: {OTHER_VAT}"],
    buyer=["Larkspur Drafting Supplies GmbH", f"VAT: {SELLER_VAT}"],
)
NOTHING_SAID = supplier_pdf(["", ""], [""], number="X-1")


@pytest.fixture
def extract(stack, contact, folder):
    def run(content: bytes) -> dict:
        r = stack.upload(content, fields={"contact_id": contact["id"], "folder_id": folder["id"]})
        assert r.status == 201, r.body
        stack.deliver_s3_events()
        return stack.document(r.json()["id"])

    return run


def test_documents_of_one_supplier_are_one_sender_and_another_supplier_is_another(stack, extract):
    invoice = extract(LARKSPUR_INVOICE)
    receipt = extract(LARKSPUR_RECEIPT)
    other = extract(QUILLON_INVOICE)
    assert invoice["sender_id"] is not None
    assert receipt["sender_id"] == invoice["sender_id"]
    assert other["sender_id"] not in (None, invoice["sender_id"])

    r = stack.request("GET", f"/api/senders/{invoice['sender_id']}")
    assert r.status == 200, r.body
    sender = r.json()
    assert sender["name"] == "Larkspur Drafting Supplies GmbH" and sender["documents_seen"] == 2
    assert f"tax:DE:{SELLER_VAT}" in sender["identifiers"] and "domain:larkspur-drafting.de" in sender["identifiers"]
    assert f"tax:DE:{BUYER_VAT}" not in sender["identifiers"]
    assert sender["fields_learned"] == 0 and sender["learned_accuracy"] is None
    assert r.headers["etag"] == f'"{sender["version"]}"'

    r = stack.request("GET", "/api/senders", params={"limit": 1})
    assert r.status == 200, r.body
    listed = r.json()
    assert listed["total"] == 2 and len(listed["senders"]) == 1 and listed["next_cursor"]
    rest = stack.request("GET", "/api/senders", params={"limit": 1, "cursor": listed["next_cursor"]}).json()
    assert {listed["senders"][0]["id"], rest["senders"][0]["id"]} == {invoice["sender_id"], other["sender_id"]}


def test_a_document_that_says_nothing_about_its_issuer_has_no_sender(stack, extract):
    assert extract(NOTHING_SAID)["sender_id"] is None
    assert stack.request("GET", "/api/senders").json()["total"] == 0


def test_a_sender_store_fault_never_keeps_a_result_from_being_stored(stack, extract, monkeypatch):
    from recordengine.storage.senders import DynamoSenderStore

    def unavailable(self, identifiers):
        raise RuntimeError("the sender index is unavailable")

    monkeypatch.setattr(DynamoSenderStore, "lookup", unavailable)
    document = extract(LARKSPUR_INVOICE)
    assert document["status"] == "Needs Review" and document["sender_id"] is None
    assert document["extracted_fields"]["vendor"] == "Larkspur Drafting Supplies GmbH"


def test_documents_are_listed_by_sender(stack, extract):
    invoice, receipt, other = extract(LARKSPUR_INVOICE), extract(LARKSPUR_RECEIPT), extract(QUILLON_INVOICE)
    r = stack.request("GET", "/api/documents", params={"sender_id": invoice["sender_id"], "limit": 1})
    assert r.status == 200, r.body
    page = r.json()
    assert page["total"] == 2 and [d["id"] for d in page["documents"]] == [receipt["id"]]
    after = stack.request(
        "GET", "/api/documents", params={"sender_id": invoice["sender_id"], "cursor": page["next_cursor"]}
    )
    assert [d["id"] for d in after.json()["documents"]] == [invoice["id"]]
    narrowed = stack.request(
        "GET", "/api/documents", params={"sender_id": other["sender_id"], "status": "Approved"}
    ).json()
    assert narrowed["total"] == 0
    assert stack.request("GET", "/api/documents", params={"sender_id": 0}).status == 422
    assert stack.request("GET", "/api/documents", params={"sender_id": 999}).json()["total"] == 0


def test_a_rule_files_a_senders_documents_in_a_folder(stack, extract):
    first = extract(LARKSPUR_INVOICE)
    target = stack.request("POST", "/api/folders", json_body={"name": "Drafting supplies"}).json()
    rule = {
        "name": "Larkspur to its folder",
        "conditions": [{"field": "sender_id", "op": "==", "value": first["sender_id"]}],
        "actions": [{"type": "move_to_folder", "value": target["id"]}],
    }
    assert stack.request("POST", "/api/rules", json_body=rule).status == 201
    assert extract(LARKSPUR_RECEIPT)["folder_id"] == target["id"]
    assert extract(QUILLON_INVOICE)["folder_id"] != target["id"]


def test_rename_and_link_to_a_contact(stack, extract, contact):
    sender_id = extract(LARKSPUR_INVOICE)["sender_id"]
    path = f"/api/senders/{sender_id}"
    r = stack.request("PATCH", path, json_body={"name": "Larkspur (drafting)", "contact_id": contact["id"]})
    assert r.status == 200, r.body
    assert r.json()["name"] == "Larkspur (drafting)" and r.json()["contact_id"] == contact["id"]
    version = r.json()["version"]
    stale = stack.request("PATCH", path, json_body={"name": "Stale"}, headers={"If-Match": f'"{version - 1}"'})
    assert stale.status == 412
    assert stack.request("PATCH", path, json_body={"contact_id": 999}).status == 422
    assert stack.request("PATCH", path, json_body={"contact_id": None}).json()["contact_id"] is None
    assert stack.request("GET", path).json()["name"] == "Larkspur (drafting)"


@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"name": "x" * 201},
        {"name": "Lark\u202espur"},
        {"name": "Lark\x00spur"},
        {"name": None},
        {"contact_id": "1"},
        {"contact_id": True},
        {"identifiers": ["tax:DE:DE310341316"]},
        {"hints": {}},
    ],
)
def test_strict_input(stack, extract, body):
    sender_id = extract(LARKSPUR_INVOICE)["sender_id"]
    r = stack.request("PATCH", f"/api/senders/{sender_id}", json_body=body)
    assert r.status == 422, (body, r.body)


def test_unknown_senders_are_404(stack):
    for method, body in (("GET", None), ("PATCH", {"name": "A"}), ("DELETE", None)):
        assert stack.request(method, "/api/senders/77", json_body=body).status == 404
    assert stack.request("GET", "/api/senders/abc").status == 404


def test_forgetting_a_sender_keeps_its_documents_and_starts_anew(stack, extract):
    invoice = extract(LARKSPUR_INVOICE)
    sender_id = invoice["sender_id"]
    assert stack.request("DELETE", f"/api/senders/{sender_id}").status == 204
    assert stack.request("GET", f"/api/senders/{sender_id}").status == 404
    kept = stack.document(invoice["id"])
    assert kept["sender_id"] == sender_id and kept["extracted_fields"] == invoice["extracted_fields"]
    again = extract(LARKSPUR_RECEIPT)
    assert again["sender_id"] not in (None, sender_id)
