"""The run's results, machine-readable: ``results.json`` beside report.md, which a later run compares with
(``--baseline``).

Per run ("page" is what issue 15 judges: receipts, scans and layout-read text PDFs; "einvoice_on" the text
PDFs read with e-invoice reading on; "burst" and "sequential" the HTTP modes) a record per document: its
source, language, format, score, Exception, each scorable field's value and whether it is right, and its
line items; then the group figures and the targets as the report shows them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .run import Outcome, Section
from .scoring import FIELDS, field_correct, match_line_items, real_items, scorable_fields

if TYPE_CHECKING:
    from .groups import IssueFigures

PAGE_RUN = "page"


def _plain(value: Any) -> Any:
    """A value as JSON holds it (amounts may be Decimals)."""
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


def document_record(outcome: Outcome) -> dict[str, Any]:
    document = outcome.document
    row = document.row
    extracted = outcome.result.extracted_fields if outcome.result is not None else {}
    record: dict[str, Any] = {
        "document": document.path,
        "source": document.source,
        "language": document.language,
        "format": document.format,
        "score": outcome.score,
        "exception": outcome.error if outcome.result is None else None,
        "seconds": round(outcome.seconds, 3),
        "fields": {
            name: {
                "right": field_correct(name, extracted.get(FIELDS[name]), row),
                "got": _plain(extracted.get(FIELDS[name])),
                "want": _plain(row.get(name)),
            }
            for name in scorable_fields(row)
        },
    }
    if "line_items" in (row.get("fields_scorable") or []):
        found = outcome.result.line_items if outcome.result is not None else []
        labelled = real_items(row.get("line_items") or [])
        record["line_items"] = {
            "found": len(found),
            "labelled": len(labelled),
            "right": match_line_items(found, labelled),
        }
    return record


def section_figures(section: Section) -> dict[str, Any]:
    items = section.line_items
    return {
        "documents": len(section.outcomes),
        "exceptions": len(section.exceptions()),
        "fields": {name: {"right": found.correct, "scored": found.scored} for name, found in section.fields.items()},
        "line_items": {"found": items.predicted, "labelled": items.truth, "right": items.matched, "f1": items.f1},
    }


def results(corpus: Path, figures: IssueFigures) -> dict[str, Any]:
    return {
        "corpus": str(corpus),
        "runs": figures.records,
        "groups": {
            run: {
                breakdown.title: {section.title: section_figures(section) for section in breakdown.sections}
                for breakdown in breakdowns
            }
            for run, breakdowns in figures.groups.items()
        },
        "targets": [asdict(check) for check in figures.checks],
    }


def save(path: Path, saved: Mapping[str, Any]) -> None:
    path.write_text(json.dumps(saved, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def baseline_records(path: Path) -> list[dict[str, Any]]:
    """The page-read documents of a previous run's results.json."""
    saved = json.loads(path.read_text(encoding="utf-8"))
    records: list[dict[str, Any]] = saved["runs"][PAGE_RUN]
    return records
