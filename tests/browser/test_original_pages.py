"""The original beside the fields, in a real browser against a local stack: every page as the image the service
rendered, fit to the width; zoom, page navigation and rotation; the focused field's box drawn where its value
was read; a click on a word (or a box dragged over words) fills the focused field."""

from __future__ import annotations

import time
from typing import Any

import requests

from tests.support.documents import invoice_pdf
from tests.unit.extraction.receipt_fixtures import drawn_receipt

from .conftest import WAIT_SECONDS, by_testid, visible, wait_for
from .test_accessibility import axe_source, check  # noqa: F401 (axe_source is a fixture)

TIMEOUT = 30


def _uploaded(web_stack: Any, api: requests.Session, filename: str, content: bytes) -> dict[str, Any]:
    contact = api.post(web_stack.api("/api/contacts"), json={"name": "Harbour Lane Tools"}, timeout=TIMEOUT)
    folder = api.post(web_stack.api("/api/folders"), json={"name": "Originals"}, timeout=TIMEOUT)
    assert contact.status_code == folder.status_code == 201
    r = api.post(
        web_stack.api("/api/documents/upload"),
        data={"contact_id": contact.json()["id"], "folder_id": folder.json()["id"]},
        files={"file": (filename, content, "application/octet-stream")},
        timeout=TIMEOUT,
    )
    assert r.status_code == 201, r.text
    deadline = time.monotonic() + WAIT_SECONDS * 3
    while time.monotonic() < deadline:
        document: dict[str, Any] = api.get(web_stack.api(f"/api/documents/{r.json()['id']}"), timeout=TIMEOUT).json()
        if document["status"] == "Needs Review":
            return document
        time.sleep(0.2)
    raise AssertionError("the document was not read")


def _opened(driver: Any, web_stack: Any, document: dict[str, Any]) -> Any:
    driver.get(f"{web_stack.url}/#/documents/{document['id']}")
    visible(driver, "document-view")
    page = visible(driver, "original-page")
    wait_for(driver, lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", page))
    return page


def _rect(driver: Any, element: Any) -> dict[str, float]:
    return driver.execute_script("return arguments[0].getBoundingClientRect().toJSON()", element)  # type: ignore[no-any-return]


def _box_on_page(driver: Any, page: Any, box: list[float]) -> dict[str, float]:
    """Where a box of field_locations falls on the page's image, in the window."""
    image = _rect(driver, page)
    x0, y0, x1, y1 = box
    return {
        "left": image["left"] + x0 * image["width"],
        "top": image["top"] + y0 * image["height"],
        "right": image["left"] + x1 * image["width"],
        "bottom": image["top"] + y1 * image["height"],
    }


def _click_at(driver: Any, x: float, y: float) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.actions.action_builder import ActionBuilder

    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(int(x), int(y)).pointer_down().pointer_up()
    actions.perform()
    ActionChains(driver).reset_actions()


def test_the_focused_fields_box_is_drawn_where_its_value_is_printed(signed_in, web_stack, api, screenshot):
    document = _uploaded(web_stack, api, "boxes.pdf", invoice_pdf(total="18,500.00"))
    page = _opened(signed_in, web_stack, document)
    viewer = visible(signed_in, "original-pages")
    assert abs(_rect(signed_in, page)["width"] - _rect(signed_in, viewer)["width"]) < 24, "fit to the width"
    assert visible(signed_in, "page-count").text == "Page 1 of 1"

    visible(signed_in, "field-total_amount").click()

    drawn = _rect(signed_in, visible(signed_in, "field-box"))
    expected = _box_on_page(signed_in, page, document["field_locations"]["total_amount"]["box"])
    for edge in ("left", "top", "right", "bottom"):
        assert abs(drawn[edge] - expected[edge]) < 4, (edge, drawn, expected)
    screenshot("original-pdf-box")


def test_clicking_a_word_fills_the_focused_field(signed_in, web_stack, api):
    document = _uploaded(web_stack, api, "click.pdf", invoice_pdf(total="18,500.00"))
    page = _opened(signed_in, web_stack, document)
    subtotal = visible(signed_in, "field-subtotal")
    subtotal.click()
    subtotal.clear()

    where = _box_on_page(signed_in, page, document["field_locations"]["total_amount"]["box"])
    _click_at(signed_in, (where["left"] + where["right"]) / 2, (where["top"] + where["bottom"]) / 2)

    wait_for(signed_in, lambda d: subtotal.get_attribute("value") == "18500.00", message="the click did not fill")
    assert signed_in.switch_to.active_element == subtotal, "the field keeps the focus"


def test_zoom_fit_and_rotation_change_the_page_as_shown(signed_in, web_stack, api):
    document = _uploaded(web_stack, api, "zoom.pdf", invoice_pdf())
    page = _opened(signed_in, web_stack, document)
    fitted = _rect(signed_in, page)

    visible(signed_in, "zoom-in").click()
    assert _rect(signed_in, page)["width"] > fitted["width"] * 1.2
    visible(signed_in, "zoom-fit").click()
    assert abs(_rect(signed_in, page)["width"] - fitted["width"]) < 1
    visible(signed_in, "rotate").click()
    turned = _rect(signed_in, page)
    # Turned a quarter: an upright page is shown on its side, fit to the same width.
    assert turned["width"] > turned["height"]
    assert abs(turned["width"] - fitted["width"]) < 24


def test_a_photographed_receipt_shows_its_boxes_and_passes_axe(signed_in, web_stack, api, screenshot, axe_source):  # noqa: F811
    content, _ = drawn_receipt()
    document = _uploaded(web_stack, api, "receipt.png", content)
    assert "total_amount" in document["field_locations"]
    _opened(signed_in, web_stack, document)

    visible(signed_in, "field-total_amount").click()
    visible(signed_in, "field-box")
    assert signed_in.find_elements(*by_testid("page-next"))
    screenshot("original-receipt-box")
    check(signed_in, axe_source, "document with its original's pages")
