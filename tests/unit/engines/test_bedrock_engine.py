"""The bedrock engine: the Converse API through Stubber, with real-shaped answers (a toolUse block)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import ANY

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction import UnreadableDocument, extract_document
from recordengine.extraction.engine import Extraction
from recordengine.extraction.engines.bedrock import (
    GROUNDED_CONFIDENCE,
    TOOL_NAME,
    UNCHECKED_CONFIDENCE,
    UNGROUNDED_CONFIDENCE,
    BedrockEngine,
    tool_schema,
)
from recordengine.extraction.layout import Layout
from recordengine.extraction.text import read_pdf
from recordengine.media import PDF, PNG, TIFF
from recordengine.models import ExtractionResult, FieldDefinition, Profile
from tests.support.documents import invoice_pdf
from tests.support.readings import result_of

MODEL = "amazon.nova-lite-v1:0"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# What the model read from tests.support.documents.invoice_pdf(), as the tool's input.
ANSWER: dict[str, Any] = {
    "fields": {
        "vendor": "Northwind Traders Ltd",
        "invoice_number": "INV-2025-1147",
        "invoice_date": "2025-11-15",
        "due_date": "2025-12-15",
        "currency": "USD",
        "subtotal": "15000.00",
        "tax_amount": "3500.00",
        "total_amount": "18500.00",
    },
    "doc_type": "Invoice",
    "summary": "Invoice INV-2025-1147 from Northwind Traders Ltd for consulting, USD 18,500.00 due 2025-12-15.",
    "line_items": [{"description": "Consulting services", "quantity": 10, "unit_price": 1500, "amount": 15000}],
}


def converse_response(tool_input: dict[str, Any] | None, stop_reason: str = "tool_use") -> dict[str, Any]:
    """The shape Converse returns when the model calls the tool (toolChoice forces it)."""
    content: list[dict[str, Any]] = []
    if tool_input is not None:
        content.append(
            {"toolUse": {"toolUseId": "tooluse_9dOBTQ2cS3mYw4XqQn5JxA", "name": TOOL_NAME, "input": tool_input}}
        )
    else:
        content.append({"text": "I could not finish reading the document."})
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": stop_reason,
        "usage": {"inputTokens": 2710, "outputTokens": 342, "totalTokens": 3052},
        "metrics": {"latencyMs": 2875},
    }


def test_the_request_forces_the_profile_tool_with_the_pdf_as_a_document(bedrock: Any) -> None:
    client, stubber = bedrock
    pdf = invoice_pdf()
    expected = {
        "modelId": MODEL,
        "messages": [
            {
                "role": "user",
                "content": [
                    {"document": {"format": "pdf", "name": "document", "source": {"bytes": pdf}}},
                    {"text": ANY},
                ],
            }
        ],
        "toolConfig": {
            "tools": [
                {
                    "toolSpec": {
                        "name": TOOL_NAME,
                        "description": ANY,
                        "inputSchema": {"json": tool_schema(INVOICE_PROFILE)},
                    }
                }
            ],
            "toolChoice": {"tool": {"name": TOOL_NAME}},
        },
        "inferenceConfig": {"maxTokens": 4096, "temperature": 0},
    }
    stubber.add_response("converse", converse_response(ANSWER), expected)
    result = result_of(BedrockEngine(client, MODEL)(pdf, PDF, INVOICE_PROFILE))
    assert result.extracted_fields == ANSWER["fields"]
    assert result.doc_type == "Invoice" and result.doc_date == "2025-11-15"
    assert result.ai_summary == ANSWER["summary"]
    assert result.line_items == [
        {"description": "Consulting services", "quantity": 10, "unit_price": 1500.0, "amount": 15000.0}
    ]
    # Every value is printed in the PDF's text layer: checked, and the checks pass.
    assert set(result.field_confidence.values()) == {GROUNDED_CONFIDENCE}
    assert all(check.passed for check in result.validation)
    assert result.confidence_score >= 90
    assert result.confidence_reasoning == "All 8 fields extracted successfully. Read by Amazon Bedrock."


def test_the_schema_is_the_profile() -> None:
    profile = Profile(
        id=9,
        name="Receipts",
        created_at="2025-01-01T00:00:00Z",
        fields=[
            FieldDefinition(name="merchant", type="string", required=True, description="Shop name"),
            FieldDefinition(name="visit_date", type="date"),
            FieldDefinition(name="items_count", type="integer"),
        ],
    )
    schema = tool_schema(profile)
    fields = schema["properties"]["fields"]
    assert fields["required"] == ["merchant", "visit_date", "items_count"]
    assert fields["properties"]["merchant"]["type"] == ["string", "null"]
    assert fields["properties"]["merchant"]["description"].startswith("Shop name")
    assert "YYYY-MM-DD" in fields["properties"]["visit_date"]["description"]
    assert fields["properties"]["items_count"]["type"] == ["integer", "null"]
    assert "line_items" not in schema["properties"]  # the profile has none
    assert schema["properties"]["doc_type"]["enum"][0] == "Invoice"


def test_a_value_not_in_the_text_layer_is_low_confidence(bedrock: Any) -> None:
    client, stubber = bedrock
    answer = {**ANSWER, "fields": {**ANSWER["fields"], "total_amount": "18600.00", "vendor": "Southwind Traders"}}
    stubber.add_response("converse", converse_response(answer))
    result = result_of(BedrockEngine(client, MODEL)(invoice_pdf(), PDF, INVOICE_PROFILE))
    assert result.field_confidence["vendor"] == UNGROUNDED_CONFIDENCE
    assert result.field_confidence["invoice_number"] == GROUNDED_CONFIDENCE
    # ... and the built-in engine's checks catch the sum that does not add up.
    failed = [check.check for check in result.validation if not check.passed]
    assert failed == ["subtotal_plus_tax_equals_total"]
    assert result.confidence_score <= 70
    assert "subtotal + tax does not equal total" in result.confidence_reasoning


def test_an_image_is_sent_as_an_image_and_its_values_are_unchecked(bedrock: Any) -> None:
    client, stubber = bedrock
    image_block = {"image": {"format": "png", "source": {"bytes": PNG_BYTES}}}
    stubber.add_response(
        "converse",
        converse_response({**ANSWER, "fields": {**ANSWER["fields"], "due_date": None, "currency": "usd"}}),
        {
            "modelId": MODEL,
            "messages": [{"role": "user", "content": [image_block, {"text": ANY}]}],
            "toolConfig": ANY,
            "inferenceConfig": ANY,
        },
    )
    result = result_of(BedrockEngine(client, MODEL)(PNG_BYTES, PNG, INVOICE_PROFILE))
    assert result.extracted_fields["due_date"] is None and result.missing_fields == ["due_date"]
    assert result.extracted_fields["currency"] == "USD"
    assert result.field_confidence["vendor"] == UNCHECKED_CONFIDENCE


def test_malformed_values_are_dropped_not_stored(bedrock: Any) -> None:
    client, stubber = bedrock
    answer = {
        "fields": {
            "vendor": ["not", "text"],
            "invoice_date": "sometime",
            "total_amount": 18500.5,
            "currency": "dollars",
        },
        "doc_type": "Invoice of sorts",
        "line_items": "none",
    }
    stubber.add_response("converse", converse_response(answer))
    result = result_of(BedrockEngine(client, MODEL)(PNG_BYTES, PNG, INVOICE_PROFILE))
    assert result.extracted_fields["vendor"] is None
    assert result.extracted_fields["invoice_date"] is None
    assert result.extracted_fields["total_amount"] == "18500.50"
    assert result.extracted_fields["currency"] is None
    assert result.doc_type == "Other" and result.line_items == []
    assert result.ai_summary  # the built-in summary sentence when the model gave none


def test_an_answer_without_the_tool_call_is_a_refusal(bedrock: Any) -> None:
    client, stubber = bedrock
    stubber.add_response("converse", converse_response(None, stop_reason="max_tokens"))
    with pytest.raises(UnreadableDocument, match=r"did not return the document's fields \(stop reason: max_tokens\)"):
        BedrockEngine(client, MODEL)(PNG_BYTES, PNG, INVOICE_PROFILE)


@pytest.mark.parametrize("code", ["AccessDeniedException", "ValidationException", "ThrottlingException"])
def test_a_refusal_falls_back_to_the_built_in_engine(bedrock: Any, code: str) -> None:
    client, stubber = bedrock
    stubber.add_client_error("converse", service_error_code=code, http_status_code=400)
    result = result_of(BedrockEngine(client, MODEL, fallback=extract_document)(invoice_pdf(), PDF, INVOICE_PROFILE))
    assert result.extracted_fields["invoice_number"] == "INV-2025-1147"
    assert f"Amazon Bedrock refused the document: {code}. Read by the built-in engine instead." in (
        result.confidence_reasoning
    )


def test_a_tiff_is_refused_before_calling_the_service(bedrock: Any) -> None:
    client, _ = bedrock
    with pytest.raises(UnreadableDocument, match="Amazon Bedrock refused the document: it does not take image/tiff"):
        BedrockEngine(client, MODEL)(b"II*\x00" + b"\x00" * 64, TIFF, INVOICE_PROFILE)


def test_a_pdf_reading_gives_the_text_layer_the_built_in_engine_reads(bedrock: Any) -> None:
    client, stubber = bedrock
    stubber.add_response("converse", converse_response(ANSWER))
    read = BedrockEngine(client, MODEL)(invoice_pdf(), PDF, INVOICE_PROFILE)
    assert isinstance(read, Extraction)
    assert read.layout.text == Layout(read_pdf(invoice_pdf()).pages).text
    assert read.result.field_confidence["invoice_number"] == GROUNDED_CONFIDENCE
    assert read.result.sender_identifiers  # recognised on the text layer


def test_an_image_reading_has_no_page_text(bedrock: Any) -> None:
    client, stubber = bedrock
    stubber.add_response("converse", converse_response(ANSWER))
    assert isinstance(BedrockEngine(client, MODEL)(PNG_BYTES, PNG, INVOICE_PROFILE), ExtractionResult)
