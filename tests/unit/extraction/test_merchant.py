"""The merchant at the head of a receipt: the line that reads as a company, not the logo noise, the title,
the tagline, the address or the operator named under "owned by"."""

from __future__ import annotations

import pytest

from recordengine.extraction.country import guess_country
from recordengine.extraction.fields.merchant import merchant
from recordengine.extraction.labels import Reader
from tests.unit.extraction.receipt_fixtures import line, ocr_layout

TILL = ["Date: 05/03/2024 12:01", "Cashier: 3", line("TOTAL", "9.90"), line("CASH", "10.00"), line("CHANGE", "0.10")]


def head(lines: list[str], **options: object) -> str | None:
    found = merchant(Reader(ocr_layout([*lines, *TILL], **options)))  # type: ignore[arg-type]
    return found.value if found is not None else None


def test_a_company_line_beats_a_handwritten_note_above_it() -> None:
    assert head(["paid by john", "BOOKS CORNER (TAMAN JAYA) SDN BHD", "NO. 12, JALAN MERANTI"]) == (
        "BOOKS CORNER (TAMAN JAYA) SDN BHD"
    )


def test_logo_noise_read_with_low_confidence_is_no_name() -> None:
    lines = ["peated phe", "HARDWARE HOUSE TRADING", "Company Reg. No. : 001234-X", "NO 37, JALAN MANIS 7"]
    assert head(lines, unsure={"peated": 31.0, "phe": 33.0}) == "HARDWARE HOUSE TRADING"


def test_the_registered_name_under_a_trading_name_wins() -> None:
    # The line over the registration number is the company; the one above it is how customers know it.
    lines = ["FACE TO FACE NOODLE HOUSE", "FTF NOODLE HOUSE", "(002049088-U)", "No.25, Jalan Metro 2"]
    assert head(lines) == "FTF NOODLE HOUSE"


def test_a_registration_number_beside_the_name_is_not_part_of_it() -> None:
    assert head(["99 SPEED MART (519537-X)", "LOT 2811, JALAN ANGSA"]) == "99 SPEED MART"


def test_a_title_and_a_tagline_are_not_names() -> None:
    assert head(["TAX INVOICE", "THREE STOOGES", "BISTRO & CAFE", "109, SS21/1A"]) == "THREE STOOGES"


def test_the_operator_after_the_address_is_not_the_shop() -> None:
    lines = [
        "CITY PETROL AIRPORT",
        "Jalan Lapangan Terbang",
        "47200 Subang",
        "D'Rosh Services",
        "CO. REG. NO: 948487-V",
    ]
    assert head(lines) == "CITY PETROL AIRPORT"


def test_the_owner_named_under_owned_by_is_not_the_shop() -> None:
    lines = [
        "SUNRISE STATIONERY SHOP",
        "NO. 31G, JALAN SETIA",
        "TAX INVOICE",
        "Owned By :",
        "SUNRISE SUPPLY SDN BHD (1135772-K)",
    ]
    assert head(lines) == "SUNRISE STATIONERY SHOP"


def test_ocr_look_alikes_inside_a_name_are_read_as_letters() -> None:
    assert head(["MR. T.1.¥. (M) SON BHD", "LOT 12-A, JALAN CONTOH 3"]) == "MR. T.I.Y. (M) SDN BHD"


def test_specks_beside_the_name_and_an_advertisement_are_dropped() -> None:
    assert head(["NOT A MEMBER YET? DOWNLOAD & JOIN NOW!", 'Shopmart “ "4', "Complete our survey at"]) == "Shopmart"


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Redmond, WA 98052", "US"),
        ("Toronto ON M5V 2T6  HST 13%", "CA"),
        ("43000 KAJANG, SELANGOR  GST ID 001", "MY"),
        ("Hauptstraße 5, 80331 München  MwSt 19%", "DE"),
        ("12 rue de la Paix 75002 Paris  TVA 20%", "FR"),
        ("14 Quay Street, Manchester M3 3HN  VAT £", "GB"),
        ("上海某某科技有限公司  增值税专用发票  ¥1,280.00", "CN"),
        ("株式会社サンプル  合計 1,080円", "JP"),
        ("Shop 3, Nathan Road, Kowloon, Hong Kong  HK$58.00", "HK"),
        ("Thank you", None),
    ],
)
def test_the_country_from_its_address_and_tax_cues(text: str, country: str | None) -> None:
    assert guess_country(text) == country
