"""Extraction profiles that exist from the start (API.md Part 2): profile 1, "Invoice".

Profile 1 is every contact's default and claims every document type, so it says which of its fields a
receipt does not carry: a receipt is checked as a receipt (no invoice number, no due date), not as an
invoice missing two fields. (A second built-in "Receipt" profile would need an id, and every id after 1 may
already name a profile a deployment stored.)"""

from .models import FieldDefinition, Profile

INVOICE_PROFILE_ID = 1
RECEIPT = "Receipt"

INVOICE_PROFILE = Profile(
    id=INVOICE_PROFILE_ID,
    name="Invoice",
    builtin=True,
    created_at="2025-01-01T00:00:00Z",
    doc_types=["Invoice", RECEIPT, "Credit Note", "Purchase Order", "Quote", "Statement"],
    line_items=True,
    fields=[
        FieldDefinition(name="vendor", type="string", required=True, description="Who issued the document"),
        FieldDefinition(
            name="invoice_number",
            type="string",
            required=True,
            description="The document number",
            not_expected_on=[RECEIPT],
        ),
        FieldDefinition(name="invoice_date", type="date", required=True, description="Date of issue"),
        FieldDefinition(name="due_date", type="date", description="Payment due date", not_expected_on=[RECEIPT]),
        FieldDefinition(name="currency", type="currency", required=True, description="ISO 4217 code"),
        FieldDefinition(name="subtotal", type="amount", description="Total before tax"),
        FieldDefinition(name="tax_amount", type="amount", description="Total tax"),
        FieldDefinition(name="total_amount", type="amount", required=True, description="Amount due"),
    ],
)

BUILTIN_PROFILES: dict[int, Profile] = {INVOICE_PROFILE_ID: INVOICE_PROFILE}
