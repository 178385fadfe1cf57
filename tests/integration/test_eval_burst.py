"""`make eval --burst` against a real local stack: generated invoices uploaded at once, read back and scored."""

from __future__ import annotations

from pathlib import Path

from eval.http_run import BURST, local_stack, read_over_http
from eval.run import Document, score
from tests.support.documents import invoice_pdf

VENDORS = ("Northwind Traders Ltd", "Contoso Pharmaceuticals", "Fabrikam Residences")


def test_a_burst_of_invoices_is_read_and_scored_over_http(tmp_path: Path) -> None:
    documents = []
    for index, vendor in enumerate(VENDORS):
        total = f"{100 + index}.00"
        row = {
            "document": f"generated/invoice-{index}.pdf",
            "source": "generated",
            "fields_scorable": ["vendor_name", "invoice_number", "total"],
            "vendor_name": vendor,
            "invoice_number": f"INV-{index:04d}",
            "total": float(total),
        }
        content = invoice_pdf(vendor=vendor, number=row["invoice_number"], subtotal=total, tax="0.00", total=total)
        documents.append(Document(row, content, "application/pdf", "text", 1))

    with local_stack(keep_log=tmp_path / "stack-burst.log") as client:
        run = read_over_http(client, documents, BURST, wait_seconds=120)
    assert "POST /api/documents/upload" in (tmp_path / "stack-burst.log").read_text(encoding="utf-8")

    assert run.exceptions() == []
    section = score("burst", run.outcomes)
    assert {name: found.correct for name, found in section.fields.items() if found.scored} == {
        "vendor_name": 3,
        "invoice_number": 3,
        "total": 3,
    }
