"""Files whose images would exhaust the extraction function: each is checked before it is decoded.

Each hostile file is extracted in a child process as the pipeline runs the engine (in a worker thread, with a
deadline it waits for no longer than), so that the child's peak resident memory is the extraction's, and
the child's CPU time after the call returned shows whether work went on after its document ended.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap

import pytest
from pypdf import PdfReader

from recordengine.builtin_profiles import INVOICE_PROFILE
from recordengine.extraction import UnreadableDocument, extract_document, images, pdf_images
from recordengine.media import JPEG, PDF, TIFF
from tests.unit.extraction import hostile_fixtures as hostile

# The function has 1,769 MB; the extraction of any file stays well inside it.
PEAK_MEGABYTES = 1_000
# CPU the child may use in the seconds after the extraction call returned. An image step that cannot be
# interrupted is begun only with time for it, but on a machine whose CPUs other work shares (a test run, not
# a Lambda execution) it may overrun the deadline by part of itself. An unbounded decoder keeps a core busy
# for the whole time watched.
CPU_AFTER_END_SECONDS = 0.5
WATCHED_AFTER_END_SECONDS = 2.0

_CHILD = textwrap.dedent(
    """
    import json, os, resource, sys, time
    from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout

    from recordengine.builtin_profiles import INVOICE_PROFILE
    from recordengine.extraction import extract_document
    from recordengine.extraction.budget import bound
    from tests.unit.extraction import hostile_fixtures as hostile

    maker, media_type, seconds, watched = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    content = getattr(hostile, maker)()
    executor = ThreadPoolExecutor(max_workers=1)
    run = bound(time.monotonic() + seconds, extract_document)
    future = executor.submit(run, content, media_type, INVOICE_PROFILE)
    try:
        future.result(timeout=seconds)
        outcome = "read"
    except FutureTimeout:
        outcome = "timed out"
    except Exception as error:
        outcome = f"{type(error).__name__}: {error}"
    executor.shutdown(wait=False, cancel_futures=True)
    ended = time.process_time()
    time.sleep(watched)
    after = time.process_time() - ended
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"outcome": outcome, "cpu_after_end": after, "peak_bytes": peak}), flush=True)
    # The worker thread, if any is left, must not keep the child alive: what it would still do is measured.
    os._exit(0)
    """
)


def extracted_in_a_child(maker: str, media_type: str, seconds: float) -> dict[str, object]:
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    finished = subprocess.run(
        [sys.executable, "-c", _CHILD, maker, media_type, str(seconds), str(WATCHED_AFTER_END_SECONDS)],
        capture_output=True,
        text=True,
        timeout=seconds + WATCHED_AFTER_END_SECONDS + 60,
        env=environment,
        check=True,
    )
    measured: dict[str, object] = json.loads(finished.stdout.strip().splitlines()[-1])
    return measured


@pytest.mark.parametrize(
    ("maker", "media_type", "reason"),
    [
        ("pdf_with_image_in_forms", PDF, images.IMAGE_TOO_LARGE_IN_PDF),
        ("pdf_with_inline_image", PDF, images.IMAGE_TOO_LARGE_IN_PDF),
        ("tiff_with_a_large_later_page", TIFF, "The image is too large to read (24000 x 24000 pixels)."),
        ("jpeg_of_many_scans", JPEG, images.IMAGE_TOO_MANY_SCANS.format(scans=3_000)),
        ("pdf_with_jpeg_of_many_scans", PDF, images.IMAGE_TOO_MANY_SCANS_IN_PDF.format(scans=3_000)),
    ],
    ids=["image-in-nested-forms", "inline-image", "tiff-large-later-page", "jpeg-3000-scans", "pdf-jpeg-3000-scans"],
)
def test_a_hostile_image_is_refused_before_decoding_within_memory_and_no_work_goes_on(
    maker: str, media_type: str, reason: str
) -> None:
    measured = extracted_in_a_child(maker, media_type, seconds=20.0)
    assert measured["outcome"] == f"UnreadableDocument: {reason}"
    assert int(str(measured["peak_bytes"])) < PEAK_MEGABYTES * 1_000_000, measured
    assert float(str(measured["cpu_after_end"])) < CPU_AFTER_END_SECONDS, measured


@pytest.mark.parametrize(
    "maker",
    ["tiff_of_large_frames", "tiff_of_many_pages"],
    ids=["five-frames-just-under-the-limit", "160000-pages"],
)
def test_a_tiff_is_read_only_as_far_as_its_budget_within_memory_and_no_work_goes_on(maker: str) -> None:
    # Each frame passes the one-image limit: the first ones are read, until the document's budget or its
    # deadline, and nothing goes on after it.
    measured = extracted_in_a_child(maker, TIFF, seconds=6.0)
    assert int(str(measured["peak_bytes"])) < PEAK_MEGABYTES * 1_000_000, measured
    assert float(str(measured["cpu_after_end"])) < CPU_AFTER_END_SECONDS, measured


def test_the_images_a_page_draws_are_counted_wherever_they_are_drawn_from() -> None:
    for content in (hostile.pdf_with_image_in_forms(40, 30, depth=4), hostile.pdf_with_inline_image(40, 30)):
        page = PdfReader(io.BytesIO(content)).pages[0]
        contents = page.get_contents()
        counted = pdf_images.drawn_images(page, contents.get_data() if contents is not None else None)
        assert (counted.largest, counted.total) == (1_200, 1_200)


def test_images_that_add_up_on_one_page_are_refused() -> None:
    with pytest.raises(UnreadableDocument, match="too large"):
        extract_document(hostile.pdf_with_inline_images(count=3, side=5_000), PDF, INVOICE_PROFILE)


def test_a_tiffs_pages_are_sized_from_their_headers_without_walking_the_whole_chain() -> None:
    content = hostile.tiff_of_many_pages()
    assert images.tiff_frames(content, images.MAX_PAGES) == [(1, 1)] * images.MAX_PAGES


def test_a_tiff_whose_pages_loop_is_sized_once_a_page() -> None:
    content = bytearray(hostile.tiff_of_many_pages(pages=2))
    first_ifd = int.from_bytes(content[4:8], "little")
    # The second page's link to the next points back at the first.
    second_ifd_link = len(content) - 4
    content[second_ifd_link:] = first_ifd.to_bytes(4, "little")
    assert images.tiff_frames(bytes(content), 10) == [(1, 1), (1, 1)]


def test_a_documents_pages_are_read_until_their_pixels_pass_its_budget() -> None:
    page = images.MAX_PAGE_PIXELS
    assert images.pages_within_budget([page, page, page]) == 2
    assert images.pages_within_budget([10, 10, 10]) == 3
    assert images.pages_within_budget([]) == 0


def test_a_jpeg_of_a_usual_number_of_scans_passes_the_check() -> None:
    images.check_image(hostile.jpeg_of_many_scans(scans=12, side=64))


def test_a_frame_is_not_begun_when_the_time_left_would_not_decode_it() -> None:
    import time

    content = hostile.tiff_with_a_large_later_page(side=7_000)
    # The first page (100 x 100) fits in the time left; the second (49 megapixels, seconds) would not.
    deadline = time.monotonic() + 1.0
    assert [page.size for page in images.decode_pages(content, deadline=deadline)] == [(100, 100)]
    with pytest.raises(UnreadableDocument, match=images.DECODE_TIMED_OUT):
        images.decode_pages(hostile.png_header(4_000, 4_000), deadline=time.monotonic() + 0.01)


def test_a_page_is_not_rendered_when_the_time_left_would_not_decode_its_images() -> None:
    import time

    from recordengine.extraction import raster

    content = hostile.pdf_with_inline_image(40, 30)
    with pytest.raises(UnreadableDocument, match=raster.RENDER_TIMED_OUT):
        raster.render_pages(content, 1, time.monotonic() + 1.0, [images.MAX_PAGE_PIXELS])
    assert len(raster.render_pages(content, 1, time.monotonic() + 10.0, [1_200])) == 1


def test_a_page_is_not_scaled_for_ocr_after_the_runs_deadline() -> None:
    import time

    from PIL import Image

    from recordengine.extraction.budget import bound

    page = Image.new("L", (2_000, 3_000), 255)
    with pytest.raises(UnreadableDocument, match=images.DECODE_TIMED_OUT):
        bound(time.monotonic() + 0.01, images.prepare_for_ocr)(page)
    assert bound(time.monotonic() + 10.0, images.prepare_for_ocr)(page).size == (2_000, 3_000)
