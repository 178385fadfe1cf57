"""Issue 15's figures: the documents read from the page, per language, per format and per source (the
sources added on 2026-12-07 apart), and the issue's targets, each met or MISSED.

"Read from the page" is every receipt and scan, and every text PDF with e-invoice reading off, so that a
ZUGFeRD / Factur-X PDF counts for what its printed page yields, not its embedded XML.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .languages import ENGLISH, LANGUAGE_NAMES
from .results import PAGE_RUN, document_record
from .run import IMAGE_PDF, PHOTO, TEXT_PDF, Evaluation, Outcome, Section, score
from .scoring import (
    CHINESE_TARGETS,
    ENGLISH_TEXT_ALLOWED_DROP,
    FIELDS,
    HIGH_SCORE,
    HIGH_SCORE_FIELDS_TARGET,
    NON_ENGLISH_LINE_ITEMS_F1_TARGET,
    NON_ENGLISH_TARGETS,
    SCAN_TARGETS,
    reaches,
    share_of,
)

if TYPE_CHECKING:
    from .http_run import HttpRun

NEW_SOURCES_DATE = "2026-12-07"
NEW_SOURCES = frozenset(
    {
        "receipt-recognition",
        "securibox-facturx",
        "horstoeko-zugferd",
        "guanshuicheng-invoice",
        "donut-cord",
        "mmocr-demo",
    }
)
FORMAT_ORDER = (TEXT_PDF, IMAGE_PDF, PHOTO)


def language_label(outcome: Outcome) -> str:
    code = outcome.document.language
    return f"{code} ({LANGUAGE_NAMES[code]})" if code in LANGUAGE_NAMES else code


def format_label(outcome: Outcome) -> str:
    return outcome.document.format


def source_label(outcome: Outcome) -> str:
    source = outcome.document.source
    return f"{source} (new)" if source in NEW_SOURCES else source


def arrival_label(outcome: Outcome) -> str:
    return f"added {NEW_SOURCES_DATE}" if outcome.document.source in NEW_SOURCES else "earlier sources"


def split(outcomes: Sequence[Outcome], label: Callable[[Outcome], str]) -> list[Section]:
    """One scored section per label, named after it, in order of label (formats in FORMAT_ORDER)."""
    members: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        members.setdefault(label(outcome), []).append(outcome)

    def order(name: str) -> tuple[int, str]:
        return (FORMAT_ORDER.index(name) if name in FORMAT_ORDER else len(FORMAT_ORDER), name)

    return [score(name, members[name]) for name in sorted(members, key=order)]


@dataclass(frozen=True)
class Breakdown:
    title: str
    sections: list[Section]


def breakdowns(outcomes: Sequence[Outcome]) -> list[Breakdown]:
    return [
        Breakdown("Per language", split(outcomes, language_label)),
        Breakdown("Per format", split(outcomes, format_label)),
        Breakdown("Per source", split(outcomes, source_label)),
        Breakdown(f"Sources added on {NEW_SOURCES_DATE} and earlier ones", split(outcomes, arrival_label)),
    ]


# ---------------------------------------------------------------------------------------------------
# Targets


@dataclass(frozen=True)
class TargetCheck:
    goal: str  # what is judged, e.g. "Non-English documents: vendor"
    found: str
    wanted: str
    met: bool | None  # None: nothing to judge


def share_checks(
    group: str, section: Section, targets: Mapping[str, float], line_items_target: float | None = None
) -> list[TargetCheck]:
    checks = []
    for name, target in targets.items():
        found = section.fields[name]
        checks.append(
            TargetCheck(
                f"{group}: {FIELDS[name]}",
                share_of(found.correct, found.scored),
                f"≥ {target:.0%}",
                reaches(found.correct, found.scored, target),
            )
        )
    if line_items_target is not None:
        items = section.line_items
        checks.append(
            TargetCheck(
                f"{group}: line items",
                f"F1 {items.f1:.3f}" if items.documents else "–",
                f"F1 ≥ {line_items_target}",
                items.f1_reaches(line_items_target),
            )
        )
    return checks


def field_drops(
    current: Sequence[Mapping[str, Any]], baseline: Sequence[Mapping[str, Any]]
) -> dict[str, tuple[int, int, int]]:
    """Per field, over the English text PDFs both runs scored it on: (right now, right before, documents)."""

    def english_text(records: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
        return {
            record["document"]: record
            for record in records
            if record.get("language") == ENGLISH and record.get("format") == TEXT_PDF
        }

    now, before = english_text(current), english_text(baseline)
    drops = {}
    for name in FIELDS:
        common = [
            document
            for document in now.keys() & before.keys()
            if name in now[document]["fields"] and name in before[document]["fields"]
        ]
        drops[name] = (
            sum(1 for document in common if now[document]["fields"][name]["right"]),
            sum(1 for document in common if before[document]["fields"][name]["right"]),
            len(common),
        )
    return drops


def english_text_checks(
    current: Sequence[Mapping[str, Any]], baseline: Sequence[Mapping[str, Any]] | None
) -> list[TargetCheck]:
    goal = f"English text PDFs: no field drops by more than {ENGLISH_TEXT_ALLOWED_DROP} document"
    if baseline is None:
        return [TargetCheck(goal, "no baseline (--baseline FILE)", "vs. a previous run", None)]
    checks = []
    for name, (right_now, right_before, documents) in field_drops(current, baseline).items():
        checks.append(
            TargetCheck(
                f"English text PDFs: {FIELDS[name]} against the baseline",
                f"{right_now}/{documents} (before: {right_before}/{documents})",
                f"≥ {right_before - ENGLISH_TEXT_ALLOWED_DROP}" if documents else "–",
                right_now >= right_before - ENGLISH_TEXT_ALLOWED_DROP if documents else None,
            )
        )
    return checks


def calibration_checks(section: Section) -> list[TargetCheck]:
    found = section.high_score_fields()
    wrong = section.confident_mistakes()
    return [
        TargetCheck(
            f"Calibration: fields right among documents scored ≥ {HIGH_SCORE}",
            share_of(found.correct, found.scored),
            f"≥ {HIGH_SCORE_FIELDS_TARGET:.0%}",
            section.high_score_fields_met(),
        ),
        TargetCheck(
            f"Calibration: wrong vendor or total scored ≥ {HIGH_SCORE}",
            str(len(wrong)),
            "0",
            not wrong if section.high_scored() else None,
        ),
    ]


def burst_checks(burst: HttpRun | None, sequential: HttpRun | None) -> list[TargetCheck]:
    goal = "Burst: load-caused Exceptions"
    if burst is None:
        return [TargetCheck(goal, "not run (--burst)", "0", None)]
    load = burst.load_caused()
    found = f"{len(load)} of {len(burst.outcomes)}"
    if sequential is not None and load:
        # Those that fail one at a time as well are not the burst's doing, though their reason reads as load.
        alone = {document for document, _ in sequential.load_caused()}
        found += f" ({sum(1 for document, _ in load if document in alone)} of them one at a time too)"
    return [TargetCheck(goal, found, "0", not load)]


def issue_checks(
    outcomes: Sequence[Outcome],
    records: Sequence[Mapping[str, Any]],
    baseline: Sequence[Mapping[str, Any]] | None,
    burst: HttpRun | None,
    sequential: HttpRun | None = None,
) -> list[TargetCheck]:
    """Every target of issue 15 on the documents read from the page (``records``: the same documents'
    results, as saved, to compare with ``baseline``'s)."""
    non_english = [outcome for outcome in outcomes if outcome.document.language != ENGLISH]
    photos = [outcome for outcome in outcomes if outcome.document.format in (PHOTO, IMAGE_PDF)]
    chinese = [outcome for outcome in outcomes if outcome.document.language == "zh"]
    return [
        *share_checks(
            "Non-English documents",
            score("non-English", non_english),
            NON_ENGLISH_TARGETS,
            NON_ENGLISH_LINE_ITEMS_F1_TARGET,
        ),
        *share_checks("Photos and image-only PDFs", score("photos", photos), SCAN_TARGETS),
        *share_checks(f"Chinese invoices ({len(chinese)})", score("Chinese", chinese), CHINESE_TARGETS),
        *english_text_checks(records, baseline),
        *calibration_checks(score("read from the page", list(outcomes))),
        *burst_checks(burst, sequential),
    ]


@dataclass(frozen=True)
class IssueFigures:
    """Issue 15's figures of one evaluation: the page-read documents' records and the breakdowns of each run
    ("page", and the HTTP modes that ran), and the targets."""

    records: dict[str, list[dict[str, Any]]]
    groups: dict[str, list[Breakdown]]
    checks: list[TargetCheck]


def issue_figures(evaluation: Evaluation) -> IssueFigures:
    from .http_run import BURST, SEQUENTIAL

    runs: dict[str, list[Outcome]] = {}
    if evaluation.sections:
        runs[PAGE_RUN] = evaluation.page_outcomes()
    runs.update((mode, http.outcomes) for mode, http in evaluation.http.items())
    records = {run: [document_record(outcome) for outcome in outcomes] for run, outcomes in runs.items()}
    page = runs.get(PAGE_RUN, [])
    checks = issue_checks(
        page,
        records.get(PAGE_RUN, []),
        evaluation.baseline,
        evaluation.http.get(BURST),
        evaluation.http.get(SEQUENTIAL),
    )
    return IssueFigures(records, {run: breakdowns(outcomes) for run, outcomes in runs.items()}, checks)
