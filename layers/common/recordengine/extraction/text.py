"""The text layer of a PDF, read with pypdf, and the reasons a PDF cannot be read."""

from __future__ import annotations

import io
import logging
import re
import time
from typing import TYPE_CHECKING

from .errors import UnreadableDocument

if TYPE_CHECKING:
    from pypdf import PageObject, PdfReader

# A document with more pages than this is read only in part: invoices keep their header and totals on
# the first pages, and a hostile PDF with a million pages must not tie up the function.
MAX_PAGES = 50
# Extraction is per page, so the budget is checked between pages; a single slow page can overrun it.
TIME_BUDGET_SECONDS = 20.0
# Bounds the regex work downstream, whatever the page count.
MAX_CHARS = 400_000

NOT_A_PDF = "The file is not a valid PDF (truncated or corrupt)."
ENCRYPTED = "The PDF is encrypted and cannot be read."
NO_TEXT = "This is a scanned image; OCR is not available in this deployment."

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


def has_usable_text(pages: list[str]) -> bool:
    """Whether the text layer carries words: scans have none, and broken font maps yield only symbols."""
    text = "\n".join(pages)
    words = _WORD.findall(text)
    letters = sum(len(word) for word in words)
    visible = sum(1 for char in text if not char.isspace())
    return len(words) >= 5 and letters >= 30 and letters >= 0.3 * visible


def _looks_truncated(content: bytes) -> bool:
    # Every complete PDF ends with %%EOF (incremental updates append another one); pypdf's lenient
    # parser would otherwise rebuild a partial file and silently return half a document.
    return b"%%EOF" not in content.rstrip(b"\x00\r\n\t\f ")[-1024:]


def read_pdf_pages(content: bytes) -> list[str]:
    """The normalized text of the first pages, in layout mode so that columns stay apart."""
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
        raise UnreadableDocument(NOT_A_PDF) from exc
    if page_count == 0:
        raise UnreadableDocument(NOT_A_PDF)

    deadline = time.monotonic() + TIME_BUDGET_SECONDS
    pages: list[str] = []
    total = 0
    failures = 0
    for index in range(min(page_count, MAX_PAGES)):
        if pages and time.monotonic() > deadline:
            break
        try:
            page = reader.pages[index]
        except Exception:
            failures += 1
            continue
        text = _page_text(page)
        if text is None:
            failures += 1
            continue
        text = normalize(text)[: MAX_CHARS - total]
        total += len(text)
        pages.append(text)
        if total >= MAX_CHARS:
            break
    if failures and not any(page.strip() for page in pages):
        raise UnreadableDocument(NOT_A_PDF)
    return pages


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


def _page_text(page: PageObject) -> str | None:
    for mode in ("layout", "plain"):
        # Layout mode is stricter about content streams than plain mode; plain text beats nothing.
        try:
            return page.extract_text(extraction_mode=mode)
        except Exception:  # noqa: S112 - a broken page is skipped, the others may still be readable
            continue
    return None
