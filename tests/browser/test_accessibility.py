"""Accessibility of the review page (WCAG 2.1 A and AA): axe-core run in the browser on every screen, and a
visible keyboard focus.

axe-core is a test-only npm dependency (tests/browser/package.json, installed by `make test-browser` with
the npm of the pinned nodejs wheel: scripts/npm_ci.py). Its source is injected with selenium's execute_script,
which runs through the DevTools protocol and is not subject to the page's CSP (script-src 'self'): the test
checks that `axe` exists afterwards and needs no CSP bypass. Violations of impact serious or critical fail the
test; minor and moderate ones are
printed (pytest -rP shows them).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.documents import invoice_pdf

from .conftest import WAIT_SECONDS, by_testid, sign_in, visible, wait_for

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
TIMEOUT = 30
FAILING_IMPACTS = ("serious", "critical")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SETTINGS_SECTIONS = ("contacts", "folders", "profiles", "senders", "rules", "webhooks")


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip(f"accessibility test skipped: {AXE} missing (python scripts/npm_ci.py tests/browser)")
    return AXE.read_text(encoding="utf-8")


# axe.run with the WCAG tags; answers JSON: the violations, the number of rules passed, and the rules axe could
# not decide ("needs review") with their nodes and messages.
RUN_AXE = """
const done = arguments[arguments.length - 1];
const undecided = (i) => {
  const nodes = i.nodes.map((n) => n.target.join(" ")).join(", ");
  const why = i.nodes.map((n) => n.any.concat(n.all).map((c) => c.message).join("; ")).join(" | ");
  return `${i.id} (${nodes}: ${why})`;
};
axe.run(document, {runOnly: {type: "tag", values: arguments[0]}}).then(
  (r) => done(
    JSON.stringify({violations: r.violations, passes: r.passes.length, incomplete: r.incomplete.map(undecided)}),
  ),
  (e) => done(JSON.stringify({error: String(e)})),
);
"""


def run_axe(driver: Any, source: str) -> list[dict[str, Any]]:
    """The violations axe finds on the page as it is now (WCAG 2.0/2.1 A and AA rules only)."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(source)
    assert driver.execute_script("return typeof window.axe === 'object'"), "axe-core was not injected"
    result = json.loads(driver.execute_async_script(RUN_AXE, WCAG_TAGS))
    assert "error" not in result, result
    # A run that checked nothing would pass too: axe must have applied some rules to this screen.
    assert result["passes"] > 0, "axe-core checked no rule on this page"
    print(f"axe: {result['passes']} rules passed, needs review: {', '.join(result['incomplete']) or 'none'}")
    return list(result["violations"])


def describe(screen: str, violations: list[dict[str, Any]]) -> str:
    if not violations:
        return f"{screen}: no violations"
    counts = {
        impact: sum(v["impact"] == impact for v in violations)
        for impact in ("critical", "serious", "moderate", "minor")
    }
    lines = [f"{screen}: {len(violations)} violation(s) {counts}"]
    for v in violations:
        targets = ", ".join(" ".join(node["target"]) for node in v["nodes"][:4])
        lines.append(f"  [{v['impact']}] {v['id']} ({len(v['nodes'])} node(s)): {v['help']} -- {targets}")
    return "\n".join(lines)


def check(driver: Any, source: str, screen: str) -> None:
    violations = run_axe(driver, source)
    report = describe(screen, violations)
    print(report)
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not failing, report


def _signed_in_at(driver: Any, web_stack: Any, route: str) -> None:
    """The page at #/route once the sign-in has finished (it moves to the queue itself after signing in)."""
    visible(driver, "queue-total")
    driver.get(f"{web_stack.url}/#/{route}")


def _upload_and_wait(web_stack: Any, api: requests.Session) -> int:
    contact = api.post(web_stack.api("/api/contacts"), json={"name": "Axe Contact"}, timeout=TIMEOUT)
    folder = api.post(web_stack.api("/api/folders"), json={"name": "Axe folder"}, timeout=TIMEOUT)
    assert contact.status_code == folder.status_code == 201, (contact.text, folder.text)
    r = api.post(
        web_stack.api("/api/documents/upload"),
        data={"contact_id": contact.json()["id"], "folder_id": folder.json()["id"]},
        files={"file": ("axe.pdf", invoice_pdf(number="INV-AXE-1"), "application/pdf")},
        timeout=TIMEOUT,
    )
    assert r.status_code == 201, r.text
    doc_id = int(r.json()["id"])
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if api.get(web_stack.api(f"/api/documents/{doc_id}"), timeout=TIMEOUT).json()["status"] == "Needs Review":
            return doc_id
        time.sleep(0.2)
    raise AssertionError(f"document {doc_id} did not reach Needs Review")


# ---------------------------------------------------------------- axe on every screen


def test_the_sign_in_screen_has_no_serious_accessibility_violations(browser, web_stack, axe_source):
    browser.get(f"{web_stack.url}/")
    visible(browser, "signin-token")
    check(browser, axe_source, "sign-in")


def test_the_queue_document_and_shortcuts_have_no_serious_accessibility_violations(
    signed_in, web_stack, api, axe_source
):
    doc_id = _upload_and_wait(web_stack, api)
    _signed_in_at(signed_in, web_stack, "queue/Needs%20Review")
    wait_for(
        signed_in,
        lambda d: d.find_elements("css selector", f'[data-testid="queue-row"][data-document-id="{doc_id}"]'),
        message="the document is not in the queue",
    )
    check(signed_in, axe_source, "queue")

    signed_in.get(f"{web_stack.url}/#/documents/{doc_id}")
    visible(signed_in, "document-view")
    visible(signed_in, "field-vendor")
    check(signed_in, axe_source, "document")

    # Leaving with an unsaved edit asks (save / discard / stay) in a dialog.
    visible(signed_in, "notes").send_keys("An unsaved note.")
    visible(signed_in, "back-to-queue").click()
    visible(signed_in, "leave-dialog")
    check(signed_in, axe_source, "unsaved changes dialog")
    visible(signed_in, "leave-discard").click()
    visible(signed_in, "queue-total")
    signed_in.get(f"{web_stack.url}/#/documents/{doc_id}")
    visible(signed_in, "field-vendor")

    visible(signed_in, "shortcuts-button").click()
    visible(signed_in, "shortcuts-dialog")
    check(signed_in, axe_source, "shortcuts dialog")


def test_the_approve_question_and_the_conflict_choice_have_no_serious_accessibility_violations(
    signed_in, web_stack, api, axe_source
):
    doc_id = _upload_and_wait(web_stack, api)
    r = api.patch(web_stack.api(f"/api/documents/{doc_id}"), json={"extracted_fields": {"invoice_number": None}})
    assert r.status_code == 200, r.text
    _signed_in_at(signed_in, web_stack, f"documents/{doc_id}")
    visible(signed_in, "status-approve").click()
    visible(signed_in, "approve-dialog")
    check(signed_in, axe_source, "approve with problems dialog")
    visible(signed_in, "approve-cancel").click()

    # Someone else changes the vendor while the person changes it too: the choice shows both values.
    r = api.patch(web_stack.api(f"/api/documents/{doc_id}"), json={"extracted_fields": {"vendor": "Their Vendor"}})
    assert r.status_code == 200, r.text
    vendor = visible(signed_in, "field-vendor")
    vendor.clear()
    vendor.send_keys("My Vendor")
    visible(signed_in, "save").click()
    visible(signed_in, "conflict-fields")
    check(signed_in, axe_source, "same-field conflict")


@pytest.mark.parametrize("section", SETTINGS_SECTIONS)
def test_each_settings_section_has_no_serious_accessibility_violations(signed_in, web_stack, axe_source, section):
    _signed_in_at(signed_in, web_stack, f"settings/{section}")
    visible(signed_in, f"settings-{section}")
    # The section's list has loaded (a table, an empty note or an error in its place).
    wait_for(
        signed_in,
        lambda d: not d.find_elements("css selector", ".settings-loading"),
        message=f"the {section} list did not load",
    )
    check(signed_in, axe_source, f"settings/{section}")


# ---------------------------------------------------------------- keyboard focus


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _rgb(css: str) -> tuple[int, int, int]:
    numbers = css[css.index("(") + 1 : css.index(")")].replace(",", " ").split()
    return int(float(numbers[0])), int(float(numbers[1])), int(float(numbers[2]))


def _tab_to(driver: Any, testid: str, limit: int = 40) -> Any:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    target = visible(driver, testid)
    for _ in range(limit):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        if driver.switch_to.active_element == target:
            return target
    raise AssertionError(f"{testid} was not reached with Tab")


def _focus_ring(driver: Any, element: Any) -> dict[str, str]:
    return dict(
        driver.execute_script(
            "const s = getComputedStyle(arguments[0]);"
            "return {style: s.outlineStyle, width: s.outlineWidth, color: s.outlineColor, shadow: s.boxShadow,"
            " visible: arguments[0].matches(':focus-visible')};",
            element,
        )
    )


# The page's backgrounds a focused control sits on: white panels, the page, the dark header.
BACKGROUNDS = {"white": (255, 255, 255), "page": (246, 247, 249), "header": (17, 24, 39)}


@pytest.mark.parametrize(
    ("where", "testid"),
    [("sign-in", "signin-submit"), ("queue header", "signout"), ("settings", "contacts-create-submit")],
)
def test_keyboard_focus_is_visible_with_enough_contrast(browser, web_stack, where, testid):
    if where == "sign-in":
        browser.get(f"{web_stack.url}/")
        visible(browser, "signin-token")
    else:
        sign_in(browser, web_stack)
        visible(browser, "queue-total")
        if where == "settings":
            _signed_in_at(browser, web_stack, "settings/contacts")
            visible(browser, "settings-contacts")
        browser.find_element(*by_testid("nav-queue" if where == "queue header" else "settings-contacts")).click()
    element = _tab_to(browser, testid)
    ring = _focus_ring(browser, element)
    assert ring["visible"], ring
    assert ring["style"] != "none" or ring["shadow"] != "none", f"no focus indicator on {testid}: {ring}"
    assert ring["style"] != "none" and float(ring["width"].removesuffix("px")) >= 2, ring
    # One focus style on every screen: a blue outline with a white ring inside it, so that the indicator
    # is at least 3:1 against each background it can sit on (the white ring carries it on the dark header).
    colour = _rgb(ring["color"])
    for name, background in BACKGROUNDS.items():
        if name == "header":
            assert "255, 255, 255" in ring["shadow"], f"no white ring around {testid} for the dark header: {ring}"
            assert contrast((255, 255, 255), background) >= 3
        else:
            assert contrast(colour, background) >= 3, f"focus outline {ring['color']} on {name}: under 3:1"
