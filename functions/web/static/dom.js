// Building the page from data: every value becomes text (textContent), never HTML, so whatever a document
// contains (a vendor named "<img src=x onerror=...>") is shown as those characters.

// h("button", {class: "primary", onclick: save, "aria-label": "Save"}, "Save") → an element.
// Attributes: on<event> functions become listeners; class, id, for (htmlFor), value, checked, disabled,
// hidden, and every other name via setAttribute (data-*, aria-*, role, type...). null/false are left out.
// Children: nodes, strings and numbers (as text), arrays (flattened), null/undefined/false (skipped).
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === "class") {
      element.className = value;
    } else if (name === "for") {
      element.htmlFor = value;
    } else if (["value", "checked", "disabled", "hidden", "selected"].includes(name)) {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

// Replace everything inside `parent` with `children`.
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

// A short, polite announcement for screen readers and sighted users alike (the #status-message region).
export function announce(message, kind = "info") {
  const region = document.getElementById("status-message");
  if (!region) return;
  region.dataset.kind = kind;
  region.textContent = message;
}

// A message meant for the next screen (e.g. "Document 12 set to Approved." as the next document opens): every
// other message belongs to the screen it was said on and is cleared when the page moves on.
let carried = null;

export function announceOnNextScreen(message) {
  carried = message;
}

export function announceForNewScreen() {
  announce(carried || "");
  carried = null;
}

export function formatDateTime(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
}

// performance.mark(name) the first time a screen is on the page (read by `python -m bench web`): "signin-rendered"
// for the sign-in form, "queue-rendered" for the queue with its rows.
export function markOnce(name) {
  if (typeof performance?.mark === "function" && !performance.getEntriesByName(name, "mark").length) performance.mark(name);
}
