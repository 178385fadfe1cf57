"""Sender recognition on the corpus (issue 17): the documents of each supplier attributed to one sender, and
no two suppliers merged into one.

Each document read with default settings is attributed, in corpus order, by the same attribution the
pipeline uses (senders/attribution.py) over an in-memory store. A document's supplier is, here only, its
ground truth's vendor name, normalised as senders normalise names; the engine never sees it.
- attributed: of the documents of suppliers with two or more documents, those attributed to the sender that
  most of their supplier's documents went to (target: at least 90%);
- merged: senders holding documents of two or more suppliers (target: none).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from recordengine.senders.attribution import Attribution
from recordengine.senders.identity import normalised_name
from recordengine.senders.memory import MemorySenderStore

from .run import Outcome

ATTRIBUTED_TARGET = 0.90
_SEEN = "2026-01-01T00:00:00Z"


@dataclass
class Recognition:
    # Per document: (path, supplier key, sender id or None, identifiers).
    documents: list[tuple[str, str | None, int | None, list[str]]] = field(default_factory=list)

    def suppliers(self) -> dict[str, list[int | None]]:
        found: dict[str, list[int | None]] = defaultdict(list)
        for _, supplier, sender, _ in self.documents:
            if supplier is not None:
                found[supplier].append(sender)
        return found

    def repeat_suppliers(self) -> dict[str, list[int | None]]:
        return {supplier: senders for supplier, senders in self.suppliers().items() if len(senders) >= 2}

    def sender_of(self, supplier: str) -> int | None:
        """The sender most of the supplier's documents were attributed to (None when none was)."""
        known = Counter(sender for sender in self.suppliers().get(supplier, []) if sender is not None)
        return known.most_common(1)[0][0] if known else None

    def attributed(self) -> tuple[int, int]:
        """(documents attributed to their supplier's sender, documents of suppliers with two or more)."""
        right = total = 0
        for senders in self.repeat_suppliers().values():
            known = [sender for sender in senders if sender is not None]
            total += len(senders)
            if known:
                right += Counter(known).most_common(1)[0][1]
        return right, total

    def merged(self) -> dict[int, list[str]]:
        """Senders holding documents of two or more suppliers, with those suppliers."""
        held: dict[int, set[str]] = defaultdict(set)
        for _, supplier, sender, _ in self.documents:
            if sender is not None and supplier is not None:
                held[sender].add(supplier)
        return {sender: sorted(suppliers) for sender, suppliers in held.items() if len(suppliers) > 1}


def supplier_of(row: dict[str, Any]) -> str | None:
    name = row.get("vendor_name")
    return normalised_name(name) if isinstance(name, str) and name.strip() else None


def recognise(outcomes: list[Outcome]) -> Recognition:
    attribution = Attribution(MemorySenderStore())
    recognition = Recognition()
    for outcome in outcomes:
        result = outcome.result
        sender = None
        identifiers = list(result.sender_identifiers) if result is not None else []
        if result is not None:
            vendor = result.extracted_fields.get("vendor")
            sender = attribution.attribute(identifiers, vendor, _SEEN, result.field_confidence.get("vendor"))
        recognition.documents.append((outcome.document.path, supplier_of(outcome.document.row), sender, identifiers))
    return recognition


def figures(recognition: Recognition) -> dict[str, Any]:
    right, total = recognition.attributed()
    return {
        "attributed": right,
        "of_repeat_supplier_documents": total,
        "repeat_suppliers": len(recognition.repeat_suppliers()),
        "merged": {str(sender): suppliers for sender, suppliers in recognition.merged().items()},
        "documents": [
            {"document": path, "supplier": supplier, "sender": sender, "identifiers": identifiers}
            for path, supplier, sender, identifiers in recognition.documents
        ],
    }


def report_lines(recognition: Recognition) -> list[str]:
    right, total = recognition.attributed()
    share = right / total if total else 0.0
    merged = recognition.merged()
    lines = [
        "## Sender recognition (issue 17)",
        "",
        f"- Documents of the {len(recognition.repeat_suppliers())} suppliers with two or more documents attributed "
        f"to their supplier's sender: {right} of {total} ({share:.1%}; target {ATTRIBUTED_TARGET:.0%}: "
        f"{'met' if share >= ATTRIBUTED_TARGET else 'MISSED'}).",
        f"- Senders holding documents of two or more suppliers: {len(merged)} (target 0: "
        f"{'met' if not merged else 'MISSED'}).",
    ]
    for sender, suppliers in merged.items():
        lines.append(f"  - sender {sender}: {', '.join(suppliers)}")
    missed = [
        (path, supplier, sender)
        for path, supplier, sender, _ in recognition.documents
        if supplier in recognition.repeat_suppliers() and (sender is None or sender != recognition.sender_of(supplier))
    ]
    if missed:
        lines += ["", "Documents of repeat suppliers not attributed to their supplier's sender:", ""]
        lines += [f"- {path} ({supplier}): sender {sender}" for path, supplier, sender in missed]
    return lines
