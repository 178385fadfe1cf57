"""Lists are served by key queries on indexes, never by a Scan, and read only what matches."""

import pytest

from recordengine.documents import DocumentService
from recordengine.storage.documents import DocumentChange, DocumentFilters
from recordengine.wiring import document_service


class RecordingClient:
    """Wraps the DynamoDB client and records which operations a request makes."""

    def __init__(self, client):
        self._client = client
        self.operations: list[str] = []

    def __getattr__(self, name):
        attribute = getattr(self._client, name)
        if callable(attribute) and name in {"scan", "query", "get_item", "batch_get_item"}:

            def recorded(*args, **kwargs):
                self.operations.append(name)
                return attribute(*args, **kwargs)

            return recorded
        return attribute


@pytest.fixture
def service(stack, contact, folder) -> DocumentService:
    return document_service()


def fill(service: DocumentService, contact_id: int, folder_id: int, count: int) -> None:
    from recordengine.documents import UploadRequest
    from tests.support.documents import invoice_pdf

    content = invoice_pdf()
    for _ in range(count):
        service.upload(
            UploadRequest(content=content, filename="a.pdf", contact_id=contact_id, folder_id=folder_id), "tests"
        )


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"contact_id": 1},
        {"folder_id": 1},
        {"status": "New"},
        {"contact_id": 1, "folder_id": 1},
        {"contact_id": 1, "status": "New"},
        {"folder_id": 1, "status": "New"},
        {"contact_id": 1, "folder_id": 1, "status": "New", "created_from": "2020-01-01", "created_to": "2999-12-31"},
    ],
)
def test_no_filter_combination_scans(service, filters):
    fill(service, 1, 1, 3)
    recorder = RecordingClient(service.documents.table.client)
    service.documents.table.client = recorder
    page = service.list(**filters)
    assert page.total == 3
    assert "scan" not in recorder.operations and recorder.operations


def test_a_filtered_list_reads_only_matching_documents(service, stack):
    other_folder = stack.request("POST", "/api/folders", json_body={"name": "noise"}).json()["id"]
    fill(service, 1, 1, 4)
    fill(service, 1, other_folder, 20)
    for document_id in range(1, 25):
        # Settled, out of the pipeline (whose few entries a list reads whole).
        service.documents.change(document_id, lambda current: DocumentChange({"status": "Needs Review"}))
    page = service.documents.page(DocumentFilters(folder_id=1), limit=2, offset=0)
    assert page.total == 4 and len(page.items) == 2
    # The page's index entries (which carry what the list shows) and one more (is there a next page?), and one
    # count item (one day): no document is read.
    assert page.items_read == 3 + 1
