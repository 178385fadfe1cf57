"""The review page never loses an edit and never approves a doubtful document in one key, in a real browser
(headless Chromium) against a local stack: every way of leaving a document with unsaved edits (status buttons,
j/k, links, the queue, signing out) saves or asks; a version conflict on other fields merges; approving with
failed checks or missing required fields asks first. Also the small things of a clerk's day (each document
opens at its top, no old message carried over, PDFs fitted to the width, a phone-wide window) and the
document's sender."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import requests

from tests.support.documents import invoice_pdf

from .conftest import WAIT_SECONDS, by_testid, sign_in, visible, wait_for

TIMEOUT = 30


# ---------------------------------------------------------------- helpers


def _upload(web_stack: Any, api: requests.Session, content: bytes, filename: str = "invoice.pdf") -> int:
    """A document uploaded through the API, once it waits in Needs Review."""
    contact = api.post(web_stack.api("/api/contacts"), json={"name": "Fabrikam Review"}, timeout=TIMEOUT)
    folder = api.post(web_stack.api("/api/folders"), json={"name": "Review safety"}, timeout=TIMEOUT)
    assert contact.status_code == folder.status_code == 201, (contact.text, folder.text)
    r = api.post(
        web_stack.api("/api/documents/upload"),
        data={"contact_id": contact.json()["id"], "folder_id": folder.json()["id"]},
        files={"file": (filename, content, "application/pdf")},
        timeout=TIMEOUT,
    )
    assert r.status_code == 201, r.text
    doc_id = int(r.json()["id"])
    _wait(lambda: _stored(web_stack, api, doc_id)["status"] == "Needs Review", f"{doc_id} did not reach Needs Review")
    return doc_id


def _invoice(web_stack: Any, api: requests.Session, **overrides: str) -> int:
    """An invoice of a vendor of its own (so that no two tests share a sender)."""
    vendor = overrides.pop("vendor", f"Tailspin Toys {uuid.uuid4().hex[:6].upper()} Ltd")
    return _upload(web_stack, api, invoice_pdf(vendor=vendor, **overrides))


def _stored(web_stack: Any, api: requests.Session, doc_id: int) -> dict[str, Any]:
    r = api.get(web_stack.api(f"/api/documents/{doc_id}"), timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    return dict(r.json())


def _wait(condition: Any, message: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(message)


def _open(driver: Any, web_stack: Any, doc_id: int, *, from_queue: bool = False) -> None:
    if from_queue:  # so that the page knows the queue's order (j/k, the next document)
        driver.get(f"{web_stack.url}/#/queue/Needs%20Review")
        wait_for(driver, lambda d: d.find_elements("css selector", f'[data-document-id="{doc_id}"] a'))
        driver.find_element("css selector", f'[data-document-id="{doc_id}"] a').click()
    else:
        driver.get(f"{web_stack.url}/#/documents/{doc_id}")
    wait_for(
        driver,
        lambda d: d.find_elements("css selector", f'[data-testid="document-view"][data-document-id="{doc_id}"]'),
        message=f"document {doc_id} did not open",
    )
    visible(driver, "field-vendor")


def _type(driver: Any, testid: str, text: str) -> None:
    field = visible(driver, testid)
    field.clear()
    field.send_keys(text)


def _press(driver: Any, key: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    driver.execute_script("document.activeElement && document.activeElement.blur && document.activeElement.blur()")
    ActionChains(driver).send_keys(key).perform()


def _shown_document(driver: Any) -> int | None:
    views = driver.find_elements(*by_testid("document-view"))
    return int(views[0].get_attribute("data-document-id")) if views else None


def _choose(driver: Any, dialog: str, button: str) -> None:
    from selenium.common.exceptions import TimeoutException

    try:
        visible(driver, dialog)
    except TimeoutException:
        said = driver.find_element(*by_testid("status-message")).text
        raise AssertionError(f"{dialog} not shown at {driver.current_url}; the page said {said!r}") from None
    visible(driver, button).click()
    wait_for(
        driver,
        lambda d: not any(element.is_displayed() for element in d.find_elements(*by_testid(dialog))),
        message=f"{dialog} stayed open",
    )


# ---------------------------------------------------------------- no edit is lost


def test_approve_with_an_unsaved_total_saves_it_then_asks_because_the_amounts_no_longer_add_up(
    signed_in, web_stack, api
):
    doc_id = _invoice(web_stack, api)
    _open(signed_in, web_stack, doc_id)
    assert not [c for c in _stored(web_stack, api, doc_id)["validation"] if not c["passed"]]
    _type(signed_in, "field-total_amount", "9.00")
    _press(signed_in, "a")
    # The edit is saved before anything else; with it the total no longer matches, so approving asks first.
    reasons = visible(signed_in, "approve-reasons")
    assert "Failed check" in reasons.text
    assert _stored(web_stack, api, doc_id)["extracted_fields"]["total_amount"] == "9.00"
    assert _stored(web_stack, api, doc_id)["status"] == "Needs Review"
    # One more key approves it as it is.
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(signed_in).send_keys("a").perform()
    _wait(lambda: _stored(web_stack, api, doc_id)["status"] == "Approved", "the second a did not approve")


def test_approving_with_a_missing_required_field_asks_and_cancel_keeps_the_document(signed_in, web_stack, api):
    doc_id = _invoice(web_stack, api)
    r = api.patch(web_stack.api(f"/api/documents/{doc_id}"), json={"extracted_fields": {"invoice_number": None}})
    assert r.status_code == 200, r.text
    _open(signed_in, web_stack, doc_id)
    visible(signed_in, "status-approve").click()
    reasons = visible(signed_in, "approve-reasons")
    assert "Missing required field: invoice number" in reasons.text
    _choose(signed_in, "approve-dialog", "approve-cancel")
    time.sleep(0.5)
    assert _stored(web_stack, api, doc_id)["status"] == "Needs Review"
    assert _shown_document(signed_in) == doc_id
    # Asked again, "Approve anyway" approves.
    visible(signed_in, "status-approve").click()
    _choose(signed_in, "approve-dialog", "approve-confirm")
    _wait(lambda: _stored(web_stack, api, doc_id)["status"] == "Approved", "Approve anyway did not approve")


def test_a_status_button_saves_unsaved_edits_first(signed_in, web_stack, api):
    doc_id = _invoice(web_stack, api)
    _open(signed_in, web_stack, doc_id)
    _type(signed_in, "field-vendor", "Tailspin Toys Corrected")
    visible(signed_in, "status-missing-info").click()
    _wait(lambda: _stored(web_stack, api, doc_id)["status"] == "Missing Info", "the status was not set")
    assert _stored(web_stack, api, doc_id)["extracted_fields"]["vendor"] == "Tailspin Toys Corrected"


def test_j_and_k_with_unsaved_edits_ask_cancel_stays_and_save_saves_then_moves_on(signed_in, web_stack, api):
    for _ in range(3):
        _invoice(web_stack, api)
    # A document of the queue with another on each side of it, in the queue's own order.
    signed_in.get(f"{web_stack.url}/#/queue/Needs%20Review")
    rows = wait_for(
        signed_in,
        lambda d: len(d.find_elements(*by_testid("queue-row"))) >= 3 and d.find_elements(*by_testid("queue-row")),
    )
    older = int(rows[1].get_attribute("data-document-id"))
    _open(signed_in, web_stack, older, from_queue=True)
    _type(signed_in, "field-invoice_number", "INV-KEPT-1")
    for key in ("j", "k"):
        _press(signed_in, key)
        _choose(signed_in, "leave-dialog", "leave-cancel")
        assert _shown_document(signed_in) == older
        wait_for(signed_in, lambda d: d.current_url.endswith(f"/documents/{older}"), message="the address moved on")
        assert visible(signed_in, "field-invoice_number").get_attribute("value") == "INV-KEPT-1"
    _press(signed_in, "k")
    _choose(signed_in, "leave-dialog", "leave-save")
    wait_for(signed_in, lambda d: _shown_document(d) not in (None, older), message="saving did not move on")
    assert _stored(web_stack, api, older)["extracted_fields"]["invoice_number"] == "INV-KEPT-1"


def test_the_queue_link_with_unsaved_edits_asks_and_discard_leaves_the_document_as_it_was(signed_in, web_stack, api):
    doc_id = _invoice(web_stack, api, number="INV-DISCARD-1")
    _open(signed_in, web_stack, doc_id)
    _type(signed_in, "field-invoice_number", "INV-NOT-WANTED")
    visible(signed_in, "back-to-queue").click()
    _choose(signed_in, "leave-dialog", "leave-discard")
    visible(signed_in, "queue-total")
    assert _stored(web_stack, api, doc_id)["extracted_fields"]["invoice_number"] == "INV-DISCARD-1"


def test_a_header_link_and_the_browser_back_button_ask_too(signed_in, web_stack, api):
    doc_id = _invoice(web_stack, api)
    signed_in.get(f"{web_stack.url}/#/queue/Needs%20Review")
    visible(signed_in, "queue-total")
    _open(signed_in, web_stack, doc_id)
    _type(signed_in, "notes", "Checked with the buyer.")
    visible(signed_in, "nav-contacts").click()
    _choose(signed_in, "leave-dialog", "leave-cancel")
    assert _shown_document(signed_in) == doc_id
    wait_for(signed_in, lambda d: d.current_url.endswith(f"/documents/{doc_id}"), message="the address moved on")
    signed_in.back()
    _choose(signed_in, "leave-dialog", "leave-save")
    visible(signed_in, "queue-total")
    assert _stored(web_stack, api, doc_id)["notes"] == "Checked with the buyer."


def test_signing_out_with_unsaved_edits_asks_and_saves(signed_in, web_stack, api):
    doc_id = _invoice(web_stack, api)
    _open(signed_in, web_stack, doc_id)
    _type(signed_in, "field-vendor", "Tailspin Toys Before Signing Out")
    visible(signed_in, "signout").click()
    _choose(signed_in, "leave-dialog", "leave-cancel")
    assert _shown_document(signed_in) == doc_id
    visible(signed_in, "signout").click()
    _choose(signed_in, "leave-dialog", "leave-save")
    visible(signed_in, "signin-token")
    assert _stored(web_stack, api, doc_id)["extracted_fields"]["vendor"] == "Tailspin Toys Before Signing Out"


def test_a_conflict_on_another_field_merges_and_saves(signed_in, web_stack, api):
    doc_id = _invoice(web_stack, api)
    _open(signed_in, web_stack, doc_id)
    # Behind the page's back, a colleague adds a note.
    r = api.patch(web_stack.api(f"/api/documents/{doc_id}"), json={"notes": "Colleague: paid by card."})
    assert r.status_code == 200, r.text
    _type(signed_in, "field-vendor", "Tailspin Toys Merged")
    visible(signed_in, "save").click()
    _wait(
        lambda: _stored(web_stack, api, doc_id)["extracted_fields"]["vendor"] == "Tailspin Toys Merged",
        "the person's change was not saved over the colleague's",
    )
    stored = _stored(web_stack, api, doc_id)
    assert stored["notes"] == "Colleague: paid by card."
    assert not signed_in.find_element(*by_testid("conflict-message")).is_displayed()
    wait_for(signed_in, lambda d: visible(d, "notes").get_attribute("value") == "Colleague: paid by card.")


def test_a_conflict_on_the_same_field_shows_both_values_and_keep_mine_saves_mine(signed_in, web_stack, api):
    doc_id = _invoice(web_stack, api)
    _open(signed_in, web_stack, doc_id)
    r = api.patch(web_stack.api(f"/api/documents/{doc_id}"), json={"extracted_fields": {"vendor": "Their Vendor"}})
    assert r.status_code == 200, r.text
    _type(signed_in, "field-vendor", "My Vendor")
    _type(signed_in, "notes", "Mine too.")
    visible(signed_in, "save").click()
    clash = visible(signed_in, "conflict-fields")
    assert "Their Vendor" in clash.text and "My Vendor" in clash.text
    assert "notes" not in clash.text  # only the field both changed is asked about
    assert _stored(web_stack, api, doc_id)["extracted_fields"]["vendor"] == "Their Vendor"
    visible(signed_in, "conflict-keep-mine").click()
    _wait(lambda: _stored(web_stack, api, doc_id)["extracted_fields"]["vendor"] == "My Vendor", "mine not saved")
    assert _stored(web_stack, api, doc_id)["notes"] == "Mine too."


def test_a_conflict_on_the_same_field_keep_theirs_keeps_theirs_and_saves_my_other_changes(signed_in, web_stack, api):
    doc_id = _invoice(web_stack, api)
    _open(signed_in, web_stack, doc_id)
    r = api.patch(web_stack.api(f"/api/documents/{doc_id}"), json={"extracted_fields": {"vendor": "Their Vendor"}})
    assert r.status_code == 200, r.text
    _type(signed_in, "field-vendor", "My Vendor")
    _type(signed_in, "field-invoice_number", "INV-MINE-2")
    visible(signed_in, "save").click()
    visible(signed_in, "conflict-keep-theirs").click()
    _wait(
        lambda: _stored(web_stack, api, doc_id)["extracted_fields"]["invoice_number"] == "INV-MINE-2",
        "my other change was not saved",
    )
    assert _stored(web_stack, api, doc_id)["extracted_fields"]["vendor"] == "Their Vendor"
    wait_for(signed_in, lambda d: visible(d, "field-vendor").get_attribute("value") == "Their Vendor")


# ---------------------------------------------------------------- the small things


def test_the_next_document_opens_at_its_top_without_the_last_ones_error(signed_in, web_stack, api):
    first = _invoice(web_stack, api)
    second = _invoice(web_stack, api)  # newer: k opens it
    _open(signed_in, web_stack, first, from_queue=True)
    # A save the API refuses leaves a red "Not saved" on this document.
    _type(signed_in, "field-currency", "E1")
    signed_in.execute_script("document.querySelector('[data-testid=\"save\"]').closest('form').noValidate = true")
    visible(signed_in, "save").click()
    wait_for(signed_in, lambda d: "Not saved" in visible(d, "status-message").text, message="no refusal shown")
    _type(signed_in, "field-currency", "USD")
    signed_in.set_window_size(1280, 500)  # a short window: the document is taller than it
    signed_in.execute_script("window.scrollTo(0, document.body.scrollHeight)")
    assert signed_in.execute_script("return window.scrollY") > 0
    _press(signed_in, "k")
    wait_for(signed_in, lambda d: _shown_document(d) == second, message="the next document did not open")
    assert signed_in.execute_script("return window.scrollY") == 0
    assert "Not saved" not in signed_in.find_element(*by_testid("status-message")).text


def test_a_pdf_opens_fitted_to_the_width(signed_in, web_stack, api):
    doc_id = _invoice(web_stack, api)
    _open(signed_in, web_stack, doc_id)
    # Its pages as the service rendered them (issue 18 point 3), the first as wide as the viewer.
    page, viewer = visible(signed_in, "original-page"), visible(signed_in, "original-pages")
    width = "return arguments[0].getBoundingClientRect().width"
    assert abs(signed_in.execute_script(width, page) - signed_in.execute_script(width, viewer)) < 24


def test_a_read_only_token_is_not_offered_rules_webhooks_or_forgetting_a_sender(browser, web_stack, api):
    reader = web_stack.issue_token("Senders reader", "documents:read")
    _invoice(web_stack, api)
    sign_in(browser, web_stack, reader)
    visible(browser, "queue-total")
    for testid in ("nav-rules", "nav-webhooks"):
        assert not browser.find_element(*by_testid(testid)).is_displayed(), f"{testid} offered to a reader"
    browser.get(f"{web_stack.url}/#/settings/senders")
    visible(browser, "senders-list")
    assert not browser.find_elements(*by_testid("senders-forget"))


def test_the_page_works_390_pixels_wide(signed_in, web_stack, api):
    doc_id = _invoice(web_stack, api)
    signed_in.set_window_size(390, 844)
    overflow = "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    signed_in.get(f"{web_stack.url}/#/queue/Needs%20Review")
    row = wait_for(
        signed_in, lambda d: d.find_elements("css selector", f'[data-testid="queue-row"][data-document-id="{doc_id}"]')
    )[0]
    assert row.value_of_css_property("display") == "block", "the queue's rows are not cards"
    assert signed_in.execute_script(overflow) <= 0, "the queue is wider than the phone"
    _open(signed_in, web_stack, doc_id)
    viewer = visible(signed_in, "viewer").rect
    vendor = visible(signed_in, "field-vendor").rect
    assert viewer["y"] + viewer["height"] <= vendor["y"], "the original is not above the fields"
    assert vendor["x"] + vendor["width"] <= 390
    assert signed_in.execute_script(overflow) <= 0, "the document is wider than the phone"


# ---------------------------------------------------------------- the sender and what was learned


def _mark_learned(web_stack: Any, doc_id: int, field: str) -> None:
    """Marks one field as read from what was learned, in the stack's table, as the pipeline stores it."""
    import boto3

    state = json.loads(web_stack.state_file.read_text(encoding="utf-8"))
    table = boto3.client(
        "dynamodb",
        endpoint_url=state["endpoint_url"],
        region_name=state["region"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    table.update_item(
        TableName=state["resources"]["DocumentsTable"],
        Key={"pk": {"S": f"DOCUMENT#{doc_id}"}, "sk": {"S": "DOCUMENT"}},
        UpdateExpression="SET field_sources.#field = :learned",
        ExpressionAttributeNames={"#field": field},
        ExpressionAttributeValues={":learned": {"S": "learned"}},
        ConditionExpression="attribute_exists(pk)",
    )


def test_the_document_shows_its_sender_and_the_fields_read_from_what_was_learned(signed_in, web_stack, api):
    vendor = f"Wide World Importers {uuid.uuid4().hex[:6].upper()} GmbH"
    doc_id = _invoice(web_stack, api, vendor=vendor)
    sender_id = _stored(web_stack, api, doc_id)["sender_id"]
    assert sender_id, "the invoice was attributed to no sender"
    sender = api.get(web_stack.api(f"/api/senders/{sender_id}"), timeout=TIMEOUT).json()
    _mark_learned(web_stack, doc_id, "invoice_number")
    _open(signed_in, web_stack, doc_id)
    wait_for(signed_in, lambda d: sender["name"] in visible(d, "document-sender").text, message="no sender shown")
    link = signed_in.find_element("css selector", '[data-testid="document-sender"] a')
    assert link.get_attribute("href").endswith("#/settings/senders")
    row = visible(signed_in, "field-row-invoice_number")
    assert row.get_attribute("data-source") == "learned"
    assert row.find_element("css selector", ".badge.source-learned").text == "learned"
    assert visible(signed_in, "field-row-vendor").get_attribute("data-source") != "learned"


def test_settings_list_senders_and_an_admin_forgets_one_after_confirming(signed_in, web_stack, api):
    vendor = f"Proseware {uuid.uuid4().hex[:6].upper()} Inc"
    doc_id = _invoice(web_stack, api, vendor=vendor)
    sender_id = _stored(web_stack, api, doc_id)["sender_id"]
    assert sender_id
    signed_in.get(f"{web_stack.url}/#/settings/senders")
    row = wait_for(
        signed_in, lambda d: d.find_elements("css selector", f'[data-testid="senders-list"] tr[data-id="{sender_id}"]')
    )[0]
    cells = [cell.text for cell in row.find_elements("css selector", "td")]
    assert any(vendor.split()[1] in cell.upper() or vendor in cell for cell in cells), cells
    assert "1" in cells[2]  # documents seen
    row.find_element(*by_testid("senders-forget")).click()
    # Asked first, in place; nothing is forgotten yet.
    assert api.get(web_stack.api(f"/api/senders/{sender_id}"), timeout=TIMEOUT).status_code == 200
    visible(signed_in, "senders-forget-confirm").click()
    _wait(
        lambda: api.get(web_stack.api(f"/api/senders/{sender_id}"), timeout=TIMEOUT).status_code == 404,
        "the sender was not forgotten",
    )
    wait_for(
        signed_in,
        lambda d: not d.find_elements("css selector", f'[data-testid="senders-list"] tr[data-id="{sender_id}"]'),
        message="the forgotten sender is still listed",
    )
    # The document keeps its values.
    assert _stored(web_stack, api, doc_id)["extracted_fields"]["vendor"]
