// The review queue: status tabs, filters, the list (polled every 5 s, sorted by the server), paging, selection
// with bulk actions (POST /api/documents/batch), CSV export of the list, and uploads.
import { ApiError, request, sendWithProgress } from "./api.js";
import { announce, formatDateTime, h, markOnce, replace } from "./dom.js";
import { session, queue, queueHash, documentHash, queueQuery, STATUS_TABS } from "./state.js";

const POLL_MS = 5000;
// Larger files go to S3 directly (presigned POST); the multipart route takes up to 4.4 MB (MaxUploadBytes).
export const PRESIGNED_THRESHOLD_BYTES = 4 * 1000 * 1000;

// The most documents one POST /api/documents/batch takes (MAX_BATCH_DOCUMENTS): a selection is sent in parts.
const BATCH_SIZE = 100;
// The upload panel's contact and folder, remembered for the session (the tab), not beyond.
const UPLOAD_CHOICE_KEY = "recordengine.upload";

let lookups = null; // { contacts, folders, senders } loaded once per page

export async function loadLookups(force = false) {
  if (lookups && !force) return lookups;
  const [contacts, folders, senders] = await Promise.all([
    request("GET", "/api/contacts", { query: { limit: 200 } }),
    request("GET", "/api/folders", { query: { limit: 200 } }),
    // Names for the sender column; without them it shows the sender's number.
    request("GET", "/api/senders", { query: { limit: 200 } }).catch(() => null),
  ]);
  lookups = { contacts: contacts?.contacts || [], folders: folders?.folders || [], senders: senders?.senders || [] };
  return lookups;
}

// The columns the server sorts by (GET /api/documents?sort=), with their header titles.
const COLUMNS = [
  { title: "Document" },
  { title: "Status" },
  { title: "Vendor", sort: "vendor" },
  { title: "Total", sort: "total", numeric: true },
  { title: "Date", sort: "doc_date" },
  { title: "Due", sort: "due_date" },
  { title: "Confidence", sort: "confidence", numeric: true },
  { title: "Type" },
  { title: "Sender" },
  { title: "Created", sort: "created" },
  { title: "Notes" },
];

function formatTotal(doc) {
  if (doc.total_amount === null || doc.total_amount === undefined) return "";
  return doc.currency ? `${doc.total_amount} ${doc.currency}` : String(doc.total_amount);
}

function options(items, emptyLabel) {
  return [h("option", { value: "" }, emptyLabel), ...items.map((item) => h("option", { value: String(item.id) }, `${item.name} (#${item.id})`))];
}

function slug(text) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}

export async function renderQueue(main) {
  const { contacts, folders, senders } = await loadLookups(true);
  const tabs = h(
    "div",
    { class: "tabs", role: "tablist", "aria-label": "Queue by status" },
    STATUS_TABS.map((status) =>
      h(
        "a",
        {
          href: queueHash(status),
          role: "tab",
          class: "tab",
          "aria-selected": status === queue.status ? "true" : "false",
          "aria-controls": "queue-list",
          "data-testid": `queue-tab-${slug(status)}`,
          "data-status": status,
        },
        status,
      ),
    ),
  );

  const filterContact = h("select", { id: "filter-contact", "data-testid": "filter-contact" }, options(contacts, "Any contact"));
  const filterFolder = h("select", { id: "filter-folder", "data-testid": "filter-folder" }, options(folders, "Any folder"));
  const filterFrom = h("input", { id: "filter-from", type: "date", "data-testid": "filter-created-from" });
  const filterTo = h("input", { id: "filter-to", type: "date", "data-testid": "filter-created-to" });
  filterContact.value = queue.filters.contact_id;
  filterFolder.value = queue.filters.folder_id;
  filterFrom.value = queue.filters.created_from;
  filterTo.value = queue.filters.created_to;
  const onFilter = () => {
    Object.assign(queue.filters, {
      contact_id: filterContact.value,
      folder_id: filterFolder.value,
      created_from: filterFrom.value,
      created_to: filterTo.value,
    });
    queue.offset = 0;
    refresh(true);
  };
  for (const control of [filterContact, filterFolder, filterFrom, filterTo]) control.addEventListener("change", onFilter);
  const filters = h(
    "form",
    { class: "filters", "aria-label": "Filters", onsubmit: (e) => e.preventDefault() },
    h("div", { class: "field" }, h("label", { for: "filter-contact" }, "Contact"), filterContact),
    h("div", { class: "field" }, h("label", { for: "filter-folder" }, "Folder"), filterFolder),
    h("div", { class: "field" }, h("label", { for: "filter-from" }, "Created from"), filterFrom),
    h("div", { class: "field" }, h("label", { for: "filter-to" }, "Created to"), filterTo),
  );

  const summary = h("p", { class: "queue-summary", "data-testid": "queue-total", "aria-live": "off" });
  const tbody = h("tbody", { "data-testid": "queue-rows" });
  const chosen = new Set(); // ids selected for a bulk action
  let anchor = -1; // the row a shift-click selects from
  const selectAll = h("input", {
    type: "checkbox",
    "aria-label": "Select every document of this page",
    "data-testid": "select-page",
    onchange: () => {
      for (const id of queue.ids) selectAll.checked ? chosen.add(id) : chosen.delete(id);
      showSelection();
    },
  });

  function sortHeader(column) {
    const [key, descending] = [queue.sort.replace(/^-/, ""), queue.sort.startsWith("-")];
    const active = column.sort === key;
    const ariaSort = active ? (descending ? "descending" : "ascending") : null;
    if (!column.sort) return h("th", { scope: "col" }, column.title);
    const next = active ? (descending ? column.sort : `-${column.sort}`) : column.numeric || column.sort === "created" ? `-${column.sort}` : column.sort;
    const button = h(
      "button",
      {
        type: "button",
        class: "sort-button",
        "data-testid": `sort-${column.sort}`,
        onclick: () => {
          queue.sort = next;
          queue.offset = 0;
          renderHead();
          refresh(true);
        },
      },
      column.title,
      h("span", { "aria-hidden": "true", class: "sort-mark" }, active ? (descending ? " ▼" : " ▲") : ""),
    );
    return h("th", { scope: "col", "aria-sort": ariaSort, "data-sort-key": column.sort }, button);
  }

  const headRow = h("tr", {});
  function renderHead() {
    replace(headRow, session.canWrite ? h("th", { scope: "col", class: "select-cell" }, selectAll) : null, COLUMNS.map(sortHeader));
  }
  renderHead();
  const table = h(
    "table",
    { class: "queue-table", id: "queue-list", role: "tabpanel" },
    h("caption", { class: "visually-hidden" }, `Documents: ${queue.status}`),
    h("thead", {}, headRow),
    tbody,
  );
  const prev = h("button", { type: "button", "data-testid": "page-previous", onclick: () => page(-1) }, "Previous page");
  const next = h("button", { type: "button", "data-testid": "page-next", onclick: () => page(1) }, "Next page");
  const pageInfo = h("span", { class: "page-info", "data-testid": "page-info" });
  const pager = h("nav", { class: "pager", "aria-label": "Pages" }, prev, pageInfo, next);

  function page(direction) {
    queue.offset = Math.max(0, queue.offset + direction * queue.limit);
    refresh(true);
  }

  let selected = -1; // row index selected with j/k

  function rowFor(doc) {
    const score = doc.confidence_score ?? null;
    const notes = [];
    if (doc.status === "Exception" && doc.error) notes.push(h("span", { class: "error-text", "data-testid": "row-error" }, doc.error));
    if (doc.duplicate_of) {
      notes.push(
        h(
          "a",
          { class: "badge warn", href: documentHash(doc.duplicate_of), "data-testid": "row-duplicate" },
          `duplicate of #${doc.duplicate_of}`,
        ),
      );
    }
    const index = queue.ids.indexOf(doc.id);
    const box = session.canWrite
      ? h("input", {
          type: "checkbox",
          "aria-label": `Select ${doc.filename || `document ${doc.id}`}`,
          "data-testid": "row-select",
          checked: chosen.has(doc.id),
          onclick: (event) => choose(index, event.target.checked, event.shiftKey),
        })
      : null;
    const sender = doc.sender_id ? senderNames.get(doc.sender_id) || `#${doc.sender_id}` : "";
    return h(
      "tr",
      { "data-testid": "queue-row", "data-document-id": String(doc.id), class: chosen.has(doc.id) ? "chosen" : null },
      box ? h("td", { class: "select-cell" }, box) : null,
      h("td", {}, h("a", { href: documentHash(doc.id), class: "doc-link" }, doc.filename || `Document #${doc.id}`), h("span", { class: "muted" }, ` #${doc.id}`)),
      h("td", {}, h("span", { class: `status status-${slug(doc.status)}` }, doc.status)),
      h("td", { "data-testid": "row-vendor" }, doc.vendor || ""),
      h("td", { class: "numeric", "data-testid": "row-total" }, formatTotal(doc)),
      h("td", {}, doc.doc_date || ""),
      h("td", { "data-testid": "row-due" }, doc.due_date || ""),
      h(
        "td",
        {},
        score === null
          ? h("span", { class: "muted" }, "—")
          : h("span", { class: `confidence confidence-${slug(doc.confidence_label || "")}` }, `${doc.confidence_label || ""} ${score}`),
      ),
      h("td", {}, doc.doc_type || ""),
      h("td", {}, sender),
      h("td", {}, h("time", { datetime: doc.created_at }, formatDateTime(doc.created_at))),
      h("td", {}, notes),
    );
  }

  // A click selects or clears one row; with shift, every row from the last one clicked takes its state.
  function choose(index, on, range) {
    const [from, to] = range && anchor >= 0 ? [Math.min(anchor, index), Math.max(anchor, index)] : [index, index];
    for (const id of queue.ids.slice(from, to + 1)) on ? chosen.add(id) : chosen.delete(id);
    anchor = index;
    showSelection();
  }

  function showSelection() {
    for (const row of tbody.querySelectorAll("tr[data-document-id]")) {
      const id = Number(row.dataset.documentId);
      row.classList.toggle("chosen", chosen.has(id));
      const box = row.querySelector('[data-testid="row-select"]');
      if (box) box.checked = chosen.has(id);
    }
    selectAll.checked = queue.ids.length > 0 && queue.ids.every((id) => chosen.has(id));
    bulk?.update(chosen.size);
  }

  let lastSignature = "";
  let inFlight = false;
  let pending = false;
  async function refresh(announceIt = false) {
    if (inFlight) {
      // A sort or filter changed while the poll was on its way: ask again once it is back.
      if (announceIt) pending = true;
      return;
    }
    inFlight = true;
    try {
      const answer = await request("GET", "/api/documents", { query: queueQuery() });
      const documents = answer?.documents || [];
      queue.ids = documents.map((doc) => doc.id);
      const signature = JSON.stringify(answer);
      if (signature !== lastSignature) {
        lastSignature = signature;
        const focusedId = document.activeElement?.closest?.("tr[data-document-id]")?.dataset.documentId;
        if (documents.length) replace(tbody, documents.map(rowFor));
        else replace(tbody, h("tr", {}, h("td", { colspan: String(COLUMNS.length + 1), class: "empty" }, "No documents here.")));
        showSelection();
        if (focusedId) tbody.querySelector(`tr[data-document-id="${CSS.escape(focusedId)}"] a`)?.focus();
        if (selected >= 0) markSelected();
      }
      if (tbody.isConnected) markOnce("queue-rendered");
      const total = answer?.total ?? 0;
      const first = total ? queue.offset + 1 : 0;
      const last = queue.offset + documents.length;
      summary.textContent = `${total} document${total === 1 ? "" : "s"}`;
      pageInfo.textContent = `${first}–${last} of ${total}`;
      prev.disabled = queue.offset === 0;
      next.disabled = last >= total;
      if (announceIt) announce(`${total} documents in ${queue.status}.`);
    } catch (failure) {
      if (!(failure instanceof ApiError && failure.status === 401)) announce(`The queue could not be loaded: ${failure.message}`, "error");
      lastSignature = "";
    } finally {
      inFlight = false;
      if (pending) {
        pending = false;
        refresh(true);
      }
    }
  }

  function markSelected() {
    const rows = [...tbody.querySelectorAll("tr[data-document-id]")];
    rows.forEach((row, index) => row.classList.toggle("selected", index === selected));
    rows[selected]?.querySelector("a")?.focus();
  }

  function move(step) {
    const rows = tbody.querySelectorAll("tr[data-document-id]");
    if (!rows.length) return;
    selected = Math.min(rows.length - 1, Math.max(0, selected + step));
    markSelected();
  }

  function toggleCurrent() {
    const rows = [...tbody.querySelectorAll("tr[data-document-id]")];
    const index = selected >= 0 ? selected : rows.findIndex((row) => row.contains(document.activeElement));
    if (index < 0 || !session.canWrite) return;
    selected = index;
    choose(index, !chosen.has(queue.ids[index]), false);
  }

  const senderNames = new Map(senders.map((sender) => [sender.id, sender.name]));
  const bulk = session.canWrite ? bulkBar(folders, chosen, () => refresh(), showSelection) : null;
  const exportButton = h("button", { type: "button", "data-testid": "export-csv", onclick: () => exportList(exportButton) }, "Export CSV");
  const upload = session.canWrite ? uploadPanel(contacts, folders, () => refresh()) : null;
  const uploadLink = upload
    ? h(
        "button",
        {
          type: "button",
          class: "upload-toggle",
          "data-testid": "upload-open",
          "aria-expanded": "true",
          "aria-controls": "upload-panel",
          onclick: () => {
            upload.hidden = !upload.hidden;
            uploadLink.setAttribute("aria-expanded", String(!upload.hidden));
            if (!upload.hidden) upload.querySelector("select")?.focus();
          },
        },
        "Upload documents",
      )
    : null;

  replace(
    main,
    h(
      "section",
      { class: "queue", "aria-labelledby": "queue-title" },
      h("div", { class: "queue-head" }, h("h1", { id: "queue-title" }, "Review queue"), summary, h("div", { class: "queue-actions" }, uploadLink, exportButton)),
      upload,
      tabs,
      filters,
      bulk?.element,
      table,
      pager,
    ),
  );
  await refresh();
  const timer = setInterval(() => {
    if (!document.hidden) refresh();
  }, POLL_MS);
  return {
    cleanup: () => clearInterval(timer),
    keys: { j: () => move(1), k: () => move(-1), x: toggleCurrent },
  };
}

// ------------------------------------------------------------------ export
// The current list (tab, filters, sort) as the server writes it: GET /api/documents/export, saved as a file.
async function exportList(button) {
  button.disabled = true;
  try {
    const { limit, offset, details, ...query } = queueQuery();
    const response = await request("GET", "/api/documents/export", { query, raw: true, headers: { Accept: "text/csv" } });
    const url = URL.createObjectURL(await response.blob());
    const link = h("a", { href: url, download: `documents-${slug(queue.status)}.csv`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    announce("The list was exported as CSV.");
  } catch (failure) {
    announce(`The list could not be exported: ${failure.message}`, "error");
  } finally {
    button.disabled = false;
  }
}

// ------------------------------------------------------------------ bulk actions
const BULK_STATUSES = ["Needs Review", "Missing Info", "Ready", "Approved", "Export", "Exception", "Archived"];

function bulkBar(folders, chosen, onDone, onChange) {
  const count = h("span", { class: "bulk-count", "data-testid": "bulk-count" }, "");
  const progress = h("progress", { max: "1", value: "0", hidden: true, "aria-label": "Bulk action progress", "data-testid": "bulk-progress" });
  const outcome = h("div", { class: "bulk-outcome", "data-testid": "bulk-outcome", "aria-live": "polite" });
  const folder = h("select", { id: "bulk-folder", "data-testid": "bulk-folder" }, options(folders, "Choose a folder"));
  const status = h("select", { id: "bulk-status", "data-testid": "bulk-status" }, [h("option", { value: "" }, "Choose a status"), ...BULK_STATUSES.map((s) => h("option", { value: s }, s))]);
  const buttons = [];
  const button = (label, testid, body, confirmText) => {
    const b = h(
      "button",
      {
        type: "button",
        "data-testid": testid,
        onclick: async () => {
          const action = body();
          if (!action) return;
          if (confirmText && !window.confirm(confirmText(chosen.size))) return;
          await run(label, action);
        },
      },
      label,
    );
    buttons.push(b);
    return b;
  };

  async function run(label, body) {
    const ids = [...chosen];
    for (const b of buttons) b.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    replace(outcome);
    const failures = [];
    let done = 0;
    try {
      for (let start = 0; start < ids.length; start += BATCH_SIZE) {
        const part = ids.slice(start, start + BATCH_SIZE);
        const answer = await request("POST", "/api/documents/batch", { json: { ...body, ids: part } });
        for (const result of answer.results) {
          if (result.status >= 300) failures.push(result);
          else chosen.delete(result.id);
        }
        done += part.length;
        progress.value = done / ids.length;
        count.textContent = `${label}: ${done} of ${ids.length}`;
      }
      const succeeded = ids.length - failures.length;
      announce(`${label}: ${succeeded} of ${ids.length} done${failures.length ? `, ${failures.length} not` : ""}.`, failures.length ? "error" : "info");
      if (failures.length) {
        replace(
          outcome,
          h("p", {}, `${failures.length} document${failures.length === 1 ? " was" : "s were"} not changed:`),
          h("ul", { "data-testid": "bulk-failures" }, failures.map((f) => h("li", { "data-document-id": String(f.id) }, h("a", { href: documentHash(f.id) }, `#${f.id}`), `: ${f.detail}`))),
        );
      }
    } catch (failure) {
      announce(`${label} failed: ${failure.message}`, "error");
      replace(outcome, h("p", { class: "error-text" }, failure.message));
    } finally {
      progress.hidden = true;
      for (const b of buttons) b.disabled = false;
      onChange();
      onDone();
    }
  }

  const element = h(
    "div",
    { class: "bulk-bar", role: "group", "aria-label": "Bulk actions on the selected documents", "data-testid": "bulk-bar" },
    count,
    button("Approve", "bulk-approve", () => ({ action: "approve" })),
    button("Archive", "bulk-archive", () => ({ action: "archive" })),
    h("label", { for: "bulk-folder", class: "visually-hidden" }, "Folder to move to"),
    folder,
    button("Move", "bulk-move", () => (folder.value ? { action: "move", folder_id: Number(folder.value) } : (announce("Choose a folder to move to.", "error"), null))),
    h("label", { for: "bulk-status", class: "visually-hidden" }, "Status to set"),
    status,
    button("Set status", "bulk-set-status", () => (status.value ? { action: "set_status", status: status.value } : (announce("Choose a status to set.", "error"), null))),
    session.canAdmin ? button("Delete", "bulk-delete", () => ({ action: "delete" }), (n) => `Delete ${n} document${n === 1 ? "" : "s"} for good?`) : null,
    progress,
    outcome,
  );
  function update(size) {
    if (!progress.hidden) return;
    count.textContent = size ? `${size} selected` : "Select documents for bulk actions";
    for (const b of buttons) b.disabled = size === 0;
  }
  update(0);
  return { element, update };
}

// ------------------------------------------------------------------ uploads
function uploadPanel(contacts, folders, onUploaded) {
  const contact = h("select", { id: "upload-contact", required: true, "data-testid": "upload-contact" }, options(contacts, "Choose a contact"));
  const folder = h("select", { id: "upload-folder", required: true, "data-testid": "upload-folder" }, options(folders, "Choose a folder"));
  const remembered = rememberedUploadChoice();
  const offered = (select, value) => value && [...select.options].some((option) => option.value === String(value));
  if (offered(contact, remembered.contact_id)) contact.value = String(remembered.contact_id);
  else if (queue.filters.contact_id) contact.value = queue.filters.contact_id;
  else if (contacts.length === 1) contact.value = String(contacts[0].id);
  if (offered(folder, remembered.folder_id)) folder.value = String(remembered.folder_id);
  else if (queue.filters.folder_id) folder.value = queue.filters.folder_id;
  else if (folders.length === 1) folder.value = String(folders[0].id);
  const remember = () => sessionStorage.setItem(UPLOAD_CHOICE_KEY, JSON.stringify({ contact_id: contact.value, folder_id: folder.value }));
  contact.addEventListener("change", remember);
  folder.addEventListener("change", remember);
  const input = h("input", {
    id: "upload-files",
    type: "file",
    multiple: true,
    accept: "application/pdf,image/png,image/jpeg,image/tiff,.pdf,.png,.jpg,.jpeg,.tif,.tiff",
    "data-testid": "upload-input",
  });
  const list = h("ul", { class: "upload-list", "data-testid": "upload-list", "aria-live": "polite" });
  const problem = h("p", { class: "error", role: "alert", hidden: true });

  function start(files) {
    problem.hidden = true;
    if (!contact.value || !folder.value) {
      problem.textContent = "Choose a contact and a folder first.";
      problem.hidden = false;
      (contact.value ? folder : contact).focus();
      return;
    }
    for (const file of files) uploadOne(file, Number(contact.value), Number(folder.value), list).then((ok) => ok && onUploaded());
  }

  input.addEventListener("change", () => {
    start([...input.files]);
    input.value = "";
  });
  const zone = h(
    "div",
    { class: "drop-zone", "data-testid": "upload-drop-zone" },
    h("p", {}, "Drop files here, or "),
    h("label", { for: "upload-files", class: "button-like" }, "choose files"),
    input,
    h("p", { class: "hint" }, "PDF, PNG, JPEG or TIFF. Large files go straight to storage."),
  );
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    start([...(event.dataTransfer?.files || [])]);
  });
  return h(
    "section",
    { class: "panel upload", id: "upload-panel", "aria-labelledby": "upload-title", "data-testid": "upload-panel" },
    h("h2", { id: "upload-title" }, "Upload documents"),
    h(
      "div",
      { class: "filters" },
      h("div", { class: "field" }, h("label", { for: "upload-contact" }, "Contact"), contact),
      h("div", { class: "field" }, h("label", { for: "upload-folder" }, "Folder"), folder),
    ),
    zone,
    problem,
    list,
  );
}

function rememberedUploadChoice() {
  try {
    return JSON.parse(sessionStorage.getItem(UPLOAD_CHOICE_KEY) || "{}") || {};
  } catch {
    return {};
  }
}

async function uploadOne(file, contactId, folderId, list) {
  const bar = h("progress", { max: "1", value: "0", "aria-label": `Upload of ${file.name}` });
  const state = h("span", { class: "upload-state" }, "waiting");
  const item = h("li", { "data-testid": "upload-item", "data-filename": file.name }, h("span", { class: "upload-name" }, file.name), bar, state);
  list.prepend(item);
  const onProgress = (fraction) => {
    bar.value = fraction;
    state.textContent = `${Math.round(fraction * 100)}%`;
  };
  try {
    let created;
    if (file.size > PRESIGNED_THRESHOLD_BYTES) created = await presignedUpload(file, contactId, folderId, onProgress);
    else {
      try {
        created = await multipartUpload(file, contactId, folderId, onProgress);
      } catch (failure) {
        if (!(failure instanceof ApiError && failure.status === 413)) throw failure;
        created = await presignedUpload(file, contactId, folderId, onProgress);
      }
    }
    bar.value = 1;
    state.textContent = "";
    state.append("uploaded: ", h("a", { href: documentHash(created.id) }, `#${created.id}`));
    item.dataset.state = "done";
    announce(`${file.name} uploaded as document ${created.id}.`);
    return true;
  } catch (failure) {
    item.dataset.state = "failed";
    state.textContent = `failed: ${failure.message}`;
    state.classList.add("error-text");
    announce(`${file.name} was not uploaded: ${failure.message}`, "error");
    return false;
  }
}

function multipartUpload(file, contactId, folderId, onProgress) {
  const form = new FormData();
  form.append("contact_id", String(contactId));
  form.append("folder_id", String(folderId));
  form.append("file", file, file.name);
  return sendWithProgress("POST", "/api/documents/upload", form, { withToken: true, onProgress, headers: { Accept: "application/json" } });
}

// POST /api/documents/uploads answers a presigned S3 POST: its fields first, then the file, sent to its URL.
async function presignedUpload(file, contactId, folderId, onProgress) {
  const created = await request("POST", "/api/documents/uploads", {
    json: { filename: file.name, contact_id: contactId, folder_id: folderId },
  });
  const form = new FormData();
  for (const [name, value] of Object.entries(created.upload.fields || {})) form.append(name, value);
  form.append("file", file, file.name);
  await sendWithProgress("POST", created.upload.url, form, { onProgress });
  return created;
}
