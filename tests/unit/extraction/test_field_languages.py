"""Invoice numbers, dates and line items as invoices in other languages print them, read from layout text
(a text layer's lines or OCR words laid out as text) written here."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction.dates import find_dates
from recordengine.extraction.layout import Layout
from recordengine.extraction.line_items import extract_line_items
from recordengine.extraction.readings import read_layout


def fields(*lines: str) -> dict[str, str | None]:
    reading = read_layout(Layout(["\n".join(lines)]), INVOICE_PROFILE)
    return {name: found.value if found else None for name, found in reading.values.items()}


def line_items(*lines: str) -> list[dict[str, Any]]:
    return read_layout(Layout(["\n".join(lines)]), INVOICE_PROFILE).line_items


def ocr_line_items(*lines: str) -> list[dict[str, Any]]:
    """Line items of a page read by OCR (whose words may be misread)."""
    return extract_line_items(Layout(["\n".join(lines)], [[]]))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7 grudnia 2026 r.", date(2026, 12, 7)),
        ("15 października 2025", date(2025, 10, 15)),
        ("7. Mrz. 2026", date(2026, 3, 7)),
        ("7 janv. 2026", date(2026, 1, 7)),
        ("12 févr. 2026", date(2026, 2, 12)),
        ("7 dic. 2026", date(2026, 12, 7)),
        ("7 de diciembre del 2026", date(2026, 12, 7)),
        ("7 de dezembro de 2026", date(2026, 12, 7)),
        ("7 settembre 2026", date(2026, 9, 7)),
        ("3 martie 2025", date(2025, 3, 3)),
        ("07.12.2026", date(2026, 12, 7)),
        ("07.12.26", date(2026, 12, 7)),
        ("07.12. 2026", date(2026, 12, 7)),
        ("07-Dez-26", date(2026, 12, 7)),
        ("2026年12月7日", date(2026, 12, 7)),
        ("2026년 12월 7일", date(2026, 12, 7)),
        ("07.XII.2026", date(2026, 12, 7)),
        ("7-IV-2026", date(2026, 4, 7)),
    ],
)
def test_dates_in_other_languages(text: str, expected: date) -> None:
    assert [found.value for found in find_dates(text)] == [expected]


def test_a_time_after_a_month_is_no_two_digit_year() -> None:
    assert find_dates("Geöffnet 5 Mar 12:30") == []


def test_a_time_printed_with_dots_is_no_date() -> None:
    assert find_dates("Uhrzeit: 10.03.10 Uhr") == []


ISSUE_DATES = [
    ("Data wystawienia: 2026-12-07", "Data sprzedaży: 2026-11-30"),
    ("Fecha de emisión: 07/12/2026", "Fecha de vencimiento: 06/01/2027"),
    ("Data de emissão: 07/12/2026", "Data de vencimento: 06/01/2027"),
    ("Data fattura: 07/12/2026", "Data di consegna: 30/11/2026"),
    ("Data: 07/12/2026", "Data consegna: 30/11/2026"),
    ("Fecha: 07/12/2026", "Fecha vencimiento: 06/01/2027"),
    ("Data emiterii: 07.12.2026", "Data scadenței: 06.01.2027"),
    ("Factuurdatum: 07-12-2026", "Leverdatum: 30-11-2026"),
    ("开票日期：2026年12月7日", ""),
]


@pytest.mark.parametrize(("issue_line", "other_line"), ISSUE_DATES)
def test_the_date_of_issue_by_its_label(issue_line: str, other_line: str) -> None:
    found = fields(
        "Firma Przykładowa",
        other_line,
        issue_line,
        "",
        "Total                     100,00 EUR",
    )
    assert found["invoice_date"] == "2026-12-07"


@pytest.mark.parametrize(
    "validity",
    ["Angebot gültig bis 31.01.2027", "Offre valable jusqu'au 31/01/2027", "Tel. 31.01.27", "Zeit: 10.03.10"],
)
def test_a_date_that_is_not_of_issue_is_passed_over(validity: str) -> None:
    found = fields(
        "Muster Handel GmbH",
        validity,
        "Rechnung",
        "Berlin, den 7. Dezember 2026",
        "Gesamt                     100,00 EUR",
    )
    assert found["invoice_date"] == "2026-12-07"


@pytest.mark.parametrize(
    "due_line",
    [
        "Fällig am: 06.01.2027",
        "Zahlbar bis 06.01.2027",
        "Échéance : 06/01/2027",
        "Date limite de règlement : 06/01/2027",
        "Vencimiento: 06/01/2027",
        "Scadenza: 06/01/2027",
        "Vervaldatum: 06-01-2027",
        "Termin płatności: 2027-01-06",
        "Data de vencimento: 06/01/2027",
    ],
)
def test_the_due_date_by_its_label(due_line: str) -> None:
    found = fields(
        "Example Vendor",
        "Datum: 07.12.2026",
        due_line,
        "Total                     100,00 EUR",
    )
    assert (found["invoice_date"], found["due_date"]) == ("2026-12-07", "2027-01-06")


INVOICE_NUMBERS = [
    ("es", ["FACTURA", "NIF: B12345678", "Nº: 2026/0147", "Fecha: 07/12/2026"], "2026/0147"),
    ("es", ["Servicios Ejemplo S.L.   CIF: B87654321", "Núm. factura: A-147", "Fecha: 07/12/2026"], "A-147"),
    ("es", ["Factura Nº 2026-0147", "Pedido nº 5561"], "2026-0147"),
    (
        "es",
        ["FACTURA", "Cliente: Talleres Ejemplo S.A.", "Calle Mayor Nº 12", "28001 Madrid", "Nº: 2026/0147"],
        "2026/0147",
    ),
    (
        "de",
        ["USt-IdNr.: DE123456789", "Steuernummer: 12/345/67890", "Kunden-Nr.: 10045", "Rechnungs-Nr.: RE-2026-0815"],
        "RE-2026-0815",
    ),
    ("de", ["RECHNUNG", "Kunden-Nr.: 10045", "Nr.: 2026-77", "Datum: 07.12.2026"], "2026-77"),
    ("de", ["Terminal-ID 12345678", "Trace-Nr. 998877", "Bon-Nr. 4711", "Datum 07.12.2026 12:31"], "4711"),
    ("fr", ["SIRET : 50000371000034", "TVA intracom : FR38500003710", "Facture n° F2026-0147"], "F2026-0147"),
    ("fr", ["FACTURE", "", "07/12/2026", "", "nº  2026-6013", "La loi n°92/1442 du 31 décembre 1992"], "2026-6013"),
    ("it", ["P.IVA 01234567890", "Fattura n. 147/2026 del 07/12/2026"], "147/2026"),
    ("pt", ["NIF: 501234567", "Fatura n.º FT 2026/147"], "FT 2026/147"),
    ("pt", ["CNPJ: 12.345.678/0001-90", "Nota Fiscal Nº 000.147.852"], "000.147.852"),
    ("es", ["Factura nº: A 0147   del 07/12/2026"], "A 0147"),
    ("es", ["FACTURA", "NIF 12345678Z", "Nº: 2026/0147"], "2026/0147"),
    ("en", ["INVOICE", "PO 1234", "Invoice date: 07/12/2026", "No. 2026-0147"], "2026-0147"),
    ("nl", ["KvK 12345678   BTW NL123456789B01", "Factuurnummer: 2026-0147"], "2026-0147"),
    ("pl", ["NIP: 123-456-78-90", "Faktura VAT nr FV/12/2026"], "FV/12/2026"),
    ("ro", ["CIF: RO12345678", "Factura fiscală nr. 147"], "147"),
    ("zh", ["发票代码：044001900211", "发票号码：12345678"], "12345678"),
]


@pytest.mark.parametrize(("language", "lines", "expected"), INVOICE_NUMBERS)
def test_the_invoice_number_by_its_label(language: str, lines: list[str], expected: str) -> None:
    found = fields("Example Vendor", *lines, "", "Total                     100,00 EUR")
    assert found["invoice_number"] == expected, language


def test_a_number_label_in_a_sentence_gives_way_to_the_titles_number() -> None:
    found = fields(
        "Verkehrsbetriebe Beispiel GmbH",
        "Handelsrechnung (380)          20.09.2018   Nr. E2018092011804   vom",
        "Bitte bei Schriftwechsel Ihre Kundennummer 35040727 und Belegnummer 2018092011804 angeben",
        "Gesamt                     8,41 EUR",
    )
    assert found["invoice_number"] == "E2018092011804"


def test_a_number_label_in_a_sentence_when_nothing_else_names_one() -> None:
    found = fields(
        "Beispiel GmbH",
        "Bitte geben Sie bei Zahlung die Rechnungsnummer 2026-0815 an.",
        "Gesamt                     8,41 EUR",
    )
    assert found["invoice_number"] == "2026-0815"


@pytest.mark.parametrize(
    "debit",
    [
        "Der Betrag wird am 06.01.2027 von Ihrem Konto per SEPA-Lastschrift eingezogen.",
        "Le montant sera prélevé le 06/01/2027 sur votre compte.",
    ],
)
def test_a_direct_debits_date_is_the_due_date(debit: str) -> None:
    found = fields("Example Vendor", "Datum: 07.12.2026", "Total                     100,00 EUR", debit)
    assert found["due_date"] == "2027-01-06"


def sold(found: list[dict[str, Any]]) -> list[tuple[str, float | None, float | None, float]]:
    return [(item["description"], item["quantity"], item["unit_price"], item["amount"]) for item in found]


TABLES = [
    (
        "de",
        "Pos   Bezeichnung                 Menge     Einzelpreis       Betrag",
        "1     Wartung Heizungsanlage          2          120,00       240,00",
        "2     Dichtungssatz                   1           35,50        35,50",
        "Nettobetrag                                                   275,50",
    ),
    (
        "fr",
        "Désignation                         Qté      Prix unitaire    Montant HT",
        "Wartung Heizungsanlage               2          120,00        240,00",
        "Dichtungssatz                        1           35,50         35,50",
        "Total HT                                                      275,50",
    ),
    (
        "es",
        "Descripción                      Cantidad      Precio          Importe",
        "Wartung Heizungsanlage               2          120,00        240,00",
        "Dichtungssatz                        1           35,50         35,50",
        "Base imponible                                                275,50",
    ),
    (
        "it",
        "Descrizione                      Quantità      Prezzo          Importo",
        "Wartung Heizungsanlage               2          120,00        240,00",
        "Dichtungssatz                        1           35,50         35,50",
        "Totale                                                        275,50",
    ),
    (
        "pt",
        "Descrição                        Qtd.       Preço unit.        Valor",
        "Wartung Heizungsanlage               2          120,00        240,00",
        "Dichtungssatz                        1           35,50         35,50",
        "Total                                                         275,50",
    ),
    (
        "nl",
        "Omschrijving                     Aantal        Prijs           Bedrag",
        "Wartung Heizungsanlage               2          120,00        240,00",
        "Dichtungssatz                        1           35,50         35,50",
        "Subtotaal                                                     275,50",
    ),
    (
        "pl",
        "Lp.  Nazwa towaru lub usługi     Ilość     Cena netto    Wartość netto",
        "1    Wartung Heizungsanlage          2          120,00        240,00",
        "2    Dichtungssatz                   1           35,50         35,50",
        "Razem                                                         275,50",
    ),
    (
        "ro",
        "Nr.  Denumire produs             Cantitate   Preț unitar      Valoare",
        "1    Wartung Heizungsanlage          2          120,00        240,00",
        "2    Dichtungssatz                   1           35,50         35,50",
        "Total                                                         275,50",
    ),
]


@pytest.mark.parametrize(("language", "header", "first", "second", "total"), TABLES)
def test_item_tables_headed_in_other_languages(language: str, header: str, first: str, second: str, total: str) -> None:
    found = line_items("Beispiel GmbH", "Rechnung Nr. 2026-77", "", header, first, second, "", total)
    assert sold(found) == [
        ("Wartung Heizungsanlage", 2, 120.0, 240.0),
        ("Dichtungssatz", 1, 35.5, 35.5),
    ], language


def test_till_lines_with_tax_classes_and_quantities() -> None:
    found = line_items(
        "Frischmarkt Beispiel",
        "Hauptstr. 1, 12345 Musterstadt",
        "                                EUR",
        "Vollkornbrot                   2,49 A",
        "Landmilch 1,5%                 1,10 A",
        "  2 x 0,55",
        "Bananen                        0,95 A",
        "  0,352 kg x 2,69 EUR/kg",
        "Pfand 0,25                     0,25 B",
        "Apfelschorle  3 x 0,45         1,35 B",
        "--------------------------------------",
        "SUMME                    EUR   6,14",
    )
    assert sold(found) == [
        ("Vollkornbrot", None, None, 2.49),
        ("Landmilch 1,5%", 2, 0.55, 1.1),
        ("Bananen", 0.352, 2.69, 0.95),
        ("Pfand 0,25", None, None, 0.25),
        ("Apfelschorle", 3, 0.45, 1.35),
    ]


def test_till_rows_that_all_end_in_a_tax_class_are_items_when_ocr_lost_one() -> None:
    found = line_items(
        "Frischmarkt Beispiel",
        "                                EUR",
        "LANDBROT                       1,69 B      4",
        "0,55ex     2                   1,10 AW",
        "DRY GIN 37,5%                  6,49 A      |",
        "GR. PAPIERTASCHE               0,25 À",
        "JA! MP SCHALEN                 2,40 B",
        "  0,352 kg x   269 e/kg",
        "SUMME                    EUR  12,88",
    )
    # "4" and "|" far right of the tax class are specks at the paper's edge.
    assert sold(found) == [
        ("LANDBROT", None, None, 1.69),
        ("DRY GIN 37,5%", None, None, 6.49),
        ("GR. PAPIERTASCHE", None, None, 0.25),
        ("JA! MP SCHALEN", None, None, 2.4),
    ]


def test_till_rows_up_to_the_payment_when_there_is_no_total_line() -> None:
    found = line_items(
        "Frischmarkt Beispiel",
        "                                       EUR",
        "    MUELLERMILCH                       2,98 B",
        "       2 Stk x    1,49",
        "me   MON CHERI                         5,98 B",
        "       2Stkx      2,99",
        "    Muller Kalinka Kefir   0,89x    2  1,78 A",
        "    LEERGUT EINWEG                    -0,75 A x",
        "       3Stkx      0,25",
        "",
        "mm  Geg. BAR                EUR      20,00     |",
    )
    assert sold(found) == [
        ("MUELLERMILCH", 2, 1.49, 2.98),
        ("MON CHERI", 2, 2.99, 5.98),
        ("Muller Kalinka Kefir", 2, 0.89, 1.78),
        ("LEERGUT EINWEG", 3, 0.25, -0.75),
    ]


def test_a_period_on_the_row_of_figures_is_read_with_the_name_above_it() -> None:
    found = line_items(
        "LE FOURNISSEUR",
        "FACTURE N° : F20260027",
        "Ligne   NOM & DESIGNATION                        P.U. HT     Qté      TOTAL HT",
        "        PRESTATION SUPPORT",
        "  1     Période de 01/12/2026 au 31/12/2026         60,00     1,00        60,00",
        "  2     FOURNITURES DIVERSES                        10,00     3,00        30,00",
        "        REMISE : REMISE COMMERCIALE                                       -5,00",
        "        CHARGE : FRAIS DEPLACEMENT                                        10,00",
        "",
        "TOTAL HT                                                                  95,00",
    )
    assert sold(found) == [
        ("PRESTATION SUPPORT Période de 01/12/2026 au 31/12/2026", 1, 60.0, 60.0),
        ("FOURNITURES DIVERSES", 3, 10.0, 30.0),
    ]


def test_a_weighed_quantity_with_three_decimals_is_the_one_that_makes_the_amount() -> None:
    found = line_items(
        "Lieferant GmbH",
        "Rechnung Nr. 471102",
        "Pos  Artikelbeschreibung            Menge    Einheit    Preis/Einheit      Entgelt",
        "  1  Schweinesteak                  5,000    kg                  5,50        27,50",
        "  2  Bratwurst                      1,250    kg                  8,00        10,00",
        "",
        "Summe Positionen                                                           37,50",
    )
    assert sold(found) == [("Schweinesteak", 5, 5.5, 27.5), ("Bratwurst", 1.25, 8.0, 10.0)]


@pytest.mark.parametrize(
    "country_line",
    [
        "CNPJ: 12.345.678/0001-90   Total R$ 150,00",
        "NIP: 123-456-78-90   Razem 150,00 zł",
        "CUI: RO12345678   Total 150,00 lei",
    ],
)
def test_documents_from_day_first_countries_read_ambiguous_dates_day_first(country_line: str) -> None:
    found = fields("Empresa Exemplo", "Data: 07/12/2026", country_line)
    assert found["invoice_date"] == "2026-12-07"


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("FATURA", "Invoice"),
        ("Faktura VAT nr FV/12/2026", "Invoice"),
        ("Factură fiscală nr. 147", "Invoice"),
        ("Nota di credito n. 12/2026", "Credit Note"),
        ("Faktura korygująca nr FK/1/2026", "Credit Note"),
        ("Ricevuta n. 44", "Receipt"),
    ],
)
def test_the_kind_of_document_by_its_title_in_other_languages(title: str, kind: str) -> None:
    reading = read_layout(Layout(["\n".join(["Example Vendor", title, "", "Total     100,00 EUR"])]), INVOICE_PROFILE)
    assert reading.doc_type == kind


def test_till_rows_above_an_item_whose_amount_ocr_lost() -> None:
    found = line_items(
        "Getränkemarkt Beispiel",
        "                                       EUR",
        "    M&M S PEANUT                      1,98 B",
        "       2Stkx      0,99",
        "    COCA-COLA                            À",
        "    APFELSCHORLE                      0,45 À",
        "    PFAND 0,25 EURO                   0,25 A x",
        "    SUMME                    EUR      4,03",
    )
    assert sold(found) == [
        ("M&M S PEANUT", 2, 0.99, 1.98),
        ("APFELSCHORLE", None, None, 0.45),
        ("PFAND 0,25 EURO", None, None, 0.25),
    ]


def test_till_items_above_a_total_word_ocr_misread_and_lines_it_garbled() -> None:
    found = ocr_line_items(
        "Feinkost Beispiel",
        "                                      EUR",
        "    Knäckebrot Roggen                2,49 A         ane",
        "                   0,55€x      2     1,10 AW",
        "                                     0,55 AW       ‘i",
        "    Schmand 24%                      1,39 A",
        "    Birnen lose                      0,95 A          a",
        "        0.352 kg x    269 €/kg",
        "    SUNME          €               6,48",
    )
    # The two lines whose wording OCR lost are no items; the rows above them still are.
    assert sold(found) == [
        ("Knäckebrot Roggen", None, None, 2.49),
        ("Schmand 24%", None, None, 1.39),
        ("Birnen lose", None, None, 0.95),
    ]


def test_till_items_up_to_a_payment_whose_amount_ocr_lost() -> None:
    found = line_items(
        "Markthalle Beispiel",
        "                                          EUR",
        "      BAUERNBROT                        1,69 B          4",
        "      TONIC WATER                       1,49 A           7",
        "      SPUELMITTEL                       2,95 A x         |",
        "      KERZEN                                             |",
        "      TRAGETASCHE                       0,25 A",
        "      Treuerabatt 5%                   -0,32 A",
        "      Treuerabatt 5%      :   mee",
        "      Geg. Mastercard          ER",
    )
    # "KERZEN" lost its amount, the last discount its figure: the rows around them are still items.
    assert sold(found) == [
        ("BAUERNBROT", None, None, 1.69),
        ("TONIC WATER", None, None, 1.49),
        ("SPUELMITTEL", None, None, 2.95),
        ("TRAGETASCHE", None, None, 0.25),
        ("Treuerabatt 5%", None, None, -0.32),
    ]


def test_till_quantity_lines_with_specks_before_them_or_their_price_lost() -> None:
    found = line_items(
        "Kaufhaus Beispiel",
        "                                        EUR",
        "    VOLLMILCH                          2,98 B",
        "       2 Stk x    1,49",
        "me   PRALINEN                          5,98 B",
        "       2 Stk x",
        "me   EISTEE ZITRONE                    0,98 A",
        "|      2 Stk x    0,49",
        "me   LEERGUT MEHRWEG                  -0,45 A x",
        "    LEERGUT EINWEG                    -0,75 A",
        "7      3Stkx      0,25",
        "mm        BAR                EUR     10,00        |",
    )
    assert sold(found) == [
        ("VOLLMILCH", 2, 1.49, 2.98),
        ("PRALINEN", None, None, 5.98),
        ("EISTEE ZITRONE", 2, 0.49, 0.98),
        ("LEERGUT MEHRWEG", None, None, -0.45),
        ("LEERGUT EINWEG", 3, 0.25, -0.75),
    ]


def test_till_items_above_a_name_whose_amount_ocr_lost_entirely() -> None:
    found = line_items(
        "Getränkemarkt Beispiel",
        "                                       EUR",
        "    ERDNUSSKERNE                      1,98 B",
        "       2Stkx      0,99",
        "    SPRUDEL NATUR                     0,65 A",
        "    PFAND FLASCHE                     0,25 A x",
        "    COLA ZERO",
        "    PFAND FLASCHE                     0,25 A x",
        "    BIRNENSAFT                        0,45 A",
        "    PFAND FLASCHE                     0,25 A x",
        "    SUMME                    EUR      5,18",
    )
    assert sold(found) == [
        ("ERDNUSSKERNE", 2, 0.99, 1.98),
        ("SPRUDEL NATUR", None, None, 0.65),
        ("PFAND FLASCHE", None, None, 0.25),
        ("PFAND FLASCHE", None, None, 0.25),
        ("BIRNENSAFT", None, None, 0.45),
        ("PFAND FLASCHE", None, None, 0.25),
    ]


def test_labelled_figures_in_a_rows_cells_are_details_not_its_columns() -> None:
    found = line_items(
        "SOCIETE EXEMPLE",
        "FACTURE N° : F-2026-104",
        "Ligne   Réf.            NOM & DESIGNATION           P.U. HT          Qté      TOTAL HT",
        "                                                    (Brut: 40,00)",
        "  1     # ligne BC: 1   MAINTENANCE ANNUELLE        (Rabais: 0,00)   1,00        40,00",
        "                                                    (Net): 40,00",
        "                                                    (Brut: 12,00)",
        "  2     # ligne BC: 2   CARTOUCHES ENCRE            (Rabais: 0,00)   3,00        36,00",
        "                                                    (Net): 12,00",
        "",
        "TOTAL HT                                                                         76,00",
    )
    # The discount in the unit price's column is no unit price, and "(Net): 12,00" under a row no item.
    assert sold(found) == [
        ("MAINTENANCE ANNUELLE", 1, None, 40.0),
        ("CARTOUCHES ENCRE", 3, None, 36.0),
    ]


def test_the_name_above_a_row_whose_wording_is_a_period_may_carry_figures_of_its_own() -> None:
    found = line_items(
        "SOCIETE EXEMPLE",
        "FACTURE N° : F-2026-105",
        "Ligne   Réf.        NOM & DESIGNATION                      P.U. HT          Qté      Remise       TOTAL HT",
        "        # BC: 1     PRESTATION CONSEIL                     (Brut: 60,00)             -1,00 (RE)",
        "  1                 Période de 01/11/2026 au 30/11/2026    (Rabais: 0,00)   1,00      1,00 (CH)       60,00",
        "                                                           (Net): 60,00",
        "                    FOURNITURES BUREAU                     (Brut: 10,00)",
        "  2     # BC: 3     Date début : 01/11/2026                (Rabais: 0,00)   3,00     -2,00            28,00",
        "                                                           (Net): 10,00",
        "        100         REMISE : REMISE COMMERCIALE            5,00% sur 28,00 EUR                        -1,40",
        "        FC          CHARGE : FRAIS DEPLACEMENT             10,00% sur 28,00 EUR                        2,80",
        "",
        "TOTAL HT                                                                                             89,40",
    )
    # The allowance and the charge on the whole invoice are no items, whatever their code column holds.
    assert [(item["description"], item["amount"]) for item in found] == [
        ("PRESTATION CONSEIL Période de 01/11/2026 au 30/11/2026", 60.0),
        ("FOURNITURES BUREAU Date début : 01/11/2026", 28.0),
    ]


def test_a_line_of_two_labelled_amounts_under_an_item_is_no_item() -> None:
    found = line_items(
        "Lieferant GmbH",
        "Rechnung Nr. 2026-31",
        "Pos  Bezeichnung                      Menge       Einzelpreis        Betrag",
        "  1  Schrauben M6 verzinkt              100              0,12         12,00",
        "     Basisbetrag:  -2,90, MwSt.-%  7,0, Rabattbetrag:   0,06",
        "  2  Dübel 8 mm                          50              0,10          5,00",
        "",
        "Summe Positionen                                                      17,00",
    )
    assert sold(found) == [("Schrauben M6 verzinkt", 100, 0.12, 12.0), ("Dübel 8 mm", 50, 0.1, 5.0)]


def test_an_items_own_discount_on_the_line_under_it_is_taken_off_its_amount() -> None:
    found = line_items(
        "Gartenbedarf Beispiel GmbH",
        "Rechnung Nr. 2026-0815",
        "Pos  Artikelbeschreibung          Menge   Einheit    Preis/Einheit        Entgelt",
        "  1  Rasenkantenstein grau         10,00   Stk.               3,00          30,00",
        "                                           abzgl.   10%  Rabatt           -3,00",
        "  2  Pflanzerde 40 l                2,00   Sack               5,00          10,00",
        "",
        "Summe Positionen                                                          37,00",
    )
    assert sold(found) == [("Rasenkantenstein grau", 10, 3.0, 27.0), ("Pflanzerde 40 l", 2, 5.0, 10.0)]


def test_a_weighed_items_line_with_dashes_ocr_read_before_the_currency() -> None:
    found = line_items(
        "Frischmarkt Beispiel",
        "                                EUR",
        "Birnen rot                     0,87 A",
        "  0,296 kg x 2,95--EUR/kg",
        "Roggenbrot                     2,49 A",
        "SUMME                    EUR   3,36",
    )
    assert sold(found) == [("Birnen rot", 0.296, 2.95, 0.87), ("Roggenbrot", None, None, 2.49)]


def test_a_rows_name_printed_above_its_details_in_a_tall_cell() -> None:
    found = line_items(
        "SOCIETE EXEMPLE",
        "FACTURE N° : F-2026-106",
        "Ligne   Réf.             NOM & DESIGNATION, Période                  P.U. HT          Qté      TOTAL HT",
        "",
        "                         MAINTENANCE SERVEURS - Forfait",
        "        # BC: 1          Période de 01/11/2026 au 30/11/2026",
        "                         Équipe (AOP): EQUIPE_B                      (Brut: 90,00)",
        "  1     C_FO: ART_77     (SK): SKU4410                               (Rabais: 0,00)   1,00        90,00",
        "                         (ATT) NIVEAU : STANDARD                     (Net): 90,00",
        "                         CABLES RESEAU - Fourniture",
        "  2     C_FO: ART_78     LOT2026117                                  (Rabais: 0,00)   4,00        24,00",
        "",
        "TOTAL HT                                                                                          114,00",
    )
    assert [(item["description"], item["amount"]) for item in found] == [
        ("MAINTENANCE SERVEURS - Forfait (SK): SKU4410", 90.0),
        ("CABLES RESEAU - Fourniture LOT2026117", 24.0),
    ]


def test_a_detail_rows_name_is_never_taken_from_the_item_before_it() -> None:
    found = line_items(
        "SOCIETE EXEMPLE",
        "FACTURE N° : F-2026-107",
        "Ligne   NOM & DESIGNATION                        P.U. HT     Qté      TOTAL HT",
        "",
        "  1     CONSEIL JURIDIQUE                          80,00     2,00       160,00",
        "        dossier prud'homal",
        "  2     Période de 01/11/2026 au 30/11/2026        20,00     1,00        20,00",
        "",
        "TOTAL HT                                                                180,00",
    )
    assert [item["description"] for item in found] == [
        "CONSEIL JURIDIQUE dossier prud'homal",
        "Période de 01/11/2026 au 30/11/2026",
    ]


def test_bulleted_points_under_an_item_do_not_end_a_table_without_headings() -> None:
    found = line_items(
        "Beispiel Versicherung AG",
        "Beitragsrechnung Nr. 2026-0042",
        "Vereinbarter Versicherungsschutz:",
        "Hausratversicherung Komfort                                    480,00 €",
        "- Feuer und Leitungswasser - Teil B § 2 65.000 HR2026",
        "- Einbruchdiebstahl - Teil B § 3 65.000 HR2026",
        "Glasversicherung                                                60,00 €",
        "Gesamtbeitrag                                                  540,00 €",
    )
    assert sold(found) == [
        ("Hausratversicherung Komfort", None, None, 480.0),
        ("Glasversicherung", None, None, 60.0),
    ]
