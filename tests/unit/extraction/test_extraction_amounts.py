from decimal import Decimal

import pytest

from recordengine.extraction.amounts import currencies_in, find_amounts, format_amount, parse_amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1 234,56 €", "1234.56"),
        ("1'234.50", "1234.50"),
        ("12.345.678,90", "12345678.90"),
        ("12,345,678.90", "12345678.90"),
        ("1.234", "1234"),
        ("1,234", "1234"),
        ("12,5", "12.5"),
        ("$4.11", "4.11"),
        ("€ 399,00", "399.00"),
        ("717,97 EUR", "717.97"),
        ("USD 18,500.00", "18500.00"),
        ("Rs 1939", "1939"),
        ("-5,00", "-5.00"),
        ("5,00-", "-5.00"),
        ("(144.00)", "-144.00"),
        ("€ -9,32", "-9.32"),
        ("9,9000", "9.9000"),
        # OCR'd text layers put a space before the decimals.
        ("1 234 ,56 €", "1234.56"),
        ("12 .50", "12.50"),
        ("123.45-", "-123.45"),
    ],
)
def test_parse_amount_reads_both_conventions(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "n/a", "19 %", "31/12/2017", "2014-08-03", "03.08.2014", "Total"])
def test_parse_amount_finds_no_money_in_non_amounts(text: str) -> None:
    assert parse_amount(text) is None


def test_amounts_carry_their_currency_and_skip_identifiers() -> None:
    found = find_amounts("Invoice INV2024-17 total $1,200.00 and 950,00 € VAT no. DE123456789")
    assert [(amount.value, amount.currency) for amount in found if amount.explicit] == [
        (Decimal("1200.00"), "USD"),
        (Decimal("950.00"), "EUR"),
    ]


def test_plain_integers_are_not_money_unless_marked() -> None:
    found = {amount.value: amount.explicit for amount in find_amounts("Qty 3 at £40")}
    assert found == {Decimal(3): False, Decimal(40): True}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("4.11", "4.11"), ("18500", "18500.00"), ("0.005", "0.01"), ("-8.795", "-8.80"), ("1234.5", "1234.50")],
)
def test_format_amount_has_two_decimals_and_no_grouping(value: str, expected: str) -> None:
    assert format_amount(Decimal(value)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Total $4.11", ["USD"]),
        ("Summe 12,00 €", ["EUR"]),
        ("£20 and CHF 30", ["GBP", "CHF"]),
        ("All charges and prices are in US Dollars", ["USD"]),
        ("Devise : EURO", ["EUR"]),
        ("Grand Total Rs 1939", ["INR"]),
        ("CA$ 15.00", ["CAD"]),
        ("ALL TOP CUP headings", []),
    ],
)
def test_currencies_in_text(text: str, expected: list[str]) -> None:
    assert currencies_in(text) == expected


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("12,50EUR", "12.50", "EUR"),
        ("EUR12,50", "12.50", "EUR"),
        ("12.50€", "12.50", "EUR"),
        ("12,50zł", "12.50", "PLN"),
        ("1 234,56 zł", "1234.56", "PLN"),
        ("CHF1'234.56", "1234.56", "CHF"),
        ("¥1234.00", "1234.00", "JPY"),
        ("￥1234.00", "1234.00", "JPY"),
    ],
)
def test_a_currency_glued_before_or_after_the_amount(text: str, value: str, currency: str) -> None:
    found = [amount for amount in find_amounts(text) if amount.explicit]
    assert [(amount.value, amount.currency) for amount in found] == [(Decimal(value), currency)]


@pytest.mark.parametrize(
    "text",
    [
        "Tel. : 0231/618079-903",
        "Tél. 01 23 45 67 89",
        "Telefon 0 23 04 / 91 05,50",
        "Phone: (555) 123-4567",
        "Fax 089.12 34 56",
    ],
)
def test_a_phone_number_is_no_amount(text: str) -> None:
    assert find_amounts(text) == []


def test_an_amount_on_the_line_of_a_phone_number_is_still_read() -> None:
    found = find_amounts("Tel 089.12 34 56   Summe 12,50 EUR")
    assert [amount.value for amount in found] == [Decimal("12.50")]
