"""python -m bench ocr: the pages it reads, how it interleaves the reference and the engine, and its ratios."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bench import ocr
from bench.ocr import Page, Timings, group_ratio, make_pages, measure, ratio_lines


def test_the_pages_are_pngs_in_their_languages_with_the_turned_one_apart() -> None:
    pages, left_out = make_pages(None)
    assert [(page.name, page.languages, page.turned) for page in pages] == [
        ("English invoice", "eng", False),
        ("English receipt", "eng", False),
        ("German invoice", "deu+eng", False),
        ("English invoice turned 90°", "eng", True),
    ]
    assert left_out == [f"Chinese invoice: {ocr.HAN_FONT_MISSING}"]
    upright, turned = (Image.open(io.BytesIO(pages[index].content)) for index in (0, 3))
    assert upright.format == "PNG"
    assert turned.size == (upright.height, upright.width)
    assert [page.language_count for page in pages] == [1, 1, 2, 1]


def test_the_chinese_page_is_drawn_with_a_font_with_han_characters() -> None:
    font = ocr.han_font_file()
    if font is None:
        pytest.skip(ocr.HAN_FONT_MISSING)
    pages, left_out = make_pages(font)
    chinese = next(page for page in pages if page.languages == "chi_sim+eng")
    # Drawn, not blank: a font without the characters would leave the page white where the text is.
    image = Image.open(io.BytesIO(chinese.content))
    darkest, _ = image.crop((100, 100, 700, 200)).getextrema()
    assert isinstance(darkest, int)
    assert darkest < 100
    assert left_out == []


def test_no_fontconfig_leaves_the_chinese_page_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bench.ocr.shutil.which", lambda name: None)
    assert ocr.han_font_file() is None


def test_the_reference_reads_each_page_right_before_the_engine_after_a_warm_up() -> None:
    pages = [Page("a", "eng", b"a"), Page("b", "deu+eng", b"b")]
    calls: list[str] = []
    timings = measure(
        pages, lambda page: calls.append(f"bare {page.name}"), lambda page: calls.append(f"engine {page.name}"), 2
    )
    round_calls = ["bare a", "engine a", "bare b", "engine b"]
    assert calls == round_calls * 3
    for timing in timings:
        assert len(timing.bare) == len(timing.engine) == len(timing.bare_wall) == len(timing.engine_wall) == 2


def test_a_group_ratio_is_taken_round_by_round() -> None:
    english = Page("a", "eng", b"")
    # The second round ran on a busier machine: both sides slowed, the ratio did not.
    timings = [Timings(english, bare=[1.0, 3.0, 1.0], engine=[1.2, 3.6, 1.2])]
    assert group_ratio(timings) == pytest.approx(1.2)
    # Several pages: the round's seconds added up, so that a long page weighs more than a short one.
    timings.append(Timings(english, bare=[0.2, 0.2, 0.2], engine=[0.6, 0.6, 0.6]))
    assert group_ratio(timings) == pytest.approx(1.8 / 1.2)


def test_the_report_gives_each_language_count_and_the_turned_pages_apart() -> None:
    def timed(page: Page, bare: float, engine: float) -> Timings:
        # Wall time twice the CPU time on the engine's side: a busy machine, reported beside, not as the ratio.
        return Timings(page, [bare] * 3, [engine] * 3, [bare] * 3, [2 * engine] * 3)

    lines = ratio_lines(
        [
            timed(Page("one", "eng", b""), 1.0, 1.1),
            timed(Page("two", "deu+eng", b""), 2.0, 2.4),
            timed(Page("three", "chi_sim+eng", b""), 2.0, 3.0),
            timed(Page("turned", "eng", b"", turned=True), 1.0, 4.0),
        ]
    )
    text = "\n".join(lines)
    assert "1 language: 1 pages (eng)" in text
    assert "2 languages: 2 pages (chi_sim+eng, deu+eng)" in text
    one = next(line for line in lines if "1 language:" in line)
    two = next(line for line in lines if "2 languages:" in line)
    turned = next(line for line in lines if line.lstrip().startswith("turned"))
    assert one.endswith("1.10x (wall 2.20x)")
    assert two.endswith(f"{5.4 / 4.0:4.2f}x (wall {10.8 / 4.0:4.2f}x)")
    assert turned.endswith("4.00x (wall 8.00x)")


def test_the_engines_ocr_work_is_recorded_reading_by_reading() -> None:
    from bench.ocr import readings_lines
    from recordengine.extraction import ocr as engine_ocr

    if not engine_ocr.ocr_available():
        pytest.skip("OCR is not installed here")
    recognise = engine_ocr._recognise
    receipt = next(page for page in make_pages(None)[0] if page.name == "English receipt")

    lines = readings_lines([receipt], ocr._engine_read)

    # An upright English receipt: one reading, in English, prepared the first way.
    assert lines[1:] == ["   English receipt: eng (adaptive)"]
    # The OCR module is left as it was.
    assert engine_ocr._recognise is recognise


def test_a_reading_told_more_than_its_turn_is_recorded_and_passed_on(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.ocr import recording_readings
    from recordengine.extraction import ocr as engine_ocr

    received: list[tuple[object, ...]] = []

    def recognise(*arguments: object) -> str:
        received.append(arguments)
        return "page"

    monkeypatch.setattr(engine_ocr, "_recognise", recognise)

    class Preparation:
        name = "adaptive"

    preparation = Preparation()
    with recording_readings() as made:
        # As a later engine may call it: with more than the turn (here a layout flag).
        assert vars(engine_ocr)["_recognise"]("chi_sim+eng", None, 1.0, preparation, 90, True) == "page"
    assert made == ["chi_sim+eng turned 90° (adaptive)"]
    assert received == [("chi_sim+eng", None, 1.0, preparation, 90, True)]
    assert vars(engine_ocr)["_recognise"] is recognise
