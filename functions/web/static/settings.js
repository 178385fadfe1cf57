// Settings pages: contacts, folders, profiles, rules and webhooks, each listed (paged) and, with the scope,
// created and managed. Every value from the API is shown as text (dom.js's h), never as HTML.
import { ApiError, request } from "./api.js";
import { announce, formatDateTime, h, replace } from "./dom.js";

const PAGE_SIZE = 25;
const FIELD_TYPES = ["string", "date", "amount", "currency", "integer"];
const OPERATORS = ["==", "!=", ">", ">=", "<", "<=", "contains", "exists", "missing"];
const PRESENCE = new Set(["exists", "missing"]);
const RULE_FIELDS = ["confidence_score", "doc_type", "contact_id", "folder_id", "status", "duplicate_of", "extracted_fields."];
const RULE_STATUSES = ["Needs Review", "Missing Info", "Ready", "Approved", "Export", "Exception", "Archived"];
const ACTION_TYPES = { set_status: "Set status", move_to_folder: "Move to folder", add_note: "Add note" };
const SECTIONS = {
  contacts: { title: "Contacts", render: renderContacts },
  folders: { title: "Folders", render: renderFolders },
  profiles: { title: "Profiles", render: renderProfiles },
  senders: { title: "Senders", render: renderSenders },
  rules: { title: "Rules", render: renderRules },
  webhooks: { title: "Webhooks", render: renderWebhooks },
};

export async function renderSettings(container, section, { canWrite = false, canAdmin = false } = {}) {
  const entry = SECTIONS[section];
  if (!entry) {
    replace(container, h("p", { class: "settings-error", role: "alert" }, `There is no settings section "${section}".`));
    return;
  }
  const body = h("div", { class: "settings-body" });
  replace(container, h("div", { class: "settings", "data-testid": `settings-${section}` }, h("h1", {}, entry.title), body));
  await entry.render(body, { canWrite, canAdmin });
}

// ---- shared helpers -------------------------------------------------------------------------------------

let lastId = 0;
const uid = (prefix) => `settings-${prefix}-${++lastId}`;

function problem(error, scope, action) {
  if (error instanceof ApiError && error.status === 403) return `This token lacks the ${scope} scope needed to ${action}.`;
  return error instanceof ApiError ? error.message : `Something went wrong: ${error.message || error}`;
}

// A labelled control: {label, control} → a wrapper with <label for> pointing at the control.
function labelled(label, control, hint) {
  if (!control.id) control.id = uid("input");
  const hintNode = hint ? h("span", { class: "settings-hint", id: `${control.id}-hint` }, hint) : null;
  if (hintNode) control.setAttribute("aria-describedby", hintNode.id);
  return h("div", { class: "settings-field" }, h("label", { for: control.id }, label), control, hintNode);
}

function select(options, value) {
  return h("select", {}, options.map((option) => {
    const [optionValue, text] = Array.isArray(option) ? option : [option, option];
    return h("option", { value: String(optionValue), selected: String(optionValue) === String(value ?? "") }, text);
  }));
}

const button = (text, onclick, attrs = {}) => h("button", { type: "button", onclick, ...attrs }, text);

// A form whose submit runs `save(form)`; a thrown error (e.g. the API's 422 detail) is shown next to it.
function settingsForm({ title, testid, submitLabel, fields, save, extra, scope }) {
  const message = h("p", { class: "settings-error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", class: "primary", "data-testid": `${testid}-submit` }, submitLabel);
  const heading = h("h2", { id: uid("heading") }, title);
  const form = h("form", { class: "settings-form", "data-testid": testid, "aria-labelledby": heading.id, novalidate: true },
    heading, fields, h("div", { class: "settings-actions" }, submit, extra), message);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.hidden = true;
    submit.disabled = true;
    try {
      await save(form);
    } catch (error) {
      message.textContent = problem(error, scope, "save this");
      message.hidden = false;
    } finally {
      submit.disabled = false;
    }
  });
  return { form, heading, submit, message };
}

function table(columns, rows, { testid, caption, empty }) {
  if (!rows.length) return h("p", { class: "settings-empty", "data-testid": testid }, empty);
  return h("table", { class: "settings-table", "data-testid": testid },
    caption ? h("caption", {}, caption) : null,
    h("thead", {}, h("tr", {}, columns.map(([label]) => h("th", { scope: "col" }, label)))),
    h("tbody", {}, rows.map((row) => h("tr", { "data-id": row.id }, columns.map(([, cell]) => h("td", {}, cell(row)))))));
}

// A paged list of `path` (answers {total, limit, offset, <key>: [...]}); returns {reload}.
function pagedList(host, { path, key, columns, testid, caption, empty, scope }) {
  let offset = 0;
  let latest = 0;
  async function load(focus) {
    const ticket = ++latest;
    if (!host.firstChild) replace(host, h("p", { class: "settings-loading" }, "Loading…"));
    host.setAttribute("aria-busy", "true");
    let page;
    try {
      page = await request("GET", path, { query: { limit: PAGE_SIZE, offset } });
    } catch (error) {
      if (ticket !== latest) return;
      host.removeAttribute("aria-busy");
      replace(host, h("p", { class: "settings-error", role: "alert", "data-testid": testid }, problem(error, scope, `list ${key}`)));
      return;
    }
    if (ticket !== latest) return;
    host.removeAttribute("aria-busy");
    const rows = page[key] || [];
    if (!rows.length && offset > 0 && page.total > 0) {
      offset = Math.max(0, offset - PAGE_SIZE);
      return load(focus);
    }
    const last = Math.min(page.offset + rows.length, page.total);
    const pager = page.total > PAGE_SIZE
      ? h("div", { class: "settings-pager" },
          button("Previous", () => { offset = Math.max(0, offset - PAGE_SIZE); load("Previous"); }, { disabled: offset === 0 }),
          h("span", { "aria-live": "polite" }, `${page.offset + 1}–${last} of ${page.total}`),
          button("Next", () => { offset += PAGE_SIZE; load("Next"); }, { disabled: last >= page.total }))
      : h("p", { class: "settings-count" }, `${page.total} in all`);
    replace(host, table(columns, rows, { testid, caption, empty }), pager);
    if (focus) {
      const buttons = [...pager.querySelectorAll("button")];
      (buttons.find((b) => b.textContent === focus && !b.disabled) || buttons.find((b) => !b.disabled))?.focus();
    }
  }
  load();
  return { reload: () => load() };
}

// Deleting asks first, in place: the button becomes "Delete …? Yes / Cancel".
function confirmButton(label, question, action, testid) {
  const holder = h("span", { class: "settings-confirm" });
  const reset = () => replace(holder, button(label, ask, { class: "danger", "data-testid": testid }));
  function ask() {
    const cancel = button("Cancel", () => { reset(); holder.querySelector("button").focus(); });
    replace(holder, h("span", {}, question), " ",
      button(`Yes, ${label.toLowerCase()}`, async () => {
        try { await action(); } catch (error) { announce(problem(error, "admin", "delete this"), "error"); reset(); }
      }, { class: "danger", "data-testid": `${testid}-confirm` }), " ", cancel);
    cancel.focus();
  }
  reset();
  return holder;
}

async function listAll(path, key) {
  try {
    return (await request("GET", path, { query: { limit: 200 } }))[key] || [];
  } catch {
    return [];
  }
}

const text = (value) => (value === null || value === undefined || value === "" ? "—" : String(value));
const readOnly = (scope, what) => h("p", { class: "settings-note" }, `Managing ${what} needs a token with the ${scope} scope.`);

// ---- senders: what was learned from each supplier's corrected documents --------------------------------

async function renderSenders(body, { canAdmin }) {
  const listHost = h("div");
  const forget = (s) => confirmButton("Forget", `Forget ${s.name} and all that was learned from its documents?`, async () => {
    await request("DELETE", `/api/senders/${s.id}`);
    announce(`Sender "${s.name}" forgotten: its next document starts a new sender.`);
    list.reload();
  }, "senders-forget");
  const list = pagedList(listHost, {
    path: "/api/senders", key: "senders", testid: "senders-list", caption: "Senders documents were attributed to", scope: "documents:read",
    empty: "No senders yet: a document is attributed to its sender when it prints a tax number, IBAN, web domain or e-mail, or phone.",
    columns: [["Name", (s) => s.name],
      ["Identifiers", (s) => h("ul", { class: "settings-identifiers" }, s.identifiers.map((identifier) => h("li", {}, identifier)))],
      ["Documents seen", (s) => String(s.documents_seen)], ["Fields learned", (s) => String(s.fields_learned)],
      ["Accuracy", (s) => (s.learned_accuracy === null || s.learned_accuracy === undefined ? "—" : `${Math.round(s.learned_accuracy * 100)}%`)],
      ["Last seen", (s) => (s.last_seen ? formatDateTime(s.last_seen) : "—")],
      ...(canAdmin ? [["Manage", forget]] : [])],
  });
  replace(body, h("p", { class: "settings-note" }, "Corrections of a sender's documents teach how its next documents are read. Forgetting a sender drops what was learned; its documents keep their values."),
    canAdmin ? null : readOnly("admin", "senders"), listHost);
}

// ---- contacts, folders ----------------------------------------------------------------------------------

async function renderContacts(body, { canWrite }) {
  const listHost = h("div");
  const profiles = await listAll("/api/profiles", "profiles");
  const profileName = (id) => profiles.find((p) => p.id === id)?.name;
  const list = pagedList(listHost, {
    path: "/api/contacts", key: "contacts", testid: "contacts-list", caption: "Contacts", scope: "documents:read",
    empty: "No contacts yet.",
    columns: [["ID", (c) => String(c.id)], ["Name", (c) => c.name],
      ["Default profile", (c) => `${c.default_profile_id}${profileName(c.default_profile_id) ? ` · ${profileName(c.default_profile_id)}` : ""}`],
      ["Created", (c) => formatDateTime(c.created_at)]],
  });
  if (!canWrite) return replace(body, readOnly("documents:write", "contacts"), listHost);
  const name = h("input", { type: "text", required: true, maxlength: "200", autocomplete: "off" });
  const profile = select([["", "Built-in default (profile 1)"], ...profiles.map((p) => [p.id, `${p.id} · ${p.name}`])], "");
  const { form } = settingsForm({
    title: "New contact", testid: "contacts-create", scope: "documents:write", submitLabel: "Create contact",
    fields: [labelled("Name", name), labelled("Default profile", profile)],
    save: async () => {
      const created = await request("POST", "/api/contacts", {
        json: { name: name.value, default_profile_id: profile.value ? Number(profile.value) : undefined },
      });
      form.reset();
      announce(`Contact "${created.name}" created (ID ${created.id}).`);
      list.reload();
    },
  });
  replace(body, form, listHost);
}

async function renderFolders(body, { canWrite }) {
  const listHost = h("div");
  const list = pagedList(listHost, {
    path: "/api/folders", key: "folders", testid: "folders-list", caption: "Folders", scope: "documents:read",
    empty: "No folders yet.",
    columns: [["ID", (f) => String(f.id)], ["Name", (f) => f.name], ["Created", (f) => formatDateTime(f.created_at)]],
  });
  if (!canWrite) return replace(body, readOnly("documents:write", "folders"), listHost);
  const name = h("input", { type: "text", required: true, maxlength: "200", autocomplete: "off" });
  const { form } = settingsForm({
    title: "New folder", testid: "folders-create", scope: "documents:write", submitLabel: "Create folder",
    fields: [labelled("Name", name)],
    save: async () => {
      const created = await request("POST", "/api/folders", { json: { name: name.value } });
      form.reset();
      announce(`Folder "${created.name}" created (ID ${created.id}).`);
      list.reload();
    },
  });
  replace(body, form, listHost);
}

// ---- profiles -------------------------------------------------------------------------------------------

// Rows of controls (fields of a profile, conditions and actions of a rule) with Add and Remove buttons.
function rowEditor({ legend, noun, makeRow, initial, testid }) {
  const rows = h("ol", { class: "settings-rows", "data-testid": testid });
  const entries = [];
  function add(value) {
    const entry = makeRow(value || {});
    const remove = button("Remove", () => {
      entries.splice(entries.indexOf(entry), 1);
      item.remove();
      addButton.focus();
    }, { class: "link", "aria-label": `Remove this ${noun}` });
    const item = h("li", { class: "settings-row" }, entry.controls, remove);
    entries.push(entry);
    rows.append(item);
    return entry;
  }
  const addButton = button(`Add ${noun}`, () => add().controls[0].querySelector("input, select")?.focus());
  (initial && initial.length ? initial : [{}]).forEach(add);
  const fieldset = h("fieldset", { class: "settings-fieldset" }, h("legend", {}, legend), rows, addButton);
  return { fieldset, values: () => entries.map((entry) => entry.value()), set: (values) => {
    entries.splice(0);
    rows.replaceChildren();
    (values.length ? values : [{}]).forEach(add);
  } };
}

function describeFields(fields) {
  return h("ul", { class: "settings-inline-list" }, (fields || []).map((f) =>
    h("li", {}, h("code", {}, f.name), ` ${f.type}${f.required ? ", required" : ""}`, f.description ? ` — ${f.description}` : "")));
}

async function renderProfiles(body, { canWrite }) {
  const listHost = h("div");
  const list = pagedList(listHost, {
    path: "/api/profiles", key: "profiles", testid: "profiles-list", caption: "Extraction profiles", scope: "documents:read",
    empty: "No profiles yet.",
    columns: [["ID", (p) => String(p.id)], ["Name", (p) => `${p.name}${p.builtin ? " (built-in)" : ""}`],
      ["Document types", (p) => text((p.doc_types || []).join(", "))], ["Fields (name, type)", (p) => describeFields(p.fields)],
      ["Line items", (p) => (p.line_items ? "Yes" : "No")], ["Created", (p) => formatDateTime(p.created_at)]],
  });
  if (!canWrite) return replace(body, readOnly("documents:write", "profiles"), listHost);
  const name = h("input", { type: "text", required: true, maxlength: "200", autocomplete: "off" });
  const docTypes = h("input", { type: "text", autocomplete: "off" });
  const lineItems = h("input", { type: "checkbox" });
  const fields = rowEditor({
    legend: "Fields", noun: "field", testid: "profiles-fields",
    makeRow: () => {
      const fieldName = h("input", { type: "text", required: true, maxlength: "64", pattern: "[a-z][a-z0-9_]*", autocomplete: "off" });
      const type = select(FIELD_TYPES, "string");
      const required = h("input", { type: "checkbox" });
      const description = h("input", { type: "text", maxlength: "500", autocomplete: "off" });
      return {
        controls: [labelled("Field name", fieldName), labelled("Type", type),
          h("div", { class: "settings-field settings-check" }, required, h("label", { for: (required.id = uid("req")) }, "Required")),
          labelled("Description", description)],
        value: () => ({ name: fieldName.value.trim(), type: type.value, required: required.checked, description: description.value }),
      };
    },
  });
  const { form } = settingsForm({
    title: "New profile", testid: "profiles-create", scope: "documents:write", submitLabel: "Create profile",
    fields: [labelled("Name", name), labelled("Document types", docTypes, "Comma-separated, e.g. Invoice, Credit note"),
      h("div", { class: "settings-field settings-check" }, lineItems, h("label", { for: (lineItems.id = uid("li")) }, "Extract line items")),
      fields.fieldset],
    save: async () => {
      const created = await request("POST", "/api/profiles", {
        json: { name: name.value, doc_types: docTypes.value.split(",").map((t) => t.trim()).filter(Boolean),
          fields: fields.values(), line_items: lineItems.checked },
      });
      form.reset();
      fields.set([]);
      announce(`Profile "${created.name}" created (ID ${created.id}).`);
      list.reload();
    },
  });
  replace(body, form, listHost);
}

// ---- rules ----------------------------------------------------------------------------------------------

// What a person types becomes a JSON value: numbers and true/false as such, other text as text.
function parseValue(raw) {
  const value = raw.trim();
  if (/^-?\d+(\.\d+)?$/.test(value) && String(Number(value)) === value) return Number(value);
  if (value === "true" || value === "false") return value === "true";
  return value;
}

const describeCondition = (c) => `${c.field} ${c.op}${PRESENCE.has(c.op) ? "" : ` ${JSON.stringify(c.value)}`}`;

function describeAction(action, folders) {
  if (action.type === "set_status") return `Set status to ${action.value}`;
  if (action.type === "move_to_folder") {
    const folder = folders.find((f) => f.id === Number(action.value));
    return `Move to folder ${action.value}${folder ? ` (${folder.name})` : ""}`;
  }
  if (action.type === "add_note") return `Add note: ${action.value}`;
  return `${action.type}: ${text(action.value)}`;
}

function conditionRow(listId) {
  return (initial) => {
    const field = h("input", { type: "text", list: listId, required: true, value: initial.field || "", autocomplete: "off" });
    const op = select(OPERATORS, initial.op || "==");
    const value = h("input", { type: "text", value: initial.value === undefined || initial.value === null ? "" : String(initial.value), autocomplete: "off" });
    const sync = () => { value.disabled = PRESENCE.has(op.value); };
    op.addEventListener("change", sync);
    sync();
    return {
      controls: [labelled("Field", field), labelled("Operator", op), labelled("Value", value)],
      value: () => ({ field: field.value.trim(), op: op.value, ...(PRESENCE.has(op.value) ? {} : { value: parseValue(value.value) }) }),
    };
  };
}

function actionRow(folders) {
  return (initial) => {
    const type = select(Object.entries(ACTION_TYPES), initial.type || "set_status");
    const controls = {
      set_status: labelled("Status", select(RULE_STATUSES, initial.type === "set_status" ? initial.value : "Approved")),
      move_to_folder: labelled("Folder", folders.length
        ? select(folders.map((f) => [f.id, `${f.id} · ${f.name}`]), initial.type === "move_to_folder" ? initial.value : "")
        : h("input", { type: "number", min: "1", value: initial.type === "move_to_folder" ? String(initial.value) : "" })),
      add_note: labelled("Note", h("input", { type: "text", maxlength: "1000", value: initial.type === "add_note" ? initial.value : "" })),
    };
    const sync = () => Object.entries(controls).forEach(([key, node]) => { node.hidden = key !== type.value; });
    type.addEventListener("change", sync);
    sync();
    return {
      controls: [labelled("Action", type), ...Object.values(controls)],
      value: () => {
        const raw = controls[type.value].querySelector("input, select").value;
        return { type: type.value, value: type.value === "move_to_folder" ? Number(raw) : raw };
      },
    };
  };
}

async function renderRules(body, { canAdmin }) {
  const listHost = h("div");
  const testHost = h("section", { class: "settings-panel", hidden: true, "aria-live": "polite" });
  const [folders, documents] = canAdmin
    ? await Promise.all([listAll("/api/folders", "folders"), listAll("/api/documents", "documents")])
    : [[], []];
  let editing = null;
  let form = null;
  const controls = (rule) => h("div", { class: "settings-buttons" },
    button("Edit", () => startEdit(rule), { "data-testid": "rules-edit" }),
    button(rule.enabled ? "Disable" : "Enable", async () => {
      try {
        await request("PUT", `/api/rules/${rule.id}`, { json: { ...rule, enabled: !rule.enabled } });
        announce(`Rule "${rule.name}" ${rule.enabled ? "disabled" : "enabled"}.`);
        list.reload();
      } catch (error) { announce(problem(error, "admin", "change rules"), "error"); }
    }, { "data-testid": "rules-toggle" }),
    button("Test", () => showTest(rule), { "data-testid": "rules-test" }),
    confirmButton("Delete", `Delete rule "${rule.name}"?`, async () => {
      await request("DELETE", `/api/rules/${rule.id}`);
      announce(`Rule "${rule.name}" deleted.`);
      if (editing?.id === rule.id) stopEdit();
      list.reload();
    }, "rules-delete"));
  const list = pagedList(listHost, {
    path: "/api/rules", key: "rules", testid: "rules-list", caption: "Rules, in the order they run", scope: "admin",
    empty: "No rules yet.",
    columns: [["Priority", (r) => String(r.priority)], ["Name", (r) => r.name], ["Enabled", (r) => (r.enabled ? "Yes" : "No")],
      ["Conditions", (r) => h("div", {}, h("span", { class: "settings-hint" }, r.match === "any" ? "Any of:" : "All of:"),
        h("ul", { class: "settings-inline-list" }, r.conditions.map((c) => h("li", {}, h("code", {}, describeCondition(c))))))],
      ["Actions", (r) => h("ul", { class: "settings-inline-list" }, r.actions.map((a) => h("li", {}, describeAction(a, folders))))],
      ...(canAdmin ? [["Manage", controls]] : [])],
  });

  function showTest(rule) {
    const documentId = h("input", { type: "number", min: "1", required: true, list: uid("docs") });
    const options = h("datalist", { id: documentId.getAttribute("list") },
      documents.map((d) => h("option", { value: String(d.id) }, `${d.id} · ${d.filename} (${d.status})`)));
    const result = h("div", { "data-testid": "rule-test-result" });
    const run = h("button", { type: "submit", class: "primary", "data-testid": "rule-test-button" }, "Run test");
    const testForm = h("form", { class: "settings-inline-form" },
      labelled("Document ID", documentId, documents.length ? "Recent documents are suggested" : null), options, run);
    testForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      replace(result, h("p", {}, "Testing…"));
      try {
        const answer = await request("POST", `/api/rules/${rule.id}/test`, { json: { document_id: Number(documentId.value) } });
        replace(result, testResult(answer));
      } catch (error) {
        replace(result, h("p", { class: "settings-error", role: "alert" }, problem(error, "admin", "test rules")));
      }
    });
    replace(testHost, h("h2", {}, `Test rule "${rule.name}"`),
      h("p", { class: "settings-hint" }, "Evaluates the rule (enabled or not) against the document as it is now; nothing is changed."),
      testForm, result, button("Close test", () => { testHost.hidden = true; }));
    testHost.hidden = false;
    documentId.focus();
  }

  function testResult(answer) {
    return h("div", {},
      h("p", { class: answer.matched ? "settings-ok" : "settings-no" },
        answer.matched ? `Matches document ${answer.document_id}.` : `Does not match document ${answer.document_id}.`),
      table([["Field", (c) => h("code", {}, c.field)], ["Operator", (c) => c.op],
        ["Value", (c) => (PRESENCE.has(c.op) ? "—" : JSON.stringify(c.value))],
        ["Document's value", (c) => (c.actual === null || c.actual === undefined ? "(missing)" : JSON.stringify(c.actual))],
        ["Result", (c) => h("span", { class: c.passed ? "settings-ok" : "settings-no" }, c.passed ? "✓ Matched" : "✗ Not matched")]],
      answer.conditions, { caption: "Conditions", empty: "No conditions." }),
      h("h3", {}, "What the rule would do"),
      answer.actions.length
        ? h("ul", {}, answer.actions.map((a) => h("li", {}, describeAction(a, folders))))
        : h("p", {}, "Nothing: the rule does not match this document."));
  }

  if (!canAdmin) return replace(body, readOnly("admin", "rules"), listHost);

  const fieldList = h("datalist", { id: uid("fields") }, RULE_FIELDS.map((f) => h("option", { value: f })));
  const name = h("input", { type: "text", required: true, maxlength: "200", autocomplete: "off" });
  const priority = h("input", { type: "number", value: "100", step: "1" });
  const enabled = h("input", { type: "checkbox", checked: true });
  const match = select([["all", "All conditions"], ["any", "Any condition"]], "all");
  const conditions = rowEditor({ legend: "Conditions", noun: "condition", testid: "rules-conditions", makeRow: conditionRow(fieldList.id) });
  const actions = rowEditor({ legend: "Actions", noun: "action", testid: "rules-actions", makeRow: actionRow(folders) });
  const cancel = button("Cancel edit", () => stopEdit(), { hidden: true });
  const built = settingsForm({
    title: "New rule", testid: "rules-create", scope: "admin", submitLabel: "Create rule", extra: cancel,
    fields: [fieldList, h("div", { class: "settings-grid" }, labelled("Name", name), labelled("Priority", priority, "Lower runs first"),
      labelled("Match", match), h("div", { class: "settings-field settings-check" }, enabled, h("label", { for: (enabled.id = uid("en")) }, "Enabled"))),
    conditions.fieldset, actions.fieldset],
    save: async () => {
      const rule = { name: name.value, enabled: enabled.checked, priority: Number(priority.value || 100), match: match.value,
        conditions: conditions.values(), actions: actions.values() };
      const saved = editing
        ? await request("PUT", `/api/rules/${editing.id}`, { json: rule })
        : await request("POST", "/api/rules", { json: rule });
      announce(`Rule "${saved.name}" ${editing ? "saved" : "created"}.`);
      stopEdit();
      list.reload();
    },
  });
  form = built;

  function fill(rule) {
    name.value = rule?.name || "";
    priority.value = String(rule?.priority ?? 100);
    enabled.checked = rule ? rule.enabled : true;
    match.value = rule?.match || "all";
    conditions.set(rule?.conditions || []);
    actions.set(rule?.actions || []);
  }
  function startEdit(rule) {
    editing = rule;
    fill(rule);
    form.heading.textContent = `Edit rule "${rule.name}" (ID ${rule.id})`;
    form.submit.textContent = "Save rule";
    form.message.hidden = true;
    cancel.hidden = false;
    name.focus();
  }
  function stopEdit() {
    editing = null;
    fill(null);
    form.heading.textContent = "New rule";
    form.submit.textContent = "Create rule";
    form.message.hidden = true;
    cancel.hidden = true;
  }
  replace(body, listHost, testHost, form.form);
}

// ---- webhooks -------------------------------------------------------------------------------------------

function secretPanel(created, onDone) {
  const secret = h("code", { class: "settings-secret", "data-testid": "webhook-secret", tabindex: "0" }, created.secret);
  const copied = h("span", { class: "settings-hint", "aria-live": "polite" });
  const copy = button("Copy secret", async () => {
    try {
      await navigator.clipboard.writeText(created.secret);
      copied.textContent = "Copied.";
    } catch {
      window.getSelection().selectAllChildren(secret);
      copied.textContent = "Copying is not allowed here: the secret is selected, press Ctrl+C (⌘C).";
    }
  }, { "data-testid": "webhook-secret-copy" });
  return h("section", { class: "settings-panel settings-secret-panel", role: "status", "data-testid": "webhook-created" },
    h("h2", {}, `Webhook ${created.id} created: its signing secret`),
    h("p", { class: "settings-warning" }, "Copy this secret now and keep it safe: you will not see it again. Your receiver verifies each delivery's signature with it."),
    h("p", {}, secret), h("div", { class: "settings-buttons" }, copy, button("I have copied it", onDone)), copied);
}

async function renderWebhooks(body, { canAdmin }) {
  const listHost = h("div");
  const secretHost = h("div");
  const deliveriesHost = h("section", { class: "settings-panel", hidden: true });
  const manage = (w) => h("div", { class: "settings-buttons" },
    button("Deliveries", () => showDeliveries(w), { "data-testid": "webhooks-deliveries" }),
    confirmButton("Delete", `Delete the webhook to ${w.url}?`, async () => {
      await request("DELETE", `/api/webhooks/${w.id}`);
      announce(`Webhook ${w.id} deleted.`);
      deliveriesHost.hidden = true;
      list.reload();
    }, "webhooks-delete"));
  const list = pagedList(listHost, {
    path: "/api/webhooks", key: "webhooks", testid: "webhooks-list", caption: "Webhook endpoints", scope: "admin",
    empty: "No webhooks yet.",
    columns: [["ID", (w) => String(w.id)], ["URL", (w) => h("span", { class: "settings-url" }, w.url)], ["Description", (w) => text(w.description)],
      ["Enabled", (w) => (w.enabled ? "Yes" : `No${w.disabled_reason ? ` — ${w.disabled_reason}` : ""}`)],
      ["Created", (w) => formatDateTime(w.created_at)], ...(canAdmin ? [["Manage", manage]] : [])],
  });

  function showDeliveries(webhook) {
    const host = h("div");
    const deliveries = pagedList(host, {
      path: `/api/webhooks/${webhook.id}/deliveries`, key: "deliveries", testid: "webhook-deliveries-list", scope: "admin",
      caption: `Delivery attempts to ${webhook.url}`, empty: "No deliveries yet: one is made when a document enters Export.",
      columns: [["ID", (d) => String(d.id)], ["Document", (d) => String(d.document_id)], ["Event", (d) => d.event_type],
        ["Attempt", (d) => `${d.attempt} (${d.trigger})`], ["Status", (d) => d.status],
        ["HTTP status", (d) => text(d.response_status)], ["Error", (d) => text(d.error)],
        ["Duration", (d) => `${d.duration_ms} ms`], ["Sent", (d) => formatDateTime(d.created_at)],
        ["Next attempt", (d) => (d.next_attempt_at ? formatDateTime(d.next_attempt_at) : "—")],
        ["Retry", (d) => button("Retry now", async (event) => {
          event.target.disabled = true;
          try {
            const attempt = await request("POST", `/api/webhooks/deliveries/${d.id}/retry`);
            announce(`Delivery ${d.id} sent again: ${attempt.status}${attempt.response_status ? ` (HTTP ${attempt.response_status})` : ""}.`);
            deliveries.reload();
          } catch (error) {
            event.target.disabled = false;
            announce(problem(error, "admin", "retry deliveries"), "error");
          }
        }, { "data-testid": "webhook-delivery-retry", "aria-label": `Retry delivery ${d.id}` })]],
    });
    replace(deliveriesHost, h("h2", {}, `Deliveries of webhook ${webhook.id}`),
      h("div", { class: "settings-buttons" }, button("Refresh", () => deliveries.reload()), button("Close deliveries", () => { deliveriesHost.hidden = true; })),
      host);
    deliveriesHost.hidden = false;
    deliveriesHost.querySelector("button").focus();
  }

  if (!canAdmin) return replace(body, readOnly("admin", "webhooks"), listHost);
  const url = h("input", { type: "url", required: true, maxlength: "2048", placeholder: "https://example.com/hooks/recordengine", autocomplete: "off" });
  const description = h("input", { type: "text", maxlength: "500", autocomplete: "off" });
  const { form } = settingsForm({
    title: "New webhook", testid: "webhooks-create", scope: "admin", submitLabel: "Create webhook",
    fields: [labelled("URL", url, "Receives a signed POST when a document enters Export"), labelled("Description (optional)", description)],
    save: async () => {
      const created = await request("POST", "/api/webhooks", { json: { url: url.value.trim(), description: description.value || null } });
      form.reset();
      replace(secretHost, secretPanel(created, () => { replace(secretHost); url.focus(); }));
      secretHost.querySelector("[data-testid=webhook-secret-copy]").focus();
      list.reload();
    },
  });
  replace(body, form, secretHost, listHost, deliveriesHost);
}
