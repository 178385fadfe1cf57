"""Receipts understood as receipts: the merchant, the amount paid, the date and the currency of till
receipts from several countries, as OCR lays them out."""

from __future__ import annotations

from tests.unit.extraction.receipt_fixtures import fields, line, read

MALAYSIAN = [
    "KEDAI RUNCIT MAJU SDN BHD (123456-A)",
    "LOT 12, JALAN BUNGA 3",
    "43000 KAJANG, SELANGOR",
    "GST ID : 001234567890",
    "TAX INVOICE",
    "Doc No : CS00012345      Date: 03/04/2018 14:22",
    "Cashier : AMIN",
    line("MILO 1KG", "6.90"),
    line("ROTI GARDENIA", "2.53"),
    line("Total Sales (Excluding GST)", "9.43"),
    line("GST 6%", "0.57"),
    line("Rounding Adjustment", "-0.02"),
    line("Rounded Total (RM)", "9.98"),
    line("CASH", "RM20.00"),
    line("CHANGE", "RM10.02"),
    "THANK YOU PLEASE COME AGAIN",
]


def test_a_malaysian_till_receipt() -> None:
    reading = read(MALAYSIAN)
    found = {name: (value.value if value else None) for name, value in reading.roles.items()}
    assert reading.doc_type == "Receipt"
    assert found["vendor"] == "KEDAI RUNCIT MAJU SDN BHD"
    assert found["invoice_date"] == "2018-04-03"
    assert found["invoice_number"] == "CS00012345"
    assert found["subtotal"] == "9.43"
    assert found["tax_amount"] == "0.57"
    assert found["total_amount"] == "9.98"
    assert found["currency"] == "MYR"


def test_an_american_receipt_with_a_tip_and_a_card_payment() -> None:
    found = fields(
        [
            "HARBOR COFFEE CO.",
            "1201 Pike Street",
            "Seattle, WA 98101",
            "04/05/2024 8:12 AM",
            "Server: Dana",
            line("Latte", "5.25"),
            line("Croissant", "3.25"),
            line("Subtotal", "$8.50"),
            line("Sales Tax", "$0.87"),
            line("Tip", "$2.00"),
            line("TOTAL", "$11.37"),
            line("VISA **** 1234", "$11.37"),
            "APPROVED",
        ]
    )
    assert found["vendor"] == "HARBOR COFFEE CO."
    assert found["invoice_date"] == "2024-04-05"  # month first: the address is American
    assert found["total_amount"] == "11.37"
    assert found["tax_amount"] == "0.87"
    assert found["currency"] == "USD"


def test_a_canadian_receipt_in_dollars_is_in_canadian_dollars() -> None:
    found = fields(
        [
            "MAPLE LEAF GROCER",
            "55 King Street West",
            "Toronto ON M5V 2T6",
            "02/03/26 17:40",
            line("APPLES", "$4.59"),
            line("COFFEE", "$10.00"),
            line("SUBTOTAL", "$14.59"),
            line("HST 13%", "$1.90"),
            line("TOTAL", "$16.49"),
            line("DEBIT TEND", "$16.49"),
            line("CHANGE DUE", "$0.00"),
        ]
    )
    assert found["invoice_date"] == "2026-02-03"
    assert found["total_amount"] == "16.49"
    assert found["tax_amount"] == "1.90"
    assert found["currency"] == "CAD"


def test_a_french_receipt_totals_ttc() -> None:
    found = fields(
        [
            "BOULANGERIE DU PORT SARL",
            "12 rue de la Paix 75002 Paris",
            "Date : 12/03/2024 09:15",
            line("BAGUETTE", "1,20"),
            line("TARTE AUX POMMES", "8,80"),
            line("TOTAL HT", "10,00"),
            line("TVA 5,5%", "0,55"),
            line("Montant TTC", "10,55 €"),
            line("CB", "10,55"),
        ]
    )
    assert found["vendor"] == "BOULANGERIE DU PORT SARL"
    assert found["invoice_date"] == "2024-03-12"
    assert found["subtotal"] == "10.00"
    assert found["tax_amount"] == "0.55"
    assert found["total_amount"] == "10.55"
    assert found["currency"] == "EUR"


def test_a_german_receipt_with_cash_and_change() -> None:
    found = fields(
        [
            "Bäckerei Sonnenschein GmbH",
            "Hauptstraße 5, 80331 München",
            "Bon 4711   15.05.2024 07:32",
            line("Brezel", "1,20"),
            line("Roggenbrot", "6,20"),
            line("Summe EUR", "7,40"),
            line("MwSt 7%", "0,48"),
            line("Gegeben Bar", "10,00"),
            line("Rückgeld", "2,60"),
        ]
    )
    assert found["vendor"] == "Bäckerei Sonnenschein GmbH"
    assert found["invoice_date"] == "2024-05-15"
    assert found["total_amount"] == "7.40"
    assert found["currency"] == "EUR"


def test_balance_due_is_the_total() -> None:
    found = fields(["CORNER DELI", "01/15/2025", line("Sandwich", "8.50"), line("BALANCE DUE", "$8.50")])
    assert found["total_amount"] == "8.50"


def test_amount_due_and_total_with_an_equals_sign() -> None:
    assert fields(["CORNER DELI", line("Sandwich", "8.50"), line("AMOUNT DUE", "8.50")])["total_amount"] == "8.50"
    assert fields(["CORNER DELI", line("Sandwich", "12.30"), "Total = 12.30"])["total_amount"] == "12.30"


def test_cash_tendered_and_change_are_not_the_total() -> None:
    receipt = [
        "QUICK MART",
        line("ITEM", "42.90"),
        line("TOTAL", "42.90"),
        line("CASH", "50.00"),
        line("CHANGE", "7.10"),
    ]
    assert fields(receipt)["total_amount"] == "42.90"


def test_the_amount_paid_is_the_total_when_the_total_line_was_not_read() -> None:
    receipt = ["QUICK MART", line("ITEM", "42.90"), "TOTAL", line("CASH", "50.00"), line("CHANGE", "7.10")]
    assert fields(receipt)["total_amount"] == "42.90"


def test_a_card_slip_under_the_receipt_repeats_the_total() -> None:
    receipt = [
        "WAREHOUSE CLUB",
        line("TV STAND", "199.99"),
        line("SUBTOTAL", "199.99"),
        line("TAX", "26.00"),
        "TOTAL",
        "ACCT: VISA",
        "APPROVED - THANK YOU",
        line("AMOUNT:", "225.99"),
    ]
    assert fields(receipt)["total_amount"] == "225.99"


def test_the_total_after_rounding_is_the_amount_paid() -> None:
    receipt = [
        "KEDAI MAJU",
        line("Total Sales Inclusive GST", "28.31"),
        line("Rounding Adjustment", "-0.01"),
        line("TOTAL", "28.30"),
        line("CASH", "30.00"),
    ]
    assert fields(receipt)["total_amount"] == "28.30"


def test_a_misread_total_is_put_right_by_what_was_paid() -> None:
    # OCR read the total's last 0 as a 9; cash tendered less change, and the tax summary, say 141.50.
    receipt = [
        "SPEED MART",
        line("Total Sales (Inclusive GST)", "RM 141.59"),
        line("CASH", "RM 150.00"),
        line("CHANGE", "RM 8.50"),
        line("GST Summary", "141.50"),
    ]
    reading = read(receipt)
    total = reading.roles["total_amount"]
    assert total is not None
    assert total.value == "141.50"
    assert total.confidence < 90


def test_a_total_printed_twice_is_not_replaced_by_a_misread_payment() -> None:
    receipt = [
        "NOODLE HOUSE",
        line("Subtotal:", "105.00"),
        line("Total:", "105.00"),
        line("Cash:", "105.08"),
        line("Change:", "0.00"),
    ]
    assert fields(receipt)["total_amount"] == "105.00"


def test_a_currency_glued_to_the_amount() -> None:
    found = fields(["KEDAI MAJU SDN BHD", line("Total Amount:", "RM7.70"), line("CASH", "RM10.00")])
    assert found["total_amount"] == "7.70"
    assert found["currency"] == "MYR"


def test_the_tax_included_in_the_total_is_the_tax_not_the_total() -> None:
    receipt = [
        "BURGER PALACE SDN BHD",
        line("TakeOut Total (incl GST)", "18.90"),
        line("Cash Tendered", "50.00"),
        line("Change", "31.10"),
        line("TOTAL INCLUDES 6% GST", "1.07"),
    ]
    found = fields(receipt)
    assert found["total_amount"] == "18.90"
    assert found["tax_amount"] == "1.07"


def test_a_date_printed_twice_takes_the_reading_ocr_was_surer_of() -> None:
    receipt = ["GREEN GROCER", "12/02/95", line("APPLES", "$3.20"), line("TOTAL", "$3.20"), "12/02/25"]
    assert fields(receipt, unsure={"12/02/95": 60.0})["invoice_date"] == "2025-12-02"


def test_an_invoice_with_a_bill_to_block_stays_an_invoice() -> None:
    invoice = [
        "ACME SUPPLIES LTD",
        "INVOICE",
        "Bill To: Harbour Logistics plc",
        "Invoice No: 4411   Date: 03/04/2024",
        "Due Date: 03/05/2024",
        line("Total", "120.00"),
        line("Payment", "120.00"),
    ]
    assert read(invoice).doc_type == "Invoice"


def test_a_total_with_a_stray_digit_is_put_right_by_what_was_paid() -> None:
    # OCR read "9.00" as "91.00": cash tendered less change says 9.00; a person should still look.
    receipt = [
        "KEDAI MAJU SDN BHD",
        line("TOTAL", "RM 91.00"),
        line("CASH", "RM 10.00"),
        line("CHANGE", "RM 1.00"),
    ]
    total = read(receipt).roles["total_amount"]
    assert total is not None
    assert total.value == "9.00"
    assert total.confidence < 90


def test_a_total_that_lost_its_decimal_point_is_put_right_by_subtotal_and_tax() -> None:
    receipt = [
        "KEDAI MAJU SDN BHD",
        line("SUBTOTAL", "RM 8.50"),
        line("GST 6%", "RM 0.50"),
        line("TOTAL", "RM 900"),
    ]
    assert fields(receipt)["total_amount"] == "9.00"


def test_a_deposit_printed_twice_is_not_the_total() -> None:
    # The total's line was not read: the deposit repeated on two lines is not the total, a larger item is above it.
    receipt = [
        "FRISCHMARKT MUSTERHAUSEN",
        line("VOLLMILCH", "2,98 B"),
        line("PFAND 0,25", "0,50 B"),
        line("SCHOKOLADE", "5,98 B"),
        line("PFAND 0,25", "0,50 A"),
    ]
    assert fields(receipt)["total_amount"] is None


def test_a_total_that_lost_its_decimal_comma_gives_way_to_the_items_sum() -> None:
    # "SUMME 27,31" read as "2031": more than the cash handed over; the items above it add up to 27,31.
    receipt = [
        "FRISCHMARKT MUSTERHAUSEN",
        line("KAFFEE", "2,99 A"),
        line("BUTTER", "1,49 A"),
        line("BROT", "2,83 A"),
        line("KAESE", "20,00 A"),
        line("SUMME    EUR", "2031"),
        line("BAR      EUR", "30,00"),
    ]
    total = read(receipt).roles["total_amount"]
    assert total is not None
    assert total.value == "27.31"
    assert total.confidence < 90


def test_the_sum_after_a_discount_is_the_total() -> None:
    receipt = [
        "FRISCHMARKT MUSTERHAUSEN",
        line("KAFFEE", "12,99 A"),
        line("BUTTER", "15,31 A"),
        line("Summe", "28,30"),
        line("10 % Theke", "-0,67"),
        line("SUMME    EUR", "27,63"),
        line("Bar      EUR", "27,70"),
    ]
    assert fields(receipt)["total_amount"] == "27.63"


def test_a_first_sum_larger_than_the_cash_gives_way_to_it_less_the_discount_under_it() -> None:
    # OCR lost the grand total's line: the first sum is more than was handed over, the discount under it says why.
    receipt = [
        "FRISCHMARKT MUSTERHAUSEN",
        line("KAFFEE", "12,99 A"),
        line("BUTTER", "15,31 A"),
        line("Summe", "28,30"),
        line("10 % Theke", "-0,67"),
        line("Bar      EUR", "27,70"),
    ]
    total = read(receipt).roles["total_amount"]
    assert total is not None
    assert total.value == "27.63"
    assert total.confidence < 90


def test_a_misread_total_is_put_right_by_the_items_above_it() -> None:
    # "54.50" read as "64.50"; the items add up to 54.50, whatever else the column holds under them.
    receipt = [
        "KEDAI MAJU SDN BHD",
        line("NASI LEMAK", "14.00"),
        line("TEH TARIK", "12.00"),
        line("ROTI CANAI", "28.50"),
        line("Total Qty:", "3.00"),
        line("Total GST", "3.09"),
        line("Total Sales (Inclusive of GST)", "64.50"),
    ]
    total = read(receipt).roles["total_amount"]
    assert total is not None
    assert total.value == "54.50"
    assert total.confidence < 90


def test_a_tax_at_a_rate_of_zero_is_zero() -> None:
    # The GST summary's tax at 0% was read as 0.06: at that rate it can only be 0.00.
    receipt = [
        "KEDAI MAJU SDN BHD",
        line("ROTI", "85.20"),
        line("SubTotal", "85.20"),
        "GST Summary         Amount      Tax",
        "Z @0%               85.20       0.06",
    ]
    found = fields(receipt)
    assert found["tax_amount"] == "0.00"
    assert found["total_amount"] == "85.20"


def test_a_tax_line_whose_label_ocr_lost_is_the_difference_between_subtotal_and_total() -> None:
    receipt = [
        "NORTHERN GROCER",
        line("SPARKLING WATER", "$8.28"),
        line("DISH SOAP", "$15.88"),
        line("SUBTOTAL", "$24.16"),
        line("mo,    13.0000 %", "$3.14"),
        line("TOTAL", "$27.30"),
        line("MCARD TEND", "$27.30"),
    ]
    found = fields(receipt)
    assert found["subtotal"] == "24.16"
    assert found["tax_amount"] == "3.14"
    assert found["total_amount"] == "27.30"


def test_a_misread_total_is_put_right_by_the_tax_summary_under_it() -> None:
    # No change was read; the summary's zero-rated row says 141.50 was paid, and "141.59" is one digit off it.
    receipt = [
        "SPEED MART",
        line("Total Sales (Inclusive GST) RM", "141.59"),
        line("CASH RM", "150.00"),
        "GST Summary      Amount (RM)    Tax (RM)",
        "Z @ 0%                141.50",
    ]
    total = read(receipt).roles["total_amount"]
    assert total is not None
    assert total.value == "141.50"
    assert total.confidence < 90


def test_an_amount_due_after_the_total_and_a_voucher_is_not_the_total() -> None:
    # Only a later sum labelled as well as the first is that sum less what lies between them.
    receipt = [
        "HARBOR COFFEE CO.",
        line("TOTAL", "$840.00"),
        line("Gift voucher 0042", "-200.00"),
        line("Balance due", "$640.00"),
    ]
    assert fields(receipt)["total_amount"] == "840.00"
