"""The textract engine: real AnalyzeExpense responses (../shared/corpus/textract-responses) through Stubber."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from botocore.stub import ANY

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction import UnreadableDocument, extract_document
from recordengine.extraction.engine import Extraction, read_document
from recordengine.extraction.engines import StoredObject, StoredObjectExtractor
from recordengine.extraction.engines.textract import MAX_BYTES, TextractEngine, map_expense
from recordengine.media import PDF, PNG
from recordengine.models import ExtractionResult, FieldDefinition, Profile
from tests.support.corpus import textract_response
from tests.support.documents import invoice_pdf
from tests.support.readings import result_of

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
STORED = StoredObject("documents-bucket", "documents/42/original")


def two_page_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.drawString(60, 800, "Page one")
    page.showPage()
    page.drawString(60, 800, "Page two")
    page.save()
    return buffer.getvalue()


def analyze(textract: Any, response: dict[str, Any], profile: Profile = INVOICE_PROFILE) -> ExtractionResult:
    client, stubber = textract
    stubber.add_response("analyze_expense", response, {"Document": {"Bytes": PNG_BYTES}})
    return result_of(TextractEngine(client)(PNG_BYTES, PNG, profile))


def test_a_receipt_maps_every_summary_field(textract: Any) -> None:
    result = analyze(textract, textract_response("textractor/test_analyze_expense_from_path.json"))
    assert result.extracted_fields == {
        "vendor": "MEGA MARKET PLUS",
        "invoice_number": "21772",
        "invoice_date": "2019-12-07",  # 12/07/2019 on a US-dollar receipt: month first
        "due_date": None,
        "currency": "USD",  # Textract's Currency.Code
        "subtotal": "1699.96",
        "tax_amount": "110.50",
        "total_amount": "1810.46",
    }
    assert result.doc_date == "2019-12-07"
    assert [item["amount"] for item in result.line_items] == [899.99, 689.99, 19.99, 89.99]
    assert result.line_items[0]["description"] == "LG FLATSCREEN 65"
    # The built-in engine's checks and score: everything adds up, and a receipt has no due date to miss.
    assert all(check.passed for check in result.validation)
    assert {check.check for check in result.validation} >= {
        "subtotal_plus_tax_equals_total",
        "line_items_sum_to_subtotal",
    }
    assert result.doc_type == "Receipt"
    assert result.missing_fields == []
    assert result.confidence_score >= 90
    assert "Amazon Textract" in result.confidence_reasoning
    assert "MEGA MARKET PLUS" in str(result.ai_summary)


def test_an_invoice_with_line_items_labels_and_symbols(textract: Any) -> None:
    result = analyze(textract, textract_response("trp/invoice-expense-response.json"))
    fields = result.extracted_fields
    assert fields["invoice_number"] == "123PQR456"
    assert fields["invoice_date"] == "2021-01-01"  # "01-Jan-2021"
    assert fields["due_date"] == "2021-01-31"
    assert (fields["subtotal"], fields["tax_amount"], fields["total_amount"]) == ("6169.40", "61.69", "6231.09")
    assert fields["currency"] == "USD"  # from "$": no Currency.Code in this response
    assert result.field_confidence["currency"] <= 80
    # Textract found no vendor name (only a URL): missing, not guessed.
    assert fields["vendor"] is None and "vendor" in result.missing_fields
    assert result.doc_type == "Invoice"
    assert result.line_items == [
        {"description": "Product 1", "quantity": 1, "unit_price": 1000.0, "amount": 1000.0},
        {"description": "Service 3", "quantity": None, "unit_price": 2789.0, "amount": 2789.0},
        {"description": "Product 2", "quantity": 2, "unit_price": 106.04, "amount": 212.08},
        {"description": "Product 3", "quantity": 1, "unit_price": 2168.32, "amount": 2168.32},
    ]
    # A missing required field costs the score, as in the built-in engine.
    assert result.confidence_score < 90
    assert "Missing vendor" in result.confidence_reasoning


def test_low_textract_confidence_shows_in_field_confidence(textract: Any) -> None:
    result = analyze(textract, textract_response("trp/test_trp2_expense_sample2.json"))
    assert result.extracted_fields["vendor"] == "costco"
    assert result.field_confidence["vendor"] == 24
    assert "Low confidence in vendor" in result.confidence_reasoning
    assert result.confidence_score < 50


def test_a_value_that_repeats_its_label_is_cleaned(textract: Any) -> None:
    result = analyze(textract, textract_response("trp/test_trp2_expense_sample3.json"))
    assert result.extracted_fields["invoice_number"] == "1258"  # "Invoice #1258"
    assert result.extracted_fields["vendor"] == "Demo Clinic"
    assert result.extracted_fields["total_amount"] == "60.00"  # the most confident TOTAL, not "Balance $0.00"


def test_amount_due_and_statement_dates(textract: Any) -> None:
    result = analyze(textract, textract_response("trp/test_trp2_expense_sample4.json"))
    assert result.extracted_fields["invoice_date"] == "2017-01-13"
    assert result.extracted_fields["due_date"] == "2017-01-28"
    assert result.extracted_fields["total_amount"] == "4544.65"
    assert len(result.line_items) == 6


def test_no_summary_fields_means_every_field_missing(textract: Any) -> None:
    response = textract_response("textractor/test_analyze_expense_no_summary_fields.json")
    response.pop("Blocks", None)  # textractor saved its merged blocks next to the API's answer
    result = analyze(textract, response)
    assert set(result.missing_fields) == {field.name for field in INVOICE_PROFILE.fields}
    assert result.confidence_score == 0
    assert len(result.line_items) == 29


def test_an_empty_field_without_geometry(textract: Any) -> None:
    result = analyze(textract, textract_response("trp/expense-missing-geoms-response.json"))
    assert result.confidence_score == 0 and result.line_items == []


def test_a_custom_profile_gets_exactly_its_fields(textract: Any) -> None:
    profile = Profile(
        id=7,
        name="Purchases",
        created_at="2025-01-01T00:00:00Z",
        fields=[
            FieldDefinition(name="supplier", type="string"),
            FieldDefinition(name="po_number", type="string", required=True),
            FieldDefinition(name="payment_terms", type="string"),
            FieldDefinition(name="grand_total", type="amount", required=True),
            FieldDefinition(name="receipt_date", type="date"),
        ],
    )
    result = analyze(textract, textract_response("trp/invoice-expense-response.json"), profile=profile)
    assert result.extracted_fields == {
        "supplier": None,
        "po_number": "098ZYX7654",  # the PO_NUMBER summary field
        "payment_terms": "30 days",  # by type, PAYMENT_TERMS
        "grand_total": "6231.09",
        "receipt_date": "2021-01-01",
    }
    assert result.line_items == []  # the profile has none


def test_a_multi_page_pdf_goes_through_the_asynchronous_api(textract: Any) -> None:
    client, stubber = textract
    location = {"S3Object": {"Bucket": STORED.bucket, "Name": STORED.key}}
    stubber.add_response("start_expense_analysis", {"JobId": "job-1"}, {"DocumentLocation": location})
    stubber.add_response("get_expense_analysis", {"JobStatus": "IN_PROGRESS"}, {"JobId": "job-1"})
    stubber.add_response(
        "get_expense_analysis", textract_response("trp/analyzeExpenseResponse-multipage.json"), {"JobId": "job-1"}
    )
    waits: list[float] = []
    engine = TextractEngine(client, sleep=waits.append, poll_seconds=1.5)
    result = result_of(engine.extract_stored(two_page_pdf(), PDF, INVOICE_PROFILE, STORED))
    assert waits == [1.5]
    fields = result.extracted_fields
    assert fields["vendor"] == "META"  # "META\n-"
    assert fields["invoice_number"] == "00000135"
    assert (fields["invoice_date"], fields["due_date"]) == ("2020-03-12", "2020-03-26")
    assert (fields["total_amount"], fields["currency"]) == ("5715.00", "USD")
    assert len(result.line_items) == 8  # both pages' items
    assert result.doc_type == "Invoice"


def test_a_failed_asynchronous_job_is_a_refusal(textract: Any) -> None:
    client, stubber = textract
    stubber.add_response("start_expense_analysis", {"JobId": "job-2"}, {"DocumentLocation": ANY})
    stubber.add_response(
        "get_expense_analysis", {"JobStatus": "FAILED", "StatusMessage": "Unsupported document"}, {"JobId": "job-2"}
    )
    with pytest.raises(UnreadableDocument, match="Amazon Textract could not analyse the document: Unsupported"):
        TextractEngine(client).extract_stored(two_page_pdf(), PDF, INVOICE_PROFILE, STORED)


def test_a_large_single_page_image_is_read_from_s3(textract: Any) -> None:
    client, stubber = textract
    big = PNG_BYTES + b"\x00" * MAX_BYTES
    location = {"S3Object": {"Bucket": STORED.bucket, "Name": STORED.key}}
    response = textract_response("textractor/test_analyze_expense_from_path.json")
    stubber.add_response("analyze_expense", response, {"Document": location})
    result = result_of(TextractEngine(client).extract_stored(big, PNG, INVOICE_PROFILE, STORED))
    assert result.extracted_fields["total_amount"] == "1810.46"


@pytest.mark.parametrize(
    "code", ["UnsupportedDocumentException", "AccessDeniedException", "ThrottlingException", "BadDocumentException"]
)
def test_a_refusal_is_a_clear_error_without_a_fallback(textract: Any, code: str) -> None:
    client, stubber = textract
    stubber.add_client_error("analyze_expense", service_error_code=code, http_status_code=400)
    with pytest.raises(UnreadableDocument) as refused:
        TextractEngine(client)(PNG_BYTES, PNG, INVOICE_PROFILE)
    assert str(refused.value) == f"Amazon Textract refused the document: {code}."


def test_a_refused_text_pdf_is_read_by_the_built_in_engine(textract: Any) -> None:
    client, stubber = textract
    stubber.add_client_error("analyze_expense", service_error_code="AccessDeniedException", http_status_code=400)
    result = result_of(TextractEngine(client, fallback=extract_document)(invoice_pdf(), PDF, INVOICE_PROFILE))
    assert result.extracted_fields["invoice_number"] == "INV-2025-1147"
    assert result.confidence_reasoning.endswith(
        "Amazon Textract refused the document: AccessDeniedException. Read by the built-in engine instead."
    )


def test_when_the_fallback_cannot_read_it_either_both_reasons_are_given(textract: Any) -> None:
    client, stubber = textract
    stubber.add_client_error("analyze_expense", service_error_code="ThrottlingException", http_status_code=400)

    def unreadable(content: bytes, media_type: str, profile: Profile) -> ExtractionResult:
        raise UnreadableDocument("This is an image; OCR is not available in this deployment.")

    with pytest.raises(UnreadableDocument) as refused:
        TextractEngine(client, fallback=unreadable)(PNG_BYTES, PNG, INVOICE_PROFILE)
    assert str(refused.value).startswith("Amazon Textract refused the document: ThrottlingException.")
    assert "OCR is not available" in str(refused.value)


def test_a_multi_page_pdf_without_its_s3_location_is_refused(textract: Any) -> None:
    client, _ = textract
    with pytest.raises(UnreadableDocument, match="only from S3"):
        TextractEngine(client)(two_page_pdf(), PDF, INVOICE_PROFILE)


def test_the_engine_takes_the_s3_location_from_the_pipeline(textract: Any) -> None:
    client, _ = textract
    assert isinstance(TextractEngine(client), StoredObjectExtractor)


def test_amounts_keep_their_exact_value() -> None:
    result = map_expense(
        {
            "ExpenseDocuments": [
                {
                    "SummaryFields": [
                        {
                            "Type": {"Text": "TOTAL"},
                            "ValueDetection": {"Text": "1.234,56 €", "Confidence": 99.0},
                        }
                    ]
                }
            ]
        },
        INVOICE_PROFILE,
    )
    assert result.extracted_fields["total_amount"] == str(Decimal("1234.56"))
    assert result.extracted_fields["currency"] == "EUR"


def test_a_refused_document_keeps_the_built_in_engines_page_text(textract: Any) -> None:
    client, stubber = textract
    stubber.add_client_error("analyze_expense", service_error_code="ThrottlingException", http_status_code=400)
    read = TextractEngine(client, fallback=read_document)(invoice_pdf(), PDF, INVOICE_PROFILE)
    assert isinstance(read, Extraction)
    assert read.layout.text == read_document(invoice_pdf(), PDF, INVOICE_PROFILE).layout.text
    assert read.result.extracted_fields["invoice_number"] == "INV-2025-1147"
    assert read.result.confidence_reasoning.endswith("Read by the built-in engine instead.")
