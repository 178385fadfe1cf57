"""The report: Markdown (printed and written), the wrong fields (``--failures``) and a PNG chart."""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Any

from recordengine.media import PDF

from .groups import NEW_SOURCES_DATE, Breakdown, IssueFigures, TargetCheck, issue_figures
from .http_run import BURST, SEQUENTIAL, HttpRun
from .results import PAGE_RUN
from .run import Evaluation, Mistake, Section, mistakes, score
from .scoring import (
    BANDS,
    CONFIDENT_FIELDS,
    FIELDS,
    HIGH_SCORE,
    HIGH_SCORE_FIELDS_TARGET,
    SPEED_TARGET,
    Timing,
    fast_enough,
    load_caused,
    percent,
    ratio,
    reaches,
    share_of,
    verdict,
)

ORDER = ("scans", "text_off", "text_on", "corpus")
# Short names, where a column or a legend has little room.
SHORT = {
    "scans": "Receipts and scans",
    "text_off": "Layout-read text PDFs",
    "text_on": "Text PDFs, e-invoice on",
    "corpus": "Whole corpus",
}
# The bare libraries each kind of document is timed against (Document.baseline_seconds).
TEXT_BASELINE = "pypdf_layout"
TEXT_PLAIN = "pypdf_plain"
OCR_BASELINE = "tesseract"


def _ms(seconds: float) -> str:
    return f"{1000 * seconds:.1f} ms"


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def _cell(value: Any) -> str:
    """A value in a Markdown table cell: on one line, pipes escaped."""
    if value is None:
        return "(none)"
    return " / ".join(str(value).splitlines()).replace("|", "\\|")


def ordered(sections: dict[str, Section]) -> list[tuple[str, Section]]:
    return [(key, sections[key]) for key in ORDER if key in sections]


# ---------------------------------------------------------------------------------------------------
# Accuracy


def field_verdicts(section: Section) -> dict[str, bool | None]:
    """Each target of the section met (True), missed (False) or not judged (None: nothing labelled);
    keys are ground-truth field names, and "line_items"."""
    verdicts = {
        name: reaches(section.fields[name].correct, section.fields[name].scored, section.targets[name])
        for name in FIELDS
        if name in section.targets
    }
    if section.line_items_target is not None:
        verdicts["line_items"] = section.line_items.f1_reaches(section.line_items_target)
    return verdicts


def field_table(sections: list[Section]) -> list[str]:
    header = "| field |"
    for section in sections:
        header += f" {section.title} |" + (" target |" if section.targets else "")
    columns = sum(2 if section.targets else 1 for section in sections)
    lines = [header, "|---" * (columns + 1) + "|"]
    verdicts = [field_verdicts(section) for section in sections]
    for name, shown in FIELDS.items():
        cells = []
        for section, met in zip(sections, verdicts, strict=True):
            score = section.fields[name]
            cells.append(share_of(score.correct, score.scored))
            if section.targets:
                target = section.targets.get(name)
                cells.append("" if target is None else f"≥ {target:.0%}: {verdict(met[name])}")
        lines.append(f"| {shown} | " + " | ".join(cells) + " |")
    cells = []
    for section, met in zip(sections, verdicts, strict=True):
        items = section.line_items
        cells.append(
            f"F1 {items.f1:.3f} (P {percent(items.precision)}, R {percent(items.recall)})" if items.documents else "–"
        )
        if section.targets:
            target = section.line_items_target
            cells.append("" if target is None else f"F1 ≥ {target}: {verdict(met['line_items'])}")
    lines.append("| line items | " + " | ".join(cells) + " |")
    return lines


def line_item_table(sections: list[Section]) -> list[str]:
    lines = [
        "| line items | documents labelled | items labelled | items found | found and right |",
        "|---|---|---|---|---|",
    ]
    for section in sections:
        items = section.line_items
        lines.append(f"| {section.title} | {items.documents} | {items.truth} | {items.predicted} | {items.matched} |")
    return lines


def target_summary(section: Section) -> str:
    verdicts = field_verdicts(section)
    judged = {name: met for name, met in verdicts.items() if met is not None}
    missed = [FIELDS.get(name, name.replace("_", " ")) for name, met in judged.items() if not met]
    line = f"**{section.title}**: {sum(judged.values())} of {len(judged)} targets met"
    if missed:
        line += f" (MISSED: {', '.join(missed)})"
    unjudged = [FIELDS.get(name, name) for name, met in verdicts.items() if met is None]
    if unjudged:
        line += f"; nothing labelled for {', '.join(unjudged)}"
    return line + "."


def exception_lines(section: Section) -> list[str]:
    """The "no receipt ends in Exception" verdict, with every one that does and why."""
    failed = section.exceptions()
    if not failed:
        return [f"No receipt ends in Exception: met ({section.extracted} of {len(section.outcomes)} extracted)."]
    lines = [
        f"No receipt ends in Exception: MISSED ({len(failed)} of {len(section.outcomes)} did).",
        "",
        "| document | reason |",
        "|---|---|",
    ]
    lines += [f"| {_cell(document)} | {_cell(reason)} |" for document, reason in failed]
    return lines


# ---------------------------------------------------------------------------------------------------
# Calibration


def high_score_verdict(section: Section) -> bool | None:
    """At least 97% of fields right among documents scored ≥ 90; None when none was."""
    return section.high_score_fields_met()


def calibration_summary(sections: list[Section]) -> list[str]:
    lines = [
        f"| section | documents scored ≥ {HIGH_SCORE} | fields right among them | "
        f"≥ {HIGH_SCORE_FIELDS_TARGET:.0%} right | wrong vendor or total at ≥ {HIGH_SCORE} | never |",
        "|---|---|---|---|---|---|",
    ]
    for section in sections:
        found = section.high_score_fields()
        wrong = section.confident_mistakes()
        right = verdict(high_score_verdict(section))
        if not section.high_scored():
            right = f"– (none scored ≥ {HIGH_SCORE})"
        lines.append(
            f"| {section.title} | {section.high_scored()} | {share_of(found.correct, found.scored)} | {right} | "
            f"{len(wrong)} | {verdict(not wrong)} |"
        )
    return lines


def confident_mistake_table(keyed: list[tuple[str, Section]]) -> list[str]:
    """Every document scored ≥ 90 with a wrong vendor or total, once, with the sections it counts in (the
    whole corpus shares its documents' readings with the receipts and e-invoice-on sections)."""
    rows: dict[tuple[int, str], tuple[Mistake, list[str]]] = {}
    for key, section in keyed:
        for outcome in section.outcomes:
            if (outcome.score or 0) < HIGH_SCORE:
                continue
            for mistake in mistakes(outcome):
                if mistake.field in CONFIDENT_FIELDS:
                    rows.setdefault((id(outcome), mistake.field), (mistake, []))[1].append(SHORT[key])
    if not rows:
        return [f"No document scored ≥ {HIGH_SCORE} has a wrong vendor or total."]
    lines = [
        f"Documents scored ≥ {HIGH_SCORE} with a wrong vendor or total:",
        "",
        "| document | score | field | got | want | counted in |",
        "|---|---|---|---|---|---|",
    ]
    for mistake, where in rows.values():
        lines.append(
            f"| {_cell(mistake.document)} | {mistake.score} | {FIELDS[mistake.field]} | {_cell(mistake.got)} | "
            f"{_cell(mistake.want)} | {', '.join(where)} |"
        )
    return lines


def calibration_table(section: Section) -> list[str]:
    lines = ["| score band | documents | fields scored | share correct |", "|---|---|---|---|"]
    for band, _, _ in BANDS:
        fields = section.calibration.fields[band]
        lines.append(
            f"| {band} | {section.calibration.documents[band]} | {fields.scored} | "
            f"{share_of(fields.correct, fields.scored)} |"
        )
    if section.errors:
        lines.append(f"| Exception (no score) | {sum(section.errors.values())} | | |")
    return lines


# ---------------------------------------------------------------------------------------------------
# Time


def speed_row(label: str, engine: Timing, baseline: Timing, judged: bool, pages: int) -> str:
    found = ratio(engine, baseline)
    shown = verdict(fast_enough(found)) if judged else "(information)"
    return (
        f"| {label} | {engine.documents} | {pages} | {_ms(engine.median)} | {_ms(engine.p95)} | "
        + (f"{_ms(baseline.median)} | {_ms(baseline.p95)} | " if baseline.documents else "– | – | ")
        + f"**{_ratio(found)}** | {shown} |"
    )


def text_speed_lines(sections: list[Section]) -> list[str]:
    lines = [
        f"| section | documents | pages | engine median | engine p95 | pypdf layout mode median | p95 | ratio | "
        f"≤ {SPEED_TARGET:.0f}× | pypdf `extract_text()` median | ratio |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for section in sections:
        engine = section.timing()
        layout = section.baseline_timing(TEXT_BASELINE)
        plain = section.baseline_timing(TEXT_PLAIN)
        found = ratio(engine, layout)
        pages = sum(outcome.document.pages for outcome in section.outcomes)
        lines.append(
            f"| {section.title} | {engine.documents} | {pages} | {_ms(engine.median)} | {_ms(engine.p95)} | "
            f"{_ms(layout.median)} | {_ms(layout.p95)} | **{_ratio(found)}** | {verdict(fast_enough(found))} | "
            f"{_ms(plain.median)} | {_ratio(ratio(engine, plain))} |"
        )
    return lines


def ocr_speed_lines(section: Section) -> list[str]:
    lines = [
        f"| section | documents | pages | engine median | engine p95 | Tesseract alone median | p95 | ratio | "
        f"≤ {SPEED_TARGET:.0f}× |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    images = [outcome for outcome in section.outcomes if outcome.document.media_type != PDF]
    pdfs = [outcome for outcome in section.outcomes if outcome.document.media_type == PDF]
    parts = [(section.title, section.outcomes, True)]
    if images and pdfs:
        parts += [("images", images, False), ("image-only PDFs", pdfs, False)]
    for label, outcomes, judged in parts:
        engine = Timing.of([outcome.seconds_per_page for outcome in outcomes])
        per_page = [outcome.document.baseline_per_page(OCR_BASELINE) for outcome in outcomes]
        baseline = Timing.of([seconds for seconds in per_page if seconds is not None])
        pages = sum(outcome.document.pages for outcome in outcomes)
        lines.append(speed_row(label, engine, baseline, judged, pages))
    missing = sum(1 for outcome in section.outcomes if OCR_BASELINE not in outcome.document.baseline_seconds)
    if missing:
        lines += ["", f"Tesseract alone could not read {missing} of them: the baseline leaves them out."]
    return lines


# ---------------------------------------------------------------------------------------------------
# Issue 15: languages, formats, sources; over HTTP


def checks_table(checks: list[TargetCheck]) -> list[str]:
    judged = [check for check in checks if check.met is not None]
    missed = [check.goal for check in judged if not check.met]
    lines = ["| target | found | wanted | verdict |", "|---|---|---|---|"]
    lines += [
        f"| {_cell(check.goal)} | {_cell(check.found)} | {_cell(check.wanted)} | {verdict(check.met)} |"
        for check in checks
    ]
    summary = f"**{sum(1 for check in judged if check.met)} of {len(judged)} targets met**"
    if missed:
        summary += f" (MISSED: {'; '.join(missed)})"
    unjudged = len(checks) - len(judged)
    if unjudged:
        summary += f"; {unjudged} not judged"
    return [*lines, "", summary + "."]


def group_table(breakdown: Breakdown) -> list[str]:
    """One row per group: documents, Exceptions, each field's accuracy and the line items' F1."""
    lines = [
        "| group | documents | Exception | " + " | ".join(FIELDS.values()) + " | line items F1 |",
        "|---" * (len(FIELDS) + 4) + "|",
    ]
    for section in breakdown.sections:
        fields = [share_of(found.correct, found.scored) for found in section.fields.values()]
        items = section.line_items
        failed = [reason for _, reason in section.exceptions()]
        load = sum(1 for reason in failed if load_caused(reason))
        lines.append(
            f"| {_cell(section.title)} | {len(section.outcomes)} | {len(failed)}{f' ({load} load)' if load else ''} | "
            + " | ".join(fields)
            + f" | {f'{items.f1:.3f} ({items.matched}/{items.predicted}/{items.truth})' if items.documents else '–'} |"
        )
    return lines


def breakdown_lines(breakdowns: list[Breakdown], level: str) -> list[str]:
    lines = []
    for breakdown in breakdowns:
        lines += [f"{level} {breakdown.title}", "", *group_table(breakdown), ""]
    return lines


def http_lines(runs: dict[str, HttpRun], groups: dict[str, list[Breakdown]]) -> list[str]:
    titles = {BURST: "Burst (every document uploaded at once)", SEQUENTIAL: "One at a time"}
    lines = [
        "## Over HTTP",
        "",
        "Each document uploaded to a fresh local stack (`POST /api/documents/upload`), its record read back "
        "(`GET /api/documents/{id}`) once it is no longer New or Processing, and scored like the in-process "
        "run (here with e-invoice reading on, the default). An Exception is load-caused when its reason says "
        "the service was busy or out of time (or the upload was refused for load, or the document was still "
        "unread when the wait ended); any other is content-caused. Each mode's stack log is kept beside this "
        "report as stack-MODE.log.",
        "",
        *field_table([score(titles[mode], run.outcomes) for mode, run in runs.items()]),
        "",
        "| mode | documents | wall time | per document median | p95 | Exception: load-caused | content-caused |",
        "|---|---|---|---|---|---|---|",
    ]
    for mode, run in runs.items():
        timing = Timing.of([outcome.seconds for outcome in run.outcomes])
        load = len(run.load_caused())
        lines.append(
            f"| {titles[mode]} | {len(run.outcomes)} | {run.seconds:.0f} s | {timing.median:.1f} s | "
            f"{timing.p95:.1f} s | {load} | {len(run.exceptions()) - load} |"
        )
    # How each document ended in the other mode: a load-caused Exception in both is not the burst's doing.
    ended = {
        mode: {outcome.document.path: outcome.error or "read" for outcome in run.outcomes} for mode, run in runs.items()
    }
    for mode, run in runs.items():
        lines += ["", f"### {titles[mode]}", ""]
        failed = run.exceptions()
        other = next((key for key in runs if key != mode), None)
        if failed:
            header = "| document | reason | caused by |" + (f" {titles[other]} |" if other else "")
            lines += [header, "|---" * (header.count("|") - 1) + "|"]
            lines += [
                f"| {_cell(document)} | {_cell(reason)} | {'load' if load else 'content'} |"
                + (f" {_cell(ended[other].get(document))} |" if other else "")
                for document, reason, load in failed
            ]
        else:
            lines.append("No document ended in Exception.")
        lines += ["", *breakdown_lines(groups.get(mode, []), "####")]
    return lines


def issue_lines(evaluation: Evaluation, figures: IssueFigures) -> list[str]:
    lines = [
        "## Issue 15: languages, formats and sources",
        "",
        "Judged on the documents read from the page: every receipt and scan, and every text PDF with e-invoice "
        "reading off (a ZUGFeRD / Factur-X PDF counts for its printed page). A document's language is its "
        "ground truth's `language` (absent: English), for the e-invoice sources labelled before that key the "
        "seller's country in the embedded XML (eval/languages.py). Formats: text PDF (a usable text layer), "
        f"image-only PDF, photo (an image). Sources marked (new) were added on {NEW_SOURCES_DATE}. Cells: "
        "share right (right/scored); line items: F1 (right/found/labelled); Exception: how many, and how many of "
        "them were load-caused (the reason says busy or out of time).",
        "",
        "### Targets",
        "",
        *checks_table(figures.checks),
        "",
    ]
    lines += breakdown_lines(figures.groups.get(PAGE_RUN, []), "###")
    if evaluation.http:
        lines += http_lines(evaluation.http, figures.groups)
    return lines


# ---------------------------------------------------------------------------------------------------
# The report


def markdown(evaluation: Evaluation, figures: IssueFigures | None = None) -> str:
    """The report (``figures``: issue 15's, when already computed for the saved results)."""
    figures = figures or issue_figures(evaluation)
    keyed = ordered(evaluation.sections)
    sections = [section for _, section in keyed]
    scans = evaluation.sections.get("scans")
    text_sections = [evaluation.sections[key] for key in ("text_off", "text_on") if key in evaluation.sections]
    pdf_scans = sum(1 for document in evaluation.scans if document.media_type == PDF)
    read = []
    if evaluation.only != "scans":
        read.append(f"{len(evaluation.texts)} text PDFs")
    if evaluation.only != "text":
        read.append(
            f"{len(evaluation.scans)} receipts and scans ({len(evaluation.scans) - pdf_scans} images, "
            f"{pdf_scans} image-only PDFs)"
        )
    lines = [
        "# RecordEngine extraction evaluation",
        "",
        f"Built-in engine, Invoice profile, on `{Path(evaluation.corpus).name}/`: {' and '.join(read)}. "
        f"Python {platform.python_version()}; OCR: {evaluation.ocr}; the run took {evaluation.seconds:.0f} s.",
        "",
        "Accuracy counts only the fields each document's ground truth marks scorable; a document that ends in "
        "Exception counts as wrong for each of them.",
    ]
    if text_sections:
        lines[-1] = (
            "E-invoice reading is on by default: a PDF that embeds an e-invoice (Factur-X, ZUGFeRD, XRechnung) is "
            "read from its XML. The layout-read section reads the same text PDFs with it off, from their printed "
            "layout. "
        ) + lines[-1]
    if evaluation.only == "http":
        lines += ["", "Nothing was read in-process (`--only http`): only the HTTP modes are reported."]
    elif evaluation.only is not None:
        lines += [
            "",
            f"Only the {'text PDFs' if evaluation.only == 'text' else 'receipts and scans'} were read "
            f"(`--only {evaluation.only}`): there is no whole-corpus section.",
        ]
    lines += ["", *issue_lines(evaluation, figures)]
    if not sections:
        return "\n".join(lines).rstrip() + "\n"

    lines += ["", "## Accuracy per field", "", *field_table(sections), ""]
    lines += [target_summary(section) for section in sections if section.targets]
    if scans is not None:
        lines += ["", *exception_lines(scans)]
    lines += ["", *line_item_table(sections), ""]

    lines += [
        "## Confidence calibration",
        "",
        f"Among documents scored ≥ {HIGH_SCORE}, at least {HIGH_SCORE_FIELDS_TARGET:.0%} of their scorable fields "
        f"are right; and a wrong vendor or total never scores ≥ {HIGH_SCORE}.",
        "",
        *calibration_summary(sections),
        "",
        *confident_mistake_table(keyed),
        "",
    ]
    for section in sections:
        lines += [f"### {section.title}", "", *calibration_table(section), ""]

    lines += [
        "## Time per page",
        "",
        "Median and p95 over documents of (seconds ÷ pages read), and the ratio of the medians. Each "
        "document's baseline runs right before the engine reads it, so that both see the same machine load; "
        "both are warmed up once before anything is timed. The engine's time is its whole extraction.",
        "",
    ]
    if text_sections:
        lines += [
            "### Text layer",
            "",
            'Baseline: pypdf alone, `page.extract_text(extraction_mode="layout")` on the same pages (up to 50), '
            "which is how the engine reads a text layer; plain `extract_text()` beside it for information.",
            "",
            *text_speed_lines(text_sections),
            "",
        ]
    if scans is not None:
        lines += [
            "### OCR",
            "",
            'Baseline: Tesseract alone, one `tesserocr.PyTessBaseAPI(lang="eng")` created before timing; per page '
            "`SetImage()` and `GetUTF8Text()`. For images, decoding (`PIL.Image.open`) is included; for image-only "
            "PDFs it reads the page images `raster.render_pages` produced, rendering excluded from the baseline "
            "but included in the engine's time. The engine reads with its own settings (a grayscale image scaled "
            "for OCR, one block of text, adaptive thresholding, a second reading of a page that reads as noise), "
            "the baseline with Tesseract's defaults: either may be the faster.",
            "",
            *ocr_speed_lines(scans),
            "",
        ]

    for section in text_sections:
        if section.errors:
            lines += [f"{section.title}: {sum(section.errors.values())} ended in Exception:", ""]
            lines += [f"- {_cell(document)}: {reason}" for document, reason in section.exceptions()]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def failures(evaluation: Evaluation) -> str:
    """Every wrong field, per section and document (``--failures``)."""
    lines = ["## Wrong fields", ""]
    for key, section in ordered(evaluation.sections):
        if key == "corpus":  # its documents are those of the receipts and the e-invoice-on sections
            continue
        found = section.mistakes()
        failed = section.exceptions()
        documents = len({mistake.document for mistake in found}) + len(failed)
        lines += [f"### {section.title}: {len(found)} wrong fields in {documents} documents", ""]
        if not found and not failed:
            lines += ["None.", ""]
            continue
        lines += ["| document | score | field | got | want | field confidence |", "|---|---|---|---|---|---|"]
        lines += [
            f"| {_cell(document)} | – | (every field) | Exception: {_cell(reason)} | | |" for document, reason in failed
        ]
        for mistake in sorted(found, key=lambda item: (item.document, list(FIELDS).index(item.field))):
            lines.append(
                f"| {_cell(mistake.document)} | {mistake.score} | {FIELDS[mistake.field]} | {_cell(mistake.got)} | "
                f"{_cell(mistake.want)} | {'–' if mistake.field_confidence is None else mistake.field_confidence} |"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# ---------------------------------------------------------------------------------------------------
# The chart


def chart(evaluation: Evaluation, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keyed = ordered(evaluation.sections)
    figure, ((accuracy, calibration), (text_speed, ocr_speed)) = plt.subplots(
        2, 2, figsize=(17, 11), gridspec_kw={"width_ratios": [3, 2]}
    )
    colours = {"scans": "tab:red", "text_off": "tab:blue", "text_on": "tab:orange", "corpus": "tab:green"}

    # Accuracy per field and section, each section's targets marked on its own bars.
    names = [*FIELDS, "line_items"]
    width = 0.8 / max(1, len(keyed))
    for index, (key, section) in enumerate(keyed):
        xs = [x + index * width for x in range(len(names))]
        values = [100 * section.fields[name].accuracy for name in FIELDS] + [100 * section.line_items.f1]
        accuracy.bar(xs, values, width, label=SHORT[key], color=colours[key])
        targets = [*(section.targets.get(name) for name in FIELDS), section.line_items_target]
        marked = [(x, 100 * target) for x, target in zip(xs, targets, strict=True) if target is not None]
        if marked:
            accuracy.scatter(*zip(*marked, strict=True), marker="_", s=150, linewidths=2.5, color="black", zorder=3)
    accuracy.scatter([], [], marker="_", s=150, linewidths=2.5, color="black", label="target")
    accuracy.set_xticks(
        [x + 0.4 - width / 2 for x in range(len(names))],
        [FIELDS.get(name, "line items (F1)") for name in names],
        rotation=30,
        ha="right",
    )
    accuracy.set_ylabel("% correct (line items: F1)")
    accuracy.set_ylim(0, 105)
    accuracy.set_title("Accuracy per field")
    accuracy.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=5)

    # Calibration: share of fields right per score band and section.
    bands = [band for band, _, _ in BANDS]
    width = 0.8 / max(1, len(keyed))
    for index, (key, section) in enumerate(keyed):
        xs = [x + index * width for x in range(len(bands))]
        shares = [100 * (section.calibration.share(band) or 0) for band in bands]
        wrong = len(section.confident_mistakes())
        label = f"{SHORT[key]} ({wrong} wrong vendor/total ≥ {HIGH_SCORE})"
        bars = calibration.bar(xs, shares, width, label=label, color=colours[key])
        for bar, band in zip(bars, bands, strict=True):
            calibration.annotate(
                str(section.calibration.documents[band]),
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center",
                va="bottom",
                fontsize=7,
            )
    calibration.axhline(
        100 * HIGH_SCORE_FIELDS_TARGET,
        color="black",
        linestyle="--",
        linewidth=1,
        label=f"{HIGH_SCORE_FIELDS_TARGET:.0%} target (≥ {HIGH_SCORE} band)",
    )
    calibration.set_xticks([x + 0.4 - width / 2 for x in range(len(bands))], bands)
    calibration.set_ylim(0, 110)
    calibration.set_xlabel("confidence score band (numbers: documents)")
    calibration.set_ylabel("% of scorable fields correct")
    calibration.set_title("Calibration")
    calibration.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)

    _speed_panel(
        text_speed,
        [
            (SHORT[key], evaluation.sections[key].timing(), colours[key])
            for key in ("text_off", "text_on")
            if key in evaluation.sections
        ],
        [
            (label, evaluation.sections["text_off"].baseline_timing(name))
            for name, label in ((TEXT_BASELINE, "pypdf, layout mode"), (TEXT_PLAIN, "pypdf, extract_text()"))
            if "text_off" in evaluation.sections
        ],
        "Text layer: ms per page",
    )
    scans = evaluation.sections.get("scans")
    _speed_panel(
        ocr_speed,
        [("engine", scans.timing(), colours["scans"])] if scans else [],
        [("Tesseract alone", scans.baseline_timing(OCR_BASELINE))] if scans else [],
        "OCR: ms per page (receipts and scans)",
    )
    figure.tight_layout(h_pad=4)
    figure.savefig(path, dpi=100)
    plt.close(figure)


def _speed_panel(
    axes: Any, engines: list[tuple[str, Timing, str]], baselines: list[tuple[str, Timing]], title: str
) -> None:
    """Median bars with p95 whiskers; the dashed line is the target over the first baseline."""
    axes.set_title(title)
    if not engines:
        axes.text(0.5, 0.5, "not run", ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return
    reference = baselines[0][1] if baselines else None
    labels = []
    for label, timing, _ in engines:
        found = ratio(timing, reference) if reference is not None else None
        labels.append(label if found is None else f"{label}\n{found:.2f}× ({verdict(fast_enough(found))})")
    labels += [label for label, _ in baselines]
    timings = [timing for _, timing, _ in engines] + [timing for _, timing in baselines]
    colours = [colour for _, _, colour in engines] + ["tab:gray"] * len(baselines)
    medians = [1000 * timing.median for timing in timings]
    whiskers = [[0.0] * len(timings), [1000 * (timing.p95 - timing.median) for timing in timings]]
    axes.bar(labels, medians, color=colours, yerr=whiskers, capsize=4, ecolor="dimgray")
    if baselines and baselines[0][1].documents:
        axes.axhline(
            1000 * SPEED_TARGET * baselines[0][1].median,
            color="black",
            linestyle="--",
            linewidth=1,
            label=f"{SPEED_TARGET:.0f}× {baselines[0][0]} (target)",
        )
        axes.legend(fontsize=8, loc="upper right")
    axes.set_ylabel("median ms per page (whisker: p95)")
