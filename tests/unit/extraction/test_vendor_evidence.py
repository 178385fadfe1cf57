"""The vendor from the evidence a person would use when the name is not the first thing printed: a heading,
an advert, the address or the customer's block comes first, or the name is only a logo. Receipts as OCR
reads them and invoices as a text layer lays them out, in several languages."""

from __future__ import annotations

import pytest

from recordengine.extraction.fields.vendor import company_names, extract_vendor
from recordengine.extraction.fields.vendor_lines import reads_as_noise
from recordengine.extraction.labels import Reader
from recordengine.extraction.layout import Layout
from tests.unit.extraction.receipt_fixtures import line, read

GERMAN_TILL = [
    "EUR",
    line("Rumpsteak v. Jungb.", "8,80 A"),
    line("  0,326 kg x 26,99 EUR/kg"),
    line("Schinkenrohwurst", "1,99 A"),
    line("zu zahlen", "10,79"),
    line("Bar", "20,00"),
    line("Rückgeld", "-9,21"),
    "07.03.2024 12:01  Bon-Nr. 4711",
]


def vendor_of_receipt(lines: list[str], **options: object) -> tuple[str | None, int]:
    found = read(lines, **options).roles["vendor"]
    return (found.value, found.confidence) if found is not None else (None, 0)


def vendor_of_invoice(text: str) -> str | None:
    found = extract_vendor(Reader(Layout([text])))
    return found.value if found is not None else None


def test_a_logo_only_receipt_is_named_by_its_web_address_and_not_by_its_street() -> None:
    lines = ["Lindenweg 25/27", "58300 Musterstadt", "UID Nr.: DE123456789", *GERMAN_TILL, "www.sonnen-markt.de"]
    name, confidence = vendor_of_receipt(lines)
    assert name == "Sonnen Markt"
    # A domain says how the shop is reached, not how it writes its name.
    assert confidence <= 60


@pytest.mark.parametrize(
    "street",
    ["Lindenweg 25/27", "Karl-Beispiel-Weg. 77", "ANNA-MARIA-MUSTER-STR. 1", "Calle Mayor 12", "R. de Santo André 13"],
)
def test_a_street_above_the_till_is_not_the_vendor(street: str) -> None:
    name, _ = vendor_of_receipt([street, "58300 Musterstadt", "Tel.: 02304/9105770", *GERMAN_TILL])
    assert name != street
    assert name is None or not name.startswith(street.split()[0])


def test_a_lower_case_shop_name_over_its_compound_street_is_the_vendor() -> None:
    name, _ = vendor_of_receipt(["feldkorb", "Karl-Beispiel-Weg. 77", "44263 Dortmund", *GERMAN_TILL])
    assert name == "feldkorb"


@pytest.mark.parametrize("heading", ["KASSENBON", "RECHNUNG", "FACTURE", "TICKET", "Factura simplificada", "2ª VIA"])
def test_a_heading_above_the_shop_name_is_not_the_vendor(heading: str) -> None:
    lines = [heading, "Bäckerei Sonnenschein", "Hauptstraße 5", "80331 München", *GERMAN_TILL]
    assert vendor_of_receipt(lines)[0] == "Bäckerei Sonnenschein"


def test_a_shop_name_that_begins_with_a_headings_word_is_still_the_name() -> None:
    lines = ["BON APPETIT BISTRO", "Hauptstraße 5", "80331 München", *GERMAN_TILL]
    assert vendor_of_receipt(lines)[0] == "BON APPETIT BISTRO"


def test_an_advert_banner_above_the_shop_name_is_not_the_vendor() -> None:
    lines = [
        "NOT A MEMBER YET? DOWNLOAD & JOIN NOW!",
        "AND GET EXCLUSIVE OFFERS",
        "* ENJOY ONLINE GROCERY",
        "DELIVERY",
        "",
        "FRESH FIELDS MARKET",
        "12 King Street",
        *GERMAN_TILL,
    ]
    assert vendor_of_receipt(lines)[0] == "FRESH FIELDS MARKET"


def test_a_speck_of_the_logo_beside_the_name_is_not_part_of_it() -> None:
    lines = ["f MARKT MUELLER", "Hauptstraße 5", "80331 München", *GERMAN_TILL]
    assert vendor_of_receipt(lines)[0] == "MARKT MUELLER"


def test_a_word_read_as_noise_far_from_the_name_is_dropped() -> None:
    lines = ["Weber" + " " * 24 + "iy", "Lindenweg 29", "58300 Musterstadt", *GERMAN_TILL]
    assert vendor_of_receipt(lines, unsure={"iy": 37.0})[0] == "Weber"


def test_an_item_line_is_never_the_vendor_of_a_slip_without_a_name() -> None:
    name, _ = vendor_of_receipt(["", *GERMAN_TILL])
    assert name is None


FRENCH_INVOICE = """\
                                                              FACTURE N° 2024-118
Facturé à :
Dupont Industrie SARL
12, rue des Lilas
69003 Lyon
                                                              Date : 05/03/2024
Désignation                                  Quantité        Total HT
Nuitée chambre double                              2         240,00 €
                                                   Total TTC 264,00 €
Mode de règlement    : Virement bancaire (IBAN : FR76 3000 4000 0300 0012 3456 789)



                           Hôtel des Tilleuls
               2, place du Marché – 21000 Dijon – Tél : 03 80 00 00 00
   SASU au capital de 10 000 € - SIRET 123 456 789 00012 - RCS Dijon - TVA FR40123456789
"""


def test_the_company_line_over_the_legal_footer_is_the_vendor_not_the_customer_block() -> None:
    assert vendor_of_invoice(FRENCH_INVOICE) == "Hôtel des Tilleuls"


def test_a_payment_label_by_the_bank_details_is_not_a_name() -> None:
    assert vendor_of_invoice(FRENCH_INVOICE) != "Mode de règlement"


@pytest.mark.parametrize(
    ("customer_label", "seller_line"),
    [
        ("Rechnungsempfänger:", "Müller Werkzeuge GmbH · Hauptstr. 1 · 80331 München · USt-IdNr. DE123456789"),
        ("Cliente:", "Ferretería López S.L. · Calle Mayor 12 · 28013 Madrid · NIF B12345678"),
        ("Nabywca:", "Nowak Serwis Sp. z o.o. · ul. Długa 5 · 00-238 Warszawa · NIP 5261040828"),
    ],
)
def test_the_customer_block_first_is_not_the_vendor(customer_label: str, seller_line: str) -> None:
    text = f"""\
{customer_label}
Kowalski Handel GmbH
Lindenweg 4
12345 Berlin

Rechnung Nr. 2024-17                                        Datum: 05.03.2024
Leistung                                                    Betrag
Beratung                                                    1.000,00
Summe                                                       1.190,00



{seller_line}
"""
    seller = seller_line.split(" · ")[0]
    assert vendor_of_invoice(text) == seller


def test_a_chinese_company_name_runs_into_its_legal_form() -> None:
    assert company_names("名称: 上海示例科技有限公司   纳税人识别号") == ["上海示例科技有限公司"]
    assert company_names("名称：测 试 销 方 企 业 有 限 公 司") == ["测试销方企业有限公司"]


def test_a_department_heading_over_the_items_is_not_the_vendor() -> None:
    lines = ["NOT A MEMBER YET? JOIN NOW!", "", "GROCERY", line("S&B WASABI", "6.59"), line("TOTAL", "6.59")]
    assert vendor_of_receipt(lines)[0] != "GROCERY"


def test_a_line_among_the_items_is_not_the_shop_name() -> None:
    lines = ["COSTLESS WHOLESALE", line("232952 COKE ZERO", "17.19"), "Count 3", line("TOTAL", "17.19")]
    # The name is a logo's lettering, read unsurely; "Count 3" is print, but under the first item.
    assert vendor_of_receipt(lines, unsure={"COSTLESS": 60.0, "WHOLESALE": 60.0})[0] == "COSTLESS WHOLESALE"


@pytest.mark.parametrize("noise", ["eh Sa", "Lame VU Ke", "e = FOA o]", "3 > xe arc Foy", "it"])
def test_a_logo_read_as_noise_is_no_vendor(noise: str) -> None:
    # Read as surely as print, the logo's reading is still no name: no vendor beats a wrong one.
    lines = [noise, "Lindenweg 29", "58300 Musterstadt", "Tel.: 0711/123456", *GERMAN_TILL]
    assert vendor_of_receipt(lines)[0] is None


@pytest.mark.parametrize(
    "name", ["AB. C.D.E. (M) SDN BHD", "K&K Supermarket", "Dr. Weber Apotheke", "77 QUICK MART", "8-Tagesmarkt"]
)
def test_initials_abbreviations_and_numbers_in_a_name_are_not_noise(name: str) -> None:
    assert not reads_as_noise(name)


def test_a_compound_street_with_a_misread_hyphen_is_not_the_vendor() -> None:
    lines = ["ANNA-MARIA-MUSTER=STR, 1", "58300 Musterstadt", "Tel.: 0711/123456", *GERMAN_TILL]
    assert vendor_of_receipt(lines)[0] is None


def test_a_street_over_its_postcode_and_town_is_not_the_vendor_of_a_scan_without_a_till() -> None:
    # Not a receipt: the letterhead's fallback must not take the street either.
    assert vendor_of_receipt(["Lindenwag 25/27", "58300 Musterstadt"])[0] is None


def test_a_misread_item_under_the_first_item_is_not_the_vendor_of_a_scan() -> None:
    lines = ["Lindenwag 25/27", "58300 Musterstadt", line("Rumpsteak", "8,80 A"), "Aspik   2:19 A"]
    assert vendor_of_receipt(lines)[0] is None


def test_a_tax_number_label_is_not_the_vendor() -> None:
    lines = ["Lindenweg 29", "58300 Musterstadt", "UID       DE123456789", *GERMAN_TILL]
    assert vendor_of_receipt(lines)[0] is None


def test_the_end_of_an_advert_banner_is_not_the_vendor_of_a_slip_without_a_name() -> None:
    lines = ["NEW HERE? SIGN UP TODAY!", "AND EARN EXCLUSIVE OFFERS", "* ENJOY FREE HOME", "DELIVERY"]
    assert vendor_of_receipt([*lines, "", *GERMAN_TILL])[0] is None


@pytest.mark.parametrize("logo", ["S& SONNE", "SSONNE"])
def test_the_web_address_confirms_the_name_inside_a_logos_reading(logo: str) -> None:
    lines = [logo, "Bergmann", "Lindenweg 29", "58300 Musterstadt", "www sonne.de", *GERMAN_TILL]
    assert vendor_of_receipt(lines)[0] == "SONNE"


def test_a_name_the_web_address_spells_keeps_its_printed_punctuation() -> None:
    lines = ["LUIGI'S PIZZA", "12 King Street", "www.luigis.com", *GERMAN_TILL]
    assert vendor_of_receipt(lines)[0] == "LUIGI'S PIZZA"


SELLER_NAME_HEADING_INVOICE = """\
                                                             FACTURE N° : F2024-0118
LOGO AU BON VENDEUR                                           Date : 05/03/2024

SELLER TRADE NAME                                            Adresse du Client
AU BON VENDEUR
4 rue des Tanneurs, bâtiment B                               BOULANGERIE DUVAL
21000 DIJON, FR                                              8 place du Marché

N° TVA : FR 40 987 654 321

Désignation                                    Total HT
Farine T65                                     240,00
                                               Total TTC 264,00

              VENDEUR V SARL au capital de 20 000 EUR - RCS DIJON 987 654 321
"""


def test_the_name_under_the_seller_name_heading_is_the_vendor_not_the_legal_footer_or_the_heading() -> None:
    # The heading's neighbour is the customer's heading, and the seller's name holds a seller label's word.
    assert vendor_of_invoice(SELLER_NAME_HEADING_INVOICE) == "AU BON VENDEUR"


def chinese_vat_invoice(buyer_row: str, seller_row: str) -> list[str]:
    return [
        "FROM:",
        buyer_row,
        "纳税人识别号 : 110105123456789",
        "货物或应税劳务名称     规格型号     单价      金额",
        line("计算机                 A100", "1000.00"),
        "合      it                                         ¥1000.00",
        seller_row,
        "纳税人识别号 : 110105987654321",
    ]


def test_the_seller_marked_name_row_of_a_chinese_vat_invoice_is_the_vendor() -> None:
    lines = chinese_vat_invoice("购 | 名    称 : 示例购方公司", "销 | 名    夭 : 示 例 销 方 企 业")
    assert vendor_of_receipt(lines)[0] == "示例销方企业"


def test_the_last_name_row_of_a_chinese_vat_invoice_is_the_sellers_when_no_mark_is_read() -> None:
    lines = chinese_vat_invoice("名      称 :个人", "名      称 : 天津示例贸易有限公司        订单号 :12345678901")
    assert vendor_of_receipt(lines)[0] == "天津示例贸易有限公司"


@pytest.mark.parametrize(
    ("thanks", "name"),
    [
        ("THANK YOU FOR SHOPPING AT FRESH FIELDS!", "FRESH FIELDS"),
        ("Vielen Dank für Ihren Einkauf bei Sonne Markt.", "Sonne Markt"),
        ("Merci de votre visite chez Épicerie Duval !", "Épicerie Duval"),
    ],
)
def test_a_logo_only_slip_is_named_by_the_shop_it_thanks_its_customer_for_shopping_at(thanks: str, name: str) -> None:
    lines = ["e = FOA o]", "Lindenweg 29", "58300 Musterstadt", *GERMAN_TILL, thanks]
    found, confidence = vendor_of_receipt(lines)
    assert found == name
    # Read once, at the foot of the slip: not sure enough to pass unchecked.
    assert confidence <= 60


def kostenrechnung(footer_domain: str) -> str:
    return f"""\
 Lieferant                                   Käufer                          R E C H N U N G
 WERK NORD GMBH                              KUNDE SÜD GMBH                  Beleg-Nr : 4711
 Industriestraße 9                           Gartenweg 3                     Datum    : 06.10.2024
 70173 Stuttgart                             50667 Köln

 Artikel                                      Menge          Nettowert
 Kopierpapier A4                               100              12,10
                                                   Endbetrag     14,40



  BEISPIELHANDEL GMBH       Geschäftsführung:     USt-IdNr: DE987654321           HRB 12345
  Lindenallee 3             Eva Beispiel          Telefon : 0711 123456           Amtsgericht Stuttgart
  70173 Stuttgart                                 www.{footer_domain}.de
"""


def test_the_company_of_the_legal_footer_and_web_address_issued_the_invoice_not_the_labelled_supplier() -> None:
    assert vendor_of_invoice(kostenrechnung("beispielhandel")) == "BEISPIELHANDEL GMBH"


def test_the_labelled_supplier_stays_the_vendor_when_the_web_address_is_not_the_footers_company() -> None:
    assert vendor_of_invoice(kostenrechnung("werknord")) == "WERK NORD GMBH"


def test_a_letterhead_name_beside_its_street_in_a_text_layer_is_the_vendor() -> None:
    text = """\
Bäckerei Sonnenschein                                Hauptstraße 5
                                                     80331 München
Rechnung Nr. 2024-17                                 Datum: 05.03.2024
Leistung                                             Betrag
Torte                                                 40,00
"""
    assert vendor_of_invoice(text) == "Bäckerei Sonnenschein"


@pytest.mark.parametrize("thanks", ["THANK YOU FOR SHOPPING WITH US!", "Vielen Dank für Ihren Einkauf bei uns."])
def test_a_slip_thanking_for_shopping_with_us_names_no_shop(thanks: str) -> None:
    text = f"Rechnung Nr. 2024-17\nLeistung   40,00\n\n\n\n\n\n{thanks}"
    assert vendor_of_invoice(text) not in {"US", "uns"}
