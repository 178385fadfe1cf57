"""The review page: time to its first useful screen in headless Chromium, and the size of its JavaScript.

A local stack (`python -m local` on free ports, as `make test-e2e` starts it) with one document in Needs Review;
Debian's /usr/bin/chromium driven by selenium through /usr/bin/chromedriver (as in tests/browser). Each screen
is loaded BENCH_WEB_RUNS times (default 10) by reloading the page, and timed from navigation start
(performance.timeOrigin) to the page's own performance.mark: "signin-rendered" (the sign-in form, no token)
and "queue-rendered" (the queue with its rows, the token in sessionStorage). The reference, measured in the
same browser and run, is a navigation to GET /api/health through the same local gateway (navigation timing's
responseEnd): the screens are reported as ratios to it, and in milliseconds for scale.

The JavaScript line: the bytes of functions/web/static/*.js, as served, and gzipped (level 9), summed.
"""

from __future__ import annotations

import gzip
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .stack import ROOT

STATIC = ROOT / "functions" / "web" / "static"
DEFAULT_RUNS = 10
WAIT_SECONDS = 30.0
# The sessionStorage key of functions/web/static/api.js (a key name, not a secret).
TOKEN_KEY = "recordengine.token"  # noqa: S105


def js_size_line() -> str:
    files = sorted(STATIC.glob("*.js"))
    raw = sum(path.stat().st_size for path in files)
    zipped = sum(len(gzip.compress(path.read_bytes(), compresslevel=9)) for path in files)
    return f"JavaScript: {len(files)} files, {raw:,} bytes, {zipped:,} bytes gzipped (functions/web/static/*.js)"


def _runs() -> int:
    value = os.environ.get("BENCH_WEB_RUNS", str(DEFAULT_RUNS))
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"BENCH_WEB_RUNS must be a whole number of at least 1, not {value!r}")
    return int(value)


@contextmanager
def _stack() -> Iterator[Any]:
    from local.with_stack import StackProcess

    with tempfile.TemporaryDirectory(prefix="recordengine-bench-web-") as tmp:
        stack = StackProcess(Path(tmp))
        try:
            stack.start()
            yield stack
        finally:
            stack.stop()


def _seed_document(url: str, token: str) -> None:
    """One document in Needs Review, so that the queue has a row to render."""
    import requests

    from tests.support.documents import invoice_pdf

    with requests.Session() as api:
        api.headers["Authorization"] = f"Bearer {token}"
        contact = api.post(f"{url}/api/contacts", json={"name": "Bench Contact"}, timeout=30).json()
        folder = api.post(f"{url}/api/folders", json={"name": "Bench folder"}, timeout=30).json()
        answer = api.post(
            f"{url}/api/documents/upload",
            data={"contact_id": contact["id"], "folder_id": folder["id"]},
            files={"file": ("bench.pdf", invoice_pdf(number="INV-BENCH-1"), "application/pdf")},
            timeout=30,
        )
        answer.raise_for_status()
        doc_id = answer.json()["id"]
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if api.get(f"{url}/api/documents/{doc_id}", timeout=30).json()["status"] == "Needs Review":
                return
            time.sleep(0.2)
    raise RuntimeError(f"document {doc_id} did not reach Needs Review")


def _wait(driver: Any, script: str) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value is not None:
            return value
        time.sleep(0.02)
    raise RuntimeError(f"timed out waiting for: {script}")


def _mark_ms(driver: Any, name: str) -> float:
    """Milliseconds from navigation start to the page's performance.mark(name), once it exists."""
    return float(
        _wait(driver, f"const m = performance.getEntriesByName({name!r}, 'mark')[0]; return m ? m.startTime : null;")
    )


def _response_end_ms(driver: Any) -> float:
    script = (
        "const n = performance.getEntriesByType('navigation')[0];return n && n.responseEnd > 0 ? n.responseEnd : null;"
    )
    return float(_wait(driver, script))


def _sample(driver: Any, runs: int, measure: Callable[[], float]) -> list[float]:
    samples = []
    for _ in range(runs):
        driver.refresh()
        samples.append(measure())
    return samples


def _line(name: str, samples: list[float], reference: float) -> str:
    median, worst = statistics.median(samples), max(samples)
    return (
        f"{name:<26} median {median:7.1f} ms ({median / reference:5.1f}x)   "
        f"worst {worst:7.1f} ms ({worst / reference:5.1f}x)"
    )


def report() -> list[str]:
    lines = ["== web: the review page's first screen, headless Chromium against the local stack"]
    from tests.support.chromium import headless_chrome, missing_browser

    missing = missing_browser()
    if missing:
        return [*lines, f"skipped: {missing} not found (apt-get install chromium chromium-driver)", js_size_line()]
    runs = _runs()
    with _stack() as stack, headless_chrome(WAIT_SECONDS) as driver:
        url = stack.url.rstrip("/")
        _seed_document(url, stack.token)

        # Reference: a navigation to GET /api/health through the same gateway.
        driver.get(f"{url}/api/health")
        health = _sample(driver, runs, lambda: _response_end_ms(driver))
        reference = statistics.median(health)

        # Not signed in: the sign-in form.
        driver.get(f"{url}/")
        _mark_ms(driver, "signin-rendered")
        signin = _sample(driver, runs, lambda: _mark_ms(driver, "signin-rendered"))

        # Signed in (the token in sessionStorage, kept across reloads): the queue with its rows.
        driver.execute_script(f"sessionStorage.setItem({TOKEN_KEY!r}, arguments[0]);", stack.token)
        driver.get(f"{url}/#/queue/Needs%20Review")
        _mark_ms(driver, "queue-rendered")
        rows = driver.execute_script("return document.querySelectorAll('[data-testid=\"queue-row\"]').length")
        if not rows:
            raise RuntimeError("the queue rendered without rows")
        queue = _sample(driver, runs, lambda: _mark_ms(driver, "queue-rendered"))

    lines += [
        f"{runs} loads each (reload), from navigation start; ratios to GET /api/health's navigation (responseEnd)",
        _line("reference GET /api/health", health, reference),
        _line("sign-in form (no token)", signin, reference),
        _line("queue with its rows", queue, reference),
        js_size_line(),
    ]
    return lines
