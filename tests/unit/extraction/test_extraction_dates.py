from datetime import date

import pytest

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction.dates import find_dates, infer_dayfirst, parse_date
from recordengine.extraction.layout import Layout
from recordengine.extraction.readings import read_layout


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2014-08-03", date(2014, 8, 3)),
        ("2014/08/03", date(2014, 8, 3)),
        ("03.08.2014", date(2014, 8, 3)),
        ("3.8.2014", date(2014, 8, 3)),
        ("03.08.14", date(2014, 8, 3)),
        ("8-9-2022", date(2022, 9, 8)),
        ("Aug 3, 2014", date(2014, 8, 3)),
        ("August 3 , 2014", date(2014, 8, 3)),
        ("3 August 2014", date(2014, 8, 3)),
        ("September 13, 2022", date(2022, 9, 13)),
        ("Sep 13, 2022", date(2022, 9, 13)),
        ("13 Sep, 2022", date(2022, 9, 13)),
        ("11. Juli 2014", date(2014, 7, 11)),
        ("3 März 2024", date(2024, 3, 3)),
        ("19 april 2014", date(2014, 4, 19)),
        ("1er août 2014", date(2014, 8, 1)),
        ("15 décembre 2023", date(2023, 12, 15)),
        ("20181230", date(2018, 12, 30)),
        ("Invoice Date: Mar 4, 2023 (paid)", date(2023, 3, 4)),
    ],
)
def test_parse_date_formats(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "dayfirst", "expected"),
    [
        ("08/03/2014", False, date(2014, 8, 3)),
        ("08/03/2014", True, date(2014, 3, 8)),
        # Only one order is a valid date, whichever the document prefers.
        ("31/12/2017", False, date(2017, 12, 31)),
        ("12/31/2017", True, date(2017, 12, 31)),
    ],
)
def test_slash_dates_follow_the_document_order(text: str, dayfirst: bool, expected: date) -> None:
    assert parse_date(text, dayfirst=dayfirst) == expected


@pytest.mark.parametrize("text", ["32.01.2020", "2020-13-01", "31.02.2021", "Feb 30, 2020", "1.234,56", "12:30", ""])
def test_parse_date_rejects_non_dates(text: str) -> None:
    assert parse_date(text) is None


def test_infer_dayfirst_from_unambiguous_dates() -> None:
    assert infer_dayfirst("Issued 31/01/2024, due 02/03/2024") is True
    assert infer_dayfirst("Issued 01/31/2024, due 03/02/2024") is False
    assert infer_dayfirst("Issued 01/02/2024") is None


def test_find_dates_reports_positions_in_order() -> None:
    text = "Billing period Sep 13, 2022 to 13.09.2023"
    found = find_dates(text)
    assert [item.value for item in found] == [date(2022, 9, 13), date(2023, 9, 13)]
    assert text[found[0].start : found[0].end] == "Sep 13, 2022"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A Chinese VAT invoice's year, month and day in boxes of their own, the form's 年 月 日 not read.
        ("开票日期: 2026 12 07", date(2026, 12, 7)),
        ("开票日期：2026\u300012\u300007", date(2026, 12, 7)),
        ("２０２６年１２月０７日", date(2026, 12, 7)),
        ("2026 年 12 月 07 日", date(2026, 12, 7)),
        # A till's dotted date as OCR reads it: a gap after a dot, or the dot before the year as a comma.
        ("Beleg 07. 12.2026", date(2026, 12, 7)),
        ("Datum: 07.12, 2026", date(2026, 12, 7)),
    ],
)
def test_dates_printed_in_boxes_or_read_with_gaps(text: str, expected: date) -> None:
    assert [found.value for found in find_dates(text)] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Tel. 0231 2026 12 07",  # the groups of a phone number
        "2026 12 07 15",  # a row of figures
        "Art. 2026 12 07,50",
        "Menge 1.12,2026",  # a comma glued to what follows is a decimal comma, not a date's dot
    ],
)
def test_groups_of_digits_that_are_not_a_boxed_date(text: str) -> None:
    assert find_dates(text) == []


def test_a_chinese_date_of_issue_printed_in_boxes_is_found_by_its_label() -> None:
    reading = read_layout(
        Layout(["发票号码：00012345\n开票日期： 2026 12 07\n\n价税合计          ¥100.00"]), INVOICE_PROFILE
    )
    issued = reading.values["invoice_date"]
    assert issued is not None and issued.value == "2026-12-07"


def test_a_two_digit_year_date_that_reads_as_another_date_year_first_is_ambiguous() -> None:
    (found,) = find_dates("Date/Time: 26/02/11 14:05")
    assert found.value == date(2011, 2, 26) and found.ambiguous
    # Dotted dates are printed day first only; four-digit years and single-digit parts say which is which.
    assert not find_dates("26.02.11")[0].ambiguous
    assert not find_dates("26/02/2011")[0].ambiguous
    assert not find_dates("6/2/11")[0].ambiguous


def test_an_implausible_day_first_date_is_read_year_first() -> None:
    # Day first this is 12 March 2031: no date a document issued now carries (until 2030).
    assert [found.value for found in find_dates("12/03/31")] == [date(2012, 3, 31)]


def test_an_ambiguous_date_of_issue_is_not_sure() -> None:
    reading = read_layout(Layout(["Corner Grocer\nDate: 26/02/11 14:05\n\nTotal            12.40"]), INVOICE_PROFILE)
    issued = reading.roles["invoice_date"]
    assert issued is not None and issued.confidence <= 55
    plain = read_layout(Layout(["Corner Grocer\nDate: 26/02/2011 14:05\n\nTotal            12.40"]), INVOICE_PROFILE)
    assert plain.roles["invoice_date"] is not None and plain.roles["invoice_date"].confidence > 55
