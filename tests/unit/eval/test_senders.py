"""The evaluation's sender recognition figures: attributed documents of repeat suppliers, and merges."""

from eval.run import Document, Outcome
from eval.senders import figures, recognise, report_lines
from recordengine.models import ExtractionResult


def outcome(supplier: str, identifiers: list[str], vendor: str | None = None) -> Outcome:
    row = {"document": f"{supplier}-{len(identifiers)}-{vendor}.pdf", "vendor_name": supplier}
    result = ExtractionResult(
        confidence_score=80,
        confidence_reasoning="",
        extracted_fields={"vendor": vendor},
        field_confidence={"vendor": 80},
        sender_identifiers=identifiers,
    )
    return Outcome(Document(row, b"", "application/pdf", "text", 1), result, None, 0.1)


def test_repeat_suppliers_attributed_and_merges_counted():
    recognition = recognise(
        [
            outcome("Larkspur Drafting GmbH", ["tax:DE:DE310341316", "name:larkspur drafting"]),
            outcome("LARKSPUR DRAFTING", ["domain:larkspur.de", "name:larkspur drafting"]),
            outcome("Larkspur Drafting", []),  # nothing read: not attributed
            outcome("Quillon Instruments", ["tax:DE:DE834738299"]),
            outcome("Tamarind Office", ["tax:DE:DE834738299"]),  # misread as Quillon's: a merge
            outcome("Pebblebrook Candles", []),  # a repeat supplier none of whose documents was attributed
            outcome("Pebblebrook Candles", []),
        ]
    )
    assert recognition.attributed() == (2, 5)
    assert list(recognition.merged().values()) == [["quillon instruments", "tamarind office"]]
    found = figures(recognition)
    assert found["attributed"] == 2 and found["of_repeat_supplier_documents"] == 5 and len(found["merged"]) == 1
    text = "\n".join(report_lines(recognition))
    assert (
        "2 of 5" in text
        and text.count("pebblebrook candles") == 2
        and "MISSED" in text
        and "quillon instruments, tamarind office" in text
    )
