"""The images a PDF's page draws, counted in pixels from their dictionaries, before anything decodes them.

PDFium decodes an image at the size its dictionary declares, whatever size the page draws it at: an image
XObject when the page is rendered, an inline image (``BI ... ID ... EI`` in a content stream) as soon as the
page is loaded, even only to read its text. So every image a page can draw is counted: the XObjects of its
resources, those of the forms it draws at any depth, of its patterns, Type 3 fonts and annotations'
appearances, their soft masks, and the inline images of every content stream among them. An image listed
but never drawn is counted too: the count is a bound, not a census.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import UnreadableDocument

if TYPE_CHECKING:
    from pypdf import PageObject

# Forms, patterns, fonts and appearances visited on one page: an invoice's page has a few; a page whose
# resources nest thousands deep is refused rather than walked.
MAX_CONTAINERS_PER_PAGE = 500
MAX_DEPTH = 20

TOO_NESTED = "A page of the PDF nests its forms and resources beyond any document's, and is not read."

# An inline image's dictionary runs from BI to ID (both free-standing operators); its size is /W and /H
# (or /Width and /Height). A dictionary is a few dozen bytes: the bound keeps a stray "BI" from scanning on.
_DELIMITED = rb"(?<![^\s\[\]()<>/%{}])"
_INLINE = re.compile(_DELIMITED + rb"BI(?=\s)(.{0,1000}?)(?<=\s)ID(?=\s)", re.DOTALL)
_INLINE_WIDTH = re.compile(rb"/W(?:idth)?\s+(\d+)")
_INLINE_HEIGHT = re.compile(rb"/H(?:eight)?\s+(\d+)")


@dataclass
class DrawnImages:
    """The images one page can draw: the largest, and the sum of all (each image once), and the most scans
    a JPEG (DCTDecode) image among them is encoded in."""

    largest: int = 0
    total: int = 0
    most_scans: int = 0

    def add(self, width: int, height: int) -> None:
        pixels = max(width, 0) * max(height, 0)
        self.largest = max(self.largest, pixels)
        self.total += pixels


def inline_images(content: bytes) -> list[tuple[int, int]]:
    """Width and height of each inline image a decoded content stream draws."""
    sizes: list[tuple[int, int]] = []
    for match in _INLINE.finditer(content):
        entries = match.group(1)
        width, height = _INLINE_WIDTH.search(entries), _INLINE_HEIGHT.search(entries)
        if width and height:
            sizes.append((int(width.group(1)), int(height.group(1))))
    return sizes


def drawn_images(page: PageObject, content: bytes | None) -> DrawnImages:
    """The images ``page`` (whose decoded content stream is ``content``) can draw; ``UnreadableDocument``
    when its resources nest too deep or too many, and pypdf's limit errors (a decompression bomb in a form)
    as they come."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    found = DrawnImages()
    seen: set[int] = set()
    visits = 0

    def resolved(value: Any) -> Any:
        return value.get_object() if isinstance(value, IndirectObject) else value

    def number(value: Any) -> int:
        try:
            return int(resolved(value) or 0)
        except (TypeError, ValueError):
            return 0

    def first_visit(reference: Any, target: Any) -> bool:
        key = reference.idnum if isinstance(reference, IndirectObject) else id(target)
        if key in seen:
            return False
        seen.add(key)
        return True

    def image(reference: Any, dictionary: StreamObject) -> None:
        if not first_visit(reference, dictionary):
            return
        found.add(number(dictionary.get("/Width")), number(dictionary.get("/Height")))
        filters = resolved(dictionary.get("/Filter"))
        if "/DCTDecode" in (list(filters) if isinstance(filters, ArrayObject) else [filters]):
            # The filters before DCTDecode are undone (within pypdf's limits), which leaves the JPEG file;
            # its scans are counted as images.check_image counts them.
            found.most_scans = max(found.most_scans, dictionary.get_data().count(b"\xff\xda"))
        for mask in ("/SMask", "/Mask"):
            masked = resolved(dictionary.get(mask))
            if isinstance(masked, StreamObject):
                image(dictionary.get(mask), masked)

    def container(reference: Any, target: Any, depth: int) -> None:
        """A form, pattern, Type 3 font or appearance: its inline images and its resources."""
        nonlocal visits
        if not isinstance(target, DictionaryObject) or not first_visit(reference, target):
            return
        visits += 1
        if visits > MAX_CONTAINERS_PER_PAGE or depth > MAX_DEPTH:
            raise UnreadableDocument(TOO_NESTED)
        if isinstance(target, StreamObject):
            for width, height in inline_images(target.get_data()):
                found.add(width, height)
        resources(target.get("/Resources"), depth + 1)
        # A Type 3 font's glyphs are content streams drawn with its resources.
        glyphs = resolved(target.get("/CharProcs"))
        if isinstance(glyphs, DictionaryObject):
            for glyph in list(glyphs.values())[:MAX_CONTAINERS_PER_PAGE]:
                container(glyph, resolved(glyph), depth + 1)

    def resources(value: Any, depth: int) -> None:
        dictionary = resolved(value)
        if not isinstance(dictionary, DictionaryObject):
            return
        for kind in ("/XObject", "/Pattern", "/Font"):
            named = resolved(dictionary.get(kind))
            if not isinstance(named, DictionaryObject):
                continue
            for reference in list(named.values())[: MAX_CONTAINERS_PER_PAGE + 1]:
                target = resolved(reference)
                if isinstance(target, StreamObject) and target.get("/Subtype") == "/Image":
                    image(reference, target)
                else:
                    container(reference, target, depth)

    def appearances(value: Any) -> None:
        annotations = resolved(value)
        if not isinstance(annotations, ArrayObject):
            return
        for annotation in list(annotations)[: MAX_CONTAINERS_PER_PAGE + 1]:
            annotation = resolved(annotation)
            shown = resolved(annotation.get("/AP")) if isinstance(annotation, DictionaryObject) else None
            if not isinstance(shown, DictionaryObject):
                continue
            for state in ("/N", "/R", "/D"):
                appearance = resolved(shown.get(state))
                if isinstance(appearance, StreamObject):
                    container(shown.get(state), appearance, 1)
                elif isinstance(appearance, DictionaryObject):
                    # An appearance per state (a checkbox's on and off).
                    for reference in list(appearance.values())[: MAX_CONTAINERS_PER_PAGE + 1]:
                        container(reference, resolved(reference), 1)

    for width, height in inline_images(content or b""):
        found.add(width, height)
    resources(page.get("/Resources"), 0)
    appearances(page.get("/Annots"))
    return found
