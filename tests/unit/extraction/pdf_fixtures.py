"""Fixture PDFs for the extraction engine, drawn with reportlab (never copied from a corpus)."""

from __future__ import annotations

import io
from collections.abc import Sequence

# A line of a fixture page: plain text at the left margin, or cells as (x in points, text).
Line = str | Sequence[tuple[float, str]]


def _draw(pages: Sequence[Sequence[Line]], encrypt: object = None) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, encrypt=encrypt)
    for number, lines in enumerate(pages):
        if number:
            page.showPage()
        page.setFont("Helvetica", 10)
        y = 800.0
        for line in lines:
            cells = [(50.0, line)] if isinstance(line, str) else line
            for x, text in cells:
                page.drawString(x, y, text)
            y -= 16
    page.save()
    return buffer.getvalue()


def make_pdf(lines: Sequence[Line] = (), *, pages: Sequence[Sequence[Line]] = (), encrypt: object = None) -> bytes:
    """A PDF of ``lines`` (or of several ``pages`` of lines), optionally encrypted (reportlab ``encrypt=``)."""
    return _draw(list(pages) or [lines], encrypt)


ENGLISH_INVOICE: list[Line] = [
    "Brightwater Analytics Ltd",
    "14 Quay Street, Manchester M3 3HN",
    "",
    [(50, "INVOICE"), (350, "Invoice No:"), (450, "BW-2024-0193")],
    [(350, "Invoice Date:"), (450, "March 5, 2024")],
    [(350, "Due Date:"), (450, "April 4, 2024")],
    "",
    "Bill To:",
    "Harbour Logistics plc",
    "2 Dock Road, Liverpool",
    "",
    [(50, "Description"), (300, "Qty"), (370, "Unit Price"), (480, "Amount")],
    [(50, "Data pipeline audit"), (300, "2"), (370, "$1,200.00"), (480, "$2,400.00")],
    [(50, "Dashboard licences"), (300, "10"), (370, "$35.50"), (480, "$355.00")],
    [(50, "Support retainer"), (300, "1"), (370, "$500.00"), (480, "$500.00")],
    "",
    [(370, "Subtotal"), (480, "$3,255.00")],
    [(370, "Tax (20%)"), (480, "$651.00")],
    [(370, "Total"), (480, "$3,906.00")],
    "",
    "Payment by bank transfer within 30 days.",
]

GERMAN_INVOICE: list[Line] = [
    "Muster Handel GmbH · Hauptstraße 5 · 10115 Berlin",
    "",
    "Kunden AG",
    "Ringstraße 9",
    "80331 München",
    "",
    [(50, "RECHNUNG"), (330, "Rechnungsnummer:"), (450, "RE-2024-0042")],
    [(330, "Rechnungsdatum:"), (450, "03.08.2024")],
    [(330, "Fällig am:"), (450, "02.09.2024")],
    "",
    [(50, "Pos"), (80, "Beschreibung"), (280, "Menge"), (340, "Einzelpreis"), (450, "Betrag")],
    [(50, "1"), (80, "Beratung Datenschutz"), (280, "10"), (340, "123,45 €"), (450, "1.234,50 €")],
    [(50, "2"), (80, "Reisekosten"), (280, "1"), (340, "80,00 €"), (450, "80,00 €")],
    "",
    [(340, "Summe netto"), (450, "1.314,50 €")],
    [(340, "zzgl. 19 % MwSt."), (450, "249,76 €")],
    [(340, "Gesamtbetrag"), (450, "1.564,26 €")],
    "",
    "Muster Handel GmbH · Amtsgericht Berlin HRB 12345 · USt-IdNr. DE123456789",
]

FRENCH_INVOICE: list[Line] = [
    "Atelier Dupont SARL - 8 rue des Lilas - 69003 Lyon - France",
    "",
    [(50, "FACTURE"), (330, "Facture N° :"), (440, "FA-2023-118")],
    [(330, "Date de facture :"), (440, "15/03/2023")],
    [(330, "Date d'échéance :"), (440, "14/04/2023")],
    "",
    "Adresse du client",
    "Boulangerie Martin",
    "12 place Bellecour, 69002 Lyon",
    "",
    [(50, "Désignation"), (280, "Qté"), (340, "Prix unitaire HT"), (460, "Total HT")],
    [(50, "Rénovation vitrine"), (280, "1"), (340, "1 000,00 €"), (460, "1 000,00 €")],
    [(50, "Peinture enseigne"), (280, "2"), (340, "125,00 €"), (460, "250,00 €")],
    "",
    [(340, "Total HT"), (460, "1 250,00 €")],
    [(340, "TVA 20 %"), (460, "250,00 €")],
    [(340, "Total TTC"), (460, "1 500,00 €")],
]

DUTCH_INVOICE: list[Line] = [
    "Van Dijk Installatietechniek B.V.",
    "Industrieweg 12, 3542 AD Utrecht",
    "",
    "FACTUUR",
    [(330, "Factuurnummer:"), (450, "2024-0815")],
    [(330, "Factuurdatum:"), (450, "12-03-2024")],
    [(330, "Vervaldatum:"), (450, "11-04-2024")],
    "",
    "Factuuradres",
    "Gemeente Houten",
    "Postbus 30, 3990 DA Houten",
    "",
    [(50, "Omschrijving"), (280, "Aantal"), (340, "Prijs"), (460, "Bedrag")],
    [(50, "Onderhoud CV-ketel"), (280, "3"), (340, "€ 95,00"), (460, "€ 285,00")],
    [(50, "Vervangen thermostaat"), (280, "1"), (340, "€ 1.149,00"), (460, "€ 1.149,00")],
    "",
    [(340, "Subtotaal"), (460, "€ 1.434,00")],
    [(340, "BTW 21%"), (460, "€ 301,14")],
    [(340, "Totaal incl. BTW"), (460, "€ 1.735,14")],
]

# Month-first slash dates, and a buyer named with a legal form of its own.
US_INVOICE: list[Line] = [
    "Pinecrest Software, Inc.",
    "500 Market St, San Francisco, CA 94105",
    "",
    [(50, "Invoice #"), (150, "10442")],
    [(50, "Date"), (150, "08/03/2024")],
    [(50, "Payment due"), (150, "09/02/2024")],
    "",
    [(50, "Sold to"), (300, "Item"), (420, "Amount")],
    [(50, "Lakeside Dental LLC"), (300, "Annual license"), (420, "$1,800.00")],
    "",
    [(300, "Sales tax"), (420, "$153.00")],
    [(300, "Amount due"), (420, "$1,953.00")],
]
