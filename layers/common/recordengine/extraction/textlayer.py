"""A page's text layer read by PDFium (pypdfium2): its characters with their boxes, laid out as lines.

PDFium reads a page's text about ten times faster than pypdf's layout mode. Its characters come with their
boxes and the text object that drew them; they are grouped into runs (one text object's characters, as
pypdf's layout mode groups the text each operator shows) and laid out as that mode lays out its runs, in
fixed-width columns, so that the field heuristics read the same cells (three or more spaces apart).
pypdfium2 ships in the extraction function's layer only; where it is missing, text.py reads the page with
pypdf's layout mode instead. Chosen by the PDF_TEXT_READER setting ("pdfium"; default "pypdf"):
on the corpus it is not yet as accurate as pypdf's layout mode with e-invoice reading off (README, Extraction).

PDFium is not thread-safe: every call into it holds ``raster.PDFIUM`` (the renderer's lock).
"""

from __future__ import annotations

import math
from typing import Any

# Reading a page's characters stops after this many: more than a page's text can use (text.MAX_CHARS).
MAX_CHARS_PER_PAGE = 100_000
# Measured against pypdf's layout mode on the corpus, in a font's height on the page (about 1.15 font
# sizes): the fixed column is the average character's width over WEIGHT (pypdf divides by 1.25, over text
# that counts every space); a gap inside a run wider than BIG is as many spaces of SPACE as fit in it,
# a narrower one (or spaces PDFium read as one) a single space; a blank line per LINE of vertical space.
WEIGHT = 1.6
SPACE = 0.3
BIG = 0.6
LINE = 0.87
# Runs less than MERGE heights apart vertically, and not at the same x, share a line (pypdf: one font size).
MERGE = 1.0


_TEXT_OBJECT: Any = None


def available() -> bool:
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        return False
    return True


def page_text(textpage: Any, limit: int = MAX_CHARS_PER_PAGE) -> str:
    """The page's text as lines, columns kept: ``textpage`` is a ``pypdfium2.PdfTextPage``.

    Laid out as pypdf's layout mode lays out its text: each run of characters that one text object draws is
    put at the column its left edge falls in, the column width being the average character's (weighted
    by the runs' lengths, over WEIGHT); runs less than a font height apart vertically share a line."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    global _TEXT_OBJECT
    if _TEXT_OBJECT is None:
        _TEXT_OBJECT = ctypes.CFUNCTYPE(ctypes.c_void_p, type(textpage.raw), ctypes.c_int)
    handle = textpage.raw
    count = min(pdfium_c.FPDFText_CountChars(handle), limit)
    box = pdfium_c.FS_RECTF()
    box_ref = ctypes.byref(box)
    x, y = ctypes.c_double(), ctypes.c_double()
    unicode_of = pdfium_c.FPDFText_GetUnicode
    loose_box = pdfium_c.FPDFText_GetLooseCharBox
    # The text object that drew a character, as a plain address: the binding's typed pointer would need a
    # cast per character.
    text_object = _TEXT_OBJECT(ctypes.cast(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p).value)

    runs: list[_Run] = []
    run: _Run | None = None
    spaces = 0
    owner: int | None = None
    for index in range(count):
        code = unicode_of(handle, index)
        if code in (0x0A, 0x0D):
            run = None
            spaces = 0
            continue
        char = chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else " "
        if not loose_box(handle, index, box_ref):
            continue
        drawn_by = text_object(handle, index)
        left, right = box.left, box.right
        if run is None or drawn_by != owner or left < run.right - 0.5 * run.height:
            if not char.strip():
                spaces += 1
                continue
            if run is not None and spaces:
                # A run keeps its trailing space, as pypdf's do: the next run starts a column further.
                run.chars.append(" ")
            pdfium_c.FPDFText_GetCharOrigin(handle, index, x, y)
            # The font's height on the page (its size times the text matrix's scale): about 1.15 font sizes.
            run = _Run([], left, right, y.value, max(box.top - box.bottom, 0.1))
            runs.append(run)
            owner = drawn_by
            spaces = 0
        elif not char.strip():
            spaces += 1
            continue
        else:
            # PDFium reads a run of spaces as one, and a gap the string leaves by moving its position as
            # none: as many spaces as fit in the gap (a space is about SPACE of the height).
            gap = left - run.right
            if gap > BIG * run.height:
                fitting = int(gap / (SPACE * run.height) + 0.5)
            else:
                fitting = 1 if spaces or gap > 0.15 * run.height else 0
            if fitting:
                run.chars.append(" " * fitting)
            spaces = 0
        run.chars.append(char)
        if right > run.right:
            run.right = right
    return _fixed_width(runs)


class _Run:
    __slots__ = ("chars", "height", "left", "right", "y")

    def __init__(self, chars: list[str], left: float, right: float, y: float, height: float) -> None:
        self.chars, self.left, self.right, self.y, self.height = chars, left, right, y, height


def _fixed_width(runs: list[_Run]) -> str:
    runs = [run for run in runs if "".join(run.chars).strip()]
    if not runs:
        return ""
    texts = {id(run): "".join(run.chars) for run in runs}
    lengths = sum(len(texts[id(run)]) for run in runs) * WEIGHT
    char_width = sum(run.right - run.left for run in runs) / lengths if lengths else 0.0
    left = min(run.left for run in runs)
    runs.sort(key=lambda run: (-run.y, run.left))
    # Lines: runs at the same height, and the next height's when less than a font height below and not
    # printed at the same x (a second row of a table cell).
    groups: list[tuple[float, float, list[_Run]]] = []
    for run in runs:
        if groups:
            y, height, members = groups[-1]
            if int(run.y) == int(y) or (
                abs(run.y - y) < MERGE * min(height, run.height) and all(int(run.left) != int(m.left) for m in members)
            ):
                members.append(run)
                continue
        groups.append((run.y, run.height, [run]))
    lines: list[str] = []
    last_y = 0.0
    for y, height, members in groups:
        if lines:
            lines.extend([""] * min(max(0, int(abs(last_y - y) / (LINE * height)) - 1), 10))
        members.sort(key=lambda run: run.left)
        line = ""
        last_right = 0.0
        for run in members:
            tx = run.left - left
            offset = int(tx // char_width) if char_width else len(line)
            if offset > len(line) and math.ceil(last_right) < int(tx):
                line += " " * min(offset - len(line), 200)
            line += texts[id(run)]
            last_right = run.right - left
        lines.append(line.rstrip())
        last_y = y
    return "\n".join(lines)
