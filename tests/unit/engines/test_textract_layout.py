"""Textract's LINE blocks as page text: text lines by vertical overlap, cells at their columns, pages apart,
so that what reads the built-in engine's layout (labels, values under headings, a sender's hints) reads it."""

from __future__ import annotations

import re
from typing import Any

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction.engine import Extraction
from recordengine.extraction.engines.textract import TextractEngine, textract_layout
from recordengine.extraction.layout import Layout
from recordengine.media import PNG
from tests.support.textract import expense_response, line, tool_hire_invoice

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def cells(layout: Layout) -> list[list[str]]:
    return [[segment.text for segment in segments] for segments in layout.segments if segments]


def column_of(layout: Layout, text: str) -> int:
    return next(segment.start for segments in layout.segments for segment in segments if segment.text == text)


def test_lines_side_by_side_are_one_text_line_in_reading_order() -> None:
    layout = textract_layout(tool_hire_invoice("BTH-20417"))
    assert cells(layout) == [
        ["Brackenridge Tool Hire Ltd", "INVOICE"],
        # The number sits a little lower than its label, on the same text line.
        ["14 Quarry Lane", "Ref.", "BTH-20417"],
        ["Dunmore DM4 7QX", "Date:", "03/02/2026"],
        ["Description", "Amount"],
        ["Scaffold tower, 2 weeks", "240.00"],
        ["VAT 20%", "48.00"],
        ["Total GBP", "288.00"],
        ["Bank: GB82 WEST 1234 5698 7654 32"],
    ]


def test_columns_line_up_as_on_the_page() -> None:
    layout = textract_layout(tool_hire_invoice("BTH-20417"))
    assert column_of(layout, "BTH-20417") == column_of(layout, "03/02/2026")
    assert column_of(layout, "Ref.") == column_of(layout, "Date:") == column_of(layout, "Total GBP")
    # An amount printed under its heading is found under it, as in the text layer.
    heading = next(layout.find(re.compile("Amount")))
    assert [segment.text for segment in layout.below(heading, lines=1)] == ["240.00"]


def test_a_gap_between_blocks_is_a_blank_line_and_pages_stay_apart() -> None:
    layout = textract_layout(tool_hire_invoice("BTH-20417"))
    dates = layout.lines.index(next(text for text in layout.lines if "Date:" in text))
    assert layout.lines[dates + 1] == "" and "Description" in layout.lines[dates + 2]
    assert layout.page_of_line[-1] == 1 and layout.lines[-1].strip().startswith("Bank:")
    assert set(layout.page_of_line[:-1]) == {0}


def test_each_line_keeps_textracts_confidence() -> None:
    response = expense_response(
        [line("Ref.", 0.10, 0.10, confidence=99.0), line("BTH-7", 0.30, 0.10, confidence=61.5)], []
    )
    layout = textract_layout(response)
    assert layout.ocr
    value = next(layout.find(re.compile("BTH-7")))
    assert layout.ocr_confidence(value.line, value.start, value.end) == 61.5


def test_cells_that_would_touch_are_kept_apart() -> None:
    # Two lines whose boxes say they nearly touch still read as two cells.
    layout = textract_layout(expense_response([line("Quantity", 0.10, 0.10), line("Price", 0.17, 0.10)], []))
    assert cells(layout) == [["Quantity", "Price"]]


def test_a_response_without_line_blocks_has_no_page_text() -> None:
    assert textract_layout(expense_response([], [])).text == ""


def test_the_engine_gives_the_page_text_and_the_senders_identifiers(textract: Any) -> None:
    client, stubber = textract
    stubber.add_response("analyze_expense", tool_hire_invoice("BTH-20417"), {"Document": {"Bytes": PNG_BYTES}})
    read = TextractEngine(client)(PNG_BYTES, PNG, INVOICE_PROFILE)
    assert isinstance(read, Extraction) and not read.einvoice
    assert "BTH-20417" in read.layout.text
    assert read.result.extracted_fields["invoice_number"] == "BTH-20417"
    # Recognised from the page text as the built-in engine recognises them: the bank account, the name.
    assert "iban:GB82WEST12345698765432" in read.result.sender_identifiers
    assert any(identifier.startswith("name:") for identifier in read.result.sender_identifiers)
