// The review page: sign-in, hash routes, the header, and the keyboard shortcuts. Views live in their modules
// (queue.js, document.js; settings.js is loaded on demand) and each returns { cleanup, keys, save }.
import { ApiError, request, signIn, signOut, token } from "./api.js";
import { announce, announceForNewScreen, announceOnNextScreen, h, markOnce, replace } from "./dom.js";
import { session, queue, queueHash, STATUS_TABS, isTyping } from "./state.js";

const main = document.getElementById("main");
const nav = document.getElementById("main-nav");
const sessionBox = document.getElementById("session");
let current = null; // the view on screen: { cleanup?, keys?, save?, hasChanges?, confirmLeave? }
let shownHash = location.hash; // the route on screen, to stay on it while a view asks before leaving
let shownPosition = 0; // its place in the tab's history (history.state.position), to undo a Back or a link
let renderCount = 0;

const SETTINGS_SECTIONS = ["contacts", "folders", "profiles", "senders", "rules", "webhooks"];

const SHORTCUTS = [
  ["?", "Show this list"],
  ["j / k", "Next / previous document of the queue"],
  ["x / shift-click", "Select the current row / a range of rows, for bulk actions"],
  ["a", "Approve the document (with failed checks or missing fields it asks first: a again approves)"],
  ["e", "Webhook Export (asks to confirm)"],
  ["f", "Focus the next low-confidence, missing or failed field"],
  ["Ctrl+S / ⌘S", "Save the corrections"],
  ["Escape", "Close a dialog"],
];

function signInView(message) {
  const input = h("input", {
    id: "token-input",
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    required: true,
    "data-testid": "signin-token",
    "aria-describedby": "token-help",
  });
  const error = h("p", { class: "error", role: "alert", "data-testid": "signin-error" }, message || "");
  if (!message) error.hidden = true;
  const form = h(
    "form",
    {
      class: "panel signin",
      "aria-labelledby": "signin-title",
      onsubmit: async (event) => {
        event.preventDefault();
        const value = input.value.trim();
        if (!value) return;
        signIn(value);
        input.value = "";
        try {
          await loadSession();
        } catch (failure) {
          signOut();
          replace(main, signInView(failure instanceof ApiError && failure.status === 401 ? "That token was refused." : failure.message));
          return;
        }
        announceOnNextScreen(`Signed in${session.name ? ` as ${session.name}` : ""}.`);
        if (!location.hash || location.hash === "#/" || location.hash === "#") location.hash = queueHash();
        else route();
      },
    },
    h("h1", { id: "signin-title" }, "Sign in"),
    h("label", { for: "token-input" }, "API token"),
    input,
    h("p", { id: "token-help", class: "hint" }, "The token is kept in this browser tab only and forgotten when you close it."),
    error,
    h("button", { type: "submit", class: "primary", "data-testid": "signin-submit" }, "Sign in"),
  );
  setTimeout(() => input.focus(), 0);
  return form;
}

// Who the token belongs to and what it may do (GET /api/me): a token without a scope sees no control
// that needs it.
async function loadSession() {
  const me = await request("GET", "/api/me");
  const scopes = Array.isArray(me?.scopes) ? me.scopes : [];
  Object.assign(session, {
    name: me?.name || "",
    canWrite: scopes.includes("documents:write"),
    canAdmin: scopes.includes("admin"),
  });
  renderHeader();
}

function renderHeader() {
  const signedIn = Boolean(token());
  nav.hidden = !signedIn;
  showNavigationFor(session);
  if (!signedIn) {
    replace(sessionBox);
    return;
  }
  replace(
    sessionBox,
    session.name ? h("span", { class: "who" }, session.name) : null,
    !session.canWrite ? h("span", { class: "badge" }, "read only") : null,
    h("button", { type: "button", class: "link-button", onclick: showShortcuts, "data-testid": "shortcuts-button" }, "Shortcuts (?)"),
    h(
      "button",
      {
        type: "button",
        "data-testid": "signout",
        onclick: async () => {
          if (!(await mayLeave())) return;
          signOut();
          teardown();
          renderHeader();
          replace(main, signInView());
          announce("Signed out.");
        },
      },
      "Sign out",
    ),
  );
}

// Links the token cannot use are not offered (the Rules and Webhooks pages need the admin scope).
function showNavigationFor(scopes) {
  for (const item of nav.querySelectorAll("li[data-needs]")) item.hidden = item.dataset.needs === "admin" && !scopes.canAdmin;
}

// Whether the view on screen may be left: a view with unsaved changes saves them or asks first.
async function mayLeave() {
  if (!current?.hasChanges?.()) return true;
  return current.confirmLeave();
}

function markNavigation(key) {
  for (const link of nav.querySelectorAll("a[data-nav]")) {
    if (link.dataset.nav === key) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function teardown() {
  if (current?.cleanup) current.cleanup();
  current = null;
}

async function route() {
  teardown();
  shownHash = location.hash;
  if (typeof history.state?.position !== "number") history.replaceState({ position: shownPosition + 1 }, "");
  shownPosition = history.state.position;
  announceForNewScreen();
  const ticket = ++renderCount;
  if (!token()) {
    renderHeader();
    replace(main, signInView());
    markOnce("signin-rendered");
    return;
  }
  const parts = location.hash.replace(/^#\/?/, "").split("/").map((part) => decodeURIComponent(part));
  const [kind, arg] = parts;
  let view;
  try {
    if (kind === "queue" && (STATUS_TABS.includes(arg) || !arg)) {
      markNavigation("queue");
      queue.status = arg || "Needs Review";
      const { renderQueue } = await import("./queue.js");
      view = await renderQueue(main);
    } else if (kind === "documents" && /^[1-9][0-9]{0,17}$/.test(arg || "")) {
      markNavigation("queue");
      const { renderDocument } = await import("./document.js");
      view = await renderDocument(main, arg);
    } else if (kind === "settings" && SETTINGS_SECTIONS.includes(arg)) {
      markNavigation(`settings/${arg}`);
      view = await renderSettingsSection(arg);
    } else {
      location.replace(queueHash());
      return;
    }
  } catch (failure) {
    if (failure instanceof ApiError && failure.status === 401) return; // signed out: handled by the event
    view = null;
    replace(main, h("div", { class: "panel error", role: "alert" }, h("h1", {}, "Something went wrong"), h("p", {}, failure.message)));
  }
  if (ticket !== renderCount) {
    if (view?.cleanup) view.cleanup(); // another route started meanwhile
    return;
  }
  current = view || null;
  const heading = main.querySelector("h1");
  if (heading) heading.setAttribute("tabindex", "-1");
  if (kind === "documents") window.scrollTo(0, 0); // each document opens at its top, not where the last one was left
}

async function renderSettingsSection(section) {
  let module;
  try {
    module = await import("./settings.js");
  } catch {
    replace(
      main,
      h("section", { class: "panel", "data-testid": "settings-unavailable" }, h("h1", {}, "Settings"), h("p", {}, "Settings are not available.")),
    );
    return null;
  }
  replace(main);
  const view = await module.renderSettings(main, section, { canWrite: session.canWrite, canAdmin: session.canAdmin });
  return view && typeof view === "object" ? view : null;
}

// ------------------------------------------------------------------ shortcuts
let shortcutDialog = null;

function showShortcuts() {
  if (!shortcutDialog) {
    shortcutDialog = h(
      "dialog",
      { class: "dialog", "aria-labelledby": "shortcuts-title", "data-testid": "shortcuts-dialog" },
      h("h2", { id: "shortcuts-title" }, "Keyboard shortcuts"),
      h("dl", { class: "shortcuts" }, SHORTCUTS.map(([key, what]) => [h("dt", {}, h("kbd", {}, key)), h("dd", {}, what)])),
      h("p", { class: "hint" }, "Shortcuts other than Ctrl+S and Escape do nothing while you type in a field."),
      h("form", { method: "dialog" }, h("button", { type: "submit", class: "primary", "data-testid": "shortcuts-close" }, "Close")),
    );
    document.body.append(shortcutDialog);
  }
  if (!shortcutDialog.open) shortcutDialog.showModal();
}

function anyDialogOpen() {
  return Boolean(document.querySelector("dialog[open]"));
}

document.addEventListener("keydown", (event) => {
  if (!token()) return;
  const key = event.key;
  if ((event.ctrlKey || event.metaKey) && !event.altKey && key.toLowerCase() === "s") {
    event.preventDefault();
    if (current?.save && !anyDialogOpen()) current.save();
    return;
  }
  if (key === "Escape") {
    // Native dialogs close themselves on Escape; other views may close their own panels.
    if (!anyDialogOpen() && current?.keys?.Escape) current.keys.Escape(event);
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target) || anyDialogOpen()) return;
  if (key === "?") {
    event.preventDefault();
    showShortcuts();
    return;
  }
  const action = current?.keys?.[key];
  if (action) {
    event.preventDefault();
    action(event);
  }
});

// Every way of leaving a view moves the hash (links, j/k, the queue, Back): a view with unsaved changes stays
// on screen until it has saved them or the person chose to discard them; staying undoes the move in the
// tab's history (a new entry, from a link or j/k, has no position yet; Back and Forward arrive at one).
let asking = false;
window.addEventListener("hashchange", async () => {
  if (location.hash === shownHash || asking) return;
  if (current?.hasChanges?.()) {
    const arrived = history.state?.position;
    asking = true;
    let leave = false;
    try {
      leave = await current.confirmLeave();
    } finally {
      asking = false;
    }
    if (!leave) {
      if (typeof arrived === "number" && arrived < shownPosition) history.forward();
      else history.back();
      return;
    }
  }
  route();
});
window.addEventListener("recordengine:signed-out", () => {
  teardown();
  renderHeader();
  replace(main, signInView("Your session ended or the token was refused: sign in again."));
});

async function start() {
  if (token()) {
    try {
      await loadSession();
    } catch (failure) {
      if (!(failure instanceof ApiError && failure.status === 401)) announce(failure.message, "error");
      renderHeader();
    }
  }
  renderHeader();
  if (token() && (!location.hash || location.hash === "#/" || location.hash === "#")) location.replace(queueHash());
  else route();
}

start();
