"""Subtotal, tax and total behind each language's labels, read from laid-out text as a text layer gives it."""

from __future__ import annotations

import pytest

from recordengine.extraction.fields.amounts import extract_amounts
from recordengine.extraction.labels import Reader
from recordengine.extraction.layout import Layout


def amounts(text: str) -> tuple[str | None, str | None, str | None]:
    found = extract_amounts(Reader(Layout([text])))
    return tuple(  # type: ignore[return-value]
        None if candidate is None else f"{candidate.value:.2f}"
        for candidate in (found.subtotal, found.tax, found.total)
    )


def page(*rows: tuple[str, str]) -> str:
    """An invoice's header, then ``rows`` of a label at the left and its amount at the right."""
    header = ["Fournisseur Exemple", "12 Example Street", "", "Pos  Article            Qty     Price", ""]
    return "\n".join([*header, *(f"{label:<40}{amount:>16}" for label, amount in rows)])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            page(("Summe netto", "1.000,00 €"), ("zzgl. 19 % MwSt", "190,00 €"), ("Endbetrag", "1.190,00 €")),
            ("1000.00", "190.00", "1190.00"),
            id="de-endbetrag",
        ),
        pytest.param(
            page(("Nettobetrag", "200,00"), ("USt. 7 %", "14,00"), ("Summe", "214,00")),
            ("200.00", "14.00", "214.00"),
            id="de-summe",
        ),
        pytest.param(
            page(("Total HT", "1 250,00 €"), ("TVA 20 %", "250,00 €"), ("Total TTC", "1 500,00 €")),
            ("1250.00", "250.00", "1500.00"),
            id="fr-ttc",
        ),
        pytest.param(
            page(("Base imponible", "100,00"), ("IVA 21%", "21,00"), ("TOTAL A PAGAR", "121,00 EUR")),
            ("100.00", "21.00", "121.00"),
            id="es-total-a-pagar",
        ),
        pytest.param(
            page(("Imponibile", "500,00"), ("IVA 22%", "110,00"), ("Totale documento", "610,00")),
            ("500.00", "110.00", "610.00"),
            id="it-totale",
        ),
        pytest.param(
            page(("Valor líquido", "80,00"), ("Valor do IVA", "18,40"), ("Valor total", "98,40 €")),
            ("80.00", "18.40", "98.40"),
            id="pt-valor-total",
        ),
        pytest.param(
            page(("Subtotaal", "50,00"), ("BTW 21%", "10,50"), ("Totaal", "60,50")),
            ("50.00", "10.50", "60.50"),
            id="nl-totaal",
        ),
        pytest.param(
            page(("Wartość netto", "1 000,00 zł"), ("Kwota VAT", "230,00 zł"), ("Do zapłaty", "1 230,00 zł")),
            ("1000.00", "230.00", "1230.00"),
            id="pl-do-zaplaty",
        ),
        pytest.param(
            page(("SPRZEDAZ OPODATKOWANA A", "81,30"), ("PTU A 23%", "18,70"), ("SUMA PLN", "100,00")),
            ("81.30", "18.70", "100.00"),
            id="pl-receipt-suma-ptu",
        ),
        pytest.param(
            page(("合计金额", "¥100.00"), ("合计税额", "¥13.00"), ("价税合计 (小写)", "¥113.00")),
            ("100.00", "13.00", "113.00"),
            id="zh-jiashuiheji",
        ),
    ],
)
def test_amounts_behind_each_languages_labels(text: str, expected: tuple[str, str, str]) -> None:
    assert amounts(text) == expected


@pytest.mark.parametrize(
    ("rows", "total"),
    [
        pytest.param(
            (("Total TTC", "1 200,00 €"), ("Acompte versé", "300,00 €"), ("Net à payer", "900,00 €")),
            "1200.00",
            id="fr",
        ),
        pytest.param(
            (("Gesamtbetrag", "595,00 €"), ("Bereits bezahlt", "95,00 €"), ("Zahlbetrag", "500,00 €")),
            "595.00",
            id="de",
        ),
        pytest.param((("Total", "$840.00"), ("Amount paid", "$200.00"), ("Balance due", "$640.00")), "840.00", id="en"),
        pytest.param(
            (("Endbetrag", "1.000,00"), ("abzüglich Anzahlung", "400,00"), ("Restbetrag", "600,00")),
            "1000.00",
            id="de-2",
        ),
    ],
)
def test_the_total_is_the_grand_total_not_what_is_left_after_a_deposit(
    rows: tuple[tuple[str, str], ...], total: str
) -> None:
    assert amounts(page(*rows))[2] == total


def test_a_deposit_alone_is_added_back_to_the_amount_due() -> None:
    # Only the amount due and the deposit are printed: the invoice's total is both together.
    found = amounts(page(("Acompte", "100,00 €"), ("Net à payer", "400,00 €")))
    assert found[2] == "500.00"


def test_a_vat_table_of_several_rates_sums_their_tax_and_net() -> None:
    text = "\n".join(
        [
            "Atelier Dupont SARL",
            "",
            "Taux        Base HT        Montant TVA",
            "20,00 %      600,00         120,00",
            "5,50 %       400,00          22,00",
            "",
            "Total TTC                   1 142,00 €",
        ]
    )
    assert amounts(text) == ("1000.00", "142.00", "1142.00")


def test_a_till_receipts_vat_table_whose_sum_row_label_was_misread() -> None:
    # German tills print the tax code under "Steuer", then net, tax and gross per rate, then the sums; OCR
    # misread one net figure ("2,569") and the sum row's label ("Gesantbetrag").
    text = "\n".join(
        [
            "        SUMME                     EUR      5,18",
            "        Geg. BAR                  EUR     20,19",
            "        Rückgeld BAR              EUR     15,01",
            "        Steuer   %     Netto      Steuer     Brutto",
            "        A=   19,0%      2,569      0,51       3,20",
            "        B=   7,0%       1,85       0,13       1,98",
            "        Gesantbetrag    4,54       0,64       5,18",
        ]
    )
    assert amounts(text) == ("4.54", "0.64", "5.18")


def test_a_tills_total_with_its_currency_in_a_cell_between_label_and_amount() -> None:
    text = "\n".join(
        [
            "        PFAND 0,25 EURO                    0,25 A x",
            "        SUMME                    EUR     37,77",
            "         Geg. BAR                EUR     40,00",
            "         Rückgeld BAR            EUR      2,23",
        ]
    )
    assert amounts(text)[2] == "37.77"


def test_a_sum_row_that_prints_the_tax_before_the_net_amount() -> None:
    text = "\n".join(
        [
            "    zu zahlen                         26,60",
            "    Bar                               52,00",
            "    Rückgeld                         -25,40",
            # OCR lost most of the headings: only the tax's still stands over its figure.
            "    AT           MWST   + +   Netto   =   8",
            "    Summe        1,74      24,86      26,60",
        ]
    )
    assert amounts(text) == ("24.86", "1.74", "26.60")


def test_a_bare_total_that_the_tax_row_below_takes_higher_is_the_net_amount() -> None:
    text = "\n".join(
        [
            "Privathaftpflicht                                           50,00 €",
            "Gesamtbeitrag                                               50,00 €",
            "Versicherungsteuer 19 %                                      9,50 €",
            "Rechnungsbeitrag                                            59,50 €",
        ]
    )
    assert amounts(text) == ("50.00", "9.50", "59.50")


def test_the_tax_a_total_includes_printed_in_parentheses_is_positive() -> None:
    text = "\n".join(
        [
            "vierteljährlicher Beitrag inklusive 19 % Versicherungsteuer                   220,00 €",
            "in diesem Beitrag enthaltene Versicherungsteuer                               (35,13 €)",
            "Rechnungsbetrag                                                               220,00 €",
        ]
    )
    assert amounts(text)[1:] == ("35.13", "220.00")


def test_a_chinese_sum_row_spread_over_its_cell_gives_the_net_amount_and_the_tax() -> None:
    # 合计 prints the net amount and the tax; 价税合计's figure was lost: the total is both together.
    text = "\n".join(
        [
            "货物或应税劳务名称            金额          税额",
            "办公用品                      80.00         10.40",
            "",
            "合     计                    ¥80.00        ¥10.40",
            "价税合计 (大写)   玖拾圆肆角",
        ]
    )
    assert amounts(text) == ("80.00", "10.40", "90.40")


def test_the_grand_total_beside_a_misread_lower_case_mark_is_read_after_its_yuan_sign() -> None:
    # OCR read "(小写)" as "(5 )": the yuan sign belongs to the figure after it, not to the 5.
    text = "\n".join(["发票", "价税合计 (大写)   玖拾圆肆角        (5 )¥ 90.40"])
    assert amounts(text)[2] == "90.40"


def test_the_total_in_words_marks_the_grand_total_where_its_label_was_lost() -> None:
    # OCR lost 价税合计; "(大写)" and the amount in capital numerals still say whose figure follows.
    text = "\n".join(["发票", "办公用品                      80.00", "tr it (大写)  玖拾圆肆角   (bS )¥ 90.40"])
    assert amounts(text)[2] == "90.40"
