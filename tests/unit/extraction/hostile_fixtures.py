"""Hostile files for the robustness tests, generated here: PDFs written object by object, bad images."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence


def raw_pdf(objects: Sequence[bytes], root: int = 1) -> bytes:
    """A PDF of ``objects`` (object ``n`` is ``objects[n - 1]``) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _one_page(content: bytes, resources: bytes = b"<< >>") -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources " + resources + b" >>",
        content,
    ]


def decompression_bomb(inflated_bytes: int = 1 << 30) -> bytes:
    """One page whose FlateDecode content stream inflates to ``inflated_bytes`` (a gigabyte) of spaces."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    # A full flush resets the compressor, so every megabyte after the first compresses to the same bytes:
    # compress two, repeat the second (the trailing checksum is then wrong, as befits a bomb).
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    data = first + again * (inflated_bytes // len(chunk) - 1) + compressor.flush()
    return raw_pdf(_one_page(stream(data, b"/Filter /FlateDecode")))


def page_tree_loop() -> bytes:
    """A page tree whose node lists itself as its own kid."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            stream(b"BT /F1 12 Tf 72 720 Td (Invoice) Tj ET"),
        ]
    )


def form_xobject_loop() -> bytes:
    """A page drawing a form XObject that draws itself."""
    form = stream(
        b"/X0 Do",
        b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /XObject << /X0 5 0 R >> >>",
    )
    return raw_pdf([*_one_page(stream(b"/X0 Do"), b"<< /XObject << /X0 5 0 R >> >>"), form])


def huge_page_count(branches: int = 200, leaves: int = 1_000) -> bytes:
    """A page tree of ``branches`` x ``leaves`` pages (200,000), every leaf the same page object."""
    page = 2 + branches + 1
    kids = b" ".join(b"%d 0 R" % (3 + index) for index in range(branches))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % (branches * leaves),
    ]
    leaf_refs = b" ".join([b"%d 0 R" % page] * leaves)
    objects += [b"<< /Type /Pages /Parent 2 0 R /Kids [" + leaf_refs + b"] /Count %d >>" % leaves] * branches
    objects.append(b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>" % (page + 1))
    objects.append(stream(b"BT /F1 12 Tf 72 720 Td (Invoice) Tj ET"))
    return raw_pdf(objects)


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` x ``height`` pixels (its image data is a token, never decoded)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def jpeg_header(width: int, height: int) -> bytes:
    """A JPEG whose frame header declares ``width`` x ``height`` pixels."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def pdf_with_huge_image(width: int = 100_000, height: int = 100_000) -> bytes:
    """A page showing an image that declares ``width`` x ``height`` pixels: no text, so a scan to OCR."""
    image = stream(
        zlib.compress(b"\x00" * 1024),
        b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Filter /FlateDecode" % (width, height),
    )
    page = _one_page(stream(b"q 500 0 0 700 40 60 cm /Im0 Do Q"), b"<< /XObject << /Im0 5 0 R >> >>")
    return raw_pdf([*page, image])


def attachment_tree_loop() -> bytes:
    """A readable one-page invoice whose embedded-files name tree lists itself among its kids."""
    font = b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
    words = b"BT /F1 12 Tf 72 720 Td (Invoice No: 12345 from Acme Ltd, Total 10.00 EUR, thank you) Tj ET"
    page = _one_page(stream(words), font)
    page[0] = b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 5 0 R >> >>"
    return raw_pdf(
        [
            *page,
            b"<< /Kids [5 0 R 6 0 R] >>",
            b"<< /Names [(factur-x.xml) 7 0 R] /Kids [5 0 R] >>",
            b"<< /Type /Filespec /F (factur-x.xml) /EF << /F 8 0 R >> >>",
            stream(b"<Invoice/>"),
        ]
    )


_HELVETICA = b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"


def _crowded_content(operators: int) -> bytes:
    body = b"BT /F1 9 Tf 40 800 Td " + b"(ab) Tj 3 -0.01 Td " * operators + b"ET"
    return stream(zlib.compress(body, 9), b"/Filter /FlateDecode")


def text_operator_flood(operators: int = 200_000) -> bytes:
    """One page whose small compressed content stream draws ``operators`` pieces of text: kilobytes on disk,
    minutes of layout work for a reader that lays every piece out."""
    return raw_pdf(_one_page(_crowded_content(operators), _HELVETICA))


def crowded_pages(pages: int = 50, operators: int = 19_000) -> bytes:
    """``pages`` pages that share one content stream drawing ``operators`` pieces of text, each page under
    the per-page limit: the pieces add up over the document."""
    kids = b" ".join(b"%d 0 R" % (4 + index) for index in range(pages))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R /Resources " + _HELVETICA + b" >>"
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
            _crowded_content(operators),
            *[page] * pages,
        ]
    )


def with_trailing_bytes(content: bytes, junk: bytes = b"\n%" + b"x" * 4096 + b"\n") -> bytes:
    """A complete PDF followed by bytes after its %%EOF, as some mail and upload tools leave them."""
    return content + junk


def _zeros_deflated(size: int) -> bytes:
    """A zlib stream that inflates to ``size`` zero bytes, about a thousandth of that on disk (the trick of
    ``decompression_bomb``: after a full flush every megabyte compresses to the same bytes)."""
    megabyte = 1 << 20
    compressor = zlib.compressobj(9)
    first = compressor.compress(b"\x00" * megabyte) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(b"\x00" * megabyte) + compressor.flush(zlib.Z_FULL_FLUSH)
    whole, rest = divmod(size, megabyte)
    if whole == 0:
        return zlib.compress(b"\x00" * size)
    data = first + again * (whole - 1) + compressor.compress(b"\x00" * rest) + compressor.flush()
    # The checksum of ``size`` zeros (Adler-32: the sum of bytes stays 1, the sum of sums grows by it).
    return data[:-4] + struct.pack(">I", ((size % 65521) << 16) | 1)


def _huge_rgb(width: int, height: int) -> tuple[bytes, bytes]:
    """The dictionary entries and data of a Flate-compressed RGB image of ``width`` x ``height`` black
    pixels: every byte of it there, so a decoder that takes the image at its word fills a full buffer."""
    entries = b"/Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode" % (width, height)
    return entries, _zeros_deflated(width * height * 3)


def pdf_with_image_in_forms(width: int = 24_000, height: int = 24_000, depth: int = 2) -> bytes:
    """A page with no text that draws a form, which draws a form (``depth`` forms deep), which draws an image
    of ``width`` x ``height`` pixels: the page's own resources name no image."""
    entries, data = _huge_rgb(width, height)
    objects = _one_page(stream(b"q 500 0 0 700 40 60 cm /Fm0 Do Q"), b"<< /XObject << /Fm0 5 0 R >> >>")
    for level in range(depth):
        inner = b"/Fm%d %d 0 R" % (level + 1, 6 + level) if level + 1 < depth else b"/Im0 %d 0 R" % (5 + depth)
        objects.append(
            stream(
                b"q 1 0 0 1 0 0 cm /%s Do Q" % inner.split()[0][1:],
                b"/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << %s >> >>" % inner,
            )
        )
    objects.append(stream(data, b"/Type /XObject /Subtype /Image " + entries))
    return raw_pdf(objects)


def pdf_with_inline_image(width: int = 24_000, height: int = 24_000) -> bytes:
    """A page with no text whose content stream draws an inline image of ``width`` x ``height`` pixels."""
    data = _zeros_deflated(width * height * 3)
    content = (
        b"q 500 0 0 700 40 60 cm\nBI /W %d /H %d /CS /RGB /BPC 8 /F /Fl ID\n" % (width, height) + data + b"\nEI\nQ"
    )
    return raw_pdf(_one_page(stream(content)))


def _tiff(frames: Sequence[tuple[int, int, int]], strip: bytes, compression: int) -> bytes:
    """A little-endian TIFF of ``frames`` (width, height, samples per pixel: 1 gray, 4 RGBA), each IFD
    pointing at the same ``strip`` (one strip holds the whole frame)."""
    out = bytearray(b"II*\x00\x00\x00\x00\x00")
    strip_at = len(out)
    out += strip
    bits_at = len(out)
    out += struct.pack("<4H", 8, 8, 8, 8)
    previous_link = 4
    for width, height, samples in frames:
        if len(out) % 2:
            out += b"\x00"
        ifd_at = len(out)
        struct.pack_into("<I", out, previous_link, ifd_at)
        entries = [
            (256, 4, 1, width),
            (257, 4, 1, height),
            (258, 3, samples, bits_at if samples > 2 else 8),
            (259, 3, 1, compression),
            (262, 3, 1, 2 if samples >= 3 else 1),
            (273, 4, 1, strip_at),
            (277, 3, 1, samples),
            (278, 4, 1, height),
            (279, 4, 1, len(strip)),
            (284, 3, 1, 1),
        ]
        if samples == 4:
            entries.append((338, 3, 1, 2))
        out += struct.pack("<H", len(entries))
        for tag, kind, count, value in entries:
            packed = struct.pack("<HH", value, 0) if kind == 3 and count == 1 else struct.pack("<I", value)
            out += struct.pack("<HHI", tag, kind, count) + packed
        previous_link = len(out)
        out += b"\x00\x00\x00\x00"
    return bytes(out)


def tiff_of_large_frames(frames: int = 5, side: int = 7_745) -> bytes:
    """A TIFF of ``frames`` RGBA frames of ``side`` x ``side`` pixels, each just under the one-image limit,
    Deflate-compressed to a few hundred kilobytes."""
    return _tiff([(side, side, 4)] * frames, _zeros_deflated(side * side * 4), compression=8)


def tiff_of_many_pages(pages: int = 160_000) -> bytes:
    """A TIFF whose chain of IFDs lists ``pages`` one-pixel pages: megabytes of headers to walk."""
    return _tiff([(1, 1, 1)] * pages, b"\x00", compression=1)


def jpeg_of_many_scans(scans: int = 3_000, side: int = 2_000) -> bytes:
    """A progressive JPEG of ``side`` x ``side`` pixels whose last scan is repeated until it has ``scans``
    scans: each pass over every block of the image, a few hundred kilobytes on disk."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (side, side), 255).save(buffer, "JPEG", progressive=True, quality=50)
    content = buffer.getvalue()
    last_scan = content.rindex(b"\xff\xda")
    body = content[last_scan:-2]
    have = content.count(b"\xff\xda")
    return content[:-2] + body * max(scans - have, 0) + b"\xff\xd9"


def pdf_with_inline_images(count: int, side: int) -> bytes:
    """A page drawing ``count`` inline grayscale images of ``side`` x ``side`` pixels (their data a token)."""
    image = b"BI /W %d /H %d /CS /G /BPC 8 ID \x00 EI\n" % (side, side)
    return raw_pdf(_one_page(stream(b"q 500 0 0 700 40 60 cm\n" + image * count + b"Q")))


def tiff_with_a_large_later_page(side: int = 24_000) -> bytes:
    """A TIFF whose first page is a small gray square and whose second declares ``side`` x ``side`` pixels."""
    return _tiff([(100, 100, 1), (side, side, 1)], b"\xff" * 10_000, compression=1)


def pdf_with_jpeg_of_many_scans(scans: int = 3_000, side: int = 400) -> bytes:
    """A page with no text drawing a DCTDecode image: a progressive JPEG of ``scans`` scans."""
    data = jpeg_of_many_scans(scans, side)
    image = stream(
        data,
        b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Filter /DCTDecode" % (side, side),
    )
    page = _one_page(stream(b"q 500 0 0 700 40 60 cm /Im0 Do Q"), b"<< /XObject << /Im0 5 0 R >> >>")
    return raw_pdf([*page, image])
