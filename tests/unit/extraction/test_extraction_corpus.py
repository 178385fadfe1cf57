"""Real documents from the shared corpus, read in place (never copied into the repository)."""

from __future__ import annotations

import pytest

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction import extract_document
from recordengine.media import PDF
from tests.support.corpus import CORPUS as SHARED_CORPUS

CORPUS = SHARED_CORPUS / "documents"


def extract(relative: str) -> dict[str, object]:
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"corpus document {relative} is not available here")
    result = extract_document(path.read_bytes(), PDF, INVOICE_PROFILE)
    return {
        **result.extracted_fields,
        "doc_type": result.doc_type,
        "doc_date": result.doc_date,
        "score": result.confidence_score,
    }


def test_amazon_web_services_invoice() -> None:
    found = extract("invoice2data/AmazonWebServices.pdf")
    assert found["invoice_number"] == "42183017"
    assert found["invoice_date"] == "2014-08-03"
    assert found["currency"] == "USD"
    assert found["total_amount"] == "4.11"
    assert "amazon web services" in str(found["vendor"]).lower()
    assert found["doc_type"] == "Invoice"
    assert found["doc_date"] == "2014-08-03"
    assert isinstance(found["score"], int) and found["score"] >= 50


def test_calendly_invoice() -> None:
    found = extract("parsee-invoices/raw_data/Calendly-invoice_3189846.pdf")
    assert found["invoice_number"] == "3189846"
    assert found["invoice_date"] == "2022-09-13"
    assert found["currency"] == "USD"
    assert found["total_amount"] == "144.00"
    assert "calendly" in str(found["vendor"]).lower()
    assert found["doc_type"] == "Invoice"
    assert isinstance(found["score"], int) and found["score"] >= 50
