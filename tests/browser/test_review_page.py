"""The review page in a real browser (headless Chromium) against a local stack: signing in, the CSP, and the
review flow (upload, correct, note, approve by keyboard, export to a webhook, hostile values, a stale edit)."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from tests.support.documents import invoice_pdf

from .conftest import WAIT_SECONDS, by_testid, sign_in, visible, wait_for

TIMEOUT = 30


# ---------------------------------------------------------------- the page and its CSP


def test_the_page_is_served_with_a_csp_that_forbids_inline_scripts(web_stack):
    r = requests.get(f"{web_stack.url}/", timeout=TIMEOUT)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    policy = {
        directive.split()[0]: directive.split()[1:]
        for directive in (part.strip() for part in r.headers["content-security-policy"].split(";"))
        if directive
    }
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts is not None
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert not any(source.startswith(("'nonce-", "'sha")) for source in scripts)
    assert policy.get("object-src", policy.get("default-src")) == ["'none'"]
    assert policy.get("frame-ancestors") == ["'none'"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_the_browser_refuses_an_inline_script(browser, web_stack):
    browser.get(f"{web_stack.url}/")
    wait_for(browser, lambda d: d.execute_script("return document.readyState") == "complete")
    # A script element with inline code, as an injection would add one: the CSP stops it from running.
    browser.execute_script(
        "const s = document.createElement('script'); s.textContent = 'window.__inlineRan = true;';"
        "document.body.appendChild(s);"
    )
    time.sleep(0.3)
    assert browser.execute_script("return window.__inlineRan === true") is False
    console = " ".join(entry["message"] for entry in browser.get_log("browser"))
    assert "Content Security Policy" in console


# ---------------------------------------------------------------- signing in


def test_sign_in_with_the_token_shows_the_queue_and_who_is_signed_in(signed_in, web_stack, screenshot):
    visible(signed_in, "queue-total")
    assert signed_in.find_element("id", "session").text.find("local stack") >= 0
    # The token is kept for the tab only, never in a URL.
    assert web_stack.token not in signed_in.current_url
    assert signed_in.execute_script("return window.localStorage.length") == 0


def test_a_wrong_token_is_refused_with_a_message(browser, web_stack):
    browser.get(f"{web_stack.url}/")
    visible(browser, "signin-token").send_keys("re_000000000000_" + "x" * 43)
    visible(browser, "signin-submit").click()
    error = visible(browser, "signin-error")
    wait_for(browser, lambda d: error.text.strip() != "", message="no sign-in error shown")
    assert not browser.find_element("id", "main-nav").is_displayed()


def test_a_read_only_token_sees_no_edit_controls(browser, web_stack, api):
    from selenium.common.exceptions import NoSuchElementException

    reader = web_stack.issue_token("Reader", "documents:read")
    doc_id = _upload_and_wait(web_stack, api, "reader.pdf")
    sign_in(browser, web_stack, reader)
    browser.get(f"{web_stack.url}/#/documents/{doc_id}")
    visible(browser, "document-view")
    visible(browser, "read-only-note")
    for testid in ("save", "status-approve"):
        with pytest.raises(NoSuchElementException):
            element = browser.find_element(*by_testid(testid))
            if not element.is_displayed() or not element.is_enabled():
                raise NoSuchElementException(testid)


# ---------------------------------------------------------------- helpers


def _filing(web_stack: Any, api: requests.Session) -> dict[str, int]:
    contact = api.post(web_stack.api("/api/contacts"), json={"name": "Northwind Traders"}, timeout=TIMEOUT)
    folder = api.post(web_stack.api("/api/folders"), json={"name": "Browser tests"}, timeout=TIMEOUT)
    assert contact.status_code == folder.status_code == 201, (contact.text, folder.text)
    return {"contact_id": contact.json()["id"], "folder_id": folder.json()["id"]}


def _upload_and_wait(
    web_stack: Any, api: requests.Session, filename: str, content: bytes | None = None, status: str = "Needs Review"
) -> int:
    r = api.post(
        web_stack.api("/api/documents/upload"),
        data=_filing(web_stack, api),
        files={"file": (filename, content or invoice_pdf(), "application/pdf")},
        timeout=TIMEOUT,
    )
    assert r.status_code == 201, r.text
    doc_id = int(r.json()["id"])
    _wait_status(web_stack, api, doc_id, status)
    return doc_id


def _wait_status(web_stack: Any, api: requests.Session, doc_id: int, status: str) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_SECONDS
    document: dict[str, Any] = {}
    while time.monotonic() < deadline:
        document = api.get(web_stack.api(f"/api/documents/{doc_id}"), timeout=TIMEOUT).json()
        if document["status"] == status:
            return document
        time.sleep(0.2)
    raise AssertionError(f"document {doc_id} is {document.get('status')}, not {status}")
