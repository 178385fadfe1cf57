"""The country a document was issued in, from the cues it prints: its address (state, province, postcode
format, country name), its tax's name (GST, HST, VAT, MwSt, TVA, sales tax), legal forms, currency marks
and web domain. The country decides what a bare "$" is and how an ambiguous date like 03/04/2024 is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Countries whose documents write ambiguous numeric dates month first.
MONTH_FIRST = frozenset({"US", "CA", "PH"})
# The currency a country's documents mean by a bare symbol or by no mark at all.
CURRENCY = {
    "US": "USD",
    "CA": "CAD",
    "AU": "AUD",
    "NZ": "NZD",
    "SG": "SGD",
    "MY": "MYR",
    "GB": "GBP",
    "IE": "EUR",
    "DE": "EUR",
    "AT": "EUR",
    "FR": "EUR",
    "BE": "EUR",
    "NL": "EUR",
    "ES": "EUR",
    "IT": "EUR",
    "PT": "EUR",
    "PL": "PLN",
    "RO": "RON",
    "BR": "BRL",
    "MX": "MXN",
    "CH": "CHF",
    "IN": "INR",
    "PH": "PHP",
    "CN": "CNY",
    "HK": "HKD",
    "JP": "JPY",
}


@dataclass(frozen=True)
class _Cue:
    country: str
    pattern: re.Pattern[str]
    weight: int


def _cues(country: str, weight: int, *patterns: str, flags: int = re.IGNORECASE) -> list[_Cue]:
    return [_Cue(country, re.compile(pattern, flags), weight) for pattern in patterns]


_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|"
    "PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC"
)
_CA_PROVINCES = "ON|QC|BC|AB|MB|SK|NS|NB|NL|PE|YT|NT|NU"
_MY_STATES = (
    r"selangor|johor|kuala\s+lumpur|pulau\s+pinang|penang|perak|sabah|sarawak|kedah|melaka|malacca|pahang|"
    r"negeri\s+sembilan|terengganu|kelantan|perlis|putrajaya|labuan"
)

_ALL_CUES: list[_Cue] = [
    *_cues("US", 3, rf"\b(?:{_US_STATES})\s+\d{{5}}(?:-\d{{4}})?\b", flags=0),
    *_cues("US", 3, r"\bU\.?S\.?A\.?\b|\bunited\s+states\b", r"\bsales\s+tax\b"),
    *_cues("US", 1, r"\bUS\$|\bUSD\b", flags=0),
    *_cues("CA", 3, rf"\b(?:{_CA_PROVINCES})\s+[A-Z]\d[A-Z]\s?\d[A-Z]\d\b", r"\b[A-Z]\d[A-Z]\s\d[A-Z]\d\b", flags=0),
    *_cues("CA", 3, r"\bcanada\b", r"\b(?:hst|pst|qst|gst/hst|tps|tvq)\b", r"\.ca\b", r"\bCA\$|\bCAD\b"),
    *_cues("MY", 3, r"\bs[doau]n\.?\s*bh[do]\b", r"\bmalaysia\b", rf"\b(?:{_MY_STATES})\b", r"\bRM\s?\d"),
    *_cues("MY", 2, r"\b(?:jalan|jln|taman|lorong)\b", r"\bS/B\b"),
    *_cues("SG", 3, r"\bsingapore\b", r"\bpte\.?\s+ltd\b", r"\bS\$"),
    *_cues("AU", 3, r"\baustralia\b", r"\babn\b", r"\bpty\.?\s+ltd\b", r"\bA\$|\bAUD\b"),
    *_cues("NZ", 3, r"\bnew\s+zealand\b", r"\bNZ\$|\bNZD\b"),
    *_cues("GB", 3, r"\bunited\s+kingdom\b|\bengland\b|\bscotland\b|\bwales\b", r"£", r"\bGBP\b"),
    *_cues("GB", 3, r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b", flags=0),
    *_cues("IE", 3, r"\bireland\b|\beire\b"),
    *_cues("DE", 3, r"\bdeutschland\b|\bgermany\b", r"\bmwst\b|\bust\.?-?id", r"\bgmbh\b", r"\bstra(?:ß|ss)e\b"),
    *_cues("AT", 3, r"\b(?:österreich|austria)\b"),
    *_cues("CH", 3, r"\b(?:schweiz|suisse|switzerland)\b", r"\bCHF\b"),
    *_cues("FR", 3, r"\bfrance\b", r"\btva\b", r"\bttc\b", r"\bsiret\b|\bsiren\b", r"\bsarl\b"),
    *_cues("BE", 3, r"\b(?:belgique|belgi[eë]|belgium)\b"),
    *_cues("NL", 3, r"\b(?:nederland|netherlands)\b", r"\bbtw\b", r"\bkvk\b"),
    *_cues("ES", 3, r"\b(?:españa|espana|spain)\b", r"\bnif\b|\bcif\b"),
    *_cues("IT", 3, r"\b(?:italia|italy)\b", r"\bp\.?\s?iva\b"),
    *_cues("PT", 3, r"\bportugal\b", r"\bnipc\b|\bnif\b"),
    *_cues("PL", 3, r"\b(?:polska|poland)\b", r"\bzł\b|\bPLN\b", r"\bsp\.\s*z\s*o\.\s*o\b", r"\bregon\b"),
    *_cues("RO", 3, r"\b(?:rom[âa]nia|romania)\b", r"\bRON\b|\blei\b", r"\bcui\b", r"\bJ\d{2}/\d+/\d{4}\b"),
    *_cues("BR", 3, r"\b(?:brasil|brazil)\b", r"\bcnpj\b|\bcpf\b", r"R\$", r"\bltda\b"),
    *_cues("MX", 3, r"\bm[ée]xico\b", r"\brfc\b", r"\bMXN\b"),
    *_cues("IN", 3, r"\bindia\b", r"\bgstin\b", r"₹", r"\bpvt\.?\s+ltd\b"),
    *_cues("PH", 3, r"\bphilippines\b", r"₱"),
    # Han script has no word boundaries: these cues are matched anywhere.
    *_cues("CN", 3, r"中国|中华人民共和国|\bchina\b", r"增值税|发票|人民币", r"\bRMB\b|\bCNY\b"),
    *_cues("CN", 2, r"有限公司", r"[省市]\S{0,6}区"),
    *_cues("HK", 3, r"\bhong\s+kong\b|香港", r"\bHK\$|\bHKD\b"),
    *_cues("JP", 3, r"\bjapan\b|日本", r"株式会社|有限会社", r"円", r"\bJPY\b"),
]


def guess_country(text: str) -> str | None:
    """The country with the most weight of cues in ``text``, or None when nothing points anywhere."""
    scores: dict[str, int] = {}
    for cue in _ALL_CUES:
        hits = len(cue.pattern.findall(text))
        if hits:
            scores[cue.country] = scores.get(cue.country, 0) + cue.weight * min(hits, 3)
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]
