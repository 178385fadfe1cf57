"""What a file is, judged by its first bytes: the client's filename and Content-Type are not trusted."""

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"

SUPPORTED_MEDIA_TYPES = (PDF, PNG, JPEG, TIFF)

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
)

# The PDF specification allows the header anywhere in the first 1024 bytes, and real files use that.
_PDF_HEADER_WINDOW = 1024


def sniff_media_type(head: bytes) -> str | None:
    """The media type of a file from its first bytes, or None when it is none of the supported types."""
    for signature, media_type in _SIGNATURES:
        if head.startswith(signature):
            return media_type
    if b"%PDF-" in head[:_PDF_HEADER_WINDOW]:
        return PDF
    return None
