"""Browser tests of the review page: headless Chromium (Debian's chromium and chromium-driver) driven by
selenium against a local stack started for the session.

Selenium never downloads a driver or a browser here: the driver is /usr/bin/chromedriver and the browser
/usr/bin/chromium. Without them every browser test is skipped with one message. RECORDENGINE_URL and
RECORDENGINE_TOKEN, when set, point the tests at a running stack instead of starting one.

Fixtures: `web_stack` (session: `.url`, `.token`), `api` (a requests session with the token), `browser` (a
fresh tab of the session's Chrome for each test), `signed_in` (the browser at the page, signed in with the
token through the form),
`screenshot(name)` (.local/screenshots/<name>.png, or in $SCREENSHOT_DIR: `make screenshots` renews
docs/screenshots) and `webhook_receiver` (a receiver on 127.0.0.1).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.chromium import WINDOW_SIZE, headless_chrome, missing_browser
from tests.support.webhooks import Receiver

ROOT = Path(__file__).resolve().parents[2]
# Every run writes here (ignored); `make screenshots` points SCREENSHOT_DIR at docs/screenshots, the README's.
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / ".local" / "screenshots")
WAIT_SECONDS = 20


def why_skipped() -> str | None:
    """Why the browser tests cannot run here, or None."""
    missing = missing_browser()
    if missing:
        return f"browser tests skipped: {missing} not found (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "browser tests skipped: selenium is not installed (pip install -r requirements-dev.txt)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = why_skipped()
    if reason is None:
        return
    here = Path(__file__).parent
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(skip)


@dataclass(frozen=True)
class WebStack:
    url: str
    token: str
    # The stack's state file (endpoints and resource names), for the token CLI's --local.
    state_file: Path = ROOT / ".local" / "stack.json"

    def api(self, path: str) -> str:
        return f"{self.url}{path}"

    def issue_token(self, name: str, scopes: str) -> str:
        """A new token of this stack, issued with the CLI as `make token NAME=... SCOPES=...` does."""
        import subprocess
        import sys

        with tempfile.TemporaryDirectory(prefix="recordengine-cli-") as tmp:
            # The CLI's --local reads .local/stack.json under its working directory.
            (Path(tmp) / ".local").mkdir()
            shutil.copy(self.state_file, Path(tmp) / ".local" / "stack.json")
            command = [sys.executable, "-m", "recordengine.cli", "tokens", "create", "--local"]
            out = subprocess.run(
                [*command, "--name", name, "--scope", scopes],
                capture_output=True,
                text=True,
                check=True,
                cwd=tmp,
                env={**os.environ, "PYTHONPATH": str(ROOT / "layers" / "common")},
                timeout=60,
            ).stdout
        return next(word for word in out.split() if word.startswith("re_") and word.count("_") >= 2)


@pytest.fixture(scope="session")
def web_stack() -> Iterator[WebStack]:
    url, token = os.environ.get("RECORDENGINE_URL"), os.environ.get("RECORDENGINE_TOKEN")
    if url and token:
        yield WebStack(url.rstrip("/"), token)
        return
    from local.with_stack import StackProcess

    with tempfile.TemporaryDirectory(prefix="recordengine-browser-") as tmp:
        stack = StackProcess(Path(tmp))
        try:
            stack.start()
        except Exception as error:
            stack.stop()
            log = (Path(tmp) / "stack.log").read_text(errors="replace")[-4000:]
            pytest.fail(f"the local stack did not start: {error}\n{log}")
        try:
            yield WebStack(stack.url.rstrip("/"), stack.token, stack.state_file)
        finally:
            stack.stop()


@pytest.fixture
def api(web_stack: WebStack) -> Iterator[requests.Session]:
    """A requests session that sends the stack's token (changes made behind the page's back)."""
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {web_stack.token}"
        yield session


@pytest.fixture(scope="session")
def _chromium() -> Iterator[Any]:
    with headless_chrome(WAIT_SECONDS) as driver:
        yield driver


def _fresh_tab(driver: Any) -> None:
    """Leaves the driver in a new tab of its own, every other closed: a tab has its own sessionStorage (where
    the page keeps its token and choices), history and handlers (a left-over `beforeunload` never fires, as
    WebDriver closes tabs without prompting). Also the default window size, no cookies, no console left over."""
    from selenium.common.exceptions import NoAlertPresentException

    with contextlib.suppress(NoAlertPresentException):
        driver.switch_to.alert.dismiss()
    old_tabs = driver.window_handles
    driver.switch_to.new_window("tab")
    fresh = driver.current_window_handle
    for handle in old_tabs:
        driver.switch_to.window(handle)
        driver.close()
    driver.switch_to.window(fresh)
    driver.delete_all_cookies()
    driver.set_window_size(*WINDOW_SIZE)
    driver.get_log("browser")  # read, so the next read holds only this test's messages


@pytest.fixture
def browser(_chromium: Any) -> Any:
    """A fresh tab of one Chromium for the session (a new browser per test took seconds each)."""
    _fresh_tab(_chromium)
    return _chromium


def by_testid(name: str) -> tuple[str, str]:
    from selenium.webdriver.common.by import By

    return (By.CSS_SELECTOR, f'[data-testid="{name}"]')


def wait_for(driver: Any, condition: Callable[[Any], Any], timeout: float = WAIT_SECONDS, message: str = "") -> Any:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # The queue is drawn again every few seconds (it polls): an element found a moment ago may be gone,
    # and the condition is then simply tried again.
    waiting = WebDriverWait(driver, timeout, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,))
    return waiting.until(condition, message)


def visible(driver: Any, testid: str, timeout: float = WAIT_SECONDS) -> Any:
    from selenium.webdriver.support import expected_conditions as ec

    return wait_for(driver, ec.visibility_of_element_located(by_testid(testid)), timeout, f"{testid} not visible")


def sign_in(driver: Any, stack: WebStack, token: str | None = None) -> None:
    driver.get(f"{stack.url}/")
    field = visible(driver, "signin-token")
    field.clear()
    field.send_keys(token or stack.token)
    visible(driver, "signin-submit").click()
    # Signed in: the navigation shows.
    wait_for(driver, lambda d: d.find_element("id", "main-nav").is_displayed(), message="the page did not sign in")


@pytest.fixture
def signed_in(browser: Any, web_stack: WebStack) -> Any:
    """The browser at the review page, signed in with the stack's token through the sign-in form."""
    sign_in(browser, web_stack)
    return browser


@pytest.fixture
def screenshot(browser: Any) -> Callable[[str], Path]:
    """screenshot("queue") saves the window as queue.png in SCREENSHOTS."""

    def save(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        browser.execute_script("window.scrollTo(0, 0)")
        assert browser.save_screenshot(str(path)), f"no screenshot saved at {path}"
        return path

    return save


@pytest.fixture
def webhook_receiver() -> Iterator[Receiver]:
    """A webhook receiver on 127.0.0.1 (the local stack allows loopback) that answers 200 to every POST."""
    receiver = Receiver()
    try:
        yield receiver
    finally:
        receiver.close()
