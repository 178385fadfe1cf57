"""The review page in a real browser (headless Chromium) against a local stack: signing in, the CSP, and the
review flow (upload, correct, note, approve by keyboard, export to a webhook, hostile values, a stale edit)."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from tests.support.corpus import CORPUS
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
        try:
            element = browser.find_element(*by_testid(testid))
        except NoSuchElementException:
            continue
        assert not (element.is_displayed() and element.is_enabled()), f"{testid} is offered to a read-only token"


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


# ---------------------------------------------------------------- the review flow


def _open_document(driver: Any, web_stack: Any, doc_id: int) -> Any:
    driver.get(f"{web_stack.url}/#/documents/{doc_id}")
    view = visible(driver, "document-view")
    wait_for(driver, lambda d: d.current_url.endswith(f"/documents/{doc_id}"))
    return view


def _confidence(driver: Any) -> str:
    return str(visible(driver, "document-confidence").text.strip())


def _press(driver: Any, key: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    driver.execute_script("document.activeElement && document.activeElement.blur && document.activeElement.blur()")
    ActionChains(driver).send_keys(key).perform()


def _corpus_invoice() -> bytes:
    """A real invoice of the shared corpus, read in place (the test is skipped where the corpus is absent)."""
    path = CORPUS / "documents" / "azure-rest-samples" / "rest-api_invoice.pdf"
    if not path.is_file():
        pytest.skip(f"{path.name} is not available here (../shared/corpus)")
    return path.read_bytes()


@pytest.mark.parametrize("source", ["generated", "corpus"])
def test_upload_in_the_page_reaches_needs_review_in_the_queue(signed_in, web_stack, api, tmp_path, screenshot, source):
    from selenium.webdriver.support.ui import Select

    filing = _filing(web_stack, api)
    path = tmp_path / f"browser-upload-{source}.pdf"
    path.write_bytes(invoice_pdf(number="INV-BROWSER-1") if source == "generated" else _corpus_invoice())
    signed_in.get(f"{web_stack.url}/#/queue/Needs%20Review")
    signed_in.refresh()  # the contact and folder made above are in the upload's lists
    wait_for(
        signed_in,
        lambda d: d.find_elements(
            "css selector", f'[data-testid="upload-folder"] option[value="{filing["folder_id"]}"]'
        ),
        message="the new folder is not offered",
    )
    Select(visible(signed_in, "upload-contact")).select_by_value(str(filing["contact_id"]))
    Select(visible(signed_in, "upload-folder")).select_by_value(str(filing["folder_id"]))
    signed_in.find_element(*by_testid("upload-input")).send_keys(str(path))
    wait_for(
        signed_in,
        lambda d: any(
            item.get_attribute("data-state") == "done" for item in d.find_elements(*by_testid("upload-item"))
        ),
        message="the upload did not finish",
    )
    document_id = wait_for(
        signed_in,
        lambda d: next(
            (
                row.get_attribute("data-document-id")
                for row in d.find_elements(*by_testid("queue-row"))
                if path.name in row.text and "Needs Review" in row.text
            ),
            False,
        ),
        message="the uploaded document did not reach Needs Review in the queue",
    )
    assert document_id
    if source == "generated":
        screenshot("queue")


def test_correct_the_vendor_and_add_a_note_then_approve_with_the_keyboard(signed_in, web_stack, api, screenshot):
    first = _upload_and_wait(web_stack, api, "first.pdf", invoice_pdf(vendor="", number="INV-KEYS-1"))
    second = _upload_and_wait(web_stack, api, "second.pdf", invoice_pdf(number="INV-KEYS-2"))
    # From the queue, so that the page knows which document comes next.
    signed_in.get(f"{web_stack.url}/#/queue/Needs%20Review")
    visible(signed_in, "queue-rows")
    wait_for(signed_in, lambda d: d.find_elements("css selector", f'[data-document-id="{first}"] a'))
    signed_in.find_element("css selector", f'[data-document-id="{first}"] a').click()
    visible(signed_in, "document-view")
    before = _confidence(signed_in)

    vendor = visible(signed_in, "field-vendor")
    vendor.clear()
    vendor.send_keys("Northwind Traders Limited")
    notes = visible(signed_in, "notes")
    notes.clear()
    notes.send_keys("Vendor name checked against the contract.")
    visible(signed_in, "save").click()
    wait_for(signed_in, lambda d: _confidence(d) != before, message=f"the score stayed {before}")
    stored = api.get(web_stack.api(f"/api/documents/{first}"), timeout=TIMEOUT).json()
    assert stored["extracted_fields"]["vendor"] == "Northwind Traders Limited"
    assert stored["notes"] == "Vendor name checked against the contract."
    screenshot("document")

    _press(signed_in, "a")
    _wait_status(web_stack, api, first, "Approved")
    wait_for(
        signed_in,
        lambda d: "/documents/" in d.current_url and not d.current_url.endswith(f"/documents/{first}"),
        message="approving did not open the next document",
    )
    assert visible(signed_in, "document-view")
    assert second  # the next one in the queue (or another still waiting) is open


def test_webhook_export_in_the_page_reaches_a_receiver_on_loopback(signed_in, web_stack, api, webhook_receiver):
    r = api.post(
        web_stack.api("/api/webhooks"), json={"url": webhook_receiver.url, "description": "browser"}, timeout=TIMEOUT
    )
    assert r.status_code == 201, r.text
    webhook_id = r.json()["id"]
    try:
        doc_id = _upload_and_wait(web_stack, api, "export.pdf", invoice_pdf(number="INV-EXPORT-1"))
        _open_document(signed_in, web_stack, doc_id)
        visible(signed_in, "status-export").click()
        visible(signed_in, "export-dialog")
        visible(signed_in, "export-confirm").click()
        _wait_status(web_stack, api, doc_id, "Export")
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline and not any(
            f'"id": {doc_id}' in req.body.decode() or f'"id":{doc_id}' in req.body.decode()
            for req in webhook_receiver.requests
        ):
            time.sleep(0.2)
        bodies = [req.body.decode() for req in webhook_receiver.requests]
        assert any(f'"id":{doc_id}' in b.replace(" ", "") for b in bodies), bodies
    finally:
        api.delete(web_stack.api(f"/api/webhooks/{webhook_id}"), timeout=TIMEOUT)


def test_a_hostile_vendor_is_shown_as_text(signed_in, web_stack, api):
    hostile = "<img src=x onerror=alert(1)>"
    doc_id = _upload_and_wait(web_stack, api, "hostile.pdf", invoice_pdf(number="INV-HOSTILE-1"))
    r = api.patch(
        web_stack.api(f"/api/documents/{doc_id}"), json={"extracted_fields": {"vendor": hostile}}, timeout=TIMEOUT
    )
    assert r.status_code == 200, r.text
    _open_document(signed_in, web_stack, doc_id)
    vendor = visible(signed_in, "field-vendor")
    wait_for(signed_in, lambda d: vendor.get_attribute("value") == hostile, message="the vendor is not shown")
    # Also in the queue, where values are text in table cells.
    signed_in.get(f"{web_stack.url}/#/queue/Needs%20Review")
    visible(signed_in, "queue-rows")
    time.sleep(0.5)
    assert signed_in.execute_script("return document.querySelectorAll('img[src=\"x\"], img[onerror]').length") == 0
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        signed_in.switch_to.alert.text  # noqa: B018 - no alert was opened


def test_a_stale_save_shows_the_conflict_and_reload_brings_the_new_version(signed_in, web_stack, api):
    doc_id = _upload_and_wait(web_stack, api, "stale.pdf", invoice_pdf(number="INV-STALE-1"))
    _open_document(signed_in, web_stack, doc_id)
    notes = visible(signed_in, "notes")
    # Behind the page's back: someone else changes the document.
    r = api.patch(web_stack.api(f"/api/documents/{doc_id}"), json={"notes": "Changed by a colleague."}, timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    notes.send_keys("My own note.")
    visible(signed_in, "save").click()
    message = visible(signed_in, "conflict-message")
    assert message.text.strip()
    visible(signed_in, "conflict-reload").click()
    wait_for(
        signed_in,
        lambda d: visible(d, "notes").get_attribute("value") == "Changed by a colleague.",
        message="reload did not bring the colleague's version",
    )
    assert (
        api.get(web_stack.api(f"/api/documents/{doc_id}"), timeout=TIMEOUT).json()["notes"] == "Changed by a colleague."
    )
