"""A page's text layer read by PDFium (pypdfium2), laid out as pypdf's layout mode lays it out.

PDFium reads a page's text about ten times faster than pypdf's layout mode. This module rebuilds that mode's
page from PDFium's text objects: each object is one text-showing operator of the page's content stream
(its matrix, font size and text come from PDFium, where its text ends and the gaps inside it from its
characters' boxes), and the content stream itself, decoded by pypdf for its limits, tells which objects
one BT ... ET block draws. As pypdf does, the objects one block draws on one line form a group whose gaps
become as many spaces as fit in them, the groups are put on lines by their baseline (lines less than a
font height apart merged when their text starts at different x) and each group at the fixed-width column
its left edge falls in, the column being the average character's width over 1.25. Text drawn by forms
(which pypdf's layout mode does not read) and pages whose operators cannot be matched to PDFium's objects
are read with each object a block of its own. Rotated text is left out, as pypdf leaves it out. pypdfium2
ships in the extraction function's layer only; where it is missing, text.py reads the page with pypdf's
layout mode instead.

PDFium is not thread-safe: every call into it holds ``raster.PDFIUM`` (the renderer's lock).
"""

from __future__ import annotations

import bisect
import ctypes
import math
import re
from typing import Any

from .geometry import Box, Piece, clamp, turned_clockwise

# Reading a page's text stops after this many characters: more than a page's text can use (text.MAX_CHARS).
MAX_CHARS_PER_PAGE = 100_000
# The objects read on a page, and in each form it draws (text, paths and images alike): an invoice's page
# draws a few thousand at most.
MAX_OBJECTS_PER_PAGE = 200_000
# pypdf's layout mode: a group is split where the text jumps back more than this many spaces; the fixed
# column is the average character's width over SCALE_WEIGHT; whitespace and blank lines are capped.
BACK_JUMP_SPACES = 5
SCALE_WEIGHT = 1.25
WHITESPACE_LIMIT = 10_000
NEWLINE_LIMIT = 1_000
# A space's width in a font size where PDFium knows none of the font's widths: Helvetica's and Arial's.
SPACE = 0.278
# How far a line's ink reaches above and below its baseline, in font heights: the box drawn around a value.
ASCENT = 0.8
DESCENT = 0.25
# The font descriptor's FixedPitch flag.
_FIXED_PITCH = 1

# The content stream's strings (one level of nested parentheses) and arrays (TJ's) replaced by "(x)" when
# they show something (PDFium makes no text object of nothing); then the operators that show one,
# and the BT and ET that open and close text objects. Each pattern starts with one character, which the
# regular expression engine finds fast.
_LITERAL = re.compile(rb"\((?:[^()\\]+|\\.|\((?:[^()\\]+|\\.)*\))+\)", re.DOTALL)
_HEX = re.compile(rb"<[\s]*[0-9A-Fa-f][0-9A-Fa-f\s]*>")
_ARRAY = re.compile(rb"\[[^\[\]]*?\(x\)[^\[\]]*\]")
_SHOW = re.compile(rb"\(x\)\s*(?:TJ|Tj|'|\")")
_BEGIN = re.compile(rb"BT(?![^\s\[\]()<>/%{}])")
_END = re.compile(rb"ET(?![^\s\[\]()<>/%{}])")


def available() -> bool:
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        return False
    return True


def text_blocks(content: bytes) -> list[int] | None:
    """The BT ... ET block of each operator in ``content`` (a decoded content stream) that shows text, in
    order; None when one shows text outside a block."""
    stripped = _ARRAY.sub(b"(x)", _HEX.sub(b"(x)", _LITERAL.sub(b"(x)", content)))
    begins = [match.start() for match in _BEGIN.finditer(stripped)]
    ends = [match.start() for match in _END.finditer(stripped)]
    blocks: list[int] = []
    for match in _SHOW.finditer(stripped):
        at = match.start()
        block = bisect.bisect(begins, at) - 1
        if block < 0 or bisect.bisect(ends, at) > bisect.bisect(ends, begins[block]):
            return None
        blocks.append(block)
    return blocks


class _Piece:
    """One text object's text where it is drawn: pypdf's text-showing operator."""

    __slots__ = ("block", "font_height", "obj", "page_space", "right", "scale", "size", "space", "text", "x", "y")

    def __init__(self, text: str, x: float, y: float, right: float, font_height: float, obj: int) -> None:
        self.text, self.x, self.y, self.right, self.font_height, self.obj = text, x, y, right, font_height, obj
        # A space's width in text space (pypdf's test for text jumping back) and on the page (its gaps), read
        # from the object's font when first needed (fonts.spaces): a piece drawn alone in its block needs none.
        self.space = self.page_space = -1.0
        self.size = self.scale = 0.0
        self.block = -1


class _Fonts:
    """The space widths of the page's fonts, read once a font."""

    def __init__(self, api: _Api) -> None:
        self.api = api
        self.widths: dict[int, float] = {}
        self.pitch: dict[int, bool] = {}

    def fixed(self, piece: _Piece) -> bool:
        font = self.api.get_font(piece.obj) or 0
        pitch = self.pitch.get(font)
        if pitch is None:
            pitch = self.pitch[font] = _fixed_pitch(self.api, font)
        return pitch

    def spaces(self, piece: _Piece) -> _Piece:
        if piece.space < 0:
            font = self.api.get_font(piece.obj) or 0
            em = self.widths.get(font)
            if em is None:
                em = self.widths[font] = _space_width(self.api, font)
            piece.space = em * piece.size
            piece.page_space = piece.space * piece.scale
        return piece


class _Group:
    """pypdf's BTGroup: the text one block draws on one line."""

    __slots__ = ("fixed", "font_height", "right", "text", "x", "y")

    def __init__(self, piece: _Piece, text: str, right: float, fixed: bool) -> None:
        self.x, self.y, self.font_height, self.text, self.right = piece.x, piece.y, piece.font_height, text, right
        # Drawn in a fixed-pitch font: its characters are equally wide (geometry.Piece.even).
        self.fixed = fixed


def placed_page_text(
    textpage: Any, content: bytes | None = None, limit: int = MAX_CHARS_PER_PAGE
) -> tuple[str, list[list[Piece]]]:
    """The page's text as lines, columns kept, and where each line's pieces are printed on the page as it is
    shown (geometry.py): ``textpage`` is a ``pypdfium2.PdfTextPage``, ``content`` the page's decoded content
    stream (which tells its text objects' blocks apart)."""
    fonts = _Fonts(_api())
    pieces, top_level = _pieces(textpage, limit, fonts)
    blocks = text_blocks(content) if content is not None else None
    if blocks is not None and len(blocks) == len(top_level):
        for piece, block in zip(top_level, blocks, strict=True):
            if piece is not None:
                piece.block = block
        next_block = (blocks[-1] + 1) if blocks else 0
    else:
        next_block = 0
    for piece in pieces:
        if piece.block < 0:
            piece.block = next_block
            next_block += 1
    return _layout(_groups(pieces, fonts), _Frame.of(textpage.page))


class _Frame:
    """The page as it is shown: its crop box in page space and its clockwise turn (quarter turns)."""

    def __init__(self, left: float, bottom: float, right: float, top: float, quarters: int) -> None:
        self.left, self.bottom, self.width, self.height = left, bottom, right - left, top - bottom
        self.quarters = quarters

    @classmethod
    def of(cls, page: Any) -> _Frame:
        left, bottom, right, top = page.get_cropbox()
        return cls(left, bottom, right, top, page.get_rotation() // 90)

    def box(self, group: _Group) -> Box | None:
        if self.width <= 0 or self.height <= 0:
            return None
        top = group.y + ASCENT * group.font_height
        bottom = group.y - DESCENT * group.font_height
        upright = (
            (group.x - self.left) / self.width,
            (self.bottom + self.height - top) / self.height,
            (group.right - self.left) / self.width,
            (self.bottom + self.height - bottom) / self.height,
        )
        return clamp(turned_clockwise(upright, self.quarters))


def _pieces(textpage: Any, limit: int, fonts: _Fonts) -> tuple[list[_Piece], list[_Piece | None]]:
    """The page's text objects in drawing order, and among them its own (not its forms'), a rotated or
    empty one as None."""
    api = _api()
    page = ctypes.cast(textpage.page.raw, ctypes.c_void_p).value or 0
    handle = ctypes.cast(textpage.raw, ctypes.c_void_p).value or 0
    matrix = api.matrix_type()
    matrix_ref = ctypes.byref(matrix)
    size = ctypes.c_float()
    size_ref = ctypes.byref(size)
    bounds = [ctypes.c_float() for _ in range(4)]
    bounds_refs = [ctypes.byref(value) for value in bounds]
    box = api.rect_type()
    box_ref = ctypes.byref(box)
    capacity = 1024
    buffer = ctypes.create_string_buffer(capacity)
    get_text, get_matrix, get_size = api.get_text, api.get_matrix, api.get_size
    char_object, loose_box, string_at = api.char_object, api.loose_box, ctypes.string_at
    pieces: list[_Piece] = []
    top_level: list[_Piece | None] = []
    # The page's characters as PDFium orders them, to find each object's among them (from where the last
    # one ended): its gaps and where its text ends (an object's bounds end at its last glyph's ink, pypdf's
    # text at its advance).
    chars = textpage.get_text_range(count=min(textpage.count_chars(), limit))
    cursor = 0
    total = 0

    def read(obj: int, length: int) -> _Piece | None:
        nonlocal buffer, capacity, cursor, total
        if length > capacity:
            capacity = length + 2
            buffer = ctypes.create_string_buffer(capacity)
            length = get_text(obj, handle, buffer, capacity)
        text = string_at(buffer, max(length - 2, 0)).decode("utf-16-le", "replace")
        if not text.strip():
            return None
        get_matrix(obj, matrix_ref)
        a, b, d = matrix.a, matrix.b, matrix.d
        if abs(d) <= 1e-6 or (d < -1e-6 and a < -1e-6):
            return None  # rotated: pypdf's layout mode leaves it out
        get_size(obj, size_ref)
        x, y = matrix.e, matrix.f
        piece = _Piece("", x, -y if d < 0 else y, x, size.value * math.hypot(b, d), obj)
        piece.size, piece.scale = size.value, abs(a)
        end: float | None = None
        # Found right where the last object ended, a long text is the object's; else it is the first place
        # PDFium says is the object's.
        start = chars.find(text, cursor)
        if start < 0 or ((start != cursor or len(text) < 8) and char_object(handle, start) != obj):
            start = _find(chars, text, obj, handle, char_object)
        inked = len(text.rstrip(" \r\n"))
        if start >= 0 and not loose_box(handle, start + inked - 1, box_ref):
            start = -1
        if start >= 0:
            end = box.right
            cursor = start + len(text)
            # PDFium gives an object the space the next one starts with: pypdf the next object.
            while text.endswith(" ") and char_object(handle, start + len(text) - 1) != obj:
                text = text[:-1]
            if " " in text:
                text = _spaced(text, start, fonts.spaces(piece).page_space, handle, api, box, box_ref)
        if not text.isprintable():
            # PDFium marks a hyphen that ends a line as 0x02, and reads line ends inside an object as CR LF.
            text = text.replace("\x02", "-").replace("\r", "").replace("\n", "")
        if not text.strip():
            return None
        if end is None:
            # Not found among the page's characters: the object's bounds, which end at its last glyph's ink.
            api.get_bounds(obj, *bounds_refs)
            end = bounds[2].value
        # pypdf's text ends at its advance, trailing spaces included.
        trailing = len(text) - len(text.rstrip(" "))
        piece.right = max(end, x) + (trailing * fonts.spaces(piece).page_space if trailing else 0.0)
        piece.text = text
        total += len(text)
        return piece

    def walk(container: int, count: int, get: Any, own: bool) -> None:
        # A text object's text, read first: PDFium answers nothing for any other object (a form: its own).
        for index in range(min(count, MAX_OBJECTS_PER_PAGE)):
            if total >= limit:
                return
            obj = get(container, index)
            if not obj:
                continue
            length = get_text(obj, handle, buffer, capacity)
            if length:
                piece = read(obj, length)
                if piece is not None:
                    pieces.append(piece)
                if own:
                    top_level.append(piece)
            else:
                objects = api.form_count(obj)
                if objects > 0:
                    walk(obj, objects, api.form_object, False)

    walk(page, api.page_count(page), api.page_object, True)
    return pieces, top_level


def _find(chars: str, text: str, obj: int, handle: int, char_object: Any) -> int:
    """Where the object's text starts among the page's characters (the first place PDFium says is the
    object's, of a few); -1 when it is not found."""
    start = chars.find(text)
    for _ in range(8):
        if start < 0:
            return -1
        if char_object(handle, start) == obj:
            return start
        start = chars.find(text, start + 1)
    return -1


def _spaced(text: str, start: int, space: float, handle: int, api: _Api, box: Any, box_ref: Any) -> str:
    """The object's ``text`` (its first character the page's ``start``) with its gaps as spaces of width
    ``space``. PDFium reads a gap a string leaves by moving its position (TJ's offsets) as one generated
    space (none after a space, and a run of spaces as one); pypdf's layout mode as many spaces as fit in it
    (a new piece of text, as each string of a TJ is). A generated space, which is drawn with no width, stands
    for the gap between its neighbours; a real one is followed by it."""
    if space <= 0:
        return text
    loose_box = api.loose_box
    parts: list[str] = []
    last = len(text) - 1
    done = 0
    offset = text.find(" ")
    while offset >= 0:
        parts.append(text[done:offset])
        done = offset + 1
        index = start + offset
        if not loose_box(handle, index, box_ref):
            parts.append(" ")
        else:
            made = box.right - box.left < 1e-3
            if offset == last or (offset == 0 and made):
                if not made:
                    parts.append(" ")
            elif made and not loose_box(handle, index - 1, box_ref):
                parts.append(" ")
            else:
                before = box.right
                if not loose_box(handle, index + 1, box_ref):
                    parts.append(" ")
                else:
                    gap = round(box.left - before, 3)
                    fitting = min(round(gap / space), WHITESPACE_LIMIT) if gap > 0 else 0
                    parts.append(" " * (fitting if made else 1 + fitting))
        offset = text.find(" ", done)
    parts.append(text[done:])
    return "".join(parts)


class _Api:
    """The PDFium functions read here, taking and answering plain addresses: pypdfium2's typed pointers would
    need a cast a call, and a text object's address is compared with the one a character names."""

    def __init__(self) -> None:
        import pypdfium2.raw as pdfium_c

        def bind(name: str, restype: Any, *argtypes: Any) -> Any:
            function = getattr(pdfium_c, name)
            return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value or 0)

        pointer, number, real = ctypes.c_void_p, ctypes.c_int, ctypes.c_float
        self.matrix_type = pdfium_c.FS_MATRIX
        self.page_count = bind("FPDFPage_CountObjects", number, pointer)
        self.page_object = bind("FPDFPage_GetObject", pointer, pointer, number)
        self.form_count = bind("FPDFFormObj_CountObjects", number, pointer)
        self.form_object = bind("FPDFFormObj_GetObject", pointer, pointer, ctypes.c_ulong)
        self.get_text = bind("FPDFTextObj_GetText", ctypes.c_ulong, pointer, pointer, pointer, ctypes.c_ulong)
        self.get_matrix = bind("FPDFPageObj_GetMatrix", number, pointer, pointer)
        self.get_size = bind("FPDFTextObj_GetFontSize", number, pointer, pointer)
        self.get_font = bind("FPDFTextObj_GetFont", pointer, pointer)
        self.get_bounds = bind("FPDFPageObj_GetBounds", number, pointer, pointer, pointer, pointer, pointer)
        self.font_flags = bind("FPDFFont_GetFlags", number, pointer)
        self.glyph_width = bind("FPDFFont_GetGlyphWidth", number, pointer, ctypes.c_uint32, real, pointer)
        self.char_object = bind("FPDFText_GetTextObject", pointer, pointer, number)
        self.is_generated = bind("FPDFText_IsGenerated", number, pointer, number)
        self.loose_box = bind("FPDFText_GetLooseCharBox", number, pointer, number, pointer)
        self.rect_type = pdfium_c.FS_RECTF


_API: _Api | None = None


def _api() -> _Api:
    global _API
    if _API is None:
        _API = _Api()
    return _API


def _space_width(api: _Api, font: int) -> float:
    """The font's space width in a font size, as pypdf reads it from the font's widths: without a space
    (PDFium then answers a whole em), a fixed-pitch font's character width, another font's half of it
    (an "a"'s standing for the font's default width); SPACE when PDFium knows no widths."""
    width = ctypes.c_float()
    if not font or not api.glyph_width(font, 0x20, 1.0, ctypes.byref(width)) or not 0.05 < width.value < 2.0:
        return SPACE
    if width.value < 0.95:
        return float(width.value)
    if not api.glyph_width(font, 0x61, 1.0, ctypes.byref(width)) or not 0.05 < width.value < 2.0:
        return SPACE
    return float(width.value) if api.font_flags(font) & _FIXED_PITCH else float(width.value) / 2


def _fixed_pitch(api: _Api, font: int) -> bool:
    """Whether the font's characters are equally wide: flagged so, or an "i" as wide as an "m" (the standard
    fonts, Courier among them, carry no flags)."""
    if not font:
        return False
    if api.font_flags(font) & _FIXED_PITCH:
        return True
    narrow, wide = ctypes.c_float(), ctypes.c_float()
    if not api.glyph_width(font, 0x69, 1.0, ctypes.byref(narrow)) or not api.glyph_width(
        font, 0x6D, 1.0, ctypes.byref(wide)
    ):
        return False
    return narrow.value > 0 and abs(narrow.value - wide.value) < 1e-3


def _groups(pieces: list[_Piece], fonts: _Fonts) -> list[_Group]:
    """pypdf's BT groups: within a block, the pieces on one line with their gaps as spaces."""
    groups: list[_Group] = []
    index = 0
    while index < len(pieces):
        block = pieces[index].block
        end = index
        while end < len(pieces) and pieces[end].block == block:
            end += 1
        first = pieces[index]
        text = ""
        last_right, last_y = first.right, first.y
        for piece in pieces[index:end]:
            if piece is not first:
                fonts.spaces(piece)
            if abs(piece.y - last_y) > piece.font_height:
                if text.strip():
                    groups.append(_Group(first, text, last_right, fonts.fixed(first)))
                first, text = piece, ""
            if last_right - piece.x > piece.space * BACK_JUMP_SPACES:
                if text.strip():
                    groups.append(_Group(first, text, last_right, fonts.fixed(first)))
                first, text = piece, ""
                last_right = piece.right
            if piece is not first and piece.page_space > 0:
                gap = round(piece.x - last_right, 3)
                spaces = min(round(gap / piece.page_space), WHITESPACE_LIMIT) if gap > 0 else 0
                text += " " * spaces
            text += piece.text
            last_y, last_right = piece.y, piece.right
        if text:
            groups.append(_Group(first, text, last_right, fonts.fixed(first)))
        index = end
    return groups


def _layout(groups: list[_Group], frame: _Frame) -> tuple[str, list[list[Piece]]]:
    """pypdf's fixed-width page: groups on lines by baseline, each at the column its left edge falls in; and
    each line's groups where they are printed."""
    if not groups:
        return "", []
    left = min(group.x for group in groups)
    lengths = sum(len(group.text) for group in groups) * SCALE_WEIGHT
    char_width = sum(group.right - group.x for group in groups) / lengths if lengths else 0.0
    groups.sort(key=lambda group: (group.y, -group.x), reverse=True)
    lines_of: dict[int, list[_Group]] = {}
    for group in groups:
        lines_of.setdefault(int(group.y), []).append(group)
    for members in lines_of.values():
        members.sort(key=lambda group: group.x)
    # Lines less than a font height apart merge, unless their text starts at the same x.
    keys = list(lines_of)
    last = keys[0]
    last_xs = {int(group.x) for group in lines_of[last] if group.text.strip()}
    for key in keys[1:]:
        height = min(lines_of[key][0].font_height, lines_of[last][0].font_height)
        xs = {int(group.x) for group in lines_of[key] if group.text.strip()}
        if not (xs & last_xs) and abs(key - last) < height:
            lines_of[last] = sorted(lines_of.pop(key) + lines_of[last], key=lambda group: group.x)
            last_xs |= xs
        else:
            last, last_xs = key, xs
    lines: list[str] = []
    placed: list[list[Piece]] = []
    last_y = 0
    for y, members in lines_of.items():
        if lines:
            height = members[0].font_height
            blank = 0 if height == 0 else int(abs(y - last_y) / height) - 1
            lines.extend([""] * min(max(blank, 0), NEWLINE_LIMIT))
            placed.extend([] for _ in range(len(lines) - len(placed)))
        parts: list[str] = []
        pieces: list[Piece] = []
        length = 0
        last_right = 0.0
        for group in members:
            x = group.x - left
            offset = int(x // char_width) if char_width else length
            needed = offset - length
            if needed > 0 and math.ceil(last_right) < int(x):
                needed = min(needed, WHITESPACE_LIMIT)
                parts.append(" " * needed)
                length += needed
            box = frame.box(group)
            if box is not None:
                pieces.append(Piece(length, length + len(group.text), box, group.fixed))
            parts.append(group.text)
            length += len(group.text)
            last_right = group.right - left
        line = "".join(parts).rstrip()
        if line.strip() or lines:
            lines.append(line)
            placed.append(pieces)
        last_y = y
    return "\n".join(lines), placed
