"""Recognising a sender from the text of its document: numbers with their check digits, the seller's and not
the buyer's, domains that identify a sender and those that do not, phones, names without their legal form."""

import pytest

from recordengine.extraction.layout import Layout
from recordengine.senders.identity import Kind, iban_valid, identify, normalised_name, parse_identifier
from recordengine.senders.tax_ids import tax_number

# Invented numbers whose check digits hold (and the same numbers with one digit changed).
VALID_VAT = ["DE310341316", "FR48510174907", "GB165423567", "NL629489786B01", "IT96706670336", "ATU89477352",
             "BE0567287276"]  # fmt: skip
ALTERED_VAT = ["DE310341317", "FR48510174908", "GB165423568", "NL629489787B01", "IT96706670337", "ATU89477353",
               "BE0567287277"]  # fmt: skip
SELLER_VAT, BUYER_VAT, OTHER_SELLER_VAT = "DE310341316", "DE834738299", "DE366299468"
SELLER_IBAN = "DE83381300041321147165"


def spaced(number: str, size: int = 4) -> str:
    return " ".join(number[start : start + size] for start in range(0, len(number), size))


@pytest.mark.parametrize("number", VALID_VAT)
def test_a_vat_number_with_its_country_prefix_and_a_good_check_digit_needs_no_label(number):
    assert tax_number(number, labelled=False) is not None
    assert tax_number(spaced(number, 3), labelled=False) is not None


@pytest.mark.parametrize("number", ALTERED_VAT)
def test_a_vat_number_whose_check_digit_fails_identifies_nobody(number):
    assert tax_number(number, labelled=True) is None


@pytest.mark.parametrize(
    ("printed", "scheme"),
    [
        ("92 743 811 995", "AU-ABN"),
        ("715586863 RT0001", "CA-BN"),
        ("91910090U0Y8X09ECP", "CN-USCC"),
        ("W10-1808-31000123", "MY-SST"),
        ("001234567890", "MY-GST"),
        ("12-3456789", "US-EIN"),
        ("12/345/67890", "DE-STNR"),
        ("B12345674", "ES-NIF"),
    ],
)
def test_national_numbers_are_read_beside_their_label_per_scheme(printed, scheme):
    number = tax_number(printed, labelled=True)
    assert number is not None and number.startswith(f"{scheme}:")


@pytest.mark.parametrize("printed", ["12-3456789", "12/345/67890", "001234567890", "92 743 811 995"])
def test_a_bare_run_of_digits_is_no_tax_number_without_its_label(printed):
    assert tax_number(printed, labelled=False) is None


def test_a_chinese_credit_code_with_a_wrong_check_character_is_refused():
    assert tax_number("91910090U0Y8X09ECQ", labelled=False) is None


def test_iban_check():
    assert iban_valid(SELLER_IBAN)
    assert not iban_valid(SELLER_IBAN[:-1] + "6")
    assert not iban_valid(SELLER_IBAN[:-1])  # a German IBAN has 22 characters


def invoice(seller_lines: str, buyer_lines: str = "", footer: str = "") -> Layout:
    return Layout(
        [
            f"""Larkspur Drafting Supplies GmbH                              RECHNUNG
Eichenallee 9, 54321 Beispielstadt                           Rechnungsnr.: R-2026-118
{seller_lines}
Rechnung an:
Tamarind Office Ltd
{buyer_lines}
Oak Row 4, Millbrook

Pos  Beschreibung                    Menge     Betrag
1    Zeichenpapier A3                  10      45,00
Summe                                           45,00
{footer}
"""
        ]
    )


def kinds(identifiers, kind):
    return [identifier.value for identifier in identifiers if identifier.kind is kind]


def test_the_sellers_identifiers_are_read_from_head_and_footer():
    layout = invoice(
        "Tel.: +49 551 2345678      www.larkspur-drafting.de",
        footer=f"USt-IdNr.: {spaced(SELLER_VAT, 3)}    IBAN: {spaced(SELLER_IBAN)}    info@larkspur-drafting.de",
    )
    found = identify(layout, "Larkspur Drafting Supplies GmbH")
    assert kinds(found, Kind.TAX) == [f"DE:{SELLER_VAT}"]
    assert kinds(found, Kind.IBAN) == [SELLER_IBAN]
    assert kinds(found, Kind.DOMAIN) == ["larkspur-drafting.de"]
    assert kinds(found, Kind.PHONE) == ["512345678"]
    assert kinds(found, Kind.NAME) == ["larkspur drafting supplies"]
    assert [identifier.kind for identifier in found] == [Kind.TAX, Kind.IBAN, Kind.DOMAIN, Kind.PHONE, Kind.NAME]


def test_the_buyers_numbers_in_the_bill_to_block_are_not_the_sellers():
    layout = invoice(
        "",
        buyer_lines=f"USt-IdNr.: {BUYER_VAT}\nTel.: 030 98765432\nbilling@tamarind-office.co.uk",
        footer=f"USt-IdNr.: {SELLER_VAT}",
    )
    found = identify(layout, None)
    assert kinds(found, Kind.TAX) == [f"DE:{SELLER_VAT}"]
    assert kinds(found, Kind.PHONE) == []
    assert kinds(found, Kind.DOMAIN) == []


@pytest.mark.parametrize(
    "label", ["Customer VAT No.:", "Ihre USt-IdNr.:", "TVA client :", "Kunden-USt-IdNr.", "Buyer VAT ID"]
)
def test_a_number_labelled_as_the_customers_is_not_the_sellers(label):
    layout = Layout([f"Quillon Instruments Ltd\nInvoice 4411\n{label} {BUYER_VAT}\nVAT Reg No: {OTHER_SELLER_VAT}\n"])
    assert kinds(identify(layout, None), Kind.TAX) == [f"DE:{OTHER_SELLER_VAT}"]


def test_the_buyers_column_and_a_lone_to_heading_are_the_buyers():
    beside = Layout(
        [
            "Quillon Instruments Ltd                                     Bill to\n"
            "4 Kiln Yard                                                 Tamarind Office Ltd\n"
            "Millbrook                                                   Oak Row 4\n"
            f"hello@quillon-instruments.co.uk                             VAT No    {BUYER_VAT}\n"
        ]
    )
    found = identify(beside, None)
    assert kinds(found, Kind.TAX) == [] and kinds(found, Kind.DOMAIN) == ["quillon-instruments.co.uk"]
    addressed = Layout(
        [
            "Invoice 4471\n\nTo                                       Date issued\n"
            f"Tamarind Office Ltd                      Mar 4, 2026\nTax ID {BUYER_VAT}\n\nVAT: {OTHER_SELLER_VAT}\n"
        ]
    )
    assert kinds(identify(addressed, None), Kind.TAX) == [f"DE:{OTHER_SELLER_VAT}"]


def test_a_word_of_a_sentence_before_the_label_does_not_make_the_number_the_buyers():
    layout = Layout([f"Quillon Instruments Ltd\nThank you for your order.   VAT Reg No: {OTHER_SELLER_VAT}\n"])
    assert kinds(identify(layout, None), Kind.TAX) == [f"DE:{OTHER_SELLER_VAT}"]


def test_a_fapiao_buyer_section_is_not_the_sellers():
    layout = Layout(
        [
            "购 名称: 晨星文具有限公司\n买 纳税人识别号: 91820582KAHLTP5URJ\n方\n"
            "货物名称  金额\n办公纸  100.00\n"
            "销 名称: 青石贸易有限公司\n售 纳税人识别号: 91910090U0Y8X09ECP\n方\n"
        ]
    )
    assert kinds(identify(layout, None), Kind.TAX) == ["CN-USCC:91910090U0Y8X09ECP"]


def test_mail_providers_and_platforms_identify_nobody():
    layout = Layout(
        ["Pebblebrook Candles\nContact: pebblebrook.candles@gmail.com\nPay online: pay.squareup.com/pebble\n"]
    )
    assert kinds(identify(layout, None), Kind.DOMAIN) == []


def test_a_standards_urn_is_no_domain():
    layout = Layout(["Pebblebrook Candles\nurn:cen.eu:en16931:2017#compliant#urn:zugferd.de:2p0:extended\n"])
    assert kinds(identify(layout, None), Kind.DOMAIN) == []


def test_an_abbreviated_label_is_no_domain():
    layout = Layout(["Pebblebrook Candles\nRef.No 4471   art.no 12   Inv.Nr 9\nshop.pebblebrook.co.uk\n"])
    assert kinds(identify(layout, None), Kind.DOMAIN) == ["pebblebrook.co.uk"]


def test_an_unlabelled_phone_or_a_fax_is_not_taken():
    layout = Layout(["Pebblebrook Candles\nFax: 0551 2345678\nOrder 0551 7654321\n"])
    assert kinds(identify(layout, None), Kind.PHONE) == []


def test_a_vendor_read_unsurely_is_no_name_to_recognise_a_sender_by():
    layout = Layout(["Qty   Description   Amount\n1     Paper         4.00\n"])
    assert identify(layout, "Qty", vendor_confidence=45) == []
    assert kinds(identify(layout, "Pebblebrook Candles", vendor_confidence=60), Kind.NAME) == ["pebblebrook candles"]


def test_nothing_from_the_filename_or_anywhere_but_the_text():
    assert identify(Layout(["Thank you!\n"]), None) == []


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Brightwater Tools GmbH", "BRIGHTWATER TOOLS"),
        ("Le Petit Four S.A.R.L.", "le petit four sarl"),
        ("Kedai Runcit Melati Sdn. Bhd.", "KEDAI RUNCIT MELATI SDN BHD"),
        ("Café Éclair Ltd.", "Cafe Eclair"),
        ("Northfield & Sons Inc", "Northfield Sons, Inc."),
        ("晨星文具有限公司", "晨星文具"),
    ],
)
def test_names_compare_without_legal_form_case_accents_and_punctuation(first, second):
    assert normalised_name(first) == normalised_name(second) is not None


def test_different_names_stay_different():
    assert normalised_name("Brightwater Tools GmbH") != normalised_name("Brightwater Paints GmbH")
    assert normalised_name("Co") is None


def test_identifiers_round_trip_and_unknown_kinds_are_refused():
    assert parse_identifier("tax:DE:DE310341316") is not None
    assert parse_identifier("colour:blue") is None
    assert parse_identifier("domain:") is None


def test_a_page_of_numbers_claims_a_bounded_number_of_identifiers():
    numbers = "\n".join(f"www.shop{index}-candles.de  USt-IdNr. DE310341316" for index in range(200))
    assert len(identify(Layout([numbers]), "A")) <= 12
