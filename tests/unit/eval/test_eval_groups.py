"""Issue 15's figures: languages, formats and sources; the targets met or MISSED; results.json and --baseline."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from eval.__main__ import main
from eval.groups import (
    IssueFigures,
    breakdowns,
    english_text_checks,
    issue_checks,
    issue_figures,
    source_label,
    split,
)
from eval.http_run import HttpRun
from eval.languages import document_language, language_of_text, seller_country
from eval.report import markdown
from eval.results import baseline_records, document_record, results, save
from eval.run import Document, Evaluation, Outcome, score
from recordengine.models import ExtractionResult
from tests.support.documents import invoice_pdf

PDF = "application/pdf"
CII = """<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100">
  <rsm:SupplyChainTradeTransaction><ram:ApplicableHeaderTradeAgreement>
    <ram:BuyerTradeParty><ram:PostalTradeAddress><ram:CountryID>DE</ram:CountryID></ram:PostalTradeAddress>
    </ram:BuyerTradeParty>
    <ram:SellerTradeParty><ram:Name>Vendeur SARL</ram:Name>
      <ram:PostalTradeAddress><ram:CountryID>{country}</ram:CountryID></ram:PostalTradeAddress>
    </ram:SellerTradeParty>
  </ram:ApplicableHeaderTradeAgreement></rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>"""


def _with_xml(pdf: bytes, xml: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_attachment("factur-x.xml", xml.encode())
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _outcome(
    name: str,
    extracted: dict[str, str | None] | None,
    *,
    source: str = "invoices",
    language: str = "en",
    kind: str = "text",
    media_type: str = PDF,
    confidence: int = 80,
    error: str = "OCR took too long on this document.",
    **truth: Any,
) -> Outcome:
    row = {"id": name, "document": f"{source}/{name}", "source": source, "fields_scorable": list(truth), **truth}
    document = Document(row, b"", media_type, kind, 1, language=language)
    if extracted is None:
        return Outcome(document, None, error, 1.0)
    result = ExtractionResult(extracted_fields=extracted, confidence_score=confidence, confidence_reasoning=".")
    return Outcome(document, result, None, 1.0)


# ---------------------------------------------------------------------------------------------------
# Language, format, source


def test_a_rows_language_is_its_key_and_english_without_one() -> None:
    assert document_language({"source": "receipts", "language": "DE"}, b"") == "de"
    assert document_language({"source": "receipts"}, b"") == "en"


def test_an_e_invoice_without_a_language_takes_its_sellers_country() -> None:
    french = _with_xml(invoice_pdf(), CII.format(country="FR"))
    assert document_language({"source": "zugferd-corpus"}, french) == "fr"
    # The same file from a source whose rows are labelled otherwise is English.
    assert document_language({"source": "invoices"}, french) == "en"
    assert seller_country(CII.format(country="de").encode()) == "DE"  # the seller's, not the buyer's
    assert seller_country(b"<not xml") is None


def test_without_a_seller_country_the_printed_words_decide() -> None:
    assert document_language({"source": "mustangproject"}, invoice_pdf(), "Rechnung Nr. 5, Datum, Summe") == "de"
    assert language_of_text("FACTURE n° 12 — Total TTC 120,00 € dont TVA") == "fr"
    assert language_of_text("Invoice total") is None
    assert document_language({"source": "mustangproject"}, b"", "Invoice total") == "en"


def test_formats_are_text_pdf_image_only_pdf_and_photo() -> None:
    formats = [
        _outcome("a", {}, kind="text").document.format,
        _outcome("b", {}, kind="scan").document.format,
        _outcome("c", {}, kind="scan", media_type="image/jpeg").document.format,
    ]
    assert formats == ["text PDF", "image-only PDF", "photo"]


def test_documents_split_per_language_format_and_source_with_the_new_sources_apart() -> None:
    outcomes = [
        _outcome("a.pdf", {"total_amount": "1.00"}, total=1.0),
        _outcome("b.jpg", {"total_amount": "2.00"}, source="receipt-recognition", language="de", kind="scan",
                 media_type="image/jpeg", total=3.0),
        _outcome("c.jpg", None, source="guanshuicheng-invoice", language="zh", kind="scan", media_type="image/png",
                 total=4.0),
    ]  # fmt: skip
    per = {breakdown.title: breakdown.sections for breakdown in breakdowns(outcomes)}
    assert [section.title for section in per["Per language"]] == ["de (German)", "en (English)", "zh (Chinese)"]
    assert [section.title for section in per["Per format"]] == ["text PDF", "photo"]
    photos = per["Per format"][1]
    assert (len(photos.outcomes), photos.fields["total"].correct, len(photos.exceptions())) == (2, 0, 1)
    assert source_label(outcomes[1]) == "receipt-recognition (new)"
    arrival = per["Sources added on 2026-12-07 and earlier ones"]
    assert [(section.title, len(section.outcomes)) for section in arrival] == [
        ("added 2026-12-07", 2),
        ("earlier sources", 1),
    ]
    assert split([], source_label) == []


# ---------------------------------------------------------------------------------------------------
# Targets


def _verdicts(checks: list[Any]) -> dict[str, bool | None]:
    return {check.goal: check.met for check in checks}


def test_the_issues_targets_are_judged_on_the_right_documents() -> None:
    german = {"vendor_name": "Lieferant", "total": 10.0, "currency": "EUR"}
    right = {"vendor": "Lieferant", "total_amount": "10.00", "currency": "EUR"}
    outcomes = [
        *(_outcome(f"de{index}", right, language="de", confidence=95, **german) for index in range(19)),
        _outcome("de-wrong", {**right, "total_amount": "12.00"}, language="de", **german),  # 19/20: 95%
        _outcome("photo", {**right, "vendor": "Bon"}, kind="scan", media_type="image/jpeg", **german),
        _outcome("zh", {"total_amount": "10.00", "currency": "CNY"}, language="zh", kind="scan",
                 media_type="image/jpeg", total=10.0, currency="CNY", invoice_date="2026-01-02"),
    ]  # fmt: skip
    verdicts = _verdicts(issue_checks(outcomes, [], None, None))
    assert verdicts["Non-English documents: total_amount"] is True  # 20 of 21, the Chinese one with them: 95.2%
    assert verdicts["Non-English documents: vendor"] is True  # 20 of 20; the English photo's is not counted
    assert verdicts["Non-English documents: invoice_number"] is None  # nothing labelled
    assert verdicts["Photos and image-only PDFs: vendor"] is False  # 1 of 2
    assert verdicts["Chinese invoices (1): total_amount"] is True
    assert verdicts["Chinese invoices (1): invoice_date"] is False  # not read
    assert verdicts["Calibration: fields right among documents scored ≥ 90"] is True
    assert verdicts["Calibration: wrong vendor or total scored ≥ 90"] is True
    assert verdicts["Burst: load-caused Exceptions"] is None  # not run


def test_a_wrong_total_scored_90_misses_calibration() -> None:
    truth = {"vendor_name": "Acme", "total": 5.0}
    outcomes = [_outcome("a", {"vendor": "Acme", "total_amount": "6.00"}, confidence=90, **truth)]
    assert _verdicts(issue_checks(outcomes, [], None, None))["Calibration: wrong vendor or total scored ≥ 90"] is False
    unsure = [_outcome("a", {"vendor": "Acme", "total_amount": "6.00"}, confidence=89, **truth)]
    assert _verdicts(issue_checks(unsure, [], None, None))["Calibration: wrong vendor or total scored ≥ 90"] is None


def test_a_burst_is_judged_on_its_load_caused_exceptions_only() -> None:
    busy = _outcome("a", None, error="OCR could not start in the time available: the function is busy.", total=1.0)
    content = _outcome("b", None, error="The file is not a valid PDF (truncated or corrupt).", total=1.0)
    checks = {check.goal: check for check in issue_checks([], [], None, HttpRun("burst", [content], 1.0))}
    assert checks["Burst: load-caused Exceptions"].met is True
    checks = {check.goal: check for check in issue_checks([], [], None, HttpRun("burst", [busy, content], 1.0))}
    assert (checks["Burst: load-caused Exceptions"].found, checks["Burst: load-caused Exceptions"].met) == (
        "1 of 2",
        False,
    )


def _english_text_records(rights: list[bool]) -> list[dict[str, Any]]:
    return [
        document_record(_outcome(f"d{index}", {"total_amount": "1.00" if right else "2.00"}, total=1.0))
        for index, right in enumerate(rights)
    ]


def test_english_text_pdfs_may_lose_one_document_per_field_against_the_baseline() -> None:
    before = _english_text_records([True, True, True, True])
    one_less = english_text_checks(_english_text_records([True, True, True, False]), before)
    total = {check.goal: check for check in one_less}["English text PDFs: total_amount against the baseline"]
    assert (total.found, total.wanted, total.met) == ("3/4 (before: 4/4)", "≥ 3", True)
    two_less = english_text_checks(_english_text_records([True, True, False, False]), before)
    assert _verdicts(two_less)["English text PDFs: total_amount against the baseline"] is False
    assert _verdicts(two_less)["English text PDFs: vendor against the baseline"] is None  # not scored
    assert [check.met for check in english_text_checks(before, None)] == [None]


def test_other_languages_and_formats_are_not_held_to_the_baseline() -> None:
    before = _english_text_records([True, True])
    scans = [
        document_record(_outcome(f"d{index}", {}, kind="scan", media_type="image/jpeg", total=1.0)) for index in (0, 1)
    ]
    assert _verdicts(english_text_checks(scans, before))["English text PDFs: total_amount against the baseline"] is None


# ---------------------------------------------------------------------------------------------------
# results.json and the report


def _evaluation() -> Evaluation:
    layout = [
        _outcome("inv.pdf", {"vendor": "Acme", "total_amount": "5.00"}, confidence=92, vendor_name="Acme", total=5.0),
        _outcome("rechnung.pdf", {"vendor": "Kunde AG", "total_amount": "7.00"}, language="de", vendor_name="Lieferant",
                 total=7.0),
    ]  # fmt: skip
    receipts = [
        _outcome("bon.jpg", None, source="receipt-recognition", language="de", kind="scan", media_type="image/jpeg",
                 total=3.0),
    ]  # fmt: skip
    sections = {"text_off": score("Layout-read", layout), "text_on": score("On", layout), "scans": score("S", receipts)}
    texts = [outcome.document for outcome in layout]
    return Evaluation(Path("documents"), sections, texts, [receipts[0].document], "Tesseract 5", 1.0)


def test_results_are_saved_and_read_back_as_a_baseline(tmp_path: Path) -> None:
    evaluation = _evaluation()
    figures = issue_figures(evaluation)
    assert isinstance(figures, IssueFigures)
    path = tmp_path / "results.json"
    save(path, results(evaluation.corpus, figures))
    records = baseline_records(path)
    assert [record["document"] for record in records] == [
        "invoices/inv.pdf",
        "invoices/rechnung.pdf",
        "receipt-recognition/bon.jpg",
    ]
    assert records[1]["fields"]["vendor_name"] == {"right": False, "got": "Kunde AG", "want": "Lieferant"}
    assert records[2]["exception"] == "OCR took too long on this document."
    assert (records[2]["language"], records[2]["format"]) == ("de", "photo")
    evaluation.baseline = records
    verdicts = _verdicts(issue_figures(evaluation).checks)
    assert verdicts["English text PDFs: total_amount against the baseline"] is True


def test_the_report_shows_the_targets_and_the_tables_per_language_format_and_source() -> None:
    report = markdown(_evaluation())
    assert "## Issue 15: languages, formats and sources" in report
    assert "| Non-English documents: vendor | 0.0% (0/1) | ≥ 90% | MISSED |" in report
    assert "| Photos and image-only PDFs: total_amount | 0.0% (0/1) | ≥ 90% | MISSED |" in report
    assert "| Burst: load-caused Exceptions | not run (--burst) | 0 | – |" in report
    assert "### Per language" in report
    assert "| de (German) | 2 | 1 (1 load) | 0.0% (0/1) |" in report  # OCR took too long: load-caused
    assert "| receipt-recognition (new) | 1 | 1 (1 load) |" in report
    assert "| added 2026-12-07 | 1 | 1 (1 load) |" in report
    assert "| en (English) | 1 | 0 | 100.0% (1/1) |" in report


def test_a_burst_exception_that_happens_one_at_a_time_too_is_told_apart() -> None:
    slow = "OCR took too long on this document."
    burst = HttpRun(
        "burst", [_outcome("a", None, error=slow, total=1.0), _outcome("b", None, error=slow, total=1.0)], 9.0
    )
    sequential = HttpRun("sequential", [_outcome("a", None, error=slow, total=1.0), _outcome("b", {}, total=1.0)], 20.0)
    [check] = [check for check in issue_checks([], [], None, burst, sequential) if check.goal.startswith("Burst")]
    assert (check.found, check.met) == ("2 of 2 (1 of them one at a time too)", False)

    evaluation = _evaluation()
    evaluation.http = {"burst": burst, "sequential": sequential}
    report = markdown(evaluation)
    assert "| Burst (every document uploaded at once) | 2 | 9 s | 1.0 s | 1.0 s | 2 | 0 |" in report
    assert f"| invoices/a | {slow} | load | {slow} |" in report
    assert f"| invoices/b | {slow} | load | read |" in report
    assert "| total_amount | 0.0% (0/2) | 0.0% (0/2) |" in report


def test_a_baseline_that_is_not_a_results_file_is_refused_before_anything_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "ground_truth.jsonl").write_text('{"document": "missing.pdf"}\n', encoding="utf-8")
    (tmp_path / "report.json").write_text('{"targets": []}', encoding="utf-8")
    assert main(["--corpus", str(tmp_path), "--baseline", str(tmp_path / "report.json")]) == 2
    assert "is not a results.json of this evaluation" in capsys.readouterr().err
