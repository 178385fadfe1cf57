"""The evaluation's sections and report: targets per section, calibration at high scores, time, the output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eval.__main__ import main
from eval.report import chart, failures, field_verdicts, high_score_verdict, markdown
from eval.run import Document, Evaluation, Mistake, Outcome, image_pages, mistakes, score
from eval.scoring import LAYOUT_LINE_ITEMS_F1_TARGET, LAYOUT_TARGETS, SCAN_TARGETS
from recordengine.models import ExtractionResult

PDF = "application/pdf"


def _row(name: str, **values: Any) -> dict[str, Any]:
    return {"id": name, "document": f"{name}.pdf", "fields_scorable": list(values), **values}


def _outcome(
    row: dict[str, Any],
    extracted: dict[str, str | None] | None,
    confidence: int = 80,
    seconds: float = 0.1,
    *,
    kind: str = "text",
    media_type: str = PDF,
    pages: int = 1,
    baselines: dict[str, float] | None = None,
    error: str = "The image could not be read by OCR.",
) -> Outcome:
    document = Document(row, b"", media_type, kind, pages, dict(baselines or {}))
    if extracted is None:
        return Outcome(document, None, error, seconds)
    result = ExtractionResult(
        extracted_fields=extracted,
        confidence_score=confidence,
        confidence_reasoning=".",
        field_confidence=dict.fromkeys(extracted, 70),
    )
    return Outcome(document, result, None, seconds)


# ---------------------------------------------------------------------------------------------------
# Targets per section


def test_each_section_target_is_met_missed_or_unjudged() -> None:
    outcomes = [
        _outcome(_row("a", vendor_name="Northwind", total=10.0), {"vendor": "Northwind", "total_amount": "10.00"}),
        _outcome(_row("b", vendor_name="Contoso", total=20.0), {"vendor": "Contoso", "total_amount": "21.00"}),
    ]
    section = score("Layout-read", outcomes, {"vendor_name": 0.92, "total": 0.95, "tax": 0.9}, 0.92)
    assert field_verdicts(section) == {"vendor_name": True, "tax": None, "total": False, "line_items": None}
    assert field_verdicts(score("Untargeted", outcomes)) == {}


# ---------------------------------------------------------------------------------------------------
# Calibration


def test_a_wrong_vendor_or_total_scored_90_or_more_is_found() -> None:
    want = {"vendor_name": "Northwind", "total": 10.0, "invoice_date": "2025-01-02"}
    right = {"vendor": "Northwind", "total_amount": "10.00", "invoice_date": "2025-01-02"}
    outcomes = [
        _outcome(_row("right", **want), right, 99),
        _outcome(_row("vendor", **want), {**right, "vendor": "Invoice"}, 90),  # on the threshold: counts
        _outcome(_row("total", **want), {**right, "total_amount": None}, 95),  # missing is wrong too
        _outcome(_row("unsure", **want), {**right, "vendor": "Invoice"}, 89),  # below: calibration is fine
        _outcome(_row("date", **want), {**right, "invoice_date": "2025-02-01"}, 97),  # not vendor or total
        _outcome(_row("failed", **want), None),  # no score
    ]
    section = score("Text", outcomes)
    assert section.confident_mistakes() == [
        Mistake("vendor.pdf", "vendor_name", "Invoice", "Northwind", 70, 90),
        Mistake("total.pdf", "total", None, 10.0, 70, 95),
    ]
    # Documents scored ≥ 90: right, vendor, total and date: 12 fields, 9 right.
    assert section.high_scored() == 4
    found = section.high_score_fields()
    assert (found.correct, found.scored) == (9, 12)
    assert high_score_verdict(section) is False


def test_97_percent_of_fields_right_at_high_scores() -> None:
    want = {"vendor_name": "Northwind", "total": 1.0}
    right = {"vendor": "Northwind", "total_amount": "1.00"}
    outcomes = [_outcome(_row(f"r{index}", **want), right, 95) for index in range(16)]
    outcomes.append(_outcome(_row("wrong", **want), {**right, "total_amount": "2.00"}, 95))
    assert high_score_verdict(score("Text", outcomes)) is True  # 33 of 34: 97.06%
    outcomes.append(_outcome(_row("wrong2", **want), {**right, "vendor": "Other"}, 92))
    assert high_score_verdict(score("Text", outcomes)) is False  # 34 of 36: 94.4%
    assert high_score_verdict(score("Text", [_outcome(_row("x", **want), right, 89)])) is None  # none scored ≥ 90


def test_mistakes_carry_path_field_got_want_and_confidences() -> None:
    outcome = _outcome(_row("a", tax=1.17, currency="EUR"), {"tax_amount": "1.71", "currency": "EUR"}, 64)
    assert mistakes(outcome) == [Mistake("a.pdf", "tax", "1.71", 1.17, 70, 64)]
    assert mistakes(_outcome(_row("b", tax=1.0), None)) == []


# ---------------------------------------------------------------------------------------------------
# Time


def test_a_sections_time_is_per_page_against_the_same_documents_baseline() -> None:
    row = _row("a", total=1.0)
    outcomes = [
        _outcome(row, {}, seconds=0.3, pages=3, baselines={"pypdf_layout": 0.06}),
        _outcome(row, {}, seconds=0.2, pages=1, baselines={"pypdf_layout": 0.05}),
        _outcome(row, {}, seconds=0.4, pages=2),  # no baseline for this one
    ]
    section = score("Text", outcomes)
    assert section.timing().median == pytest.approx(0.2)
    baseline = section.baseline_timing("pypdf_layout")
    assert baseline.documents == 2
    assert baseline.median == pytest.approx(0.035)


def test_an_images_pages_are_its_frames_up_to_the_engines_limit() -> None:
    from io import BytesIO

    from PIL import Image

    frames = [Image.new("L", (8, 8), colour) for colour in range(7)]
    tiff = BytesIO()
    frames[0].save(tiff, format="TIFF", save_all=True, append_images=frames[1:])
    png = BytesIO()
    frames[0].save(png, format="PNG")
    assert image_pages(tiff.getvalue()) == 5
    assert image_pages(png.getvalue()) == 1
    assert image_pages(b"not an image") == 1


# ---------------------------------------------------------------------------------------------------
# The report


def _evaluation() -> Evaluation:
    receipt = {"vendor_name": "Example Warehouse", "invoice_date": "2026-02-18", "total": 12.5, "currency": "CAD"}
    scans = [
        _outcome(
            _row("r1", **receipt),
            {"vendor": "Example Warehouse", "invoice_date": "2026-02-18", "total_amount": "12.50", "currency": "CAD"},
            70,
            0.5,
            kind="scan",
            media_type="image/jpeg",
            baselines={"tesseract": 0.4},
        ),
        _outcome(
            _row("r2", **receipt),
            None,
            kind="scan",
            media_type="image/jpeg",
            seconds=0.3,
            baselines={"tesseract": 0.2},
            error="No text could be recognised in the image.",
        ),
    ]
    invoice = {"vendor_name": "Northwind Traders", "total": 100.0, "line_items": [{"description": "A", "amount": 1}]}
    text_row = _row("inv", **invoice)
    extracted = {"vendor": "Bill To", "total_amount": "100.00"}
    off = [_outcome(text_row, extracted, 93, 0.1, pages=2, baselines={"pypdf_layout": 0.04})]
    off[0].document.baseline_seconds["pypdf_plain"] = 0.02
    on = [Outcome(off[0].document, off[0].result, None, 0.06)]
    sections = {
        "scans": score("Receipts and scans", scans, SCAN_TARGETS),
        "text_off": score(
            "Layout-read text PDFs (e-invoice reading off)", off, LAYOUT_TARGETS, LAYOUT_LINE_ITEMS_F1_TARGET
        ),
        "text_on": score("Text PDFs, e-invoice reading on", on),
        "corpus": score("Whole corpus, default settings", on + scans),
    }
    documents = [outcome.document for outcome in scans]
    return Evaluation(Path("documents"), sections, [off[0].document], documents, "Tesseract 5", 1.0)


def test_the_report_shows_targets_calibration_and_speed_verdicts() -> None:
    report = markdown(_evaluation())
    # Accuracy: the receipts' vendor is right once in two.
    assert "| vendor | 50.0% (1/2) | ≥ 85%: MISSED | 0.0% (0/1) | ≥ 92%: MISSED |" in report
    assert "| line items | – |  | F1 0.000 (P 0.0%, R 0.0%) | F1 ≥ 0.92: MISSED |" in report
    missed = "(MISSED: vendor, invoice_date, currency, total_amount)"
    assert f"**Receipts and scans**: 0 of 4 targets met {missed}." in report
    assert "No receipt ends in Exception: MISSED (1 of 2 did)." in report
    assert "| r2.pdf | No text could be recognised in the image. |" in report
    # Calibration: the invoice scored 93 with a wrong vendor, in the layout-read, e-invoice-on and whole sections.
    assert "| Receipts and scans | 0 | – | – (none scored ≥ 90) | 0 | met |" in report
    assert "| Layout-read text PDFs (e-invoice reading off) | 1 | 50.0% (1/2) | MISSED | 1 | MISSED |" in report
    assert "| inv.pdf | 93 | vendor | Bill To | Northwind Traders | Layout-read text PDFs |" in report
    assert "| inv.pdf | 93 | vendor | Bill To | Northwind Traders | Text PDFs, e-invoice on, Whole corpus |" in report
    # Speed: 0.1 s over 2 pages against pypdf's 0.04 s (layout) and 0.02 s (plain) for the same pages.
    assert (
        "| Layout-read text PDFs (e-invoice reading off) | 1 | 2 | 50.0 ms | 50.0 ms | 20.0 ms | 20.0 ms | "
        "**2.50×** | MISSED | 10.0 ms | 5.00× |"
    ) in report
    on = "| Text PDFs, e-invoice reading on | 1 | 2 | 30.0 ms | 30.0 ms | 20.0 ms | 20.0 ms | **1.50×** | met |"
    assert on in report
    # OCR: engine 0.5 and 0.3 s (median 0.4) against Tesseract's 0.4 and 0.2 s (median 0.3).
    assert "| Receipts and scans | 2 | 2 | 400.0 ms | 490.0 ms | 300.0 ms | 390.0 ms | **1.33×** | met |" in report
    assert "rendering excluded from the baseline but included in the engine's time" in report


def test_one_part_only_has_no_whole_corpus_section(tmp_path: Path) -> None:
    evaluation = _evaluation()
    evaluation.only = "text"
    evaluation.sections = {key: evaluation.sections[key] for key in ("text_off", "text_on")}
    evaluation.scans = []
    report = markdown(evaluation)
    assert "(`--only text`): there is no whole-corpus section" in report
    assert "Whole corpus" not in report.replace("no whole-corpus section", "")
    assert "### OCR" not in report
    chart(evaluation, tmp_path / "chart.png")
    assert (tmp_path / "chart.png").read_bytes().startswith(b"\x89PNG")


def test_failures_list_every_wrong_field_per_document() -> None:
    listed = failures(_evaluation())
    assert "### Receipts and scans: 0 wrong fields in 1 documents" in listed
    assert "| r2.pdf | – | (every field) | Exception: No text could be recognised in the image. | | |" in listed
    assert "| inv.pdf | 93 | vendor | Bill To | Northwind Traders | 70 |" in listed
    assert "Whole corpus" not in listed


def test_the_chart_is_a_png(tmp_path: Path) -> None:
    path = tmp_path / "chart.png"
    chart(_evaluation(), path)
    assert path.read_bytes().startswith(b"\x89PNG")


def test_the_help_documents_the_conveniences(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    shown = capsys.readouterr().out
    assert "--only {text,scans,http}" in shown
    assert "--burst" in shown
    assert "--baseline" in shown
    assert "--failures" in shown
    assert main(["--corpus", "/nonexistent", "--only", "scans"]) == 2
