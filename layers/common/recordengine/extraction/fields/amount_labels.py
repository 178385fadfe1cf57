"""How each language labels the total, the net subtotal, the tax and an amount already paid, by tier
(1: says exactly what it is, "Grand total"; 2: a bare word, "Total"; 3: the amount due, which may differ
from the total after a deposit).

One table per language, so that adding a language is adding data. Patterns are regular expressions matched
case-insensitively; letters OCR drops the accents of are written as classes ("zap[łl]aty").
"""

from __future__ import annotations

from collections.abc import Mapping

from recordengine.extraction.labels import Label, labels

TOTAL, SUBTOTAL, TAX, PREPAID = "total", "subtotal", "tax", "prepaid"
# A sum row that prints the net amount and then the tax, and no total (a Chinese VAT invoice's 合计 row).
NET_AND_TAX = "net and tax"
# Per language, per kind of amount, per tier: the label patterns.
AmountLabels = Mapping[str, Mapping[int, tuple[str, ...]]]

# Words after "total" that make it the total of something else (net, tax, quantities).
_NOT_GROSS_AFTER_TOTAL = (
    r"ht|h\.t|net|netto|excl|ex|tax|taxes|tva|vat|mwst|ust|gst|before|hors|sans|qty|quantity|units?|items?|"
    r"hours?|weight|discount|iva|imponibile|imponible|l[íi]quido|btw"
)

ENGLISH: AmountLabels = {
    TOTAL: {
        1: (
            r"\bgrand\s*total\b",
            r"\binvoice\s+total\b",
            # "Total amount of lines" sums the items; "Total amount without VAT" is the net amount.
            r"\btotal\s+(?:amount|invoice|payable|to\s+pay|for\s+this\s+invoice)\b"
            r"(?!\s+(?:of\s+(?:the\s+)?(?:lines|items|positions)|without|w/o|excl|excluding|before|net)\b)",
            r"\btotal\s+gross(?:\s+amount)?\b",
            r"\bgross\s+(?:amount|total)\b",
            r"\btotal\s*\(?\s*(?:incl|inkl|including|with\s+(?:tax|vat))",
            r"\btotal\s+(?:\S{1,3}\s+)?incl(?!udes)",
            r"\bamount\s+(?:payable|to\s+pay)\b",
            r"\binvoice\s+amount\b",
        ),
        2: (rf"(?<![\w\-])total(?!\s*(?:{_NOT_GROSS_AFTER_TOTAL})\b)(?![\w\-])",),
        3: (
            r"\bamount\s+due\b",
            r"\bbalance\s+due\b",
            r"\btotal\s+due\b",
            r"\bamount\s+paid\b",
            r"\bdue\s+payable\b",
            r"\bpayable\b",
        ),
    },
    SUBTOTAL: {
        1: (
            r"\bsub\s*-?\s*total\b",
            r"\bnet\s+total\b",
            r"\btotal\s+net\b",
            r"\bnet\s+amount\b",
            r"\btotal\s+(?:amount\s+)?(?:excl|excluding|before|ex\b|w/o|without)",
            r"\bamount\s+before\s+tax\b",
        ),
    },
    TAX: {
        1: (
            r"\btotal\s+(?:tax|taxes|vat|gst)\b",
            r"\b(?:tax|vat|gst|tva|btw|iva|mwst|ust)\.?\s*-?\s*(?:amount|total)\b",
            r"\bsales\s+tax\b",
        ),
        # SST: Malaysia's sales and service tax.
        2: (r"(?<![\w\-])(?:tax|taxes|vat|gst|hst|pst|sst)\b\.?",),
    },
    PREPAID: {
        1: (
            r"\b(?:amount|already)\s+paid\b",
            r"\b(?:deposit|down\s+payment|prepayment|prepaid|advance\s+payment)\b",
        ),
    },
}

FRENCH: AmountLabels = {
    TOTAL: {
        1: (
            r"\btotal\s+t\.?t\.?c\b\.?",
            # Not across a column gap: "Montant" heads the tax table next to "Total HT".
            r"\bmontant\s{1,2}(?:total|t\.?t\.?c\b\.?)",
            r"\btotal\s+[àa]\s+payer\b",
        ),
        3: (r"\bnet\s+[àa]\s+payer\b", r"\bsolde\s+[àa]\s+payer\b", r"\breste\s+[àa]\s+payer\b"),
    },
    SUBTOTAL: {
        1: (r"\btotal\s+h\.?t\b\.?", r"\bmontant\s+h\.?t\b\.?", r"\btotal\s+hors\s+taxes?\b"),
    },
    TAX: {
        1: (r"\btotal\s+(?:tva)\b", r"\btva\.?\s*-?\s*(?:montant|total)\b", r"\bmontant\s+(?:de\s+la\s+)?tva\b"),
        2: (r"(?<![\w\-])tva\b\.?",),
    },
    PREPAID: {
        1: (r"\bacomptes?\b", r"\bd[ée]j[àa]\s+(?:pay[ée]e?|r[ée]gl[ée]e?|vers[ée]e?)\b", r"\bavance\s+re[çc]ue\b"),
    },
}

GERMAN: AmountLabels = {
    TOTAL: {
        1: (
            r"\bgesamtbetrag\b(?!\s+der\s+(?:zu|ab)schl)",
            r"\bgesamtsumme\b",
            r"\brechnungsbetrag\b",
            r"\bendbetrag\b",
            r"\bendsumme\b",
            r"\bbruttosumme\b",
            r"\bsumme\s+(?:brutto|inkl|gesamt)",
            r"\brechnungssumme\s+brutto\b",
            r"\bgesamt\s*brutto\b",
            r"\bbrutto\s*betrag\b",
        ),
        2: (
            r"(?<![\w\-])summe(?!\s*(?:netto|positionen|der\s+pos|mwst|ust|steuer))\b",
            r"(?<![\w\-])gesamt(?!\s*netto)\b",
        ),
        3: (r"\bzahlbetrag\b", r"\bzu\s+zahlen\b", r"\bnoch\s+zu\s+zahlen\b", r"\brestbetrag\b"),
    },
    SUBTOTAL: {
        1: (
            r"\bzwischensumme\b",
            r"\bnettobetrag\b",
            r"\bnetto\s*summe\b",
            r"\bsumme\s+netto\b",
            r"\bgesamt\s*netto\b",
            r"\brechnungssumme\s+(?:netto|ohne)\b",
            r"\bwarenwert\b",
        ),
        2: (r"\bpositionssumme\b", r"\bpositionen\s+netto\b", r"\bsumme\s+positionen\b", r"\bnetto\b"),
    },
    TAX: {
        1: (
            r"\btotal\s+(?:mwst|ust)\b",
            r"\b(?:mwst|ust)\.?\s*-?\s*(?:betrag|total)\b",
            r"\bsteuerbetrag\b",
            r"\bumsatzsteuer(?:betrag)?\b",
            r"\bsumme\s+(?:mwst|ust|umsatzsteuer|steuern?)\b",
        ),
        2: (r"(?<![\w\-])(?:mwst|ust)\b\.?", r"\b\w+steuer\b"),
    },
    PREPAID: {
        1: (
            r"\bbereits\s+(?:bezahlt|gezahlt|geleistet|erhalten)\b",
            r"\b(?:anzahlung|vorauszahlung|abschlagszahlung)(?:en)?\b",
            r"\babz[üu]glich\s+(?:anzahlung|abschlag)",
        ),
    },
}

DUTCH: AmountLabels = {
    TOTAL: {
        1: (r"\btotaal(?:bedrag)?\b(?!\s+(?:excl|btw))", r"\bfactuur\s*totaal\b", r"\btotaal\s+incl"),
        3: (r"\bte\s+betalen\b",),
    },
    SUBTOTAL: {
        1: (r"\bsubtotaal\b", r"\btotaal\s+excl", r"\bexclusief\s+btw\b", r"\bgrondslag\b", r"\bexcl\.?\s+btw\b"),
    },
    TAX: {
        1: (r"\btotaal\s+btw\b", r"\bbtw\.?\s*-?\s*(?:bedrag|totaal)\b"),
        2: (r"(?<![\w\-])btw\b\.?",),
    },
    PREPAID: {1: (r"\b(?:aanbetaling|reeds\s+betaald|vooruitbetaling)\b",)},
}

SPANISH: AmountLabels = {
    TOTAL: {
        1: (r"\bimporte\s+total\b", r"\btotal\s+(?:a\s+pagar|factura|con\s+iva)\b", r"\btotal\s+iva\s+incl"),
        # Also an item table's column heading: the least sure of the totals.
        3: (r"(?<![\w\-])importe\b(?!\s+(?:neto|iva|base|bruto\s+sin))",),
    },
    SUBTOTAL: {
        1: (r"\bbase\s+imponible\b", r"\bimporte\s+neto\b", r"\btotal\s+(?:sin\s+iva|neto)\b"),
    },
    TAX: {
        1: (r"\btotal\s+(?:de\s+)?iva\b", r"\b(?:cuota|importe)\s+(?:de\s+)?iva\b", r"\biva\.?\s*-?\s*total\b"),
        2: (r"(?<![\w\-])iva\b\.?",),
    },
    PREPAID: {1: (r"\b(?:anticipo|ya\s+pagado|entrega\s+a\s+cuenta)\b",)},
}

ITALIAN: AmountLabels = {
    TOTAL: {
        1: (r"\btotale\s+(?:fattura|documento|da\s+pagare|complessivo|ivato)\b", r"\bimporto\s+totale\b"),
        2: (r"(?<![\w\-])totale(?!\s*(?:imponibile|iva|netto|merce))\b",),
        3: (r"\bnetto\s+a\s+pagare\b",),
    },
    SUBTOTAL: {
        1: (r"\bimponibile\b", r"\btotale\s+(?:imponibile|netto|merce)\b"),
    },
    TAX: {
        1: (r"\btotale\s+iva\b", r"\bimposta\b(?!\s+di\s+bollo)", r"\biva\.?\s*-?\s*totale\b"),
    },
    PREPAID: {1: (r"\b(?:acconto|gi[àa]\s+pagato|anticipo\s+versato)\b",)},
}

PORTUGUESE: AmountLabels = {
    TOTAL: {
        1: (r"\bvalor\s+total\b", r"\btotal\s+(?:a\s+pagar|da\s+fatura|geral)\b"),
    },
    SUBTOTAL: {
        1: (r"\bvalor\s+l[íi]quido\b", r"\btotal\s+(?:l[íi]quido|sem\s+iva)\b", r"\bvalor\s+sem\s+iva\b"),
    },
    TAX: {
        1: (r"\b(?:valor|total)\s+(?:do\s+|de\s+)?iva\b",),
    },
    PREPAID: {1: (r"\b(?:adiantamento|j[áa]\s+pago|sinal\s+pago)\b",)},
}

POLISH: AmountLabels = {
    TOTAL: {
        1: (
            r"\bdo\s+zap[łl]aty\b",
            r"\brazem\s+(?:brutto|do\s+zap[łl]aty)\b",
            r"\bwarto[śs][ćc]\s+brutto\b",
            r"\bsuma\s+(?:brutto|pln)\b",
        ),
        2: (r"(?<![\w\-])razem(?!\s*(?:netto|vat|ptu))\b", r"(?<![\w\-])suma(?!\s*(?:netto|vat|ptu))\b"),
    },
    SUBTOTAL: {
        1: (r"\bwarto[śs][ćc]\s+netto\b", r"\brazem\s+netto\b", r"\bsuma\s+netto\b"),
    },
    TAX: {
        1: (r"\b(?:kwota|suma|razem|warto[śs][ćc])\s+(?:vat|ptu|podatku)\b", r"\bpodatek\s+(?:vat|ptu)\b"),
        2: (r"(?<![\w\-])ptu\b\.?",),
    },
    PREPAID: {1: (r"\b(?:zaliczka|zap[łl]acono|wp[łl]acono)\b",)},
}


def _spaced(*words: str) -> tuple[str, ...]:
    """CJK labels as forms print them: spread over the cell's width, so OCR puts spaces between their
    characters ("合     计")."""
    return tuple(r"\s*".join(word) for word in words)


# How Chinese writes an amount out in words on a cheque or an invoice: capital numerals, units, yuan, jiao, fen.
_CAPITAL_NUMERALS = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿圆元角分整正"

# Chinese VAT invoices: 价税合计 is the total with tax, (小写) its figure; 合计 the row of net amount and tax.
# CJK text has no word boundaries, so these patterns have none.
CHINESE: AmountLabels = {
    TOTAL: {
        1: (
            # The amount in capital numerals ("(大写) 伍拾贰圆柒角") is part of the label: its figure follows.
            rf"{_spaced('价税合计')[0]}(?:\s*[（(]\s*大\s*写\s*[）)])?(?:\s*[{_CAPITAL_NUMERALS}])*",
            # "(大写)" marks the total in words even where OCR lost 价税合计 before it.
            rf"[（(]\s*大\s*写\s*[）)](?:\s*[{_CAPITAL_NUMERALS}])*",
            r"[（(]\s*小写\s*[）)]",
            r"小写",
        ),
        2: _spaced("总计"),
    },
    SUBTOTAL: {1: _spaced("不含税金额", "合计金额")},
    TAX: {1: _spaced("合计税额", "税额合计"), 2: _spaced("税额")},
    NET_AND_TAX: {1: (r"(?<!价)(?<!税)(?<!价\s)(?<!税\s)合\s*计(?!\s*(?:税|金))",)},
}

# Keyed by ISO 639-1 language code; within a tier, labels are tried in this order.
BY_LANGUAGE: dict[str, AmountLabels] = {
    "en": ENGLISH,
    "fr": FRENCH,
    "de": GERMAN,
    "nl": DUTCH,
    "es": SPANISH,
    "it": ITALIAN,
    "pt": PORTUGUESE,
    "pl": POLISH,
    "zh": CHINESE,
}


def amount_labels(kind: str, tiers: tuple[int, ...] = (1, 2, 3)) -> list[Label]:
    """Every language's labels for ``kind`` of amount, most explicit tier first."""
    return [
        label
        for tier in tiers
        for table in BY_LANGUAGE.values()
        for label in labels(tier, *table.get(kind, {}).get(tier, ()))
    ]
