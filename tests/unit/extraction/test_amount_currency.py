"""The currency a bare symbol means follows the document's evidence: its script, its country."""

from __future__ import annotations

from decimal import Decimal

from recordengine.extraction.amounts import find_amounts
from recordengine.extraction.fields.currency import extract_currency
from recordengine.extraction.labels import Candidate, Reader
from recordengine.extraction.layout import Layout


def currency(*lines: str, total_line: int | None = None) -> str | None:
    reader = Reader(Layout(["\n".join(lines)]))
    total = None if total_line is None else Candidate(Decimal(1), 90, total_line, 1, (total_line, 0))
    found = extract_currency(reader, total)
    return None if found is None else found.value


def test_a_yen_sign_on_a_chinese_invoice_is_the_yuan() -> None:
    assert currency("增值税专用发票", "价税合计 (小写)   ¥113.00", total_line=1) == "CNY"
    assert currency("增值税专用发票", "金额 ￥100.00   税额 ￥13.00") == "CNY"


def test_a_yen_sign_among_japanese_kana_is_the_yen() -> None:
    assert currency("請求書", "ご請求金額   ¥11,000", total_line=1) == "JPY"


def test_a_bare_dollar_follows_the_country() -> None:
    assert currency("Maple Hardware Ltd", "Toronto ON M5V 2T6", "Total   $45.20", total_line=2) == "CAD"
    assert currency("Sunset Diner", "Austin, TX 78701", "Total   $45.20", total_line=2) == "USD"


def test_a_symbol_between_two_numbers_marks_the_one_after_it() -> None:
    found = find_amounts("(5 )¥ 90.40")
    assert [(amount.value, amount.currency) for amount in found if amount.explicit] == [(Decimal("90.40"), "JPY")]
