"""Validation checks, per-field confidence, the overall score and its plain-English reasoning."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from recordengine.models import Profile, ValidationCheck

from .amounts import ISO_4217, format_amount
from .dates import EARLIEST_PLAUSIBLE, PLAUSIBLE_AHEAD, plausible
from .found import Found

# Any failed check means some figure on the document was misread (or the document is wrong): either
# way a person should look, so the score stays out of "Good" and "Excellent".
FAILED_CHECK_CAP = 70
FAILED_CHECKS_CAP = 60
MISSING_REQUIRED_PENALTY = 10
# A field read from a total that does not add up is suspect, whichever of the three is wrong.
SUSPECT_FIELD_CAP = 60
LOW_CONFIDENCE = 60

CHECK_TOTALS = "subtotal_plus_tax_equals_total"
CHECK_LINE_ITEMS = "line_items_sum_to_subtotal"
CHECK_DUE_DATE = "due_date_not_before_invoice_date"
CHECK_CURRENCY = "currency_is_iso_4217"
CHECK_DATES = "dates_plausible"

_FAILURE_PHRASES = {
    CHECK_TOTALS: "subtotal + tax does not equal total",
    CHECK_LINE_ITEMS: "line items do not sum to the subtotal",
    CHECK_DUE_DATE: "the due date is before the invoice date",
    CHECK_CURRENCY: "the currency is not an ISO 4217 code",
    CHECK_DATES: "a date is implausible",
}


@dataclass(frozen=True)
class Assessment:
    score: int
    reasoning: str
    field_confidence: dict[str, int]
    missing_fields: list[str]
    validation: list[ValidationCheck]


def _decimal(found: Found | None) -> Decimal | None:
    return found.raw if found is not None and isinstance(found.raw, Decimal) else None


def _date(found: Found | None) -> date | None:
    return found.raw if found is not None and isinstance(found.raw, date) else None


def _tolerance(count: int) -> Decimal:
    # Each printed figure may be rounded to the cent on its own.
    return Decimal("0.01") * max(1, count) + Decimal("0.001")


def run_checks(
    profile: Profile, values: dict[str, Found | None], line_items: list[dict[str, Any]], today: date
) -> list[ValidationCheck]:
    """The checks that apply to what was found; a check whose inputs are missing is not listed."""
    checks: list[ValidationCheck] = []
    subtotal, tax, total = (_decimal(values.get(name)) for name in ("subtotal", "tax_amount", "total_amount"))
    if subtotal is not None and tax is not None and total is not None:
        passed = abs(subtotal + tax - total) <= _tolerance(2)
        relation = "=" if passed else "≠"
        detail = f"{format_amount(subtotal)} + {format_amount(tax)} {relation} {format_amount(total)}"
        checks.append(ValidationCheck(check=CHECK_TOTALS, passed=passed, detail=detail))

    amounts = [item.get("amount") for item in line_items]
    if amounts and all(isinstance(amount, (int, float)) for amount in amounts):
        checks.extend(_line_items_check(amounts, subtotal, total))

    issued, due = _date(values.get("invoice_date")), _date(values.get("due_date"))
    if issued is not None and due is not None:
        passed = due >= issued
        detail = f"due {due.isoformat()} {'≥' if passed else '<'} issued {issued.isoformat()}"
        checks.append(ValidationCheck(check=CHECK_DUE_DATE, passed=passed, detail=detail))

    for field in profile.fields:
        found = values.get(field.name)
        if field.type == "currency" and found is not None:
            passed = found.value in ISO_4217
            detail = f"{found.value} is {'an' if passed else 'not an'} ISO 4217 code"
            checks.append(ValidationCheck(check=CHECK_CURRENCY, passed=passed, detail=detail))

    latest = today + PLAUSIBLE_AHEAD
    dated = [(field.name, _date(values.get(field.name))) for field in profile.fields if field.type == "date"]
    present = [(name, value) for name, value in dated if value is not None]
    if present:
        wrong = [f"{name} {value.isoformat()}" for name, value in present if not plausible(value, today)]
        detail = (
            f"outside {EARLIEST_PLAUSIBLE.year}..{latest.isoformat()}: {', '.join(wrong)}"
            if wrong
            else f"all dates within {EARLIEST_PLAUSIBLE.year}..{latest.isoformat()}"
        )
        checks.append(ValidationCheck(check=CHECK_DATES, passed=not wrong, detail=detail))
    return checks


def _line_items_check(amounts: list[Any], subtotal: Decimal | None, total: Decimal | None) -> list[ValidationCheck]:
    line_sum = sum((Decimal(str(amount)) for amount in amounts), Decimal(0))
    tolerance = _tolerance(len(amounts))
    if subtotal is not None and abs(line_sum - subtotal) <= tolerance:
        return [ValidationCheck(check=CHECK_LINE_ITEMS, passed=True, detail=f"{format_amount(line_sum)} = subtotal")]
    if total is not None and abs(line_sum - total) <= tolerance:
        # Line prices that include tax add up to the total instead; that is consistent too.
        return [ValidationCheck(check=CHECK_LINE_ITEMS, passed=True, detail=f"{format_amount(line_sum)} = total")]
    if subtotal is not None:
        target = f"subtotal {format_amount(subtotal)}"
    elif total is not None:
        target = f"total {format_amount(total)}"
    else:
        return []
    detail = f"line items sum to {format_amount(line_sum)}, not {target}"
    return [ValidationCheck(check=CHECK_LINE_ITEMS, passed=False, detail=detail)]


# Fields a till receipt does not print, whatever the profile requires of an invoice: missing on a receipt
# they count as missing optional fields.
RECEIPT_ABSENT = frozenset({"invoice_number", "due_date"})


def assess(
    profile: Profile,
    values: dict[str, Found | None],
    line_items: list[dict[str, Any]],
    today: date | None = None,
    doc_type: str | None = None,
) -> Assessment:
    checks = run_checks(profile, values, line_items, today or date.today())
    failed = [check for check in checks if not check.passed]

    confidence: dict[str, int] = {}
    for field in profile.fields:
        found = values.get(field.name)
        confidence[field.name] = found.confidence if found is not None else 0
    if any(check.check == CHECK_TOTALS for check in failed):
        for name in ("subtotal", "tax_amount", "total_amount"):
            if confidence.get(name):
                confidence[name] = min(confidence[name], SUSPECT_FIELD_CAP)
    if any(check.check == CHECK_DATES for check in failed):
        for field in profile.fields:
            if field.type == "date" and confidence[field.name]:
                confidence[field.name] = min(confidence[field.name], SUSPECT_FIELD_CAP)
    if any(check.check == CHECK_CURRENCY for check in failed):
        for field in profile.fields:
            if field.type == "currency" and confidence[field.name]:
                confidence[field.name] = min(confidence[field.name], 30)

    # A field the profile does not expect on this type of document, when absent, is not missing: it is not
    # listed, and it does not count in the score.
    unexpected = {
        field.name for field in profile.fields if not field.expected_on(doc_type) and values.get(field.name) is None
    }
    missing = [
        field.name for field in profile.fields if values.get(field.name) is None and field.name not in unexpected
    ]
    required = {
        field.name
        for field in profile.fields
        if field.required
        and field.expected_on(doc_type)
        and not (doc_type == "Receipt" and field.name in RECEIPT_ABSENT)
    }
    missing_required = [name for name in missing if name in required]

    weighted = total_weight = 0.0
    for field in profile.fields:
        if field.name in unexpected:
            continue
        # Required fields count double; a missing optional field counts for little, since many
        # invoices simply have no due date or tax line.
        if field.name in required:
            weight = 2.0
        elif field.name in missing:
            weight = 0.5
        else:
            weight = 1.0
        weighted += weight * confidence[field.name]
        total_weight += weight
    score = weighted / total_weight if total_weight else 0.0
    score -= MISSING_REQUIRED_PENALTY * len(missing_required)
    if len(failed) == 1:
        score = min(score, FAILED_CHECK_CAP)
    elif len(failed) > 1:
        score = min(score, FAILED_CHECKS_CAP)
    final = max(0, min(100, round(score)))

    return Assessment(
        score=final,
        reasoning=_reasoning(len(profile.fields) - len(unexpected), missing, failed, confidence),
        field_confidence=confidence,
        missing_fields=missing,
        validation=checks,
    )


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _reasoning(count: int, missing: list[str], failed: list[ValidationCheck], confidence: dict[str, int]) -> str:
    """`count`: the fields the document is expected to carry."""
    problems = [_FAILURE_PHRASES.get(check.check, check.check) for check in failed]
    if not missing and not problems:
        first = f"All {count} fields extracted successfully."
    elif not missing:
        first = f"All {count} fields extracted, but {_join(problems)}."
    else:
        first = "No fields could be extracted" if len(missing) == count else f"Missing {_join(missing)}"
        first = "; ".join([first, *problems]) + "."
    weak = [name for name, value in confidence.items() if 0 < value < LOW_CONFIDENCE and name not in missing]
    if weak:
        return f"{first} Low confidence in {_join(weak)}."
    return first
