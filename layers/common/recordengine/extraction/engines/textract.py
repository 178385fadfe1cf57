"""The ``textract`` engine: Amazon Textract AnalyzeExpense, mapped to the profile's fields.

How the document reaches Textract: single-page documents of up to 5 MB as bytes; larger single-page ones
(up to 10 MB) as their S3 object; multi-page PDFs through the asynchronous StartExpenseAnalysis /
GetExpenseAnalysis pair on the S3 object (synchronous AnalyzeExpense takes one page only).

Mapping: SummaryFields VENDOR_NAME (else a NAME in the VENDOR group), INVOICE_RECEIPT_ID,
INVOICE_RECEIPT_DATE, DUE_DATE, SUBTOTAL, TAX and TOTAL (else AMOUNT_DUE, else AMOUNT_PAID), the
highest-confidence candidate of each; the currency from Textract's Currency.Code, else the symbols and
codes printed with the amounts; LineItemGroups become line items (ITEM/DESCRIPTION, QUANTITY,
UNIT_PRICE, PRICE). A field's confidence is Textract's (the lower of label and value); the checks and the
score are the built-in engine's.

Page text: the LINE blocks laid out as the text layer lays out a page (``textract_layout``): lines whose
boxes overlap vertically are one text line, each placed at the column its left edge gives, so that a sender's
hints (senders/hints.py) are read on a Textract reading as on the built-in engine's, and a reviewed document
read by Textract teaches its sender.

Fallback: when Textract refuses the document or cannot be reached (access denied, throttled after the
client's retries, unsupported document, invalid parameter…), the built-in engine reads it instead and the
reasoning says so; if the built-in engine cannot read it either (a scan without local OCR), the document
ends in Exception with the refusal as its error.
"""

from __future__ import annotations

import io
import re
import statistics
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from recordengine.extraction.amounts import currencies_in
from recordengine.extraction.dates import infer_dayfirst
from recordengine.extraction.engine import Extraction, with_sender
from recordengine.extraction.fields import Found, detect_doc_type
from recordengine.extraction.layout import Layout, Span
from recordengine.extraction.result import build_result
from recordengine.media import PDF
from recordengine.models import ExtractionResult, Profile

from .base import (
    SERVICE_ERRORS,
    Extractor,
    ServiceRefused,
    StoredObject,
    describe_failure,
    fall_back,
    found_value,
    line_item,
    role_of,
    vendor_of,
)

if TYPE_CHECKING:
    from mypy_boto3_textract import TextractClient
    from mypy_boto3_textract.type_defs import S3ObjectTypeDef

SERVICE = "Amazon Textract"
MAX_BYTES = 5 * 1024 * 1024
MAX_S3_SYNC_BYTES = 10 * 1024 * 1024

# Summary field types per invoice concept, in order of preference.
_ROLE_TYPES: dict[str, tuple[str, ...]] = {
    "vendor": ("VENDOR_NAME",),
    "invoice_number": ("INVOICE_RECEIPT_ID",),
    "invoice_date": ("INVOICE_RECEIPT_DATE",),
    "due_date": ("DUE_DATE",),
    "subtotal": ("SUBTOTAL",),
    "tax_amount": ("TAX",),
    "total_amount": ("TOTAL", "AMOUNT_DUE", "AMOUNT_PAID"),
}
_ROLE_VALUE_TYPES = {
    "vendor": "string",
    "invoice_number": "string",
    "invoice_date": "date",
    "due_date": "date",
    "subtotal": "amount",
    "tax_amount": "amount",
    "total_amount": "amount",
}
_AMOUNT_ROLES = ("total_amount", "subtotal", "tax_amount")
# A symbol such as "$" names several currencies; Textract's own code is the stronger signal.
SYMBOL_CURRENCY_CONFIDENCE = 80
# A custom field matched by a summary field's label rather than its type is a weaker signal.
LABEL_MATCH_DROP = 8
# Laying out LINE blocks: cells on one text line stay at least this many spaces apart (three or more spaces
# part cells, see layout.py), and a gap between text lines taller than a line is printed as a blank line (as
# the text layer prints the space between blocks).
CELL_GAP = 3
BLANK_LINE_GAP = 1.0


def _text(detection: Mapping[str, Any] | None) -> str:
    return str((detection or {}).get("Text") or "")


def _confidence(field: Mapping[str, Any]) -> float:
    value = float((field.get("ValueDetection") or {}).get("Confidence") or 0.0)
    label = field.get("LabelDetection") or {}
    if _text(label).strip() and label.get("Confidence") is not None:
        return min(value, float(label["Confidence"]))
    return value


def _type(field: Mapping[str, Any]) -> str:
    return str((field.get("Type") or {}).get("Text") or "")


def _groups(field: Mapping[str, Any]) -> set[str]:
    return {kind for group in field.get("GroupProperties") or [] for kind in group.get("Types") or []}


def _clean_vendor(text: str) -> str:
    # Textract's VENDOR_NAME often carries a stray line ("META\n-").
    lines = [line.strip() for line in text.splitlines()]
    return " ".join(line for line in lines if re.search(r"\w", line))


def _clean_number(text: str, label: str) -> str:
    # "Invoice #1258" with the label "Invoice #": the label was read into the value.
    label = label.strip().rstrip(":").strip()
    if label and text.lower().startswith(label.lower()):
        text = text[len(label) :]
    return text.strip().lstrip("#:").strip()


class TextractEngine:
    """The ``textract`` extractor; ``client`` is a boto3 Textract client (a Stubber's, in tests)."""

    name = "textract"

    def __init__(
        self,
        client: TextractClient,
        *,
        fallback: Extractor | None = None,
        poll_seconds: float = 2.0,
        max_wait_seconds: float = 80.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.fallback = fallback
        self.poll_seconds = poll_seconds
        self.max_wait_seconds = max_wait_seconds
        self.sleep = sleep

    def __call__(self, content: bytes, media_type: str, profile: Profile) -> ExtractionResult | Extraction:
        return self.extract_stored(content, media_type, profile, None)

    def extract_stored(
        self, content: bytes, media_type: str, profile: Profile, stored: StoredObject | None
    ) -> ExtractionResult | Extraction:
        """Textract's reading with the page text it read; when Textract refuses, the fallback's reading."""
        try:
            response = self.analyze(content, media_type, stored)
        except SERVICE_ERRORS as error:
            return fall_back(self.fallback, describe_failure(SERVICE, error), content, media_type, profile)
        layout = textract_layout(response)
        result = map_expense(response, profile, layout)
        return Extraction(with_sender(result, layout, vendor_of(result)), layout)

    # -- calling Textract ----------------------------------------------------------------------------

    def analyze(self, content: bytes, media_type: str, stored: StoredObject | None) -> Mapping[str, Any]:
        """The AnalyzeExpense response (for multi-page documents, the merged GetExpenseAnalysis pages)."""
        pages = _page_count(content) if media_type == PDF else 1
        if pages <= 1 and len(content) <= MAX_BYTES:
            return self.client.analyze_expense(Document={"Bytes": content})
        if stored is None:
            raise ServiceRefused(f"{SERVICE} reads documents of several pages or over 5 MB only from S3.")
        location: S3ObjectTypeDef = {"Bucket": stored.bucket, "Name": stored.key}
        if pages <= 1 and len(content) <= MAX_S3_SYNC_BYTES:
            return self.client.analyze_expense(Document={"S3Object": location})
        return self._analyze_async(location)

    def _analyze_async(self, location: S3ObjectTypeDef) -> Mapping[str, Any]:
        job_id = self.client.start_expense_analysis(DocumentLocation={"S3Object": location})["JobId"]
        deadline = time.monotonic() + self.max_wait_seconds
        while True:
            page = self.client.get_expense_analysis(JobId=job_id)
            status = page.get("JobStatus")
            if status in ("SUCCEEDED", "PARTIAL_SUCCESS"):
                break
            if status == "FAILED":
                message = page.get("StatusMessage") or "the analysis failed"
                raise ServiceRefused(f"{SERVICE} could not analyse the document: {message}.")
            if time.monotonic() + self.poll_seconds > deadline:
                raise ServiceRefused(f"{SERVICE} did not finish within {self.max_wait_seconds:.0f} seconds.")
            self.sleep(self.poll_seconds)
        documents: list[Any] = list(page.get("ExpenseDocuments") or [])
        token = page.get("NextToken")
        while token:
            page = self.client.get_expense_analysis(JobId=job_id, NextToken=token)
            documents.extend(page.get("ExpenseDocuments") or [])
            token = page.get("NextToken")
        return {"ExpenseDocuments": documents}


def _page_count(content: bytes) -> int:
    from pypdf import PdfReader

    try:
        return len(PdfReader(io.BytesIO(content), strict=False).pages)
    except Exception:  # an unreadable PDF: Textract will say what it thinks of it
        return 1


# ---------------------------------------------------------------------------------------------------
# Mapping a response to the profile


def map_expense(response: Mapping[str, Any], profile: Profile, layout: Layout | None = None) -> ExtractionResult:
    """An AnalyzeExpense (or GetExpenseAnalysis) response as an ExtractionResult for ``profile``; ``layout``:
    its page text (``textract_layout``), which the document type is read from when it has any."""
    documents = list(response.get("ExpenseDocuments") or [])
    summary = [field for document in documents for field in document.get("SummaryFields") or []]
    line_item_fields = [
        item.get("LineItemExpenseFields") or []
        for document in documents
        for group in document.get("LineItemGroups") or []
        for item in group.get("LineItems") or []
    ]
    lines = _lines(response, documents, summary)
    dayfirst = _dayfirst(summary, lines)

    roles: dict[str, Found | None] = {
        role: _best(summary, kinds, _ROLE_VALUE_TYPES[role], dayfirst) for role, kinds in _ROLE_TYPES.items()
    }
    if roles["vendor"] is None:
        vendor_names = [field for field in summary if _type(field) == "NAME" and "VENDOR" in _groups(field)]
        roles["vendor"] = _pick(vendor_names, "string", dayfirst)
    roles["currency"] = _currency(summary, line_item_fields, roles)

    values: dict[str, Found | None] = {}
    for field in profile.fields:
        role = role_of(field)
        if role is not None:
            found = roles.get(role)
            values[field.name] = (
                found_value(field.type, found.value, found.confidence, dayfirst=dayfirst) if found else None
            )
        else:
            values[field.name] = _custom(summary, field.name, field.type, dayfirst)

    items = [item for fields in line_item_fields if (item := _line_item(fields)) is not None]
    doc_type = detect_doc_type(layout if layout is not None and layout.text.strip() else Layout(["\n".join(lines)]))
    return build_result(profile, values, roles, items, doc_type, note="Read by Amazon Textract.")


def _best(summary: list[Any], kinds: tuple[str, ...], value_type: str, dayfirst: bool) -> Found | None:
    for kind in kinds:
        found = _pick([field for field in summary if _type(field) == kind], value_type, dayfirst)
        if found is not None:
            return found
    return None


def _pick(candidates: Iterable[Mapping[str, Any]], value_type: str, dayfirst: bool) -> Found | None:
    best: Found | None = None
    for field in candidates:
        text = _text(field.get("ValueDetection"))
        if value_type == "string":
            label = _text(field.get("LabelDetection"))
            text = _clean_vendor(text) if _type(field) in ("VENDOR_NAME", "NAME") else _clean_number(text, label)
        found = found_value(value_type, text, _confidence(field), dayfirst=dayfirst)
        if found is not None and (best is None or found.confidence > best.confidence):
            best = found
    return best


def _currency(summary: list[Any], line_items: list[list[Any]], roles: Mapping[str, Found | None]) -> Found | None:
    amount_fields = [field for field in summary if _type(field) in {"TOTAL", "AMOUNT_DUE", "SUBTOTAL", "TAX"}]
    others = [field for field in summary if field not in amount_fields]
    others += [field for fields in line_items for field in fields]
    for group in (amount_fields, others):
        coded = [field for field in group if (field.get("Currency") or {}).get("Code")]
        if coded:
            best = max(coded, key=_confidence)
            code = str(best["Currency"]["Code"]).upper()
            return found_value("currency", code, _confidence(best))
    for group in (amount_fields, others):
        for field in sorted(group, key=_confidence, reverse=True):
            codes = currencies_in(_text(field.get("ValueDetection")))
            if codes:
                return found_value("currency", codes[0], min(_confidence(field), SYMBOL_CURRENCY_CONFIDENCE))
    return None


def _custom(summary: list[Any], name: str, field_type: str, dayfirst: bool) -> Found | None:
    """A custom field: the summary field of that type (PO_NUMBER for po_number), else of that label."""
    by_type = [field for field in summary if _type(field).lower() == name]
    found = _pick(by_type, field_type, dayfirst)
    if found is not None:
        return found
    words = name.split("_")
    by_label = [
        field for field in summary if re.findall(r"[a-z0-9]+", _text(field.get("LabelDetection")).lower()) == words
    ]
    found = _pick(by_label, field_type, dayfirst)
    if found is None:
        return None
    return Found(found.value, max(0, found.confidence - LABEL_MATCH_DROP), found.raw)


def _line_item(fields: list[Any]) -> dict[str, Any] | None:
    texts: dict[str, str] = {}
    for field in fields:
        text = _text(field.get("ValueDetection")).strip()
        if text:
            texts.setdefault(_type(field), text)
    description = texts.get("ITEM") or texts.get("DESCRIPTION") or ""
    amount = texts.get("PRICE") or texts.get("TOTAL")
    return line_item(description, texts.get("QUANTITY"), texts.get("UNIT_PRICE"), amount)


def _line_blocks(response: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    documents = list(response.get("ExpenseDocuments") or [])
    blocks = [block for document in documents for block in document.get("Blocks") or []]
    blocks += list(response.get("Blocks") or [])
    return [block for block in blocks if block.get("BlockType") == "LINE"]


def _lines(response: Mapping[str, Any], documents: list[Any], summary: list[Any]) -> list[str]:
    """The document's text lines (LINE blocks), else its summary fields as "label value" lines."""
    lines = [str(block.get("Text") or "") for block in _line_blocks(response)]
    if lines:
        return lines
    return [f"{_text(field.get('LabelDetection'))}   {_text(field.get('ValueDetection'))}".strip() for field in summary]


def _dayfirst(summary: list[Any], lines: list[str]) -> bool:
    """Whether 03/04/2021 is the 3rd of April: the document's unambiguous dates decide, else its
    currency (US documents write the month first)."""
    dated = [_text(field.get("ValueDetection")) for field in summary if "DATE" in _type(field)]
    inferred = infer_dayfirst("\n".join([*dated, *lines]))
    if inferred is not None:
        return inferred
    codes = [str((field.get("Currency") or {}).get("Code") or "") for field in summary]
    codes += [code for field in summary for code in currencies_in(_text(field.get("ValueDetection")))]
    return "USD" not in codes


# ---------------------------------------------------------------------------------------------------
# The page text


@dataclass(frozen=True)
class _Placed:
    """A LINE block where Textract saw it: page (from 1), box edges as fractions of the page, confidence."""

    page: int
    left: float
    top: float
    bottom: float
    width: float
    text: str
    confidence: float

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def textract_layout(response: Mapping[str, Any]) -> Layout:
    """The response's LINE blocks as page text: per page, the blocks whose boxes overlap vertically make one
    text line, ordered left to right, each at the column its left edge gives (the page's width in characters
    estimated from the blocks' own text), so that columns line up as the text layer lines them up. Each
    block's confidence is kept as an OCR word's is; a response without LINE blocks gives no page text."""
    placed = [line for block in _line_blocks(response) if (line := _placed(block)) is not None]
    if not placed:
        return Layout([])
    # Characters across the page: what the blocks' text takes per width, the typical block's.
    columns = statistics.median(len(line.text) / line.width for line in placed)
    pages: list[str] = []
    spans: list[list[list[Span]]] = []
    for number in range(1, max(line.page for line in placed) + 1):
        rows = _rows([line for line in placed if line.page == number])
        heights = [max(line.bottom - line.top for line in row) for row in rows]
        height = statistics.median(heights) if heights else 0.0
        texts: list[str] = []
        page_spans: list[list[Span]] = []
        for index, row in enumerate(rows):
            gap = min(line.top for line in row) - max(line.bottom for line in rows[index - 1]) if index else 0.0
            if gap > BLANK_LINE_GAP * height:
                texts.append("")
                page_spans.append([])
            text, row_spans = _render(row, columns)
            texts.append(text)
            page_spans.append(row_spans)
        pages.append("\n".join(texts))
        spans.append(page_spans)
    return Layout(pages, spans)


def _placed(block: Mapping[str, Any]) -> _Placed | None:
    text = str(block.get("Text") or "").strip()
    box = (block.get("Geometry") or {}).get("BoundingBox") or {}
    width = float(box.get("Width") or 0.0)
    if not text or width <= 0:
        return None
    top = float(box.get("Top") or 0.0)
    return _Placed(
        page=int(block.get("Page") or 1),
        left=float(box.get("Left") or 0.0),
        top=top,
        bottom=top + float(box.get("Height") or 0.0),
        width=width,
        text=text,
        confidence=float(block.get("Confidence") or 0.0),
    )


def _rows(lines: list[_Placed]) -> list[list[_Placed]]:
    """The page's blocks in text lines, top to bottom: a block joins the line its middle falls within."""
    rows: list[list[_Placed]] = []
    for line in sorted(lines, key=lambda line: line.middle):
        row = rows[-1] if rows else None
        if row is not None and min(item.top for item in row) <= line.middle <= max(item.bottom for item in row):
            row.append(line)
        else:
            rows.append([line])
    return [sorted(row, key=lambda line: line.left) for row in rows]


def _render(row: list[_Placed], columns: float) -> tuple[str, list[Span]]:
    text = ""
    spans: list[Span] = []
    for line in row:
        start = round(line.left * columns)
        if text:
            start = max(start, len(text) + CELL_GAP)
        text = text.ljust(start) + line.text
        spans.append((start, len(text), line.confidence))
    return text, spans
