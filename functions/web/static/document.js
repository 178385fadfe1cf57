// One document: the original on one side, the extraction (editable) on the other, history below.
import { ApiError, request } from "./api.js";
import { announce, announceOnNextScreen, formatDateTime, h, replace } from "./dom.js";
import { session, queue, queueHash, documentHash, queueQuery } from "./state.js";
import { showPages } from "./original.js";

const LOW_CONFIDENCE = 80;
const STATUS_ACTIONS = [
  { status: "Approved", label: "Approve", testid: "status-approve", key: "a" },
  { status: "Missing Info", label: "Missing Info", testid: "status-missing-info" },
  { status: "Exception", label: "Exception", testid: "status-exception" },
  { status: "Archived", label: "Archive", testid: "status-archive" },
  { status: "Export", label: "Webhook Export", testid: "status-export", key: "e", confirm: true },
];
const LINE_COLUMNS = [
  ["description", "Description"],
  ["quantity", "Quantity"],
  ["unit_price", "Unit price"],
  ["amount", "Amount"],
];

const profiles = new Map();

async function profileOf(id) {
  if (!id) return null;
  if (!profiles.has(id)) {
    try {
      profiles.set(id, await request("GET", `/api/profiles/${id}`));
    } catch {
      profiles.set(id, null);
    }
  }
  return profiles.get(id);
}

async function fetchDocument(id) {
  const response = await request("GET", `/api/documents/${id}`, { raw: true });
  const doc = await response.json();
  return { doc, etag: response.headers.get("ETag") || `"${doc.version}"` };
}

export function safeUrl(value) {
  try {
    const url = new URL(String(value));
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

function display(value) {
  return value === null || value === undefined ? "" : String(value);
}

const SOURCE_TITLES = { learned: "Read with what was learned from corrections of this sender's earlier documents" };

function sourceBadge(source) {
  if (!source) return null;
  return h("span", { class: `badge source-${source}`, title: SOURCE_TITLES[source] || `Source: ${source}` }, source);
}

// A value as the person's edits and the stored document can both be compared in ("" for nothing).
function comparable(value) {
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value).trim();
}

// The line items in the shape a PATCH sends them.
function linesOf(doc) {
  return (doc.line_items || []).map((item) => ({
    description: item.description ?? null,
    quantity: item.quantity ?? null,
    unit_price: item.unit_price ?? null,
    amount: item.amount ?? null,
  }));
}

// Each change of a PATCH body, with how to read the same value on a document and how to put one back in a body.
function editsOf(body) {
  const edits = Object.entries(body.extracted_fields || {}).map(([name, mine]) => ({
    label: name.replace(/_/g, " "),
    mine,
    read: (doc) => doc.extracted_fields?.[name],
    put: (target, value) => ((target.extracted_fields ||= {})[name] = value),
  }));
  for (const key of ["doc_type", "doc_date", "notes", "line_items"]) {
    if (key in body) edits.push({ label: key.replace(/_/g, " "), mine: body[key], read: key === "line_items" ? linesOf : (doc) => doc[key], put: (target, value) => (target[key] = value) });
  }
  return edits;
}

// A dialog built once per document view; ask() opens it and answers the value of the button that closed it
// ("" for Escape).
function dialog(testid, title, ...content) {
  const titleId = `${testid}-title`;
  const element = h("dialog", { class: "dialog", "aria-labelledby": titleId, "data-testid": testid }, h("h2", { id: titleId }, title), ...content);
  document.body.append(element);
  return element;
}

function ask(element, focusValue) {
  return new Promise((resolve) => {
    element.returnValue = "";
    element.addEventListener("close", () => resolve(element.returnValue), { once: true });
    element.showModal();
    element.querySelector(`[value="${focusValue}"]`)?.focus();
  });
}

function dialogButtons(...buttons) {
  return h("form", { method: "dialog", class: "actions" }, buttons.map(([value, label, testid, primary]) => h("button", { type: "submit", value, class: primary ? "primary" : "", "data-testid": testid }, label)));
}

export async function renderDocument(main, id) {
  let { doc, etag } = await fetchDocument(id);
  const profile = await profileOf(doc.profile_id);
  let dirty = false;
  let busy = false;

  const conflict = h("div", { class: "conflict", role: "alert", "data-testid": "conflict-message", hidden: true });
  const problem = h("div", { class: "problem", role: "alert", "data-testid": "action-error", hidden: true });
  const viewer = h("section", { class: "viewer", "aria-label": "Original file", "data-testid": "viewer" }, h("p", { class: "muted" }, "Loading the original…"));
  const historyList = h("ol", { class: "history", "data-testid": "history-list" });
  const editable = session.canWrite;

  function showProblem(message) {
    problem.textContent = message;
    problem.hidden = !message;
    if (message) problem.scrollIntoView({ block: "nearest" });
  }

  function showConflict(failure) {
    const current = failure.headers?.get?.("ETag");
    replace(
      conflict,
      h("strong", {}, "Someone else changed this document since you opened it. "),
      `Your changes were not saved${current ? ` (it is now at version ${current.replace(/"/g, "")})` : ""}. `,
      "Your values are still in the form: copy what you need, then reload to see the current version.",
      " ",
      h("button", { type: "button", class: "primary", "data-testid": "conflict-reload", onclick: reload }, "Reload"),
    );
    conflict.hidden = false;
    conflict.scrollIntoView({ block: "nearest" });
    conflict.querySelector("button").focus();
    announce("Not saved: the document changed meanwhile.", "error");
  }

  // A 412: the document changed since it was read. The person's changes go on top of the current version;
  // only a field both changed (to different values) is theirs to decide, shown with both values.
  async function mergeAndSave(mine) {
    const base = doc;
    try {
      ({ doc, etag } = await fetchDocument(id));
    } catch (failure) {
      showProblem(`Not saved: ${failure.message}`);
      return false;
    }
    const clashes = editsOf(mine).filter((edit) => comparable(edit.read(base)) !== comparable(edit.read(doc)) && comparable(edit.read(doc)) !== comparable(edit.mine));
    build();
    loadHistory();
    putInForm(mine);
    if (clashes.length) {
      showClashes(clashes);
      return false;
    }
    announce("Someone else changed other fields meanwhile: your changes were added to theirs.");
    return save({ merging: true });
  }

  function showClashes(clashes) {
    const keepTheirs = () => {
      const theirs = {};
      for (const clash of clashes) clash.put(theirs, clash.read(doc));
      putInForm(theirs);
      conflict.hidden = true;
      save({ merging: true });
    };
    replace(
      conflict,
      h("strong", {}, "Someone else changed the same field since you opened this document. "),
      "Choose which value to keep; your other changes are kept either way.",
      h(
        "table",
        { class: "clashes", "data-testid": "conflict-fields" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Field"), h("th", { scope: "col" }, "Their value"), h("th", { scope: "col" }, "Your value"))),
        h("tbody", {}, clashes.map((clash) => h("tr", {}, h("th", { scope: "row" }, clash.label), h("td", {}, showValue(clash.read(doc))), h("td", {}, showValue(clash.mine))))),
      ),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "primary", "data-testid": "conflict-keep-mine", onclick: () => { conflict.hidden = true; save({ merging: true }); } }, "Keep mine"),
        h("button", { type: "button", "data-testid": "conflict-keep-theirs", onclick: keepTheirs }, "Keep theirs"),
        h("button", { type: "button", "data-testid": "conflict-reload", onclick: reload }, "Reload (discard my changes)"),
      ),
    );
    conflict.hidden = false;
    conflict.scrollIntoView({ block: "nearest" });
    conflict.querySelector("button").focus();
    announce("Not saved yet: someone else changed the same field. Choose which value to keep.", "error");
  }

  // Puts the values of a PATCH body in the form (on the version now shown), as unsaved changes.
  function putInForm(body) {
    for (const [name, value] of Object.entries(body.extracted_fields || {})) {
      const input = inputs.get(name);
      if (input) input.value = display(value);
    }
    if ("line_items" in body && lineBody) {
      lineRows = body.line_items.map((item) => Object.fromEntries(LINE_COLUMNS.map(([key]) => [key, display(item[key])])));
      renderLines();
    }
    if ("doc_type" in body) docTypeInput.value = display(body.doc_type);
    if ("doc_date" in body) docDateInput.value = display(body.doc_date);
    if ("notes" in body) notesInput.value = display(body.notes);
    dirty = true;
  }

  async function reload() {
    ({ doc, etag } = await fetchDocument(id));
    dirty = false;
    conflict.hidden = true;
    showProblem("");
    build();
    loadHistory();
    announce("Reloaded the current version.");
  }

  // ---------------------------------------------------------- fields
  const fieldDefs = [...(profile?.fields || [])];
  for (const name of Object.keys(doc.extracted_fields || {})) {
    if (!fieldDefs.some((f) => f.name === name)) fieldDefs.push({ name, type: "string", required: false, description: "" });
  }
  let inputs = new Map(); // field name -> input
  let docTypeInput;
  let docDateInput;
  let notesInput;
  let lineBody;
  let lineRows = []; // [{ description, quantity, unit_price, amount }] as strings while editing

  function inputFor(def, value) {
    const attrs = {
      id: `field-${def.name}`,
      name: def.name,
      "data-testid": `field-${def.name}`,
      "data-field": def.name,
      "data-type": def.type,
      value: display(value),
      readonly: editable ? null : true,
      oninput: () => (dirty = true),
    };
    if (def.type === "date") return h("input", { ...attrs, type: "date" });
    if (def.type === "amount") return h("input", { ...attrs, type: "text", inputmode: "decimal", pattern: "-?[0-9]+(\\.[0-9]+)?", title: "A plain decimal: 1234.50" });
    if (def.type === "currency") return h("input", { ...attrs, type: "text", maxlength: "3", pattern: "[A-Za-z]{3}", title: "Three letters (ISO 4217), e.g. EUR", class: "short", autocapitalize: "characters" });
    if (def.type === "integer") return h("input", { ...attrs, type: "text", inputmode: "numeric", pattern: "-?[0-9]+", title: "A whole number" });
    return h("input", { ...attrs, type: "text", maxlength: "1000" });
  }

  function fieldRow(def) {
    const value = doc.extracted_fields?.[def.name];
    const confidence = doc.field_confidence?.[def.name];
    const missing = (doc.missing_fields || []).includes(def.name);
    const low = missing || (typeof confidence === "number" && confidence < LOW_CONFIDENCE);
    const input = inputFor(def, value);
    if (low) input.dataset.low = "true";
    if (missing) input.setAttribute("aria-invalid", "true");
    inputs.set(def.name, input);
    const label = def.name.replace(/_/g, " ");
    return h(
      "div",
      { class: `field-row${low ? " low" : ""}${missing ? " missing" : ""}`, "data-testid": `field-row-${def.name}`, "data-source": doc.field_sources?.[def.name] || null },
      h("label", { for: input.id }, label, def.required && !(def.not_expected_on || []).includes(doc.doc_type) ? h("span", { class: "required", title: "required" }, " *") : null),
      input,
      h(
        "span",
        { class: "field-meta" },
        typeof confidence === "number" ? h("span", { class: `badge ${confidence < LOW_CONFIDENCE ? "warn" : "ok"}`, title: "Confidence" }, `${confidence}%`) : null,
        missing ? h("span", { class: "badge bad" }, "missing") : null,
        sourceBadge(doc.field_sources?.[def.name]),
      ),
    );
  }

  function lineItemsEditor() {
    lineRows = (doc.line_items || []).map((item) => Object.fromEntries(LINE_COLUMNS.map(([key]) => [key, display(item[key])])));
    lineBody = h("tbody", { "data-testid": "line-items" });
    renderLines();
    return h(
      "section",
      { class: "line-items", "aria-labelledby": "lines-title" },
      h("h3", { id: "lines-title" }, "Line items ", sourceBadge(doc.field_sources?.line_items)),
      h(
        "table",
        {},
        h("thead", {}, h("tr", {}, LINE_COLUMNS.map(([, title]) => h("th", { scope: "col" }, title)), editable ? h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions")) : null)),
        lineBody,
      ),
      editable
        ? h(
            "button",
            {
              type: "button",
              "data-testid": "line-add",
              onclick: () => {
                lineRows.push({ description: "", quantity: "", unit_price: "", amount: "" });
                dirty = true;
                renderLines();
                lineBody.querySelector("tr:last-child input")?.focus();
              },
            },
            "Add line",
          )
        : null,
    );
  }

  function renderLines() {
    const rows = lineRows.map((row, index) =>
      h(
        "tr",
        { "data-testid": "line-item", "data-index": String(index) },
        LINE_COLUMNS.map(([key, title]) =>
          h(
            "td",
            {},
            h("input", {
              type: "text",
              value: row[key],
              inputmode: key === "description" ? null : "decimal",
              readonly: editable ? null : true,
              "aria-label": `${title}, line ${index + 1}`,
              "data-testid": `line-${key}-${index}`,
              class: key === "description" ? "" : "num",
              oninput: (event) => {
                row[key] = event.target.value;
                dirty = true;
              },
            }),
          ),
        ),
        editable
          ? h(
              "td",
              { class: "row-actions" },
              h("button", { type: "button", "aria-label": `Move line ${index + 1} up`, disabled: index === 0, onclick: () => moveLine(index, -1) }, "↑"),
              h("button", { type: "button", "aria-label": `Move line ${index + 1} down`, disabled: index === lineRows.length - 1, onclick: () => moveLine(index, 1) }, "↓"),
              h("button", { type: "button", "aria-label": `Remove line ${index + 1}`, "data-testid": `line-remove-${index}`, onclick: () => removeLine(index) }, "✕"),
            )
          : null,
      ),
    );
    replace(lineBody, rows.length ? rows : h("tr", {}, h("td", { colspan: "5", class: "muted" }, "No line items.")));
  }

  function moveLine(index, step) {
    const target = index + step;
    [lineRows[index], lineRows[target]] = [lineRows[target], lineRows[index]];
    dirty = true;
    renderLines();
    lineBody.querySelector(`tr[data-index="${target}"] button[aria-label^="Move line ${target + 1} ${step < 0 ? "up" : "down"}"]`)?.focus();
  }

  function removeLine(index) {
    lineRows.splice(index, 1);
    dirty = true;
    renderLines();
    announce(`Line ${index + 1} removed.`);
  }

  // ---------------------------------------------------------- saving
  function number(text, what) {
    const trimmed = text.trim();
    if (trimmed === "") return null;
    const value = Number(trimmed);
    if (!Number.isFinite(value)) throw new Error(`${what} must be a number.`);
    return value;
  }

  function changes() {
    const body = {};
    const fields = {};
    for (const def of fieldDefs) {
      const input = inputs.get(def.name);
      let value = input.value.trim();
      const before = display(doc.extracted_fields?.[def.name]);
      if (value === before) continue;
      if (value === "") fields[def.name] = null;
      else if (def.type === "currency") fields[def.name] = value.toUpperCase();
      else if (def.type === "integer" && /^-?[0-9]+$/.test(value)) fields[def.name] = Number(value);
      else fields[def.name] = value;
    }
    if (Object.keys(fields).length) body.extracted_fields = fields;
    if (lineBody) {
      // Rows left entirely empty are not sent.
      const filled = lineRows.filter((row) => LINE_COLUMNS.some(([key]) => row[key].trim() !== ""));
      const items = filled.map((row, index) => ({
        description: row.description.trim() === "" ? null : row.description,
        quantity: number(row.quantity, `Line ${index + 1} quantity`),
        unit_price: number(row.unit_price, `Line ${index + 1} unit price`),
        amount: number(row.amount, `Line ${index + 1} amount`),
      }));
      if (JSON.stringify(items) !== JSON.stringify(linesOf(doc))) body.line_items = items;
    }
    if (docTypeInput.value.trim() !== display(doc.doc_type)) body.doc_type = docTypeInput.value.trim() || null;
    if (docDateInput.value !== display(doc.doc_date)) body.doc_date = docDateInput.value || null;
    if (notesInput.value !== display(doc.notes)) body.notes = notesInput.value === "" ? null : notesInput.value;
    return body;
  }

  function hasChanges() {
    if (!editable || !dirty) return false;
    try {
      return Object.keys(changes()).length > 0;
    } catch {
      return true; // a value that cannot be sent is still the person's edit
    }
  }

  // Saves the form's changes; answers whether nothing is left unsaved.
  async function save({ merging = false } = {}) {
    if (!editable || busy) return false;
    let body;
    try {
      body = changes();
    } catch (failure) {
      showProblem(failure.message);
      return false;
    }
    if (!Object.keys(body).length) {
      dirty = false;
      announce("Nothing to save.");
      return true;
    }
    busy = true;
    showProblem("");
    try {
      const response = await request("PATCH", `/api/documents/${id}`, { json: body, headers: { "If-Match": etag }, raw: true });
      doc = await response.json();
      etag = response.headers.get("ETag") || `"${doc.version}"`;
      dirty = false;
      conflict.hidden = true;
      build();
      loadHistory();
      announce("Saved.");
      return true;
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 412) {
        if (!merging) {
          busy = false;
          return mergeAndSave(body);
        }
        showConflict(failure);
      } else {
        showProblem(`Not saved: ${failure.message}`);
        announce(`Not saved: ${failure.message}`, "error");
      }
      return false;
    } finally {
      busy = false;
    }
  }

  // ---------------------------------------------------------- status actions
  const exportDialog = dialog(
    "export-dialog",
    "Send to the webhooks?",
    h("p", {}, "Webhook Export sends this document, as corrected, to every enabled webhook endpoint."),
    dialogButtons(["cancel", "Cancel", "export-cancel"], ["confirm", "Export", "export-confirm", true]),
  );
  const leaveDialog = dialog(
    "leave-dialog",
    "Save your changes?",
    h("p", {}, "You changed this document and have not saved the changes."),
    dialogButtons(["cancel", "Stay here", "leave-cancel"], ["discard", "Discard changes", "leave-discard"], ["save", "Save and go on", "leave-save", true]),
  );
  const approveReasons = h("ul", { "data-testid": "approve-reasons" });
  const approveDialog = dialog(
    "approve-dialog",
    "Approve with problems?",
    approveReasons,
    h("p", { class: "hint" }, "Press a again to approve it as it is."),
    dialogButtons(["cancel", "Cancel", "approve-cancel"], ["confirm", "Approve anyway", "approve-confirm", true]),
  );
  approveDialog.addEventListener("keydown", (event) => {
    if (event.key === "a" && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      event.stopPropagation(); // the page's own "a" would start another approval
      approveDialog.close("confirm");
    }
  });

  // Why approving this document needs a second thought: its failed checks and its required fields left empty
  // (missing_fields: the service's own reading of what the document's profile requires, renewed on each save).
  function approvalProblems() {
    const missing = (doc.missing_fields || []).filter((name) => comparable(doc.extracted_fields?.[name]) === "");
    return [
      ...(doc.validation || []).filter((check) => !check.passed).map((check) => `Failed check: ${check.check.replace(/_/g, " ")}${check.detail ? ` (${check.detail})` : ""}`),
      ...missing.map((name) => `Missing required field: ${name.replace(/_/g, " ")}`),
    ];
  }

  async function confirmLeave() {
    const choice = await ask(leaveDialog, "save");
    if (choice === "discard") {
      dirty = false;
      return true;
    }
    return choice === "save" ? save() : false;
  }

  let deciding = false; // a status change is saving or asking: another key press waits for it
  async function setStatus(action) {
    if (!editable || busy || deciding) return;
    deciding = true;
    try {
      await decideAndSetStatus(action);
    } finally {
      deciding = false;
    }
  }

  async function decideAndSetStatus(action) {
    // The status applies to the document as the person sees it: unsaved corrections are saved first.
    if (hasChanges() && !(await save())) return;
    if (action.status === "Approved") {
      const problems = approvalProblems();
      if (problems.length) {
        replace(approveReasons, problems.map((text) => h("li", {}, text)));
        if ((await ask(approveDialog, "cancel")) !== "confirm") return;
      }
    }
    if (action.confirm && (await ask(exportDialog, "cancel")) !== "confirm") return;
    busy = true;
    showProblem("");
    try {
      await request("PATCH", `/api/documents/${id}/status`, { json: { status: action.status }, headers: { "If-Match": etag } });
      announceOnNextScreen(`Document ${id} set to ${action.status}.`);
      await openNext();
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 412) showConflict(failure);
      else {
        const message = failure instanceof ApiError && failure.status === 409 ? `Not possible now: ${failure.message}` : failure.message;
        showProblem(message);
        announce(message, "error");
      }
    } finally {
      busy = false;
    }
  }

  // The document after this one in the queue the person came from (the queue as it is now).
  async function openNext() {
    const before = queue.ids.slice();
    const position = before.indexOf(Number(id));
    let fresh = [];
    try {
      fresh = ((await request("GET", "/api/documents", { query: queueQuery() }))?.documents || []).map((d) => d.id);
    } catch {
      fresh = before;
    }
    queue.ids = fresh;
    const after = position >= 0 ? before.slice(position + 1) : [];
    const next = after.find((candidate) => fresh.includes(candidate)) ?? fresh.find((candidate) => candidate !== Number(id));
    location.hash = next ? documentHash(next) : queueHash();
  }

  function step(direction) {
    const position = queue.ids.indexOf(Number(id));
    const target = position >= 0 ? queue.ids[position + direction] : queue.ids[0];
    if (target) location.hash = documentHash(target);
    else announce(direction > 0 ? "This is the last document of the queue." : "This is the first document of the queue.");
  }

  function focusNextLow() {
    const candidates = [...main.querySelectorAll('[data-low="true"]')];
    if (!candidates.length) {
      announce("No low-confidence, missing or failed fields.");
      return;
    }
    const index = candidates.indexOf(document.activeElement);
    candidates[(index + 1) % candidates.length].focus();
  }

  // ---------------------------------------------------------- history
  async function loadHistory() {
    try {
      const page = await request("GET", `/api/documents/${id}/history`, { query: { limit: 200 } });
      const entries = (page?.entries || []).slice().reverse();
      replace(
        historyList,
        entries.length
          ? entries.map((entry) =>
              h(
                "li",
                { "data-testid": "history-entry" },
                h("div", { class: "history-head" }, h("time", { datetime: entry.at }, formatDateTime(entry.at)), " · ", h("strong", {}, entry.actor), " · ", entry.action.replace(/_/g, " ")),
                entry.detail ? h("div", { class: "muted" }, entry.detail) : null,
                entry.changes?.length
                  ? h(
                      "ul",
                      { class: "changes" },
                      entry.changes.map((change) =>
                        h("li", {}, h("code", {}, change.field), ": ", h("del", {}, showValue(change.from)), " → ", h("ins", {}, showValue(change.to))),
                      ),
                    )
                  : null,
              ),
            )
          : h("li", { class: "muted" }, "No history yet."),
      );
    } catch (failure) {
      replace(historyList, h("li", { class: "error-text" }, `History could not be loaded: ${failure.message}`));
    }
  }

  // ---------------------------------------------------------- the original
  async function loadOriginal() {
    // The pages as images with where each value was read (original.js); the file itself where there are none.
    if (await showPages(viewer, { documentId: id, locations: () => doc.field_locations, form: panel })) return;
    try {
      const response = await request("GET", `/api/documents/${id}/file`, { query: { disposition: "inline" }, raw: true });
      let url;
      let contentType = doc.media_type || "";
      let filename = doc.filename;
      if ((response.headers.get("Content-Type") || "").includes("application/json")) {
        const answer = await response.json();
        url = answer.url;
        contentType = answer.content_type || contentType;
        filename = answer.filename || filename;
      } else {
        url = response.url; // the route answered 302 and fetch followed it to the presigned URL
      }
      showOriginal(url, contentType, filename);
    } catch (failure) {
      replace(viewer, h("p", { class: "muted" }, failure instanceof ApiError && failure.status === 409 ? "The file has not arrived yet." : `The original cannot be shown: ${failure.message}`));
    }
  }

  function showOriginal(url, contentType, filename) {
    const safe = safeUrl(url);
    if (!safe) {
      replace(viewer, h("p", {}, "The original cannot be shown."));
      return;
    }
    const download = h("a", { href: safe, class: "button-like", rel: "noopener noreferrer", target: "_blank", "data-testid": "open-original" }, "Open the original");
    if (contentType === "application/pdf") {
      // The browser's PDF viewer opens a page fitted to the frame's width (FitH), not shrunk to the whole page.
      replace(viewer, h("div", { class: "viewer-tools" }, download), h("iframe", { src: `${safe}#view=FitH`, title: `Original: ${filename}`, class: "pdf-frame", "data-testid": "original-pdf" }));
      return;
    }
    if (contentType.startsWith("image/") && contentType !== "image/tiff") {
      const img = h("img", { src: safe, alt: `Original: ${filename}`, "data-testid": "original-image" });
      const frame = h("div", { class: "image-frame" }, img);
      let scale = 0; // 0: fit the width
      const apply = () => {
        img.style.width = scale ? `${Math.round(scale * 100)}%` : "100%";
        img.style.maxWidth = scale ? "none" : "100%";
      };
      const zoom = (factor) => {
        scale = Math.min(8, Math.max(0.25, (scale || 1) * factor));
        apply();
      };
      apply();
      replace(
        viewer,
        h(
          "div",
          { class: "viewer-tools", role: "toolbar", "aria-label": "Zoom" },
          h("button", { type: "button", "data-testid": "zoom-in", onclick: () => zoom(1.25) }, "Zoom in"),
          h("button", { type: "button", "data-testid": "zoom-out", onclick: () => zoom(0.8) }, "Zoom out"),
          h("button", { type: "button", "data-testid": "zoom-fit", onclick: () => { scale = 0; apply(); } }, "Fit"),
          download,
        ),
        frame,
      );
      return;
    }
    replace(viewer, h("p", {}, "This file type cannot be shown in the browser. "), download);
  }

  // ---------------------------------------------------------- the sender
  // Who the document was attributed to (GET /api/senders/{id}): its name links to the senders in Settings.
  const sender = h("span", { class: "sender", "data-testid": "document-sender" });
  async function loadSender() {
    if (!doc.sender_id) return;
    replace(sender, ` · sender #${doc.sender_id}`);
    try {
      const found = await request("GET", `/api/senders/${doc.sender_id}`);
      replace(sender, " · sender ", h("a", { href: "#/settings/senders", title: `Sender #${found.id}: what was learned from its documents` }, found.name));
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 404) replace(sender, ` · sender #${doc.sender_id} (forgotten)`);
    }
  }

  // ---------------------------------------------------------- layout
  const panel = h("section", { class: "extraction", "aria-label": "Extraction" });

  function build() {
    inputs = new Map();
    const score = doc.confidence_score;
    const failed = (doc.validation || []).filter((check) => !check.passed);
    docTypeInput = h("input", { id: "doc-type", type: "text", value: display(doc.doc_type), list: "doc-types", readonly: editable ? null : true, "data-testid": "field-doc_type", oninput: () => (dirty = true) });
    docDateInput = h("input", { id: "doc-date", type: "date", value: display(doc.doc_date), readonly: editable ? null : true, "data-testid": "field-doc_date", oninput: () => (dirty = true) });
    notesInput = h("textarea", { id: "notes", rows: "4", maxlength: "10000", readonly: editable ? null : true, "data-testid": "notes", oninput: () => (dirty = true) });
    notesInput.value = display(doc.notes);
    const refs = Object.entries(doc.external_refs || {});
    replace(
      panel,
      h(
        "div",
        { class: "doc-head" },
        h("h1", { id: "document-title" }, doc.filename || `Document #${doc.id}`),
        h(
          "p",
          { class: "doc-meta" },
          h("span", { class: "status", "data-testid": "document-status" }, doc.status),
          " ",
          score === null || score === undefined ? null : h("span", { class: "confidence", "data-testid": "document-confidence" }, `${doc.confidence_label || ""} ${score}`),
          ` · #${doc.id} · ${doc.contact_name || ""} · ${doc.folder_name || ""}`,
          sender,
          doc.duplicate_of ? [" · ", h("a", { href: documentHash(doc.duplicate_of), class: "badge warn", "data-testid": "duplicate-of" }, `duplicate of #${doc.duplicate_of}`)] : null,
        ),
      ),
      editable
        ? h(
            "div",
            { class: "status-actions", role: "group", "aria-label": "Status" },
            STATUS_ACTIONS.map((action) =>
              h(
                "button",
                { type: "button", class: action.status === "Approved" ? "primary" : "", "data-testid": action.testid, "aria-keyshortcuts": action.key || null, onclick: () => setStatus(action) },
                action.label,
              ),
            ),
          )
        : h("p", { class: "hint", "data-testid": "read-only-note" }, "Your token can read documents but not change them."),
      conflict,
      problem,
      doc.error ? h("p", { class: "error-text", "data-testid": "document-error" }, `Error: ${doc.error}`) : null,
      failed.length
        ? h(
            "div",
            { class: "validation", "data-testid": "validation-failed" },
            h("h2", {}, "Failed checks"),
            h("ul", {}, failed.map((check) => h("li", { "data-low": "true", tabindex: "-1" }, h("strong", {}, check.check.replace(/_/g, " ")), check.detail ? `: ${check.detail}` : ""))),
          )
        : null,
      doc.ai_summary ? h("section", { class: "summary" }, h("h2", {}, "Summary"), h("p", { "data-testid": "ai-summary" }, doc.ai_summary)) : null,
      doc.confidence_reasoning ? h("p", { class: "reasoning", "data-testid": "confidence-reasoning" }, doc.confidence_reasoning) : null,
      h(
        "form",
        { class: "fields", "aria-labelledby": "fields-title", onsubmit: (event) => { event.preventDefault(); save(); } },
        h("h2", { id: "fields-title" }, "Fields"),
        h("div", { class: "field-row" }, h("label", { for: "doc-type" }, "document type"), docTypeInput, h("span", { class: "field-meta" }, sourceBadge(doc.field_sources?.doc_type))),
        h("datalist", { id: "doc-types" }, (profile?.doc_types || []).map((type) => h("option", { value: type }))),
        h("div", { class: "field-row" }, h("label", { for: "doc-date" }, "document date"), docDateInput, h("span", { class: "field-meta" }, sourceBadge(doc.field_sources?.doc_date))),
        fieldDefs.map(fieldRow),
        profile?.line_items || (doc.line_items || []).length ? lineItemsEditor() : ((lineBody = null), null),
        h("div", { class: "field-row notes-row" }, h("label", { for: "notes" }, "notes"), notesInput),
        editable ? h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", "data-testid": "save", "aria-keyshortcuts": "Control+S Meta+S" }, "Save changes")) : null,
      ),
      refs.length
        ? h(
            "section",
            { class: "refs", "data-testid": "external-refs" },
            h("h2", {}, "External references"),
            h(
              "ul",
              {},
              refs.map(([system, ref]) => {
                const text = `${system}: ${[ref?.record_type, ref?.record_id].filter(Boolean).join(" ") || JSON.stringify(ref)}`;
                const link = ref && typeof ref === "object" ? safeUrl(ref.record_url) : null;
                return h("li", {}, link ? h("a", { href: link, rel: "noopener noreferrer", target: "_blank" }, text) : text);
              }),
            ),
          )
        : null,
      (doc.rules_applied || []).length
        ? h("section", { class: "rules-applied" }, h("h2", {}, "Rules applied"), h("ul", {}, doc.rules_applied.map((rule) => h("li", {}, `${rule.name} (#${rule.rule_id})`))))
        : null,
      h("section", { class: "history-section", "aria-labelledby": "history-title" }, h("h2", { id: "history-title" }, "History"), historyList),
    );
  }

  build();
  replace(
    main,
    h(
      "div",
      { class: "document-view", "data-testid": "document-view", "data-document-id": String(id) },
      h("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, h("a", { href: queueHash(), "data-testid": "back-to-queue" }, `← ${queue.status} queue`)),
      h("div", { class: "split" }, viewer, panel),
    ),
  );
  loadOriginal();
  loadHistory();
  loadSender();
  if (!queue.ids.length) {
    // Opened directly: j/k and "next" follow the current queue tab.
    request("GET", "/api/documents", { query: queueQuery() })
      .then((answer) => (queue.ids = (answer?.documents || []).map((d) => d.id)))
      .catch(() => {});
  }

  const onBeforeUnload = (event) => {
    if (hasChanges()) event.preventDefault();
  };
  window.addEventListener("beforeunload", onBeforeUnload);
  return {
    save,
    hasChanges,
    confirmLeave,
    cleanup: () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      for (const element of [exportDialog, leaveDialog, approveDialog]) element.remove();
    },
    keys: {
      j: () => step(1),
      k: () => step(-1),
      a: () => setStatus(STATUS_ACTIONS[0]),
      e: () => setStatus(STATUS_ACTIONS[4]),
      f: focusNextLow,
    },
  };
}

function showValue(value) {
  if (value === null || value === undefined || value === "") return "∅";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
