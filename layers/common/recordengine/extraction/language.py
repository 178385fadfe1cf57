"""Which language a document is written in, from its text: a PDF's text layer or a first OCR reading.

Each language has a table of the words that are frequent in it and on invoices and receipts (articles,
prepositions, and the labels of totals, taxes, dates and payment). The text's words are looked up in every
table, accents taken off on both sides (a first OCR reading with the English model reads "für" as "fur"),
and the language whose table holds the most of them wins when it has enough of them and more than the
next. Han characters (Chinese, and the kanji of Japanese, which Tesseract's orientation and script
detection often names instead) decide for Chinese by their share of the text's letters. English is the
answer when nothing else stands out.

Languages are ISO 639-1 codes, as the record carries them; ``TESSERACT`` names the trained data of each.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

ENGLISH = "en"
CHINESE = "zh"

# The trained data Tesseract reads each language with.
TESSERACT = {
    "en": "eng",
    "de": "deu",
    "fr": "fra",
    "es": "spa",
    "it": "ita",
    "pt": "por",
    "nl": "nld",
    "pl": "pol",
    "zh": "chi_sim",
}

# Scripts Tesseract's orientation and script detection names, for the languages read in them.
SCRIPTS = {"Han": CHINESE, "HanS": CHINESE, "HanT": CHINESE, "Japanese": CHINESE}

# Frequent words, invoice and receipt words and the words of addresses and company names, written as the
# language writes them (accents are taken off when the table is built). A word common to several
# languages counts for each of them.
_WORDS = {
    "en": """the and of to for with from your you our this that are is on by at as be will please thank thanks
        invoice receipt total subtotal amount due date tax vat paid payment change cash card balance qty
        quantity price description item items bill customer order number account shipping discount terms
        sales net gross tip cashier store phone street road ltd inc llc""",
    "de": """der die das und mit von für zu im ist auf den dem des ein eine einer bei aus an nicht sie wir ihr
        bitte vielen dank rechnung quittung beleg kassenbon summe zwischensumme gesamt gesamtbetrag betrag
        zahlen zahlung bezahlt bar gegeben rückgeld wechselgeld mwst ust steuer netto brutto datum uhrzeit
        kasse kunde kundennummer rechnungsnummer rechnungsdatum menge stück preis einzelpreis artikel
        leistung lieferung fällig zahlbar innerhalb tagen ohne abzug euro karte girocard kartenzahlung
        filiale markt einkauf danke posten stk uhr beleg kundenbeleg bon geg gmbh str straße strasse
        steuernummer""",
    "fr": """le la les et de des du un une pour avec sur par au aux est en dans nous vous votre merci
        facture reçu ticket total montant sous-total ttc ht tva taxe date échéance paiement payé espèces
        rendu monnaie carte bancaire quantité qté prix unitaire désignation article client numéro commande
        remise net à payer réglement règlement livraison conditions euros rue sarl sas siret""",
    "es": """el la los las y de del en con por para un una es su sus que al gracias factura recibo ticket
        total subtotal importe base imponible iva impuesto fecha vencimiento pago pagado efectivo cambio
        tarjeta cantidad precio unitario descripción artículo cliente número pedido descuento forma
        entrega nif cif calle avda avenida""",
    "it": """il lo la gli le e di del della dei delle in con per un una è su al alla che grazie fattura
        ricevuta scontrino fiscale totale subtotale importo imponibile iva imposta data scadenza pagamento
        pagato contanti resto carta quantità prezzo unitario descrizione articolo cliente numero ordine
        sconto consegna partita via srl piazza""",
    "pt": """o a os as e de do da dos das em com por para um uma é no na ao obrigado obrigada fatura factura
        recibo nota fiscal total subtotal valor montante iva imposto data vencimento pagamento pago
        dinheiro troco cartão quantidade preço unitário descrição artigo cliente número pedido desconto
        entrega contribuinte nif rua lda avenida""",
    "nl": """de het een en van voor met op in is te aan bij uw wij u niet dank bedankt factuur bon kassabon
        totaal subtotaal bedrag te betalen btw belasting datum vervaldatum betaling betaald contant
        wisselgeld pin kaart aantal prijs omschrijving artikel klant nummer bestelling korting levering
        excl incl straat laan""",
    "pl": """i w z na do od dla jest nie się że to oraz po przez za dziękujemy faktura vat paragon rachunek
        suma razem łącznie kwota netto brutto podatek ptu data sprzedaży wystawienia termin płatności
        płatność zapłacono gotówka reszta karta ilość cena jednostkowa nazwa towaru usługi nabywca
        sprzedawca numer rabat ul sp""",
}

# What shops sell and their tills print, per language: a till receipt is mostly product lines ("LEERGUT",
# "VOLLMILCH", "KAFFEE"), often with its head and foot cut off or misread, and these are the words that
# tell its language then. Brand names and words shared with English ("sauce", "ketchup") are left out.
_PRODUCT_WORDS = {
    "en": """milk bread eggs chicken beef pork cheese butter coffee tea juice water sugar flour rice beans
        apples bananas potatoes onions tomatoes carrots cream yogurt bag fresh organic frozen whole large
        small pack bottle deposit refund coupon savings member points""",
    "de": """leergut pfand pfandrückgabe rabatt mitarbeiterrabatt posten handeingabe kundenbeleg
        milch vollmilch frischmilch brot brötchen semmel vollkorn butter käse quark sahne joghurt eier
        wurst schinken fleisch hähnchen hackfleisch kaffee tee saft wasser mineralwasser zucker mehl reis
        nudeln kartoffeln zwiebeln tomaten gurke paprika äpfel bananen möhren salat gemüse obst kräuter
        tasche tragetasche papiertasche beutel tüte dose flasche glas stück packung frisch bio tiefkühl
        schokolade kekse gebäck getränk getränke bier wein sekt weizen""",
    "fr": """lait pain oeufs œufs poulet boeuf bœuf porc fromage beurre café thé jus eau sucre farine riz
        pâtes pommes bananes carottes oignons tomates légumes fruits crème yaourt sac bouteille consigne
        remise fidélité frais surgelé viande jambon baguette vin bière""",
    "es": """leche pan huevos pollo ternera cerdo queso mantequilla café té zumo agua azúcar harina arroz
        pasta manzanas plátanos patatas cebollas tomates verduras frutas nata yogur bolsa botella envase
        fresco congelado carne jamón vino cerveza oferta ahorro""",
    "it": """latte pane uova pollo manzo maiale formaggio burro caffè tè succo acqua zucchero farina riso
        pasta mele banane patate cipolle pomodori verdure frutta panna yogurt sacchetto bottiglia
        fresco surgelato carne prosciutto vino birra offerta""",
    "pt": """leite pão ovos frango vaca porco queijo manteiga café chá sumo suco água açúcar farinha arroz
        massa maçãs bananas batatas cebolas tomates legumes frutas natas iogurte saco garrafa fresco
        congelado carne fiambre vinho cerveja promoção""",
    "nl": """melk brood eieren kip rundvlees varkensvlees kaas boter koffie thee sap water suiker meel rijst
        appels bananen aardappelen uien tomaten groente fruit room yoghurt tas fles statiegeld vers
        diepvries vlees ham wijn bier aanbieding""",
    "pl": """mleko chleb jajka kurczak wołowina wieprzowina ser masło kawa herbata sok woda cukier mąka ryż
        makaron jabłka banany ziemniaki cebula pomidory warzywa owoce śmietana jogurt torba reklamówka
        butelka kaucja świeże mrożone mięso szynka wino piwo promocja""",
}

# A language is named when its table holds at least this many of the text's words, and more than any
# other's; below that the text is too short or too garbled to tell.
MIN_WORDS = 3
# Shorter words are left out: OCR makes single letters of specks, and they are words in several languages.
MIN_WORD_LENGTH = 2
# A text whose letters are at least this share of Han characters is Chinese.
MIN_HAN_SHARE = 0.2

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# Web and mail addresses ("www.example.de"): their parts are no words of the text's language. A domain ends
# in a top-level part of two or three letters; a till's abbreviated product name ("VOLLK.BROT") does not,
# and its words are what tells the language of a receipt made of product lines.
_ADDRESS = re.compile(r"\S+@\S+|\bwww\.\S+|[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,3}\b(?!\.\w)", re.IGNORECASE)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _plain(word: str) -> str:
    """The word in lower case without accents: how OCR's English model and a careless typist write it."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(character for character in decomposed if not unicodedata.combining(character))


_TABLES = {
    language: frozenset(_plain(word) for word in (words + " " + _PRODUCT_WORDS.get(language, "")).split())
    for language, words in _WORDS.items()
}


def han_characters(text: str) -> int:
    """How many Han characters ``text`` has: each one is about a word, where a Latin letter is a fraction."""
    return len(_HAN.findall(text))


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the language ``text`` is written in; English when nothing else stands out."""
    letters = sum(1 for character in text if character.isalpha())
    if letters and han_characters(text) / letters >= MIN_HAN_SHARE:
        return CHINESE
    words = _WORD.findall(_ADDRESS.sub(" ", text))
    ranked = language_scores(word for word in words if len(word) >= MIN_WORD_LENGTH).most_common(2)
    if not ranked or ranked[0][1] < MIN_WORDS or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return ENGLISH
    return ranked[0][0]


def language_scores(words: Iterable[str]) -> Counter[str]:
    """How many of ``words`` each language's table holds."""
    scores: Counter[str] = Counter()
    for word in words:
        plain = _plain(word)
        for language, table in _TABLES.items():
            if plain in table:
                scores[language] += 1
    return scores


def language_of_script(script: str | None) -> str | None:
    """The language read in a script Tesseract names (only scripts not read as Latin have one here)."""
    return SCRIPTS.get(script or "")
