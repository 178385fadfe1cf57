"""Extraction profiles that exist from the start (API.md Part 2): profile 1, "Invoice"."""

from .models import FieldDefinition, Profile

INVOICE_PROFILE_ID = 1

INVOICE_PROFILE = Profile(
    id=INVOICE_PROFILE_ID,
    name="Invoice",
    builtin=True,
    created_at="2025-01-01T00:00:00Z",
    doc_types=["Invoice", "Receipt", "Credit Note", "Purchase Order", "Quote", "Statement"],
    line_items=True,
    fields=[
        FieldDefinition(name="vendor", type="string", required=True, description="Who issued the document"),
        FieldDefinition(name="invoice_number", type="string", required=True, description="The document number"),
        FieldDefinition(name="invoice_date", type="date", required=True, description="Date of issue"),
        FieldDefinition(name="due_date", type="date", description="Payment due date"),
        FieldDefinition(name="currency", type="currency", required=True, description="ISO 4217 code"),
        FieldDefinition(name="subtotal", type="amount", description="Total before tax"),
        FieldDefinition(name="tax_amount", type="amount", description="Total tax"),
        FieldDefinition(name="total_amount", type="amount", required=True, description="Amount due"),
    ],
)

BUILTIN_PROFILES: dict[int, Profile] = {INVOICE_PROFILE_ID: INVOICE_PROFILE}
