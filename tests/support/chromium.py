"""Headless Chromium for the browser tests and the page's bench: Debian's chromium and chromedriver, never a
driver selenium would download, a fresh profile each time, no background networking (this machine's
network is closed, and the browser would otherwise keep trying to reach its vendor's hosts)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WINDOW_SIZE = (1280, 800)


def missing_browser() -> str | None:
    """The first of the browser and its driver that is not installed, or None."""
    return next((str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()), None)


def chrome_options(user_data_dir: str) -> Any:
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--window-size={WINDOW_SIZE[0]},{WINDOW_SIZE[1]}",
        f"--user-data-dir={user_data_dir}",
    ):
        options.add_argument(argument)
    # The browser's console (CSP violations, uncaught errors) for the tests to read.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return options


@contextmanager
def headless_chrome(page_load_timeout: float) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    user_data_dir = tempfile.mkdtemp(prefix="recordengine-chrome-")
    # An explicit driver: selenium's manager never looks for (or downloads) one.
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=chrome_options(user_data_dir))
    driver.set_page_load_timeout(page_load_timeout)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(user_data_dir, ignore_errors=True)
