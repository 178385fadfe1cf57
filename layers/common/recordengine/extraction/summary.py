"""The one-sentence ``ai_summary``, built from the extracted fields (no language model involved)."""

from __future__ import annotations

from .found import Found


def summarize(doc_type: str, values: dict[str, Found | None]) -> str:
    """E.g. "Invoice 58213 from Northwind Traders, Inc. dated 2026-03-05 for USD 120.00."."""

    def value(name: str) -> str | None:
        found = values.get(name)
        return found.value if found is not None else None

    kind = doc_type if doc_type and doc_type != "Other" else "Document"
    parts = [kind]
    number = value("invoice_number")
    if number:
        parts.append(number)
    vendor = value("vendor")
    if vendor:
        parts.append(f"from {vendor}")
    issued = value("invoice_date")
    if issued:
        parts.append(f"dated {issued}")
    total = value("total_amount")
    if total:
        currency = value("currency")
        parts.append(f"for {currency} {total}" if currency else f"for {total}")
    due = value("due_date")
    if due:
        if total:
            parts[-1] += f", due {due}"
        else:
            parts.append(f"due {due}")
    if len(parts) == 1:
        return f"{kind} with no recognisable invoice details."
    return " ".join(parts) + "."
