"""A page's text layer read by PDFium (pypdfium2): its characters with their boxes, laid out as lines.

PDFium reads a page's text about ten times faster than pypdf's layout mode. Its characters come with their
boxes; they are grouped into words (split at spaces, line breaks and jumps in position) and the words laid
out into lines of text with their columns kept, by the same code that lays out OCR's words: a gap of more
than about two characters between words becomes at least three spaces, which the field heuristics read as
a new cell. pypdfium2 ships in the extraction function's layer only; where it is missing, text.py reads the
page with pypdf's layout mode instead. Chosen by the PDF_TEXT_READER setting ("pdfium"; default "pypdf"):
on the corpus it is not yet as accurate as pypdf's layout mode with e-invoice reading off (README, Extraction).

PDFium is not thread-safe: every call into it holds ``raster.PDFIUM`` (the renderer's lock).
"""

from __future__ import annotations

from typing import Any

from .ocr import Word, _median, lay_out

# Coordinates are PDF points (1/72 inch); words are laid out in tenths of a point.
_SCALE = 10.0
# Reading a page's characters stops after this many: more than a page's text can use (text.MAX_CHARS).
MAX_CHARS_PER_PAGE = 100_000
# Narrower characters than the print's, as in pypdf's layout mode: columns further apart.
CHAR_WIDTH_SCALE = 0.7
_SPACES = frozenset(" \t\r\n\u00a0\u2002\u2003\u2007\u2009\u200a\u202f\u3000\ufffe\uffff\x00")


def available() -> bool:
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        return False
    return True


def page_text(textpage: Any, page_height: float, limit: int = MAX_CHARS_PER_PAGE) -> str:
    """The page's text as lines, columns kept: ``textpage`` is a ``pypdfium2.PdfTextPage``."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    handle = textpage.raw
    count = min(pdfium_c.FPDFText_CountChars(handle), limit)
    box = pdfium_c.FS_RECTF()
    box_ref = ctypes.byref(box)
    unicode_of = pdfium_c.FPDFText_GetUnicode
    loose_box = pdfium_c.FPDFText_GetLooseCharBox

    words: list[Word] = []
    chars: list[str] = []
    left = top = right = bottom = 0.0
    last_right = last_top = last_bottom = 0.0

    def close() -> None:
        if chars:
            words.append(
                Word(
                    "".join(chars),
                    round(left * _SCALE),
                    round((page_height - top) * _SCALE),
                    max(1, round((right - left) * _SCALE)),
                    max(1, round((top - bottom) * _SCALE)),
                    100.0,
                    len(words),
                )
            )
            chars.clear()

    for index in range(count):
        code = unicode_of(handle, index)
        char = chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else " "
        if char in _SPACES or not char.isprintable():
            close()
            continue
        if not loose_box(handle, index, box_ref):
            continue
        char_left, char_top, char_right, char_bottom = box.left, box.top, box.right, box.bottom
        if chars:
            height = max(top - bottom, char_top - char_bottom, 1.0)
            # The next line, or a jump along this one (a cell drawn without a space before it).
            if (
                abs((char_top + char_bottom) - (last_top + last_bottom)) > height
                or char_left < last_right - 0.5 * height
                or char_left > last_right + 0.5 * height
            ):
                close()
        if not chars:
            left, top, right, bottom = char_left, char_top, char_right, char_bottom
        else:
            right = max(right, char_right)
            top = max(top, char_top)
            bottom = min(bottom, char_bottom)
        chars.append(char)
        last_right, last_top, last_bottom = char_right, char_top, char_bottom
    close()
    if not words:
        return ""
    _widen_cell_gaps(words)
    return lay_out(words, CHAR_WIDTH_SCALE * _median([word.width / len(word.text) for word in words]))[0]


def _widen_cell_gaps(words: list[Word]) -> None:
    """PDFium reads the run of spaces between two cells of one string ("Qty   Unit Price") as one space;
    lay_out measures gaps in characters, and a few narrow spaces may fall short of a new cell. A gap wider
    than a space (over 0.6 of the line's height) is widened to two characters, which lay_out reads as one."""
    if len(words) < 2:
        return
    char_width = _median([word.width / len(word.text) for word in words])
    shift = 0
    for index in range(1, len(words)):
        before, word = words[index - 1], words[index]
        if abs(word.top - before.top) >= word.height:
            shift = 0
            continue
        gap = word.left + shift - (before.left + before.width)
        if gap > 0.6 * word.height:
            shift += max(0, round(2 * char_width) - gap)
        if shift:
            words[index] = Word(word.text, word.left + shift, word.top, word.width, word.height, 100.0, word.line)
