"""Which language a document is written in, told from its text (a text layer or a first OCR reading)."""

from __future__ import annotations

import pytest

from recordengine.extraction.language import CHINESE, ENGLISH, TESSERACT, detect_language, language_of_script

RECEIPTS = {
    "en": "Thank you for shopping with us\nSubtotal 12.40\nSales tax 0.99\nTotal 13.39\nCash 20.00\nChange 6.61",
    "de": "Vielen Dank für Ihren Einkauf\nSumme EUR 12,40\nGegeben Bar 20,00\nRückgeld 7,60\nMwSt 19% Netto Brutto",
    "fr": "Merci de votre visite\nFacture n° 2024-118\nTotal HT 100,00\nTVA 20 % 20,00\nNet à payer TTC 120,00",
    "es": "Gracias por su compra\nFactura simplificada\nBase imponible 10,00\nIVA 21% 2,10\nTotal a pagar 12,10",
    "it": "Grazie e arrivederci\nScontrino fiscale\nTotale complessivo 12,40\nPagamento contanti\nResto 7,60",
    "pt": "Obrigado pela preferência\nFatura simplificada\nTotal a pagar 12,40\nPagamento em dinheiro\nTroco 7,60",
    "nl": "Bedankt voor uw bezoek\nKassabon\nTotaal te betalen 12,40\nBetaald met pin\nBTW 9% 1,02",
    "pl": "Dziękujemy za zakupy\nParagon fiskalny\nSuma PLN 12,40\nGotówka 20,00\nReszta 7,60\nPTU A 23%",
}


@pytest.mark.parametrize(("language", "text"), RECEIPTS.items())
def test_a_receipt_is_told_in_its_language(language: str, text: str) -> None:
    assert detect_language(text) == language


def test_an_english_reading_without_accents_still_tells_german() -> None:
    # Tesseract's English model reads "für" as "fur" and "Rückgeld" as "Ruckgeld".
    assert detect_language("Vielen Dank fur Ihren Einkauf\nSumme 12,40\nRuckgeld 7,60") == "de"


def test_chinese_is_told_by_its_characters() -> None:
    text = "增值税专用发票\n购买方 名称 北京某某科技有限公司\n价税合计 (大写) 壹佰元整 (小写) ¥100.00"
    assert detect_language(text) == CHINESE


def test_too_little_text_is_english() -> None:
    assert detect_language("") == ENGLISH
    assert detect_language("12,40 7,60 %& ##") == ENGLISH
    assert detect_language("Summe 12,40") == ENGLISH


def test_ocr_specks_read_as_single_letters_name_no_language() -> None:
    assert detect_language("e a o i w z e a o . , i w") == ENGLISH


def test_every_language_told_has_trained_data_named() -> None:
    assert set(RECEIPTS) | {CHINESE} <= set(TESSERACT)


def test_the_han_scripts_are_read_as_chinese_and_latin_is_not_a_language_of_its_own() -> None:
    assert language_of_script("Han") == CHINESE
    assert language_of_script("Japanese") == CHINESE
    assert language_of_script("Latin") is None
    assert language_of_script(None) is None


def test_a_till_receipt_is_told_german_by_its_abbreviations() -> None:
    text = "BEISPIEL MARKT GMBH\nBahnhofstr. 3\nwww.beispiel-markt.de\nMILCH 1,09\n5 Posten\nSUMME EUR 12,40\nGeg. Bar"
    assert detect_language(text) == "de"


def test_the_parts_of_a_web_address_are_no_words() -> None:
    # "de", "es" and "it" are words in other languages, and the top-level domains of their countries.
    assert detect_language("Thank you\nwww.shop.de  orders@shop.es  shop.it\nTotal 5.00\nCash 5.00") == ENGLISH


def test_a_receipt_of_product_lines_only_is_told_by_what_it_sells() -> None:
    # Head and foot cut off: no "Summe", no "Rückgeld", only what was bought.
    text = "VOLLMILCH 3,5% 1,19 B\nROGGENBROT 2,49 B\nKAFFEE GEMAHLEN 5,99 B\nTRAGETASCHE 0,30 A"
    assert detect_language(text) == "de"


def test_a_till_abbreviation_with_a_dot_is_a_word_not_a_web_address() -> None:
    text = "FRISCHK.PAPRIKA 1,19\nPFAND RUECKGABE -0,75\nBOHNEN.KAFFEE 4,99\nVOLLK.BROT 1,29"
    assert detect_language(text) == "de"


def test_english_product_lines_stay_english() -> None:
    assert detect_language("WHOLE MILK 2.49\nBANANAS 1.20\nFRESH BREAD 3.00\nCOFFEE 8.99") == ENGLISH


def test_the_words_of_a_web_address_tell_no_language() -> None:
    assert detect_language("www.summe-rechnung.de\nmarkt.summe.de 12,40") == ENGLISH
