"""The corpus over HTTP: all at once or one at a time, against a stub of the documents API."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from eval import http_run
from eval.__main__ import main
from eval.http_run import BURST, SEQUENTIAL, Client, read_over_http
from eval.run import Document, score
from eval.scoring import load_caused

TOKEN = "secret-token"
READ = {
    "status": "Needs Review",
    "extracted_fields": {"vendor": "Acme", "total_amount": "10.00"},
    "line_items": [{"description": "Widgets", "amount": 10.0}],
    "confidence_score": 91,
    "field_confidence": {"vendor": 90},
}
# What the stub's pipeline makes of each file, by name.
SETTLED: dict[str, dict[str, Any]] = {
    "good.pdf": READ,
    "busy.jpg": {"status": "Exception", "error": "OCR could not start in the time available: the function is busy."},
    "broken.pdf": {"status": "Exception", "error": "The file is not a valid PDF (truncated or corrupt)."},
    "slow.pdf": {"status": "Processing"},  # never settles
}


class StubApi:
    """Documents are Processing on their first read and settled on the next; uploads are slowed down so that
    overlapping ones can be counted."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.names: dict[int, str] = {}
        self.reads: dict[int, int] = {}
        self.in_flight = 0
        self.most_in_flight = 0
        self.unauthorised = 0
        self.refuse_uploads = False

    def handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    api.unauthorised += 1
                if self.path in ("/api/contacts", "/api/folders"):
                    self.answer(201, {"id": 7})
                    return
                with api.lock:
                    api.in_flight += 1
                    api.most_in_flight = max(api.most_in_flight, api.in_flight)
                time.sleep(0.2)
                with api.lock:
                    api.in_flight -= 1
                    if api.refuse_uploads:
                        self.answer(503, {"message": "Service Unavailable"})
                        return
                    if b'name="contact_id"\r\n\r\n7' not in body or b'name="folder_id"\r\n\r\n7' not in body:
                        self.answer(422, {"detail": "contact_id and folder_id are required"})
                        return
                    name = re.search(rb'filename="([^"]+)"', body)
                    document_id = len(api.names) + 1
                    api.names[document_id] = name.group(1).decode() if name else "?"
                self.answer(201, {"id": document_id, "status": "New"})

            def do_GET(self) -> None:
                document_id = int(self.path.rsplit("/", 1)[-1])
                with api.lock:
                    api.reads[document_id] = api.reads.get(document_id, 0) + 1
                    first = api.reads[document_id] == 1
                if first:
                    self.answer(200, {"id": document_id, "status": "Processing"})
                else:
                    self.answer(200, {"id": document_id, **SETTLED[api.names[document_id]]})

        return Handler


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[StubApi, Client]]:
    monkeypatch.setattr(http_run, "POLL_SECONDS", 0.05)
    api = StubApi()
    server = ThreadingHTTPServer(("127.0.0.1", 0), api.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api, Client(f"http://127.0.0.1:{server.server_address[1]}", TOKEN)
    finally:
        server.shutdown()
        server.server_close()


def _documents(*names: str) -> list[Document]:
    rows = [
        {"document": f"corpus/{name}", "source": "s", "fields_scorable": ["vendor_name", "total", "line_items"]}
        for name in names
    ]
    for row in rows:
        row.update(vendor_name="Acme", total=10.0, line_items=[{"description": "Widgets", "amount": 10.0}])
    return [Document(row, b"%PDF-1.4 fake", "application/pdf", "text", 1) for row in rows]


def test_a_burst_uploads_everything_at_once_and_sorts_exceptions_by_cause(stub: tuple[StubApi, Client]) -> None:
    api, client = stub
    run = read_over_http(client, _documents("good.pdf", "busy.jpg", "broken.pdf", "slow.pdf"), BURST, 3.0)
    assert api.most_in_flight == 4
    assert api.unauthorised == 0
    assert [outcome.document.path for outcome in run.outcomes] == [
        "corpus/good.pdf",
        "corpus/busy.jpg",
        "corpus/broken.pdf",
        "corpus/slow.pdf",
    ]
    assert run.exceptions() == [
        ("corpus/busy.jpg", "OCR could not start in the time available: the function is busy.", True),
        ("corpus/broken.pdf", "The file is not a valid PDF (truncated or corrupt).", False),
        ("corpus/slow.pdf", "still not read after waiting 3 s: took too long", True),
    ]
    assert [document for document, _ in run.load_caused()] == ["corpus/busy.jpg", "corpus/slow.pdf"]
    # The settled record is scored as an in-process result is.
    section = score("burst", run.outcomes)
    assert (section.fields["vendor_name"].correct, section.fields["vendor_name"].scored) == (1, 4)
    assert (section.line_items.matched, section.line_items.truth) == (1, 4)
    assert run.outcomes[0].score == 91


def test_one_at_a_time_waits_for_each_document_before_the_next(stub: tuple[StubApi, Client]) -> None:
    api, client = stub
    run = read_over_http(client, _documents("good.pdf", "broken.pdf", "good.pdf"), SEQUENTIAL, 10.0)
    assert api.most_in_flight == 1
    assert all(reads == 2 for reads in api.reads.values())  # each read Processing once, then settled
    assert [outcome.result is not None for outcome in run.outcomes] == [True, False, True]


def test_an_upload_refused_for_load_is_a_load_caused_exception(stub: tuple[StubApi, Client]) -> None:
    api, client = stub
    api.refuse_uploads = True
    run = read_over_http(client, _documents("good.pdf"), BURST, 3.0)
    [(_, reason, load)] = run.exceptions()
    assert reason.startswith("upload answered 503")
    assert load


@pytest.mark.parametrize(
    ("reason", "load"),
    [
        ("OCR took too long on this document.", True),
        ("Rendering the scanned PDF's pages took too long.", True),
        ("The document store is busy; retry the request.", True),
        ("Extraction did not finish after 3 attempts.", True),
        ("The PDF is encrypted and cannot be read.", False),
        ("No text could be recognised in the image.", False),
    ],
)
def test_exceptions_are_load_caused_when_their_reason_says_so(reason: str, load: bool) -> None:
    assert load_caused(reason) is load


def test_the_http_modes_are_refused_where_they_cannot_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "ground_truth.jsonl").write_text("", encoding="utf-8")
    assert main(["--corpus", str(tmp_path), "--only", "http"]) == 2
    assert "without --burst or --sequential-http" in capsys.readouterr().err
    assert main(["--corpus", str(tmp_path), "--baseline", str(tmp_path / "missing.json")]) == 2
    monkeypatch.chdir(tmp_path)  # no template.yaml here: no stack to start
    assert main(["--corpus", str(tmp_path), "--burst"]) == 2
    assert "run from the repository root" in capsys.readouterr().err
