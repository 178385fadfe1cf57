"""`python -m bench ocr`: time per page of the engine's OCR against a bare tesserocr call, same pages, same run.

The pages are drawn here with Pillow (invented text, never a file of ../shared/corpus): an English invoice and
till receipt, a German invoice, a Chinese invoice and the English invoice turned a quarter turn, as a scanner
or a phone leaves them. Each page is saved as PNG, as an upload is.

- The engine: ``extract_document`` on the PNG, which is what the extraction function does with an image
  (decoding, preparation, every OCR reading it decides to make, then the fields).
- The reference: tesserocr alone with the trained data the page is written in (eng; deu+eng; chi_sim+eng),
  one ``PyTessBaseAPI`` per set of languages created before anything is timed; per page the PNG decoded
  (``PIL.Image.open``), ``SetImage`` and ``GetUTF8Text``, Tesseract's defaults otherwise.

Both are warmed up on every page first (the engine keeps its engines, one per set of languages, as it does in
a warm execution environment). Each round reads every page, the reference right before the engine, so that
both see the same machine load; each figure is a median over BENCH_OCR_ROUNDS rounds (default 3). The
figures are CPU time (the process's, all threads), which another process's load on a shared machine barely
moves; the ratio of wall times is shown beside. Ratios are
given per language count (pages read with one language's trained data, and with two: the page's language
and English); the turned page is reported apart, since the reference does not turn it and reads noise.

The Chinese page needs a font with Han characters (found with fontconfig's ``fc-list :lang=zh``); without
one it is left out and the report says so. The section ends with the trained data the engine found and its
size: the languages the extraction function carries (its whole unzipped size is the size section's).
"""

from __future__ import annotations

import io
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL.Image import Image

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROUNDS = 3
MIB = 1024 * 1024
MEDIA_TYPE = "image/png"
# A4 at 200 dpi: a common scanner setting, and a size the engine reads without scaling it.
PAGE_SIZE = (1654, 2339)
FONT_SIZE = 34
RECEIPT_WIDTH = 620
TURN_DEGREES = 90
HAN_FONT_MISSING = "no font with Han characters (fc-list :lang=zh finds none; apt-get install fonts-wqy-microhei)"

# (left, top, text) on a page.
Row = tuple[int, int, str]


def _invoice_rows(
    lines: Sequence[tuple[str, str]], heading: Sequence[str], totals: Sequence[tuple[str, str]]
) -> list[Row]:
    rows: list[Row] = [(120, 140 + 60 * index, text) for index, text in enumerate(heading)]
    top = 140 + 60 * len(heading) + 120
    for index, (description, amount) in enumerate(lines):
        rows += [(120, top + 60 * index, description), (1250, top + 60 * index, amount)]
    top += 60 * len(lines) + 100
    for index, (label, amount) in enumerate(totals):
        rows += [(800, top + 60 * index, label), (1250, top + 60 * index, amount)]
    return rows


ENGLISH_INVOICE = _invoice_rows(
    [
        ("Website maintenance, March", "450.00"),
        ("Hosting, 12 months", "240.00"),
        ("Domain renewal", "18.00"),
        ("Support hours (6 x 75.00)", "450.00"),
        ("Security certificate", "60.00"),
    ],
    [
        "Bluewater Web Studio Ltd",
        "14 Harbour Lane, Newtown NT4 2QX",
        "",
        "INVOICE",
        "Invoice No: BW-20931",
        "Invoice Date: 12 March 2025",
        "Due Date: 11 April 2025",
        "Bill to: Greenfield Bakery",
    ],
    [("Subtotal", "1,218.00"), ("VAT 20%", "243.60"), ("Total due GBP", "1,461.60")],
)
GERMAN_INVOICE = _invoice_rows(
    [
        ("Wartung der Heizungsanlage", "380,00"),
        ("Austausch Umwälzpumpe", "265,50"),
        ("Anfahrt und Fahrtkosten", "45,00"),
        ("Kleinmaterial, Dichtungen", "22,80"),
        ("Arbeitszeit 3 Std. à 58,00", "174,00"),
    ],
    [
        "Müller & Söhne Haustechnik GmbH",
        "Lindenstraße 27, 34117 Kassel",
        "",
        "RECHNUNG",
        "Rechnungsnummer: 2025-0417",
        "Rechnungsdatum: 14.03.2025",
        "Zahlbar innerhalb von 14 Tagen ohne Abzug",
        "Kunde: Bäckerei Sonnenschein",
    ],
    [("Zwischensumme", "887,30"), ("MwSt. 19 %", "168,59"), ("Gesamtbetrag EUR", "1.055,89")],
)
CHINESE_INVOICE = _invoice_rows(
    [
        ("办公用品 打印纸", "360.00"),
        ("墨盒 黑色 两个", "298.00"),
        ("文件夹 蓝色", "45.50"),
        ("签字笔 一盒", "36.00"),
        ("订书机", "28.00"),
    ],
    [
        "上海青山办公用品有限公司",
        "上海市长宁区远景路 88 号",
        "",
        "增值税普通发票",
        "发票号码: 20931758",
        "开票日期: 2025年03月12日",
        "购买方: 南京绿野面包店",
        "",
    ],
    [("合计金额", "767.50"), ("税额 13%", "99.78"), ("价税合计", "867.28")],
)
ENGLISH_RECEIPT: list[tuple[str, str]] = [
    ("MAPLE CORNER DELI", ""),
    ("8 Orchard Road, Eastfield", ""),
    ("Date: 03/05/2025 12:41", ""),
    ("", ""),
    ("Chicken wrap", "6.50"),
    ("Tomato soup", "4.20"),
    ("Sparkling water", "1.80"),
    ("Brownie", "2.95"),
    ("", ""),
    ("SUBTOTAL", "15.45"),
    ("TAX", "1.24"),
    ("TOTAL", "16.69"),
    ("CARD", "16.69"),
    ("", ""),
    ("Thank you, come again", ""),
]


def draw_page(rows: Sequence[Row], font: Any, size: tuple[int, int] = PAGE_SIZE) -> Image:
    from PIL import Image as PILImage
    from PIL import ImageDraw

    image = PILImage.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for left, top, text in rows:
        draw.text((left, top), text, font=font, fill=0)
    return image


def draw_receipt(lines: Sequence[tuple[str, str]], font: Any, width: int = RECEIPT_WIDTH) -> Image:
    """A narrow till receipt: each label at the left, its price flush against the right edge."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    line_height = 48
    image = PILImage.new("L", (width, 60 + line_height * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for index, (label, price) in enumerate(lines):
        top = 30 + index * line_height
        draw.text((20, top), label, font=font, fill=0)
        if price:
            draw.text((width - 20 - draw.textlength(price, font=font), top), price, font=font, fill=0)
    return image


def han_font_file() -> str | None:
    """A font file with Han characters, as fontconfig knows it; None when there is none (or no fontconfig)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        listed = subprocess.run(  # noqa: S603 - fontconfig's own lister, no input from outside
            [fc_list, ":lang=zh", "file"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    files = sorted(line.strip().rstrip(":") for line in listed.splitlines() if line.strip())
    return files[0] if files else None


@dataclass(frozen=True)
class Page:
    name: str
    # The trained data the page is written in, as Tesseract names it: what the reference reads it with.
    languages: str
    content: bytes
    turned: bool = False

    @property
    def language_count(self) -> int:
        return len(self.languages.split("+"))


def _png(image: Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def make_pages(han_font: str | None) -> tuple[list[Page], list[str]]:
    """The pages to read, and what was left out and why."""
    from PIL import ImageFont

    latin = ImageFont.load_default(size=FONT_SIZE)
    english = draw_page(ENGLISH_INVOICE, latin)
    pages = [
        Page("English invoice", "eng", _png(english)),
        Page("English receipt", "eng", _png(draw_receipt(ENGLISH_RECEIPT, ImageFont.load_default(size=30)))),
        Page("German invoice", "deu+eng", _png(draw_page(GERMAN_INVOICE, latin))),
    ]
    left_out: list[str] = []
    if han_font is None:
        left_out.append(f"Chinese invoice: {HAN_FONT_MISSING}")
    else:
        pages.append(
            Page(
                "Chinese invoice",
                "chi_sim+eng",
                _png(draw_page(CHINESE_INVOICE, ImageFont.truetype(han_font, FONT_SIZE))),
            )
        )
    pages.append(
        Page(
            f"English invoice turned {TURN_DEGREES}°",
            "eng",
            _png(english.rotate(TURN_DEGREES, expand=True)),
            turned=True,
        )
    )
    return pages, left_out


class BareTesseract:
    """tesserocr alone: one PyTessBaseAPI per set of languages, made before anything is timed."""

    def __init__(self, tessdata: str) -> None:
        self.tessdata = tessdata
        self.apis: dict[str, Any] = {}

    def read(self, page: Page) -> str:
        from PIL import Image as PILImage
        from tesserocr import PyTessBaseAPI

        api = self.apis.get(page.languages)
        if api is None:
            api = self.apis[page.languages] = PyTessBaseAPI(path=self.tessdata, lang=page.languages)
        api.SetImage(PILImage.open(io.BytesIO(page.content)))
        return str(api.GetUTF8Text())

    def close(self) -> None:
        for api in self.apis.values():
            api.End()


def _engine_read(page: Page) -> object:
    from recordengine.builtin_profiles import INVOICE_PROFILE
    from recordengine.extraction.engine import extract_document

    return extract_document(page.content, MEDIA_TYPE, INVOICE_PROFILE)


def _seconds(work: Callable[[Page], object], page: Page) -> tuple[float, float]:
    """CPU seconds (the process's, all threads) and wall seconds ``work`` took on ``page``."""
    cpu, wall = time.process_time(), time.perf_counter()
    work(page)
    return time.process_time() - cpu, time.perf_counter() - wall


@dataclass
class Timings:
    """CPU seconds per round: ``bare[i]`` and ``engine[i]`` were measured one right after the other; and the
    wall seconds of the same reads."""

    page: Page
    bare: list[float]
    engine: list[float]
    bare_wall: list[float] = field(default_factory=list)
    engine_wall: list[float] = field(default_factory=list)

    @property
    def wall(self) -> Timings:
        return Timings(self.page, self.bare_wall, self.engine_wall)


def measure(
    pages: Sequence[Page], bare: Callable[[Page], object], engine: Callable[[Page], object], rounds: int
) -> list[Timings]:
    """Each page read by both, warmed up once, then ``rounds`` times: the reference right before the engine."""
    for page in pages:
        bare(page)
        engine(page)
    timings = [Timings(page, [], []) for page in pages]
    for _ in range(rounds):
        for timing in timings:
            for work, cpu, wall in (
                (bare, timing.bare, timing.bare_wall),
                (engine, timing.engine, timing.engine_wall),
            ):
                seconds, elapsed = _seconds(work, timing.page)
                cpu.append(seconds)
                wall.append(elapsed)
    return timings


def group_ratio(timings: Sequence[Timings]) -> float:
    """The median over rounds of the round's ratio (the pages' engine seconds over their bare seconds), so
    that a round the machine was slower in weighs on both sides of its ratio alike."""
    rounds = min(len(timing.bare) for timing in timings)
    return statistics.median(
        sum(timing.engine[index] for timing in timings) / sum(timing.bare[index] for timing in timings)
        for index in range(rounds)
    )


def _line(label: str, timings: Sequence[Timings]) -> str:
    walls = [timing.wall for timing in timings]
    engine = statistics.median(statistics.median(timing.engine) for timing in timings)
    bare = statistics.median(statistics.median(timing.bare) for timing in timings)
    return (
        f"   {label:<46} engine {engine * 1000:6.0f} ms/page, bare {bare * 1000:6.0f} ms/page of CPU: "
        f"{group_ratio(timings):4.2f}x"
        + (f" (wall {group_ratio(walls):4.2f}x)" if all(wall.bare for wall in walls) else "")
    )


def ratio_lines(timings: Sequence[Timings]) -> list[str]:
    """Per page, then per language count (upright pages), then the turned pages apart."""
    lines = ["-- per page (medians over the rounds)"]
    lines += [_line(f"{timing.page.name} ({timing.page.languages})", [timing]) for timing in timings]
    lines.append("-- per language count (median page; ratio of the pages' seconds, median over the rounds)")
    upright = [timing for timing in timings if not timing.page.turned]
    for count in sorted({timing.page.language_count for timing in upright}):
        group = [timing for timing in upright if timing.page.language_count == count]
        languages = ", ".join(sorted({timing.page.languages for timing in group}))
        lines.append(_line(f"{count} language{'s' if count > 1 else ''}: {len(group)} pages ({languages})", group))
    turned = [timing for timing in timings if timing.page.turned]
    if turned:
        lines.append(_line(f"turned: {len(turned)} page(s), bare reads them as they are", turned))
    return lines


@contextmanager
def recording_readings() -> Iterator[list[str]]:
    """The OCR work the engine does while inside: each Tesseract reading (its languages, turn and preparation)
    and each orientation and script detection, in order. Wraps the OCR module's two calls into Tesseract;
    records nothing when they are not there (renamed), rather than failing the section."""
    from recordengine.extraction import ocr

    made: list[str] = []
    # The module's namespace, untyped: the calls are wrapped whatever their signatures have become.
    namespace = vars(ocr)
    recognise: Callable[..., Any] | None = namespace.get("_recognise")
    detect: Callable[..., Any] | None = namespace.get("_orientation_and_script")

    def recording_recognise(languages: str, image: Any, deadline: float, preparation: Any, *rest: Any) -> Any:
        # rest: the turn, and whatever else a reading is told (passed on as it came).
        turned = f" turned {rest[0]}°" if rest and rest[0] else ""
        made.append(f"{languages}{turned} ({preparation.name})")
        assert recognise is not None
        return recognise(languages, image, deadline, preparation, *rest)

    def recording_detect(image: Any) -> Any:
        made.append("orientation and script")
        assert detect is not None
        return detect(image)

    if recognise is None or detect is None:
        yield made
        return
    namespace.update(_recognise=recording_recognise, _orientation_and_script=recording_detect)
    try:
        yield made
    finally:
        namespace.update(_recognise=recognise, _orientation_and_script=detect)


def readings_lines(pages: Sequence[Page], engine: Callable[[Page], object]) -> list[str]:
    """What the engine read on each page, once more after the timed rounds: where its time beyond one
    reading goes."""
    lines = ["-- the engine's OCR work per page (Tesseract readings, in order)"]
    for page in pages:
        with recording_readings() as made:
            try:
                engine(page)
            except Exception as error:  # the timings above stand; say what stopped this account
                made.append(f"stopped: {type(error).__name__}: {error}")
        lines.append(f"   {page.name}: {', '.join(made) or 'not recorded'}")
    return lines


def trained_data_lines(tessdata: str) -> list[str]:
    files = sorted(Path(tessdata).glob("*.traineddata"))
    total = sum(path.stat().st_size for path in files)
    each = ", ".join(f"{path.stem} {path.stat().st_size / MIB:.1f}" for path in files)
    return [
        f"-- trained data the engine reads with: {len(files)} files, {total / MIB:.1f} MiB ({each} MiB); "
        "the extraction function's whole unzipped size: python -m bench size"
    ]


def report() -> list[str]:
    layer = str(ROOT / "layers" / "common")
    for path in (layer, str(ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    from recordengine.extraction import ocr

    rounds = max(1, int(os.environ.get("BENCH_OCR_ROUNDS", str(DEFAULT_ROUNDS))))
    lines = [
        "== ocr: CPU time per image page, the engine's extract_document vs a bare tesserocr call with the page's "
        f"trained data (same pages, same run, median of {rounds} rounds)"
    ]
    tessdata = ocr.tessdata_dir()
    if not ocr.ocr_available() or tessdata is None:
        return [*lines, "   skipped: OCR is not available here (tesserocr or its trained data missing)"]
    pages, left_out = make_pages(han_font_file())
    unavailable = [page for page in pages if not set(page.languages.split("+")) <= ocr.installed_languages()]
    left_out += [f"{page.name}: no {page.languages} trained data" for page in unavailable]
    pages = [page for page in pages if page not in unavailable]
    bare = BareTesseract(tessdata)
    try:
        timings = measure(pages, bare.read, _engine_read, rounds)
    finally:
        bare.close()
    lines += ratio_lines(timings)
    lines += readings_lines(pages, _engine_read)
    lines += [f"   left out: {reason}" for reason in left_out]
    return lines + trained_data_lines(tessdata)
