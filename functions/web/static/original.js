// The original, page by page, as images the service rendered once (GET /api/documents/{id}/pages): fit to the
// width by default, zoom, page navigation, rotation; the box of the focused field where it was read
// (field_locations); a click on a word, or a box dragged over words, fills the focused field with their text.
import { request } from "./api.js";
import { h, replace, announce } from "./dom.js";

const ZOOM_STEP = 1.25;
const MIN_ZOOM = 0.25;
const MAX_ZOOM = 6;
// A press that moves less than this (pixels) is a click, not a drag.
const DRAG_THRESHOLD = 5;

function safeImageUrl(value) {
  try {
    const url = new URL(String(value));
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

// The page point (fractions of the unturned page) under slot point (x, y) of a page shown turned `turn`
// degrees clockwise in a slot of size (slotWidth, slotHeight).
export function pagePoint(x, y, turn, slotWidth, slotHeight) {
  const u = x / slotWidth;
  const v = y / slotHeight;
  if (turn === 90) return [v, 1 - u];
  if (turn === 180) return [1 - u, 1 - v];
  if (turn === 270) return [1 - v, u];
  return [u, v];
}

// The key of field_locations for a form control: its field, or its line item's row.
function locationKey(control) {
  const row = control.closest?.("tr[data-index]");
  if (row) return `line_items.${row.dataset.index}`;
  return control.dataset?.field || null;
}

// Text picked from the original, as the field's type takes it: an amount as a plain decimal.
export function asFieldText(text, type) {
  if (type !== "amount") return text;
  const digits = text.replace(/[^0-9.,-]/g, "");
  const decimal = digits.match(/[.,](\d{1,2})$/);
  const whole = (decimal ? digits.slice(0, -decimal[0].length) : digits).replace(/[.,]/g, "");
  return decimal ? `${whole}.${decimal[1]}` : whole;
}

// Shows the document's pages in `viewer`; false when it has none to show (the caller shows the file instead).
// `locations()`: the record's field_locations now; `form`: where the fields' controls are.
export async function showPages(viewer, { documentId, locations, form }) {
  let answer;
  try {
    answer = await request("GET", `/api/documents/${documentId}/pages`);
  } catch {
    return false;
  }
  const pages = (answer.pages || []).filter((page) => safeImageUrl(page.url));
  if (!pages.length) return false;

  let zoom = 1; // a multiple of the width that fits the viewer
  let turn = 0;
  let current = 0;
  let focused = null; // the form control a pick fills
  const slots = [];
  const counter = h("span", { class: "page-count", "aria-live": "polite", "data-testid": "page-count" });
  // Focusable, so that the keyboard scrolls a zoomed page too.
  const scroller = h("div", { class: "pages", tabindex: "0", role: "region", "aria-label": "Pages of the original", "data-testid": "original-pages" });

  for (const page of pages) {
    const img = h("img", { src: safeImageUrl(page.url), alt: `Page ${page.page} of the original`, draggable: "false", "data-testid": "original-page" });
    const box = h("div", { class: "field-box", hidden: true, "data-testid": "field-box" });
    const inner = h("div", { class: "page-inner" }, img, box);
    const band = h("div", { class: "pick-band", hidden: true });
    const slot = h("div", { class: "page-slot", "data-page": String(page.page) }, inner, band);
    slots.push({ page, slot, inner, box, band });
    attachPicking(slots[slots.length - 1]);
    scroller.append(slot);
  }

  function layout() {
    const available = Math.max(200, scroller.clientWidth - 2);
    for (const { page, slot, inner } of slots) {
      const sideways = turn % 180 !== 0;
      const aspect = page.height / page.width;
      const width = zoom * (sideways ? available / aspect : available);
      const height = width * aspect;
      inner.style.width = `${width}px`;
      inner.style.height = `${height}px`;
      const shift = { 0: "", 90: `translate(${height}px, 0)`, 180: `translate(${width}px, ${height}px)`, 270: `translate(0, ${width}px)` }[turn];
      inner.style.transform = turn ? `${shift} rotate(${turn}deg)` : "";
      slot.style.width = `${sideways ? height : width}px`;
      slot.style.height = `${sideways ? width : height}px`;
    }
  }

  function go(index) {
    current = Math.max(0, Math.min(slots.length - 1, index));
    counter.textContent = `Page ${current + 1} of ${slots.length}`;
    slots[current].slot.scrollIntoView({ block: "start", behavior: "instant" });
  }

  function setZoom(next) {
    zoom = next;
    layout();
  }

  function showBox() {
    for (const { box } of slots) box.hidden = true;
    const where = focused && locations()?.[locationKey(focused)];
    if (!where) return;
    const target = slots.find(({ page }) => page.page === where.page);
    if (!target) return;
    const [x0, y0, x1, y1] = where.box;
    Object.assign(target.box.style, { left: `${x0 * 100}%`, top: `${y0 * 100}%`, width: `${(x1 - x0) * 100}%`, height: `${(y1 - y0) * 100}%` });
    target.box.hidden = false;
    target.box.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  function fill(words) {
    if (!focused || focused.readOnly || focused.disabled || !words.length) {
      if (!focused) announce("Choose a field first, then click its value on the original.");
      return;
    }
    focused.value = asFieldText(words.map((word) => word.text).join(" "), focused.dataset.type);
    focused.dispatchEvent(new Event("input", { bubbles: true }));
    announce(`Filled from the original: ${focused.value}`);
    focused.focus();
  }

  function attachPicking({ page, slot, band }) {
    let start = null;
    const local = (event) => {
      const rect = slot.getBoundingClientRect();
      return [event.clientX - rect.left, event.clientY - rect.top, rect.width, rect.height];
    };
    slot.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      event.preventDefault(); // keep the focused field focused
      start = local(event);
      slot.setPointerCapture?.(event.pointerId);
    });
    slot.addEventListener("pointermove", (event) => {
      if (!start) return;
      const [x, y] = local(event);
      Object.assign(band.style, { left: `${Math.min(x, start[0])}px`, top: `${Math.min(y, start[1])}px`, width: `${Math.abs(x - start[0])}px`, height: `${Math.abs(y - start[1])}px` });
      band.hidden = Math.hypot(x - start[0], y - start[1]) < DRAG_THRESHOLD;
    });
    slot.addEventListener("pointerup", (event) => {
      if (!start) return;
      const [x, y, width, height] = local(event);
      const [ax, ay] = pagePoint(start[0], start[1], turn, width, height);
      const [bx, by] = pagePoint(x, y, turn, width, height);
      const dragged = Math.hypot(x - start[0], y - start[1]) >= DRAG_THRESHOLD;
      start = null;
      band.hidden = true;
      const [left, right, top, bottom] = [Math.min(ax, bx), Math.max(ax, bx), Math.min(ay, by), Math.max(ay, by)];
      const words = (page.words || []).filter(({ box: [x0, y0, x1, y1] }) => {
        if (!dragged) return x0 <= ax && ax <= x1 && y0 <= ay && ay <= y1;
        const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
        return left <= cx && cx <= right && top <= cy && cy <= bottom;
      });
      fill(words);
    });
  }

  const onFocus = (event) => {
    const control = event.target;
    if (!(control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement)) return;
    focused = control;
    showBox();
  };
  form.addEventListener("focusin", onFocus);

  const tool = (label, testid, onclick) => h("button", { type: "button", "data-testid": testid, onclick }, label);
  replace(
    viewer,
    h(
      "div",
      { class: "viewer-tools", role: "toolbar", "aria-label": "Original" },
      tool("Previous page", "page-previous", () => go(current - 1)),
      counter,
      tool("Next page", "page-next", () => go(current + 1)),
      tool("Zoom out", "zoom-out", () => setZoom(Math.max(MIN_ZOOM, zoom / ZOOM_STEP))),
      tool("Fit width", "zoom-fit", () => setZoom(1)),
      tool("Zoom in", "zoom-in", () => setZoom(Math.min(MAX_ZOOM, zoom * ZOOM_STEP))),
      tool("Rotate", "rotate", () => {
        turn = (turn + 90) % 360;
        layout();
      }),
    ),
    scroller,
  );

  new ResizeObserver(() => layout()).observe(scroller);
  layout();
  counter.textContent = `Page 1 of ${slots.length}`;
  if (form.contains(document.activeElement)) onFocus({ target: document.activeElement });
  return true;
}
