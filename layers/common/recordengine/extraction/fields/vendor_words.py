"""The words, per language, that tell a seller's name from what is printed around it: the document's heading,
a greeting, an advert, a street, the customer's block, the tax and registration numbers only a seller
prints. Data, not logic: a new language is a new word in these tables."""

from __future__ import annotations

import re


def _any_of(*words: str) -> str:
    return "(?:" + "|".join(words) + ")"


# What a document or a till slip is titled ("RECHNUNG", "Kassenbon", "Factura simplificada", "2ª via").
HEADINGS = _any_of(
    r"(?:simplified\s+)?tax\s+invoice",
    r"invoice",
    r"(?:official\s+|sales\s+)?receipt",
    r"cash\s+(?:bill|sale)",
    r"\w*rechnung",
    r"kassen(?:bon|beleg|zettel)",
    r"quittung",
    r"beleg",
    r"bon",
    r"gutschrift",
    r"facture(?:\s+simplifi[ée]e)?",
    r"ticket(?:\s+de\s+caisse)?",
    r"re[çc]u",
    r"avoir",
    r"factura(?:\s+simplificada)?",
    r"tique",
    r"recibo",
    r"fatura(?:[\s\-]recibo)?",
    r"nota\s+fiscal",
    r"fattura",
    r"scontrino(?:\s+fiscale)?",
    r"ricevuta",
    r"factuur",
    r"kassabon",
    r"bonnetje",
    r"kwitantie",
    r"paragon(?:\s+fiskalny)?",
    r"faktura",
    r"rachunek",
    r"kvitto",
    r"kvittering",
    r"original",
    r"copy",
    r"duplicate",
    r"duplikat",
    r"kopie",
    r"copie",
    r"copia",
    r"\d+\s*[ªa]\s*via",
)

# How a shop greets or thanks its customer at the top or bottom of a slip.
GREETINGS = _any_of(
    r"welcome",
    r"(?:herzlich\s+)?willkommen",
    r"bienvenue",
    r"bienvenid[oa]s?",
    r"benvenut[oi]",
    r"bem[\s\-]vind[oa]s?",
    r"welkom",
    r"witamy",
    r"thank(?:s|\s+you)",
    r"vielen\s+dank",
    r"danke",
    r"merci",
    r"gracias",
    r"grazie",
    r"obrigad[oa]",
    r"bedankt",
    r"dzi[ęe]kujemy",
)

# How a slip thanks its customer for shopping at the shop it then names ("Thank you for shopping at Sonne
# Markt", "Vielen Dank für Ihren Einkauf bei ..."): the name follows these words.
THANKS_FOR_SHOPPING_AT = _any_of(
    r"thank(?:s|\s+you)\s+for\s+(?:shopping|dining|choosing|visiting)\s+(?:at|with)",
    r"(?:vielen\s+)?dank\s+f[üu]r\s+ihren\s+(?:einkauf|besuch)\s+(?:bei|im|in\s+der)",
    r"merci\s+(?:de\s+votre\s+visite|pour\s+votre\s+achat|d'avoir\s+choisi)\s+(?:chez|[àa])?",
    r"gracias\s+por\s+(?:su\s+compra|comprar|su\s+visita)\s+en",
    r"grazie\s+per\s+(?:aver\s+acquistato|la\s+visita)\s+(?:da|presso)",
    r"obrigad[oa]\s+(?:pela\s+(?:sua\s+)?(?:compra|prefer[êe]ncia|visita))\s+(?:no|na|em)",
    r"bedankt\s+voor\s+(?:uw|je)\s+(?:aankoop|bezoek)\s+(?:bij|in)",
    r"dzi[ęe]kujemy\s+za\s+zakupy\s+w",
)

# "... shopping with us", "... Einkauf bei uns": the shop speaking of itself, no name.
SHOP_SPEAKING_OF_ITSELF = frozenset(["us", "uns", "nous", "nosotros", "noi", "ons", "nós", "nas", "nami"])

# What an advert on a slip asks or promises ("Download & join now!", "Earn rewards", "Spare bei deinem
# nächsten Einkauf"): a shop's name says none of it.
ADVERT_WORDS = _any_of(
    r"download",
    r"join",
    r"earn",
    r"enjoy",
    r"offers?",
    r"rewards?",
    r"exclusive",
    r"save",
    r"sign\s+up",
    r"survey",
    r"members?(?:hip)?",
    r"app",
    r"points",
    r"win",
    r"visit",
    r"follow",
    r"please",
    r"spare[n]?",
    r"sammeln",
    r"gewinnen",
    r"punkte",
    r"jetzt",
    r"profitez",
    r"gagnez",
    r"cumulez",
    r"ahorra",
    r"gana",
    r"risparmia",
    r"scarica",
    r"descarga",
    r"t[ée]l[ée]charge[zr]",
    r"online",
    r"delivery",
    r"lieferung",
    r"livraison",
    r"entrega",
    r"now",
    r"free",
    r"gratis",
    r"kostenlos",
    # Adverts speak to the reader; a name does not.
    r"you",
    r"your",
    r"dein(?:e[mnrs]?)?",
    r"vous",
    r"votre",
    r"vos",
)

# A till's department headings over its items ("GROCERY", "Obst & Gemüse"): alone on a line, never a shop.
DEPARTMENTS = _any_of(
    r"grocery",
    r"groceries",
    r"produce",
    r"deli",
    r"meat",
    r"seafood",
    r"dairy",
    r"frozen(?:\s+food)?",
    r"bakery",
    r"household",
    r"beverages?",
    r"drinks",
    r"snacks",
    r"health\s*(?:&|and)\s*beauty",
    r"lebensmittel",
    r"obst\s*(?:&|und)\s*gem[üu]se",
    r"getr[äa]nke",
    r"molkereiprodukte",
    r"tiefk[üu]hl\w*",
    r"[ée]picerie",
    r"boucherie",
    r"boulangerie",
    r"boissons",
    r"frais",
    r"surgel[ée]s",
    r"alimentaci[óo]n",
    r"bebidas",
    r"frutas?\s+y\s+verduras",
    r"alimentari",
    r"bevande",
)

# The words of a street ("Lindenweg 7", "Hauptstr. 1", "2, rue de la Paix", "R. de Santo André 13", "ul.
# Długa 5"); German streets are one word ending in one of theirs.
STREET_WORDS = _any_of(
    r"street",
    r"st\.",
    r"road",
    r"rd\.?",
    r"avenue",
    r"ave\.?",
    r"boulevard",
    r"blvd",
    r"lane",
    r"drive",
    r"highway",
    r"rue",
    r"r\.",
    r"chemin",
    r"all[ée]e",
    r"place",
    r"quai",
    r"calle",
    r"c/",
    r"avenida",
    r"avda\.?",
    r"paseo",
    r"plaza",
    r"carrer",
    r"rua",
    r"travessa",
    r"largo",
    r"pra[çc]a",
    r"via",
    r"viale",
    r"piazza",
    r"corso",
    r"straat",
    r"laan",
    r"plein",
    r"gracht",
    r"ulica",
    r"ul\.",
    r"aleja",
    r"al\.",
    r"jalan",
    r"jln",
    r"lorong",
    r"taman",
    r"persiaran",
)
GERMAN_STREET_ENDINGS = _any_of(
    r"stra(?:ß|ss)e",
    r"str\.?",
    r"weg",
    r"platz",
    r"allee",
    r"gasse",
    r"ring",
    r"damm",
    r"ufer",
    r"chaussee",
    r"steig",
    r"pfad",
    r"markt",
)

# Short words that join a name's words ("Bed & Breakfast", "Café de la Gare", "Müller und Söhne").
NAME_CONNECTORS = frozenset(["&", "+", "und", "and", "et", "of", "de", "der", "van", "von", "du", "la", "le", "y"])

# A heading over the seller's name alone (the seller's address and numbers have their own).
SELLER_NAME_HEADINGS = _any_of(
    r"(?:seller|supplier|vendor)(?:'s)?\s+(?:trade\s+|trading\s+|legal\s+|company\s+)?name",
    r"nom\s+(?:commercial\s+)?du\s+(?:vendeur|fournisseur)",
    r"name\s+des\s+(?:verk[äa]ufers|lieferanten)",
    r"nombre\s+(?:comercial\s+)?del\s+(?:vendedor|proveedor)",
)

# A Chinese VAT invoice (fapiao) prints each party's block under a one-character mark down its side (销 the
# seller, 购 the buyer), each with a "名称:" (name) row; the buyer's block comes first.
CJK_SELLER_MARK = "销"
CJK_BUYER_MARK = "购"
CJK_NAME_LABEL = "名称"

# Who the document is for: the heading of the customer's block.
CUSTOMER_LABELS = _any_of(
    r"bill(?:ed)?\s+to",
    r"invoice\s+to",
    r"sold\s+to",
    r"ship(?:ped)?\s+to",
    r"deliver(?:y|ed)?\s+to",
    r"customer(?!\s*(?:id|no|number|nr|ref|code|service|account))",
    r"client(?!\s*(?:id|no|number|nr|ref))",
    r"buyer",
    r"recipient",
    r"attn",
    r"rechnungsempf[äa]nger",
    r"rechnung\s+an",
    r"leistungsempf[äa]nger",
    r"k[äa]ufer",
    r"kunde",
    r"lieferanschrift",
    r"lieferadresse",
    r"warenempf[äa]nger",
    r"adresse\s+du\s+client",
    r"adresse\s+de\s+(?:livraison|facturation)",
    r"factur[ée]\s+[àa]",
    r"livr[ée]\s+[àa]",
    r"destinataire",
    r"acheteur",
    r"factuuradres",
    r"afleveradres",
    r"klant",
    r"afnemer",
    r"cliente",
    r"destinatario",
    r"comprador",
    r"facturar\s+a",
    r"adquirente",
    r"destinat[áa]rio",
    r"acquirente",
    r"committente",
    r"nabywca",
    r"odbiorca",
    r"exmo\(?s?\)?\s+senhor",
)

# Legal forms that end a company's name, by how they are written.
LEGAL_FORM_WORDS = (
    "inc inc. incorporated llc l.l.c. ltd ltd. limited plc gmbh corp corp. corporation sarl s.a.r.l. sàrl sas "
    "sasu s.a.s. s.a.s.u. eurl s.a. srl s.r.l. spa s.p.a. s.l. s.l.u. s.a.u. lda lda. b.v. b.v n.v. n.v a.g. e.k. "
    "e.u. pty pvt kft oy a/s aps llp sp. bvba vof cv"
)
# Legal forms of several words, by their first (itself one of LEGAL_FORM_WORDS).
MULTI_WORD_LEGAL_FORMS = ("sp. z o.o.", "sp. z o. o.", "sp. j.", "sp. k.", "s. de r.l.", "s.a. de c.v.")
# Upper-case legal forms that are ordinary words in lower case ("as", "ag", "se", "sa").
CASED_LEGAL_FORMS = frozenset(
    ["AG", "KG", "SE", "SA", "NV", "BV", "AB", "AS", "OHG", "UG", "GbR", "LP", "SL", "SLU", "SAU", "EI", "LDA", "Lda"]
)
# Legal forms written in a script without spaces: the name runs up to and includes them.
UNSPACED_LEGAL_FORMS = ("有限责任公司", "股份有限公司", "有限公司", "株式会社")

# Tax and company registration numbers, printed by the seller in its head or footer.
TAX_ID_LABELS = re.compile(
    r"\b(?:u(?:st)?[\s.\-]*id(?:[\s.\-]*n(?:r|o)\.?)?|uid(?:[\s.\-]*nr\.?)?|st(?:euer)?[\s.\-]*nr\.?|"
    r"steuernummer|hrb|hra|tva(?:\s+intra\w*)?|n[°º]\s*tva|siret|siren|r\.?c\.?s\.?|nif|n\.?i\.?f\.?|cif|nipc|"
    r"p\.?\s*iva|partita\s+iva|c\.?f\.?|nip|regon|krs|btw(?:[\s.\-]*(?:nr|nummer))?|kvk|vat(?:\s+(?:reg\w*|no|number|id))?|"
    r"gst(?:\s+(?:reg\w*|no|id))?|abn|co\.?\s*reg(?:istration)?\.?\s*no|company\s+(?:no|number|reg\w*))\b\.?\s*[:#.]?",
    re.IGNORECASE,
)
