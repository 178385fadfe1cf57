"""When a presigned upload counts as never arrived, and how the sweep ends its document."""

import pytest

from recordengine.pipeline import _UploadWindow
from recordengine.storage.blobs import plain_etag
from recordengine.storage.documents import upload_closed_without_file

CLOSED_BEFORE = "2026-01-01T12:00:00Z"
EXPIRY = 900
WAITING = {
    "id": 7,
    "status": "New",
    "created_at": "2026-01-01T10:45:00Z",
    "upload_expires_at": "2026-01-01T11:00:00Z",
    "version": 1,
}
# A presigned upload issued before its expiry was recorded on the document: it closed 15 minutes after.
ISSUED_EARLIER = {key: value for key, value in WAITING.items() if key != "upload_expires_at"}


@pytest.mark.parametrize(
    ("document", "closed"),
    [
        (WAITING, True),
        ({**WAITING, "status": "Processing"}, True),
        ({**WAITING, "upload_expires_at": "2026-01-01T12:00:01Z"}, False),  # the upload may still come
        ({**WAITING, "file_etag": "9b2cf535f27731c974343645a3985328"}, False),  # an S3 event announced it
        ({**WAITING, "size_bytes": 1024}, False),  # a run read it
        ({**WAITING, "status": "Approved"}, False),  # a person decided before it came
        (ISSUED_EARLIER, True),
        ({**ISSUED_EARLIER, "created_at": "2026-01-01T11:45:01Z"}, False),  # its URL is valid until 12:00:01
        ({**ISSUED_EARLIER, "size_bytes": 1024, "sha256": "ab" * 32}, False),  # a multipart upload
    ],
)
def test_an_upload_is_closed_without_its_file_only_when_nothing_of_it_arrived(document, closed):
    assert upload_closed_without_file(document, CLOSED_BEFORE, EXPIRY) is closed


@pytest.mark.parametrize(("document", "closed_at"), [(WAITING, "11:00:00Z"), (ISSUED_EARLIER, "11:00:00Z")])
def test_a_document_whose_file_never_arrived_ends_in_exception_with_the_reason(document, closed_at):
    window = _UploadWindow(CLOSED_BEFORE, EXPIRY)
    change = window.never_arrived(dict(document))
    assert change is not None
    assert change.values["status"] == "Exception" and change.values["confidence_score"] == 0
    assert "never arrived" in change.values["error"] and f"2026-01-01T{closed_at}" in change.values["error"]
    (event,) = change.history
    assert event.action == "upload_expired" and event.changes[0]["to"] == "Exception"
    assert window.never_arrived({**document, "size_bytes": 10}) is None


def test_etags_compare_as_s3_events_write_them():
    assert plain_etag('"9b2cf535f27731c974343645a3985328"') == "9b2cf535f27731c974343645a3985328"
    assert plain_etag('"3858f62230ac3c915f300c664312c11f-9"') == "3858f62230ac3c915f300c664312c11f-9"
