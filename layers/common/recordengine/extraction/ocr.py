"""OCR for scans and photos: Tesseract, when its binary is installed, turned into layout text.

Tesseract is an optional system binary (``apt-get install tesseract-ocr``, ``brew install tesseract``),
detected at run time; without it, scans and images end in ``UnreadableDocument`` saying that OCR is not
available. Scanned PDFs are first rasterised with poppler's ``pdftoppm`` (same condition): both are
external processes, run with a timeout on inputs of bounded size (image dimensions are checked from
the header before anything decodes them; pages are rendered at a fixed pixel size), so a hostile file
cannot hang the function or exhaust its memory. The recognised words, with their positions, are laid
out as text in which columns stay apart, the same shape as the PDF text layer, so that one set of
layout-aware field heuristics serves both.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import UnreadableDocument

# A photo of a receipt is a few megapixels; A4 at 300 dpi is 8.7. Anything over this is refused before it
# is decoded (an image's pixel buffer, not its file size, is what exhausts memory).
MAX_IMAGE_PIXELS = 60_000_000
MAX_IMAGE_SIDE = 30_000
# Pages of a scanned PDF that are OCR'd (each costs about a second or two).
MAX_OCR_PAGES = 5
OCR_TIMEOUT_SECONDS = 30.0
RASTER_TIMEOUT_SECONDS = 30.0
# Pages are rendered to this many pixels on their long side (A4 at 300 dpi), whatever size the PDF
# declares: a page claiming to be 200 inches wide must not become a gigapixel bitmap.
RASTER_LONG_SIDE = 3508
# Words Tesseract is less sure of than this are noise (specks, lines, stamps).
MIN_WORD_CONFIDENCE = 30.0
# Tesseract's page segmentation mode: 3 is "fully automatic" (columns found as blocks).
PAGE_SEGMENTATION = "3"
# Languages used when installed: the engine's label vocabulary covers these.
PREFERRED_LANGUAGES = ("eng", "deu", "fra", "nld")

OCR_NOT_AVAILABLE = "This is an image; OCR is not available in this deployment."
SCAN_NOT_AVAILABLE = "This is a scanned image; OCR is not available in this deployment."
IMAGE_TOO_LARGE = "The image is too large to read ({width} x {height} pixels)."
IMAGE_TOO_LARGE_IN_PDF = "The PDF contains an image too large to read."
IMAGE_CORRUPT = "The image file is corrupt or truncated."
OCR_FAILED = "The image could not be read by OCR."
OCR_TIMED_OUT = "OCR took too long on this document."
NO_TEXT_FOUND = "No text could be recognised in the image."


@dataclass(frozen=True)
class Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float
    # Tesseract's (block, paragraph, line) numbers: the words it read as one line of text.
    line: tuple[int, int, int] = (0, 0, 0)


def find_tesseract() -> str | None:
    """The Tesseract binary's path, or None when it is not installed."""
    return shutil.which("tesseract")


def find_pdftoppm() -> str | None:
    return shutil.which("pdftoppm")


def ocr_available() -> bool:
    return find_tesseract() is not None


# ---------------------------------------------------------------------------------------------------
# Image headers: dimensions without decoding


def image_size(content: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG, JPEG or TIFF header; None when the header cannot be read."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        if len(content) < 24 or content[12:16] != b"IHDR":
            return None
        width, height = struct.unpack(">II", content[16:24])
        return width, height
    if content.startswith(b"\xff\xd8"):
        return _jpeg_size(content)
    if content[:4] in (b"II*\x00", b"MM\x00*"):
        return _tiff_size(content)
    return None


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    index = 2
    # Markers with a frame header (SOF0..SOF15 but DHT, JPG and DAC) carry the dimensions.
    frames = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
    while index + 4 <= len(content):
        if content[index] != 0xFF:
            return None
        marker = content[index + 1]
        if marker == 0xFF:
            index += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            index += 2
            continue
        (length,) = struct.unpack(">H", content[index + 2 : index + 4])
        if marker in frames:
            if index + 9 > len(content):
                return None
            height, width = struct.unpack(">HH", content[index + 5 : index + 9])
            return width, height
        if marker == 0xDA or length < 2:
            return None
        index += 2 + length
    return None


def _tiff_size(content: bytes) -> tuple[int, int] | None:
    order = "<" if content[:2] == b"II" else ">"
    try:
        (offset,) = struct.unpack(order + "I", content[4:8])
        (count,) = struct.unpack(order + "H", content[offset : offset + 2])
        width = height = None
        for entry in range(min(count, 200)):
            start = offset + 2 + 12 * entry
            tag, kind = struct.unpack(order + "HH", content[start : start + 4])
            if kind == 3:
                (value,) = struct.unpack(order + "H", content[start + 8 : start + 10])
            else:
                (value,) = struct.unpack(order + "I", content[start + 8 : start + 12])
            if tag == 256:
                width = value
            elif tag == 257:
                height = value
        return (width, height) if width and height else None
    except struct.error:
        return None


def check_image(content: bytes) -> None:
    """Refuse images whose header is unreadable or whose pixel count would exhaust memory when decoded."""
    size = image_size(content)
    if size is None:
        raise UnreadableDocument(IMAGE_CORRUPT)
    width, height = size
    if width <= 0 or height <= 0:
        raise UnreadableDocument(IMAGE_CORRUPT)
    if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_SIDE:
        raise UnreadableDocument(IMAGE_TOO_LARGE.format(width=width, height=height))


# ---------------------------------------------------------------------------------------------------
# Running the binaries


def _run(arguments: list[str], data: bytes | None, timeout: float) -> bytes:
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        completed = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            arguments,
            input=data,
            capture_output=True,
            timeout=timeout,
            check=False,
            env=environment,
        )
    except subprocess.TimeoutExpired as exc:
        raise UnreadableDocument(OCR_TIMED_OUT) from exc
    except OSError as exc:
        raise UnreadableDocument(OCR_FAILED) from exc
    if completed.returncode != 0:
        raise UnreadableDocument(OCR_FAILED)
    return completed.stdout


@lru_cache(maxsize=4)
def _languages(binary: str) -> str:
    try:
        listed = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [binary, "--list-langs"], capture_output=True, timeout=10, check=False, text=True
        ).stdout.split()
    except (OSError, subprocess.TimeoutExpired):
        listed = []
    chosen = [language for language in PREFERRED_LANGUAGES if language in listed]
    return "+".join(chosen or ["eng"])


def ocr_words(image: bytes, timeout: float = OCR_TIMEOUT_SECONDS) -> list[Word]:
    """Tesseract's words with positions (its TSV output) for one image."""
    binary = find_tesseract()
    if binary is None:
        raise UnreadableDocument(OCR_NOT_AVAILABLE)
    arguments = [binary, "stdin", "stdout", "-l", _languages(binary), "--psm", PAGE_SEGMENTATION, "tsv"]
    output = _run(arguments, image, timeout)
    return parse_tsv(output.decode("utf-8", errors="replace"))


def parse_tsv(tsv: str) -> list[Word]:
    words: list[Word] = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue
        text = cells[11].strip()
        try:
            left, top, width, height = (int(cell) for cell in cells[6:10])
            confidence = float(cells[10])
            line = (int(cells[2]), int(cells[3]), int(cells[4]))
        except ValueError:
            continue
        if text and confidence >= MIN_WORD_CONFIDENCE:
            words.append(Word(text, left, top, width, height, confidence, line))
    return words


def rasterise_pdf(content: bytes, pages: int, deadline: float) -> list[bytes]:
    """PNG images of the first ``pages`` pages of a PDF, by pdftoppm."""
    binary = find_pdftoppm()
    if binary is None:
        raise UnreadableDocument(SCAN_NOT_AVAILABLE)
    with tempfile.TemporaryDirectory(prefix="ocr-") as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(content)
        timeout = max(1.0, min(RASTER_TIMEOUT_SECONDS, deadline - time.monotonic()))
        arguments = [binary, "-scale-to", str(RASTER_LONG_SIDE), "-gray", "-png", "-f", "1", "-l", str(pages)]
        _run([*arguments, str(source), str(Path(folder) / "page")], None, timeout)
        images = sorted(Path(folder).glob("page*.png"))
        return [image.read_bytes() for image in images[:pages]]


# ---------------------------------------------------------------------------------------------------
# Words to layout text


def words_to_text(words: list[Word]) -> str:
    """The words as lines of text with their horizontal positions kept: a gap of more than about two
    characters between words becomes at least three spaces, which the layout reads as a new cell."""
    if not words:
        return ""
    char_width = _median([word.width / max(1, len(word.text)) for word in words]) or 10.0
    slope = _skew(words)

    def centre(word: Word) -> float:
        # Photos and scans are often slightly rotated: a label and its amount at the far right of the
        # same printed line sit at different heights unless the tilt is taken out.
        return word.top + word.height / 2 - slope * (word.left + word.width / 2)

    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda item: (centre(item), item.left)):
        if rows:
            last = rows[-1]
            row_centre = _median([centre(item) for item in last])
            row_height = _median([item.height for item in last])
            if abs(centre(word) - row_centre) <= 0.5 * max(row_height, word.height):
                last.append(word)
                continue
        rows.append([word])

    lines: list[str] = []
    previous_bottom: float | None = None
    for row in rows:
        row.sort(key=lambda item: item.left)
        top = min(item.top for item in row)
        height = _median([item.height for item in row])
        if previous_bottom is not None and top - previous_bottom > 1.5 * height:
            lines.append("")
        previous_bottom = max(item.top + item.height for item in row)
        line = ""
        last_right: int | None = None
        for word in row:
            column = int(word.left / char_width)
            if last_right is None:
                line = " " * column
            else:
                gap = word.left - last_right
                spaces = 1 if gap < 1.8 * char_width else max(3, column - len(line))
                line += " " * spaces
            line += word.text
            last_right = word.left + word.width
        lines.append(line.rstrip())
    return "\n".join(lines)


def _skew(words: list[Word]) -> float:
    """The page's tilt (vertical pixels per horizontal pixel), from the lines Tesseract read."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
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
