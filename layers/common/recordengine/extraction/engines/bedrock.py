"""The ``bedrock`` engine: a model on Amazon Bedrock, through the Converse API, fills in the profile.

The profile becomes a JSON schema: one tool whose input is the profile's fields (typed and described),
the line items, the document type and a one-sentence summary; ``toolChoice`` forces the model to call
it, so the answer is structured data, never prose to parse. The document goes along as a ``document``
content block (PDF) or an ``image`` block (PNG, JPEG). The model id is the ``BedrockModelId`` parameter
(any Converse model that takes documents and tools).

Confidence: a model states no confidence worth trusting, so a value's confidence says whether it can be
checked against the document: found in the PDF's text layer (the amount, date or wording itself) → high;
not found although there is a text layer → low (the model may have computed or invented it); nothing to
check against (images, scans) → medium. The checks and the score are then the built-in engine's.

Page text: a PDF's text layer, read by the built-in engine's reader (extraction/text.py), is both what the
answers are checked against and the page text the engine gives with its reading, on which a sender's hints
are checked (senders/hints.py) and from which a reviewed document teaches its sender. Images and scans have
none: the model's reading is not checked against hints, and such documents teach their sender nothing.

Fallback: when Bedrock refuses (access denied, throttled after the client's retries, validation error,
a document over the size limit or of a type it does not take, no tool call in the answer…), the
built-in engine reads the document instead and the reasoning says so; if it cannot read it either, the
document ends in Exception with the refusal as its error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from recordengine.extraction.amounts import currencies_in, find_amounts
from recordengine.extraction.dates import find_dates
from recordengine.extraction.engine import Extraction, with_sender
from recordengine.extraction.fields import Found
from recordengine.extraction.layout import Layout
from recordengine.extraction.result import DOC_TYPES, build_result
from recordengine.media import JPEG, PDF, PNG
from recordengine.models import ExtractionResult, FieldDefinition, Profile

from .base import (
    SERVICE_ERRORS,
    Extractor,
    ServiceRefused,
    describe_failure,
    fall_back,
    found_value,
    line_item,
    role_of,
    vendor_of,
)

if TYPE_CHECKING:
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient

SERVICE = "Amazon Bedrock"
TOOL_NAME = "record_document"
# Converse's limits per content block.
MAX_DOCUMENT_BYTES = 4_500_000
MAX_IMAGE_BYTES = 3_750_000
_IMAGE_FORMATS = {PNG: "png", JPEG: "jpeg"}

GROUNDED_CONFIDENCE = 92
UNCHECKED_CONFIDENCE = 80
UNGROUNDED_CONFIDENCE = 55

_TYPE_HINTS = {
    "string": "text exactly as printed",
    "date": "a date as YYYY-MM-DD",
    "amount": "a plain decimal number with a dot and no thousands separators, e.g. 1234.56",
    "currency": "an ISO 4217 currency code, e.g. EUR",
    "integer": "a whole number",
}

PROMPT = (
    f"Read this business document and record what it says by calling the {TOOL_NAME} tool. "
    "Copy values from the document; use null for anything it does not state, and do not guess or compute "
    "values that are not printed. Dates as YYYY-MM-DD, amounts as plain decimal numbers, currencies as "
    "ISO 4217 codes."
)


def tool_schema(profile: Profile) -> dict[str, Any]:
    """The tool's input schema: the profile's fields, plus line items when the profile has them."""
    fields: dict[str, Any] = {}
    for field in profile.fields:
        json_type = "integer" if field.type == "integer" else "string"
        description = "; ".join(part for part in (field.description, _TYPE_HINTS[field.type]) if part)
        fields[field.name] = {"type": [json_type, "null"], "description": description}
    properties: dict[str, Any] = {
        "fields": {
            "type": "object",
            "properties": fields,
            "required": [field.name for field in profile.fields],
        },
        "doc_type": {"type": "string", "enum": list(DOC_TYPES), "description": "What kind of document this is"},
        "summary": {
            "type": "string",
            "description": "One sentence for a reviewer: what the document is, from whom, for what, how much",
        },
    }
    required = ["fields", "doc_type", "summary"]
    if profile.line_items:
        number = {"type": ["number", "null"]}
        properties["line_items"] = {
            "type": "array",
            "description": "The document's line items, in order",
            "items": {
                "type": "object",
                "properties": {
                    "description": {"type": "string"},
                    "quantity": number,
                    "unit_price": number,
                    "amount": {**number, "description": "The line's total"},
                },
                "required": ["description", "amount"],
            },
        }
        required.append("line_items")
    return {"type": "object", "properties": properties, "required": required}


class BedrockEngine:
    """The ``bedrock`` extractor; ``client`` is a boto3 bedrock-runtime client (a Stubber's, in tests)."""

    name = "bedrock"

    def __init__(
        self, client: BedrockRuntimeClient, model_id: str, *, fallback: Extractor | None = None, max_tokens: int = 4096
    ) -> None:
        self.client = client
        self.model_id = model_id
        self.fallback = fallback
        self.max_tokens = max_tokens

    def __call__(self, content: bytes, media_type: str, profile: Profile) -> ExtractionResult | Extraction:
        """The model's reading, with the PDF's text layer as its page text when it has one; when Bedrock
        refuses, the fallback's reading."""
        try:
            answer = self.ask(content, media_type, profile)
        except SERVICE_ERRORS as error:
            return fall_back(self.fallback, describe_failure(SERVICE, error), content, media_type, profile)
        layout = _text_layer(content, media_type)
        result = map_answer(answer, profile, layout.text if layout is not None else None)
        if layout is None:
            return result
        return Extraction(with_sender(result, layout, vendor_of(result)), layout)

    def request(self, content: bytes, media_type: str, profile: Profile) -> dict[str, Any]:
        """The Converse request for ``content``."""
        if media_type == PDF:
            if len(content) > MAX_DOCUMENT_BYTES:
                raise ServiceRefused(f"{SERVICE} refused the document: it is over {MAX_DOCUMENT_BYTES} bytes.")
            block: dict[str, Any] = {"document": {"format": "pdf", "name": "document", "source": {"bytes": content}}}
        elif media_type in _IMAGE_FORMATS:
            if len(content) > MAX_IMAGE_BYTES:
                raise ServiceRefused(f"{SERVICE} refused the image: it is over {MAX_IMAGE_BYTES} bytes.")
            block = {"image": {"format": _IMAGE_FORMATS[media_type], "source": {"bytes": content}}}
        else:
            raise ServiceRefused(f"{SERVICE} refused the document: it does not take {media_type} files.")
        return {
            "modelId": self.model_id,
            "messages": [{"role": "user", "content": [block, {"text": PROMPT}]}],
            "toolConfig": {
                "tools": [
                    {
                        "toolSpec": {
                            "name": TOOL_NAME,
                            "description": f"Record the fields of a document (extraction profile {profile.name!r})",
                            "inputSchema": {"json": tool_schema(profile)},
                        }
                    }
                ],
                "toolChoice": {"tool": {"name": TOOL_NAME}},
            },
            "inferenceConfig": {"maxTokens": self.max_tokens, "temperature": 0},
        }

    def ask(self, content: bytes, media_type: str, profile: Profile) -> Mapping[str, Any]:
        """The tool call's input: what the model read."""
        response = self.client.converse(**self.request(content, media_type, profile))
        for block in response.get("output", {}).get("message", {}).get("content", []):
            tool_use = block.get("toolUse")
            if tool_use and tool_use.get("name") == TOOL_NAME and isinstance(tool_use.get("input"), dict):
                return tool_use["input"]
        reason = response.get("stopReason", "unknown")
        raise ServiceRefused(f"{SERVICE} did not return the document's fields (stop reason: {reason}).")


# ---------------------------------------------------------------------------------------------------
# Mapping the answer


def map_answer(answer: Mapping[str, Any], profile: Profile, text: str | None) -> ExtractionResult:
    """The model's tool input as an ExtractionResult; ``text`` is the PDF's text layer, if it has one."""
    given = answer.get("fields")
    raw_fields: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
    grounding = _Grounding(text)
    values: dict[str, Found | None] = {}
    roles: dict[str, Found | None] = {}
    for field in profile.fields:
        value = raw_fields.get(field.name)
        found = None
        if value is not None and not isinstance(value, (dict, list, bool)):
            found = found_value(field.type, str(value), UNCHECKED_CONFIDENCE, dayfirst=False)
        if found is not None:
            found = Found(found.value, grounding.confidence(field, found), found.raw)
        values[field.name] = found
        role = role_of(field)
        if role is not None:
            roles.setdefault(role, found)

    items_given = answer.get("line_items")
    items: list[dict[str, Any]] = []
    for entry in items_given if isinstance(items_given, list) else []:
        if isinstance(entry, Mapping):
            item = line_item(
                str(entry.get("description") or ""), entry.get("quantity"), entry.get("unit_price"), entry.get("amount")
            )
            if item is not None:
                items.append(item)
    doc_type = str(answer.get("doc_type") or "Other")
    summary = answer.get("summary")
    summary_text = re.sub(r"\s+", " ", summary).strip()[:500] if isinstance(summary, str) else None
    return build_result(
        profile, values, roles, items, doc_type, summary=summary_text or None, note="Read by Amazon Bedrock."
    )


class _Grounding:
    """Whether a value the model gave can be found in the document's text layer."""

    def __init__(self, text: str | None) -> None:
        self.text = text if text and text.strip() else None
        if self.text is None:
            return
        self.compact = _compact(self.text)
        self.amounts = {amount.value for amount in find_amounts(self.text)}
        self.dates: set[date] = {found.value for found in find_dates(self.text, dayfirst=True, compact=True)}
        self.dates |= {found.value for found in find_dates(self.text, dayfirst=False, compact=True)}
        self.currencies = set(currencies_in(self.text))

    def confidence(self, field: FieldDefinition, found: Found) -> int:
        if self.text is None:
            return UNCHECKED_CONFIDENCE
        return GROUNDED_CONFIDENCE if self._present(field, found) else UNGROUNDED_CONFIDENCE

    def _present(self, field: FieldDefinition, found: Found) -> bool:
        if field.type == "amount" and isinstance(found.raw, Decimal):
            return found.raw in self.amounts or (-found.raw) in self.amounts
        if field.type == "date" and isinstance(found.raw, date):
            return found.raw in self.dates
        if field.type == "currency":
            return found.value in self.currencies or found.value in str(self.text)
        wording = _compact(found.value)
        return bool(wording) and wording in self.compact


def _compact(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _text_layer(content: bytes, media_type: str) -> Layout | None:
    """The PDF's text layer as the built-in engine reads it; None for images, scans and unreadable PDFs."""
    if media_type != PDF:
        return None
    from recordengine.extraction.text import has_text_layer, read_pdf

    try:
        pages = read_pdf(content).pages
    except Exception:  # no text to check against: the values count as unchecked
        return None
    return Layout(pages) if has_text_layer(pages) else None
