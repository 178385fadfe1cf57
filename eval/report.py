"""The report: Markdown (printed and written) and a PNG chart."""

from __future__ import annotations

import platform
from pathlib import Path
from statistics import median
from typing import Any

from .run import Document, Outcome, Section
from .scoring import BANDS, FIELDS, LINE_ITEMS_F1_TARGET, TARGETS, percentile

CALIBRATION_TARGET = 0.90
SPEED_TARGET = 3.0


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _ms(seconds: float) -> str:
    return f"{1000 * seconds:.1f} ms"


def field_table(sections: list[Section]) -> list[str]:
    header = "| field | " + " | ".join(section.title for section in sections) + " | target |"
    lines = [header, "|---" * (len(sections) + 2) + "|"]
    for name, shown in FIELDS.items():
        cells = []
        for section in sections:
            score = section.fields[name]
            cells.append(f"{_pct(score.accuracy)} ({score.correct}/{score.scored})" if score.scored else "–")
        target = f"≥ {TARGETS[name]:.0%}" if name in TARGETS else ""
        lines.append(f"| {shown} | " + " | ".join(cells) + f" | {target} |")
    items = []
    for section in sections:
        score = section.line_items
        items.append(
            f"P {_pct(score.precision)} R {_pct(score.recall)} F1 {score.f1:.2f} "
            f"({score.matched} of {score.predicted} found, {score.truth} labelled)"
            if score.documents
            else "–"
        )
    lines.append("| line items | " + " | ".join(items) + f" | F1 ≥ {LINE_ITEMS_F1_TARGET} |")
    return lines


def calibration_table(section: Section) -> list[str]:
    lines = ["| score band | documents | fields scored | share correct |", "|---|---|---|---|"]
    for band, _, _ in BANDS:
        fields = section.calibration.fields[band]
        share = section.calibration.share(band)
        lines.append(
            f"| {band} | {section.calibration.documents[band]} | {fields.scored} | "
            f"{_pct(share)}{'' if share is None else f' ({fields.correct}/{fields.scored})'} |"
        )
    if section.errors:
        lines.append(f"| Exception (no score) | {sum(section.errors.values())} | | |")
    return lines


def calibration_verdict(section: Section) -> str:
    share = section.calibration.share("90-100")
    if share is None:
        return "no document scored 90 or more"
    verdict = "meets" if share >= CALIBRATION_TARGET else "MISSES"
    return f"{_pct(share)} of fields correct among documents scored ≥ 90: {verdict} the ≥ 90% target"


def timing(outcomes: list[Outcome], documents: list[Document] | None = None) -> dict[str, float]:
    per_page = [outcome.seconds_per_page for outcome in outcomes]
    figures = {
        "pages": float(sum(outcome.document.pages for outcome in outcomes)),
        "median": median(per_page) if per_page else 0.0,
        "p95": percentile(per_page, 0.95),
    }
    for mode in ("plain", "layout"):
        baseline = [
            document.pypdf_seconds[mode] / max(1, document.pages)
            for document in documents or []
            if mode in document.pypdf_seconds
        ]
        if baseline:
            figures[f"pypdf_{mode}"] = median(baseline)
            figures[f"ratio_{mode}"] = figures["median"] / figures[f"pypdf_{mode}"] if figures[f"pypdf_{mode}"] else 0.0
    return figures


def timing_lines(label: str, figures: dict[str, float]) -> list[str]:
    line = (
        f"| {label} | {figures['pages']:.0f} | {_ms(figures['median'])} | {_ms(figures['p95'])} | "
        + (
            f"{_ms(figures['pypdf_plain'])} | **{figures['ratio_plain']:.2f}×** | "
            if "pypdf_plain" in figures
            else "– | – | "
        )
        + (
            f"{_ms(figures['pypdf_layout'])} | {figures['ratio_layout']:.2f}× |"
            if "pypdf_layout" in figures
            else "– | – |"
        )
    )
    return [line]


def markdown(outcome: dict[str, Any]) -> str:
    sections: dict[str, Section] = outcome["sections"]
    text_sections = [sections[key] for key in ("text_off", "text_on") if key in sections]
    scans = sections["scans"]
    text_count = len(text_sections[0].outcomes) if text_sections else 0
    lines = [
        "# RecordEngine extraction evaluation",
        "",
        f"Built-in engine, Invoice profile, on `{Path(outcome['corpus']).name}/` "
        f"({text_count + len(scans.outcomes)} documents: {text_count} text-layer PDFs, "
        f"{len(scans.outcomes)} scans/images). Python {platform.python_version()}; "
        f"the run took {outcome['seconds']:.0f} s.",
        "Accuracy counts only the fields each document's ground truth marks scorable; a document that ends in "
        "Exception counts as wrong for each of its scorable fields.",
    ]
    if not outcome["einvoice_switch"]:
        lines.append('The engine has no `einvoice` switch yet: e-invoice reading is reported as "off" only.')
    lines += ["", "## Accuracy per field", "", *field_table([*text_sections, scans]), ""]

    lines += ["## Confidence calibration", ""]
    for section in [*text_sections, scans, sections["corpus"]]:
        lines += [f"### {section.title}", "", *calibration_table(section), "", calibration_verdict(section) + ".", ""]

    lines += [
        "## Time per page",
        "",
        "Median and p95 over documents of (extraction time ÷ pages read), next to the median time pypdf alone "
        "takes to extract the same pages' text in this run (`extract_text()`, and in layout mode, which the "
        "engine uses), and the ratio of the medians.",
        "",
        "| documents | pages | median | p95 | pypdf text | ratio | pypdf layout text | ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    texts: list[Document] = outcome["texts"]
    for section in text_sections:
        lines += timing_lines(section.title, timing(section.outcomes, texts))
    lines += timing_lines(scans.title, timing(scans.outcomes))
    if text_sections:
        ratio = timing(text_sections[0].outcomes, texts).get("ratio_plain")
        if ratio is not None:
            verdict = "meets" if ratio <= SPEED_TARGET else "MISSES"
            lines += [
                "",
                f"Median time per text-layer page (e-invoice reading off) is {ratio:.2f}× pypdf's text extraction: "
                f"{verdict} the ≤ {SPEED_TARGET:.0f}× target.",
            ]
    lines += ["", f"## Scans and images: {scans.extracted} of {len(scans.outcomes)} extracted", ""]
    lines += [f"OCR: {outcome.get('ocr', 'unknown')}.", ""]
    if scans.errors:
        lines += ["| Exception reason | documents |", "|---|---|"]
        lines += [f"| {reason} | {count} |" for reason, count in scans.errors.most_common()]
    else:
        lines.append("None ended in Exception.")
    for section in text_sections:
        if section.errors:
            lines += ["", f"{section.title}: {sum(section.errors.values())} ended in Exception:"]
            lines += [f"- {reason} ({count})" for reason, count in section.errors.most_common()]
    return "\n".join(lines) + "\n"


def chart(outcome: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sections: dict[str, Section] = outcome["sections"]
    shown = [sections[key] for key in ("text_off", "text_on", "scans") if key in sections]
    figure, (accuracy, calibration, speed) = plt.subplots(
        1, 3, figsize=(18, 5.5), gridspec_kw={"width_ratios": [3, 2, 2]}
    )

    names = [*FIELDS, "line_items"]
    width = 0.8 / len(shown)
    for index, section in enumerate(shown):
        values = [100 * section.fields[name].accuracy for name in FIELDS] + [100 * section.line_items.f1]
        accuracy.bar([x + index * width for x in range(len(names))], values, width, label=section.title)
    targets = [100 * TARGETS.get(name, 0) for name in FIELDS] + [100 * LINE_ITEMS_F1_TARGET]
    accuracy.scatter(
        [x + 0.4 - width / 2 for x in range(len(names))],
        targets,
        marker="_",
        s=400,
        color="black",
        label="target (text-layer, e-invoice off)",
        zorder=3,
    )
    accuracy.set_xticks(
        [x + 0.4 - width / 2 for x in range(len(names))], [FIELDS.get(n, n) for n in names], rotation=30, ha="right"
    )
    accuracy.set_ylabel("% correct (line items: F1)")
    accuracy.set_ylim(0, 105)
    accuracy.set_title("Accuracy per field")
    accuracy.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2)

    corpus = sections["corpus"]
    bands = [band for band, _, _ in BANDS]
    shares = [100 * (corpus.calibration.share(band) or 0) for band in bands]
    bars = calibration.bar(bands, shares, color="tab:green")
    for bar, band in zip(bars, bands, strict=True):
        calibration.annotate(
            f"{corpus.calibration.documents[band]} docs",
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    calibration.axhline(
        100 * CALIBRATION_TARGET, color="black", linestyle="--", linewidth=1, label="90% target (≥ 90 band)"
    )
    calibration.set_ylim(0, 105)
    calibration.set_xlabel("confidence score band")
    calibration.set_ylabel("% of scorable fields correct")
    calibration.set_title(f"Calibration: {corpus.title.lower()}")
    calibration.legend(fontsize=8, loc="lower left")

    texts: list[Document] = outcome["texts"]
    labels: list[str] = []
    medians: list[float] = []
    for key, label in (("text_off", "engine,\ne-invoice off"), ("text_on", "engine,\ne-invoice on")):
        if key in sections:
            figures = timing(sections[key].outcomes, texts)
            labels.append(label)
            medians.append(1000 * figures["median"])
    baseline = timing(sections["text_off"].outcomes, texts) if "text_off" in sections else {}
    for mode, label in (("plain", "pypdf text"), ("layout", "pypdf text,\nlayout mode")):
        if f"pypdf_{mode}" in baseline:
            labels.append(label)
            medians.append(1000 * baseline[f"pypdf_{mode}"])
    speed.bar(labels, medians, color=["tab:blue", "tab:orange", "tab:gray", "tab:gray"][: len(labels)])
    if "pypdf_plain" in baseline:
        speed.axhline(
            1000 * SPEED_TARGET * baseline["pypdf_plain"],
            color="black",
            linestyle="--",
            linewidth=1,
            label=f"{SPEED_TARGET:.0f}× pypdf (target)",
        )
        speed.legend(fontsize=8, loc="upper right")
    speed.set_ylabel("median ms per text-layer page")
    speed.set_title("Time per page (same run)")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
