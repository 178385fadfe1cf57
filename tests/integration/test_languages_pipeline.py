"""Documents in other languages through the real extraction handler: the record says which language it was
read in, and a scan is read with that language's trained data (its accented letters come back)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from recordengine.extraction import ocr
from tests.support import scans
from tests.support.documents import invoice_pdf

GERMAN_RECEIPT = [
    ("BÄCKEREI MÜLLER GMBH", ""),
    ("Hauptstraße 12, 80331 München", ""),
    ("Datum: 14.06.2024 18:02", ""),
    ("", ""),
    ("Vollkornbrot", "4,20"),
    ("Brötchen 6 Stück", "2,40"),
    ("Käsekuchen", "3,95"),
    ("", ""),
    ("Summe EUR", "10,55"),
    ("MwSt 7% enthalten", "0,69"),
    ("Gegeben Bar", "20,00"),
    ("Rückgeld", "9,45"),
    ("", ""),
    ("Vielen Dank für Ihren Einkauf", ""),
]

FRENCH_INVOICE = [
    "Imprimerie du Port SARL",
    "4 quai de la Fosse, 44000 Nantes",
    "",
    "FACTURE",
    "Numéro de facture : F-2024-0311",
    "Date de facture : 05/03/2024",
    "",
    "Désignation                Quantité     Prix unitaire     Montant",
    "Cartes de visite           2            60,00             120,00",
    "",
    "Total HT : 120,00 EUR",
    "TVA 20 % : 24,00 EUR",
    "Total TTC : 144,00 EUR",
    "Net à payer : 144,00 EUR",
    "Merci de votre confiance",
]


def _font(size: int) -> ImageFont.FreeTypeFont:
    # Pillow's bundled font has no umlauts; reportlab (a test requirement) ships Bitstream Vera, which has.
    import reportlab

    return ImageFont.truetype(str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"), size)


def receipt_photo(lines: list[tuple[str, str]], width: int = 620, font_size: int = 30) -> bytes:
    """A till receipt as scans.receipt_page draws it, in a font with the accented letters of Latin-1."""
    line_height = int(font_size * 1.6)
    image = Image.new("L", (width, 60 + line_height * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    font = _font(font_size)
    for index, (label, price) in enumerate(lines):
        y = 30 + index * line_height
        draw.text((20, y), label, font=font, fill=0)
        if price:
            draw.text((width - 20 - draw.textlength(price, font=font), y), price, font=font, fill=0)
    return scans.jpeg(image)


def text_pdf(lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for index, line in enumerate(lines):
        page.drawString(60, 800 - 18 * index, line)
    page.save()
    return buffer.getvalue()


def extracted(stack, contact, folder, content: bytes, filename: str) -> dict:
    r = stack.upload(content, filename=filename, fields={"contact_id": contact["id"], "folder_id": folder["id"]})
    assert r.status == 201, r.body
    assert stack.deliver_s3_events() == [{"outcomes": ["extracted"]}]
    return stack.document(r.json()["id"])


def test_a_german_receipt_photo_is_read_in_german(stack, contact, folder) -> None:
    if ocr.languages_for("de") is None:
        pytest.skip("German trained data not installed (no npm when the environment was made)")
    document = extracted(stack, contact, folder, receipt_photo(GERMAN_RECEIPT), "kassenbon.jpg")
    assert document["language"] == "de"
    fields = document["extracted_fields"]
    # English's model reads "BACKEREI MULLER": German's keeps the umlauts.
    assert fields["vendor"] == "BÄCKEREI MÜLLER GMBH"
    assert fields["total_amount"] == "10.55"
    assert document["doc_date"] == "2024-06-14"


def test_a_french_text_pdf_is_told_french_from_its_text_layer(stack, contact, folder) -> None:
    document = extracted(stack, contact, folder, text_pdf(FRENCH_INVOICE), "facture.pdf")
    assert document["language"] == "fr"


def test_english_documents_are_english(stack, contact, folder) -> None:
    photo = extracted(stack, contact, folder, scans.jpeg(scans.receipt_page(scans.RECEIPT_LINES)), "receipt.jpg")
    assert photo["language"] == "en"
    pdf = extracted(stack, contact, folder, invoice_pdf(), "invoice.pdf")
    assert pdf["language"] == "en"


def test_a_document_not_yet_extracted_has_no_language(stack, contact, folder) -> None:
    r = stack.upload(
        invoice_pdf(), filename="waiting.pdf", fields={"contact_id": contact["id"], "folder_id": folder["id"]}
    )
    assert r.status == 201, r.body
    assert stack.document(r.json()["id"])["language"] is None
