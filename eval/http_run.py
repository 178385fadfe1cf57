"""The corpus read over HTTP, as a user would: every document uploaded at once (a burst) or one at a time.

Each document goes through ``POST /api/documents/upload`` (one contact and folder made for the run), then
``GET /api/documents/{id}`` is polled until it is no longer New or Processing, within a bounded wait. The
records are scored like the in-process run. A document that ends in Exception is load-caused when its
reason says the service was busy or ran out of time (``scoring.load_caused``), or when the upload itself
was refused for load, or when it was still unsettled at the end of the wait; any other is content-caused.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recordengine.models import ExtractionResult

from .run import Document, Outcome
from .scoring import load_caused

PENDING = frozenset({"New", "Processing"})
# Upload answers that refuse for load rather than for the request.
LOAD_STATUS_CODES = frozenset({429, 500, 502, 503, 504})
REQUEST_TIMEOUT_SECONDS = 120.0
POLL_SECONDS = 1.0
BURST, SEQUENTIAL = "burst", "sequential"


@dataclass
class HttpRun:
    """One mode's outcomes over HTTP: "burst" (all uploads at once) or "sequential" (one at a time)."""

    mode: str
    outcomes: list[Outcome]
    seconds: float  # wall time from the first upload to the last document settled (or the wait's end)

    def exceptions(self) -> list[tuple[str, str, bool]]:
        """(document, reason, load-caused) for every document that ended in Exception or never settled."""
        return [
            (outcome.document.path, outcome.error or "unknown", load_caused(outcome.error or ""))
            for outcome in self.outcomes
            if outcome.result is None
        ]

    def load_caused(self) -> list[tuple[str, str]]:
        return [(document, reason) for document, reason, load in self.exceptions() if load]


def result_of(record: Mapping[str, Any]) -> ExtractionResult:
    """A settled record's extraction, as the in-process engine returns it."""
    return ExtractionResult(
        doc_type=record.get("doc_type"),
        doc_date=record.get("doc_date"),
        extracted_fields=record.get("extracted_fields") or {},
        line_items=record.get("line_items") or [],
        confidence_score=record.get("confidence_score") or 0,
        confidence_reasoning=record.get("confidence_reasoning") or "",
        field_confidence=record.get("field_confidence") or {},
    )


class Client:
    """The documents API of one stack, with the token it was started with."""

    def __init__(self, url: str, token: str) -> None:
        import requests

        self.url = url.rstrip("/")
        self.session = requests.Session()
        # One connection per uploading thread: a burst is as many requests in flight as documents.
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=256)
        self.session.mount("http://", adapter)
        self.session.headers["Authorization"] = f"Bearer {token}"

    def create(self, path: str, body: Mapping[str, Any]) -> int:
        response = self.session.post(f"{self.url}{path}", json=body, timeout=REQUEST_TIMEOUT_SECONDS)
        response.raise_for_status()
        return int(response.json()["id"])

    def upload(self, document: Document, contact_id: int, folder_id: int) -> tuple[int | None, str | None]:
        """The new document's id, or None and why the upload failed."""
        import requests

        name = Path(document.path).name
        try:
            response = self.session.post(
                f"{self.url}/api/documents/upload",
                files={"file": (name, document.content, document.media_type or "application/octet-stream")},
                data={"contact_id": str(contact_id), "folder_id": str(folder_id)},
                timeout=REQUEST_TIMEOUT_SECONDS,
            )
        except requests.RequestException as error:
            return None, f"upload failed: the request timed out or broke ({type(error).__name__})"
        if response.status_code != 201:
            reason = f"upload answered {response.status_code}: {response.text[:200]}"
            if response.status_code in LOAD_STATUS_CODES:
                reason += " (a server-side failure, taken as busy: load-caused)"
            return None, reason
        return int(response.json()["id"]), None

    def record(self, document_id: int) -> dict[str, Any] | None:
        """The document's record; None while the API does not answer."""
        import requests

        try:
            response = self.session.get(f"{self.url}/api/documents/{document_id}", timeout=REQUEST_TIMEOUT_SECONDS)
        except requests.RequestException:
            return None
        if response.status_code != 200:
            return None
        record: dict[str, Any] = response.json()
        return record


def _outcome(document: Document, record: Mapping[str, Any], seconds: float) -> Outcome:
    if record.get("status") == "Exception":
        reason = record.get("error") or record.get("confidence_reasoning") or "unknown"
        return Outcome(document, None, str(reason), seconds)
    return Outcome(document, result_of(record), None, seconds)


def _settle(client: Client, pending: dict[int, float], deadline: float) -> Iterator[tuple[int, dict[str, Any]]]:
    """Polls the uploaded documents (id → when uploaded) until each is settled or the deadline passes,
    yielding (id, record) as each settles and taking it out of ``pending``."""
    while pending and time.monotonic() < deadline:
        for document_id in list(pending):
            record = client.record(document_id)
            if record is not None and record.get("status") not in PENDING:
                yield document_id, record
        if pending:
            time.sleep(POLL_SECONDS)


def read_over_http(
    client: Client,
    documents: list[Document],
    mode: str,
    wait_seconds: float,
    progress: Callable[[str], None] = lambda _: None,
) -> HttpRun:
    """Uploads ``documents`` all at once (``BURST``) or each after the previous one settled (``SEQUENTIAL``);
    the outcomes are in the documents' order, ready for ``run.score``. The wait is for the whole run."""
    contact_id = client.create("/api/contacts", {"name": f"eval {mode}"})
    folder_id = client.create("/api/folders", {"name": f"eval {mode}"})
    started = time.monotonic()
    deadline = started + wait_seconds
    found: dict[int, Outcome] = {}  # by index in ``documents``
    pending: dict[int, float] = {}  # document id → when its upload started
    index_of: dict[int, int] = {}  # document id → index in ``documents``

    def upload(index: int) -> None:
        uploaded = time.monotonic()
        document_id, error = client.upload(documents[index], contact_id, folder_id)
        if document_id is None:
            found[index] = Outcome(documents[index], None, error, time.monotonic() - uploaded)
        else:
            pending[document_id], index_of[document_id] = uploaded, index

    def settle() -> None:
        for document_id, record in _settle(client, pending, deadline):
            index = index_of[document_id]
            found[index] = _outcome(documents[index], record, time.monotonic() - pending.pop(document_id))
            if len(found) % 10 == 0:
                progress(f"{mode}: {len(found)} of {len(documents)} read")

    if mode == BURST:
        with ThreadPoolExecutor(max_workers=max(1, len(documents))) as pool:
            list(pool.map(upload, range(len(documents))))
        settle()
    else:
        for index in range(len(documents)):
            upload(index)
            settle()
    for document_id, uploaded in pending.items():
        reason = f"still not read after waiting {wait_seconds:.0f} s: took too long"
        found[index_of[document_id]] = Outcome(
            documents[index_of[document_id]], None, reason, time.monotonic() - uploaded
        )
    return HttpRun(mode, [found[index] for index in range(len(documents))], time.monotonic() - started)


@contextmanager
def local_stack(keep_log: Path | None = None) -> Iterator[Client]:
    """A fresh local stack (``python -m local`` on free ports, run from the working directory, which holds
    template.yaml: the repository's root) for the duration, and a client for it. Its log is copied to
    ``keep_log`` when it stops: what failed under load is told there."""
    import shutil
    import tempfile

    from local.with_stack import StackProcess

    with tempfile.TemporaryDirectory(prefix="recordengine-eval-stack-") as tmp:
        stack = StackProcess(Path(tmp))
        try:
            stack.start()
            yield Client(stack.url, stack.token)
        finally:
            stack.stop()
            if keep_log is not None and stack.log_file.exists():
                keep_log.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(stack.log_file, keep_log)
