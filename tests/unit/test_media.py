import pytest

from recordengine.media import JPEG, PDF, PNG, TIFF, sniff_media_type


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", PDF),
        (b"\x00" * 20 + b"%PDF-1.4\n", PDF),  # a header after leading junk, as the PDF spec allows
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", JPEG),
        (b"II*\x00\x08\x00\x00\x00", TIFF),
        (b"MM\x00*\x00\x00\x00\x08", TIFF),
    ],
)
def test_supported_types_are_recognised_by_content(head, expected):
    assert sniff_media_type(head) == expected


@pytest.mark.parametrize(
    "head",
    [b"", b"hello, world", b"PK\x03\x04 a zip named invoice.pdf", b"<html><body>%PDF-</body>"[:5], b"GIF89a"],
)
def test_anything_else_is_refused(head):
    assert sniff_media_type(head) is None


def test_a_pdf_header_beyond_the_first_kilobyte_does_not_count():
    assert sniff_media_type(b" " * 2000 + b"%PDF-1.7") is None
