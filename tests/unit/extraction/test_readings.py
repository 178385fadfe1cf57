"""Several OCR readings of one scan: read again only when the fields do not settle, then reconciled field by
field. OCR is replaced by canned readings here, so that each rule is seen on its own."""

from __future__ import annotations

import re
import time

import pytest
from PIL import Image

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction import ocr, readings
from recordengine.extraction.images import PREPARATIONS
from tests.unit.extraction.receipt_fixtures import line


def page_of(lines: list[str], confidence: float = 92.0) -> ocr.OcrPage:
    words: list[ocr.Word] = []
    for number, text in enumerate(lines):
        for found in re.finditer(r"\S+", text):
            words.append(
                ocr.Word(
                    found.group(0), 12 * found.start(), 40 * number, 12 * len(found.group(0)), 24, confidence, number
                )
            )
    return ocr.OcrPage(words)


SETTLED = [
    "CORNER SHOP LTD",
    "Date: 14/06/2024 18:02",
    line("TOTAL", "13.75"),
    line("CASH", "20.00"),
    line("CHANGE", "6.25"),
]
NO_DATE = ["CORNER SHOP LTD", "Date:", line("TOTAL", "13.75"), line("CASH", "20.00"), line("CHANGE", "6.25")]
# A dim photo whose right-hand column (amounts, the date) was lost.
NOTHING_FOUND = ["CORNER SHOP LTD", "Date:", "TOTAL", "CASH", "CHANGE"]
FUTURE_DATE = [
    "CORNER SHOP LTD",
    "Date: 14/06/2074 18:02",
    line("TOTAL", "13.75"),
    line("CASH", "20.00"),
    line("CHANGE", "6.25"),
]


class ScriptedOcr:
    """OCR that returns the next scripted reading of the page, and records the preparation each one used."""

    def __init__(self) -> None:
        self.script: list[list[str]] = []
        self.used: list[str] = []

    def read_page(
        self,
        image: Image.Image,
        deadline: float,
        preparation: object = PREPARATIONS[0],
        rotation: int | None = None,
        languages: str | None = None,
        automatic_layout: bool = False,
    ) -> ocr.OcrPage:
        self.used.append(getattr(preparation, "name", ""))
        return page_of(self.script[min(len(self.used), len(self.script)) - 1])

    def run(self, script: list[list[str]], seconds: float = 60.0) -> readings.Reading:
        self.script = script
        return readings.read_scans([Image.new("L", (10, 10))], INVOICE_PROFILE, time.monotonic() + seconds)


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> ScriptedOcr:
    fake = ScriptedOcr()
    monkeypatch.setattr(ocr, "read_page", fake.read_page)
    return fake


def test_a_settled_reading_is_read_once(scripted: ScriptedOcr) -> None:
    reading = scripted.run([SETTLED])
    assert scripted.used == ["adaptive"]
    assert reading.roles["invoice_date"] is not None
    assert reading.roles["invoice_date"].value == "2024-06-14"


def test_a_missing_date_is_read_again_and_taken_from_the_second_reading(scripted: ScriptedOcr) -> None:
    reading = scripted.run([NO_DATE, SETTLED])
    assert scripted.used == ["adaptive", "global threshold"]
    found = reading.roles["invoice_date"]
    assert found is not None
    assert found.value == "2024-06-14"


def test_a_plausible_date_beats_an_implausible_one(scripted: ScriptedOcr) -> None:
    reading = scripted.run([FUTURE_DATE, SETTLED])
    found = reading.roles["invoice_date"]
    assert found is not None
    assert found.value == "2024-06-14"


def test_every_preparation_is_tried_at_most_once(scripted: ScriptedOcr) -> None:
    scripted.run([NOTHING_FOUND])
    assert scripted.used == [preparation.name for preparation in PREPARATIONS]


def test_the_lighting_is_evened_out_only_when_no_reading_found_a_total_or_a_date(scripted: ScriptedOcr) -> None:
    scripted.run([NO_DATE])
    assert scripted.used == [preparation.name for preparation in PREPARATIONS if not preparation.even_lighting]

    scripted.used.clear()
    reading = scripted.run([NOTHING_FOUND, NOTHING_FOUND, NOTHING_FOUND, SETTLED])
    assert scripted.used[-1] == "even lighting"
    assert reading.roles["total_amount"] is not None and reading.roles["total_amount"].value == "13.75"


def test_no_second_reading_without_the_time_for_it(scripted: ScriptedOcr) -> None:
    scripted.run([NO_DATE, SETTLED], seconds=readings.SECONDS_FOR_ANOTHER_READING - 1)
    assert scripted.used == ["adaptive"]


def test_readings_that_agree_make_a_value_surer_but_not_excellent() -> None:
    found = readings.Found("13.75", 80, None)
    voted, _ = readings._vote([found, readings.Found("13.75", 70, None), readings.Found("18.75", 85, None)])
    assert voted is not None
    assert voted.value == "13.75"
    assert found.confidence < voted.confidence <= readings.AGREED_CEILING


def test_a_value_already_sure_is_not_made_less_sure_by_agreement() -> None:
    voted, _ = readings._vote([readings.Found("13.75", 98, None), readings.Found("13.75", 90, None)])
    assert voted is not None
    assert voted.confidence == 98
