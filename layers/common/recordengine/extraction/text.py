"""The text layer of a PDF, and the reasons a PDF cannot be read.

pypdf opens the file and enforces the reading limits (truncation, encryption, decompression bombs, page
trees, pieces of text per page and per document), finds an embedded e-invoice and, for scans, the largest
image; each page that passes is then laid out by PDFium (textlayer.py: as pypdf's layout mode lays it out,
from PDFium's text objects and the page's content stream, in a fraction of the time; the default), or by
pypdf's layout mode (PDF_TEXT_READER=pypdf, or where pypdfium2 is not installed or PDFium cannot read the
page).
"""

from __future__ import annotations

import io
import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .budget import within
from .errors import UnreadableDocument
from .geometry import PageGeometry, Piece

if TYPE_CHECKING:
    from pypdf import PageObject, PdfReader

    from .einvoice import EInvoice

# A document with more pages than this is read only in part: invoices keep their header and totals on
# the first pages, and a hostile PDF with a million pages must not tie up the function.
MAX_PAGES = 50
# Extraction is per page, so the budget is checked between pages; a single slow page can overrun it.
TIME_BUDGET_SECONDS = 20.0
# Bound the field heuristics' work, whatever the page count: invoices laid out as text run to a few tens of
# thousands of characters, their lines to a few hundred (measured on the corpus: 20,000 and 370 at most).
MAX_CHARS = 100_000
MAX_LINE_CHARS = 1_000

# pypdf's resource limits, lowered from its defaults (75 MB per stream, 100,000 page tree entries): an
# invoice's content streams are kilobytes, and a few hundred pages at most. A FlateDecode stream that
# inflates past the cap (a decompression bomb) stops pypdf with LimitReachedError, as does a page tree
# with more entries than the cap; both are reported as TOO_LARGE.
MAX_STREAM_BYTES = 20_000_000
MAX_PAGE_TREE_ENTRIES = 5_000
PDF_LIMITS: dict[str, Any] = {
    "maximum_declared_stream_length": MAX_STREAM_BYTES,
    "array_based_stream_maximum_output_length": MAX_STREAM_BYTES,
    "jbig2_maximum_output_length": MAX_STREAM_BYTES,
    "lzw_maximum_output_length": MAX_STREAM_BYTES,
    "run_length_maximum_output_length": MAX_STREAM_BYTES,
    "zlib_maximum_output_length": MAX_STREAM_BYTES,
    "brotli_maximum_output_length": MAX_STREAM_BYTES,
    "image_maximum_buffer_size": MAX_STREAM_BYTES,
    "stream_decoding_work_maximum_length": 3 * MAX_STREAM_BYTES,
    "page_tree_maximum_entries": MAX_PAGE_TREE_ENTRIES,
    "page_tree_maximum_page_entries": 4 * MAX_PAGE_TREE_ENTRIES,
    "xform_maximum_invocations_per_extraction": 500,
}

# An invoice page draws hundreds to a few thousand pieces of text (1,106 at most on the corpus); laying out
# 200,000 takes minutes and hundreds of megabytes. A document's pages are read until their pieces add up to
# the second figure (a few seconds of layout).
MAX_TEXT_SHOWS_PER_PAGE = 20_000
MAX_TEXT_SHOWS_PER_DOCUMENT = 60_000

NOT_A_PDF = "The file is not a valid PDF (truncated or corrupt)."
TOO_BUSY = (
    f"A page of the PDF draws more than {MAX_TEXT_SHOWS_PER_PAGE:,} pieces of text, far beyond any document's, "
    "and is not read."
)
ENCRYPTED = "The PDF is encrypted and cannot be read."
TOO_LARGE = (
    "The PDF exceeds the reading limits (a part expands beyond "
    f"{MAX_STREAM_BYTES // 1_000_000} MB, or it has more than {MAX_PAGE_TREE_ENTRIES:,} pages)."
)

# Lone UTF-16 surrogates come out of some fonts' ToUnicode maps; they cannot be encoded as UTF-8 later.
_SURROGATES = re.compile("[\ud800-\udfff]")
_TRANSLATE = str.maketrans(
    {
        "\u00a0": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": "",
        "\ufeff": "",
        "\u00ad": "",
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\t": "    ",
        "\r": "",
    }
)
_WORD = re.compile(r"[^\W\d_]{2,}")

# pypdf logs a warning or an error for every malformed object or font it recovers from (it keeps going
# in non-strict mode); on uploaded documents those are routine and not actionable, and would flood the
# function's logs. What cannot be recovered raises, and is reported as UnreadableDocument.
logging.getLogger("pypdf").setLevel(logging.CRITICAL)


def normalize(text: str) -> str:
    return _SURROGATES.sub("", text).translate(_TRANSLATE)


def _short_lines(text: str) -> str:
    if len(text) <= MAX_LINE_CHARS or all(len(line) <= MAX_LINE_CHARS for line in text.split("\n")):
        return text
    return "\n".join(line[:MAX_LINE_CHARS] for line in text.split("\n"))


def has_usable_text(pages: list[str]) -> bool:
    """Whether the text carries words enough to read: scans have none, broken font maps yield only symbols,
    and OCR of a blank page a few specks."""
    return _usable(*_counts(pages))


def _usable(words: list[str], letters: int, visible: int) -> bool:
    return len(words) >= 5 and letters >= 30 and letters >= 0.3 * visible


def has_text_layer(pages: list[str]) -> bool:
    """Whether a PDF's text layer is to be read rather than its pages' images: text enough to read, or a short
    document that is clean text ("Invoice 42 / Total 5.00 EUR"), not the symbols of a broken font map."""
    words, letters, visible = _counts(pages)
    return _usable(words, letters, visible) or (len(words) >= 2 and letters >= 0.6 * visible)


def _counts(pages: list[str]) -> tuple[list[str], int, int]:
    text = "\n".join(pages)
    words = _WORD.findall(text)
    # str.split() cuts at exactly the characters isspace() finds: what is left is the visible text.
    return words, sum(len(word) for word in words), sum(len(part) for part in text.split())


def _looks_truncated(content: bytes) -> bool:
    """Whether the file stops short of its end. Every complete PDF ends with %%EOF (incremental updates append
    another one); pypdf's lenient parser would otherwise rebuild a partial file and silently return half a
    document. Bytes some tools leave after the %%EOF (padding, a mail footer) are no truncation, unless they
    hold the objects of an update that was cut off."""
    end = content.rfind(b"%%EOF")
    if end < 0:
        return True
    after = content[end + len(b"%%EOF") :]
    return any(keyword in after for keyword in _PDF_STRUCTURE)


_PDF_STRUCTURE = (b" obj", b"endobj", b"xref", b"trailer", b"startxref")


@dataclass
class PdfContent:
    pages: list[str]
    page_count: int
    einvoice: EInvoice | None = None
    # The pixels of the images each of the first pages draws (see _read_pages): what rendering them decodes.
    page_image_pixels: list[int] = field(default_factory=list)
    # Where each read page's lines are printed (PDFium's reading only; None for a page pypdf read).
    geometry: list[PageGeometry | None] = field(default_factory=list)


@contextmanager
def pdf_limits() -> Iterator[None]:
    """pypdf's lowered resource limits, for the current thread (pypdf keeps them in a ContextVar)."""
    from pypdf import apply_configuration

    with apply_configuration(**PDF_LIMITS):
        yield


def _is_limit(exc: BaseException) -> bool:
    from pypdf.errors import LimitReachedError

    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return False
        if isinstance(seen, (LimitReachedError, RecursionError, MemoryError)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def read_pdf_pages(content: bytes) -> list[str]:
    """The normalized text of the first pages, in layout mode so that columns stay apart."""
    return read_pdf(content).pages


def read_pdf(content: bytes, *, einvoice: bool = False, reader: str | None = None) -> PdfContent:
    """The PDF's text layer, and with ``einvoice`` the e-invoice it carries as an embedded file.

    ``reader``: "pypdf" (layout mode) or "pdfium" lays out the text; default: the PDF_TEXT_READER setting."""
    if reader is None:
        from recordengine.settings import get_settings

        reader = get_settings().pdf_text_reader
    with pdf_limits():
        return _read_pdf(content, einvoice, pdfium=reader == "pdfium")


def _read_pdf(content: bytes, einvoice: bool, *, pdfium: bool = False) -> PdfContent:
    if b"%PDF-" not in content[:1024]:
        raise UnreadableDocument(NOT_A_PDF)
    if _looks_truncated(content):
        raise UnreadableDocument(NOT_A_PDF)

    # Imported here: pypdf costs tens of milliseconds to import, and most callers of this package
    # (the API functions) never extract anything.
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            _decrypt(reader)
        page_count = len(reader.pages)
    except UnreadableDocument:
        raise
    except Exception as exc:  # pypdf raises many types (and plain ValueError/KeyError) on bad input
        raise UnreadableDocument(TOO_LARGE if _is_limit(exc) else NOT_A_PDF) from exc
    if page_count == 0:
        raise UnreadableDocument(NOT_A_PDF)

    embedded = None
    if einvoice:
        from .einvoice import read_embedded_einvoice

        embedded = read_embedded_einvoice(reader)

    deadline = within(TIME_BUDGET_SECONDS)
    with _Pdfium.open(content if pdfium else None) as pdfium_document:
        pages, busy, failures, over_limit, image_pixels, geometry = _read_pages(
            reader, pdfium_document, page_count, deadline
        )
    if embedded is None and busy and not has_text_layer(pages):
        # A page refused as too busy is not read by OCR either: rendering it is the same work.
        raise UnreadableDocument(TOO_BUSY)
    if embedded is None and not any(page.strip() for page in pages):
        if over_limit:
            raise UnreadableDocument(TOO_LARGE)
        if failures:
            raise UnreadableDocument(NOT_A_PDF)
    return PdfContent(pages, page_count, embedded, image_pixels, geometry)


def _read_pages(
    reader: PdfReader, pdfium_document: _Pdfium, page_count: int, deadline: float
) -> tuple[list[str], int, int, bool, list[int], list[PageGeometry | None]]:
    """The first pages' text, and how many pages were too busy, how many failed, whether a limit was hit,
    the pixels of the images each of the first pages draws (up to the first page whose images could not
    be counted), and where each read page's lines are printed. A page that draws an image, or images, too
    large to decode is refused before PDFium loads it: loading decodes its inline images."""
    from .images import (
        IMAGE_TOO_LARGE_IN_PDF,
        IMAGE_TOO_MANY_SCANS_IN_PDF,
        MAX_IMAGE_PIXELS,
        MAX_JPEG_SCANS,
        MAX_PAGE_PIXELS,
    )
    from .pdf_images import drawn_images

    pages: list[str] = []
    geometry: list[PageGeometry | None] = []
    image_pixels: list[int] = []
    total = 0
    failures = busy = shows = 0
    over_limit = False
    for index in range(min(page_count, MAX_PAGES)):
        if pages and time.monotonic() > deadline:
            break
        try:
            page = reader.pages[index]
        except Exception as exc:
            over_limit = over_limit or _is_limit(exc)
            failures += 1
            continue
        counted = _pieces_of_text(page)
        if counted is None:
            over_limit = True
            failures += 1
            continue
        drawn, content = counted
        try:
            images = drawn_images(page, content)
        except UnreadableDocument:
            raise
        except Exception as exc:
            if _is_limit(exc):
                raise UnreadableDocument(TOO_LARGE) from exc
            # Images that cannot be counted are not decoded: the page is neither read nor rendered.
            failures += 1
            continue
        if images.largest > MAX_IMAGE_PIXELS or images.total > MAX_PAGE_PIXELS:
            raise UnreadableDocument(IMAGE_TOO_LARGE_IN_PDF)
        if images.most_scans > MAX_JPEG_SCANS:
            raise UnreadableDocument(IMAGE_TOO_MANY_SCANS_IN_PDF.format(scans=images.most_scans))
        if len(image_pixels) == index:
            image_pixels.append(images.total)
        if drawn > MAX_TEXT_SHOWS_PER_PAGE:
            busy += 1
            continue
        shows += drawn
        if pages and shows > MAX_TEXT_SHOWS_PER_DOCUMENT:
            # Laying out text costs time in proportion to its pieces: the first pages are read.
            break
        placed = pdfium_document.page_text(index, content)
        text, limited, lines = placed or (*_page_text(page), None)
        over_limit = over_limit or limited
        if text is None:
            failures += 1
            continue
        text = _short_lines(normalize(text))[: MAX_CHARS - total]
        total += len(text)
        pages.append(text)
        geometry.append(PageGeometry(index + 1, lines) if lines is not None else None)
        if total >= MAX_CHARS:
            break
    return pages, busy, failures, over_limit, image_pixels, geometry


def _decrypt(reader: PdfReader) -> None:
    from pypdf import PasswordType

    try:
        # Many PDFs are encrypted only to restrict printing or copying, with an empty user password;
        # every viewer opens those without asking, and so do we.
        result = reader.decrypt("")
    except Exception as exc:
        raise UnreadableDocument(ENCRYPTED) from exc
    if result == PasswordType.NOT_DECRYPTED:
        raise UnreadableDocument(ENCRYPTED)


def _pieces_of_text(page: PageObject) -> tuple[int, bytes | None] | None:
    """How many pieces of text the page draws (its own and its forms', counted in the decoded content streams
    before anything is laid out: laying out each piece costs time and memory), and the page's decoded content
    stream; None when decoding the page hit a resource limit (a decompression bomb). A page too broken to
    count is left to the reading."""
    from pypdf.generic import DictionaryObject, StreamObject

    try:
        contents = page.get_contents()
        data = contents.get_data() if contents is not None else b""
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else None
        forms = resources.get("/XObject") if isinstance(resources, DictionaryObject) else None
        forms = forms.get_object() if forms is not None else None
        busiest_form = 0
        if isinstance(forms, DictionaryObject):
            for reference in list(forms.values())[:50]:
                form = reference.get_object()
                if isinstance(form, StreamObject) and form.get("/Subtype") == "/Form":
                    busiest_form = max(busiest_form, _text_shows(form.get_data()))
        # A form is drawn each time the page says "Do": count it as often as the page draws forms.
        return _text_shows(data) + data.count(b" Do") * busiest_form, data
    except Exception as exc:
        return None if _is_limit(exc) else (0, None)


def _text_shows(data: bytes) -> int:
    return data.count(b"Tj") + data.count(b"TJ") + data.count(b"'") + data.count(b'"')


class _Pdfium:
    """The document as PDFium reads it, when pypdfium2 is installed and PDFium can open it; else nothing."""

    def __init__(self, document: Any) -> None:
        self.document = document

    @classmethod
    @contextmanager
    def open(cls, content: bytes | None) -> Iterator[_Pdfium]:
        from .textlayer import available

        document = None
        if content is not None and available():
            import pypdfium2 as pdfium

            from .raster import PDFIUM

            with PDFIUM:
                try:
                    document = pdfium.PdfDocument(content)
                except pdfium.PdfiumError:
                    document = None
        try:
            yield cls(document)
        finally:
            if document is not None:
                from .raster import PDFIUM

                with PDFIUM:
                    document.close()

    def page_text(self, index: int, content: bytes | None = None) -> tuple[str, bool, list[list[Piece]]] | None:
        """The page's text as PDFium lays it out, whether a limit stopped it (never) and where its lines are
        printed; None when there is no PDFium or it cannot read the page."""
        if self.document is None:
            return None
        import pypdfium2 as pdfium

        from .raster import PDFIUM
        from .textlayer import placed_page_text

        with PDFIUM:
            try:
                if index >= len(self.document):
                    return None
                page = self.document[index]
                try:
                    textpage = page.get_textpage()
                    try:
                        text, lines = placed_page_text(textpage, content)
                        return text, False, lines
                    finally:
                        textpage.close()
                finally:
                    page.close()
            except pdfium.PdfiumError:
                return None


def _page_text(page: PageObject) -> tuple[str | None, bool]:
    """The page's text (None when unreadable), and whether a resource limit stopped the reading."""
    limited = False
    for mode in ("layout", "plain"):
        # Layout mode is stricter about content streams than plain mode; plain text beats nothing.
        try:
            return page.extract_text(extraction_mode=mode), limited
        except Exception as exc:
            if _is_limit(exc):
                # A bomb fails the same way in plain mode: do not inflate it twice.
                return None, True
            continue
    return None, limited
