// The review queue: status tabs, filters, the list (polled every 5 s), paging, and uploads.
import { ApiError, request, sendWithProgress } from "./api.js";
import { announce, formatDateTime, h, markOnce, replace } from "./dom.js";
import { session, queue, queueHash, documentHash, queueQuery, STATUS_TABS } from "./state.js";

const POLL_MS = 5000;
// Larger files go to S3 directly (presigned POST); the multipart route takes up to 4.4 MB (MaxUploadBytes).
export const PRESIGNED_THRESHOLD_BYTES = 4 * 1000 * 1000;

let lookups = null; // { contacts, folders } loaded once per page

export async function loadLookups(force = false) {
  if (lookups && !force) return lookups;
  const [contacts, folders] = await Promise.all([
    request("GET", "/api/contacts", { query: { limit: 200 } }),
    request("GET", "/api/folders", { query: { limit: 200 } }),
  ]);
  lookups = { contacts: contacts?.contacts || [], folders: folders?.folders || [] };
  return lookups;
}

function options(items, emptyLabel) {
  return [h("option", { value: "" }, emptyLabel), ...items.map((item) => h("option", { value: String(item.id) }, `${item.name} (#${item.id})`))];
}

function slug(text) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}

export async function renderQueue(main) {
  const { contacts, folders } = await loadLookups(true);
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
  const table = h(
    "table",
    { class: "queue-table", id: "queue-list", role: "tabpanel" },
    h("caption", { class: "visually-hidden" }, `Documents: ${queue.status}`),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["Document", "Status", "Confidence", "Type", "Date", "Created", "Notes"].map((title) => h("th", { scope: "col" }, title)),
      ),
    ),
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
    return h(
      "tr",
      { "data-testid": "queue-row", "data-document-id": String(doc.id) },
      h("td", {}, h("a", { href: documentHash(doc.id), class: "doc-link" }, doc.filename || `Document #${doc.id}`), h("span", { class: "muted" }, ` #${doc.id}`)),
      h("td", {}, h("span", { class: `status status-${slug(doc.status)}` }, doc.status)),
      h(
        "td",
        {},
        score === null
          ? h("span", { class: "muted" }, "—")
          : h("span", { class: `confidence confidence-${slug(doc.confidence_label || "")}` }, `${doc.confidence_label || ""} ${score}`),
      ),
      h("td", {}, doc.doc_type || ""),
      h("td", {}, doc.doc_date || ""),
      h("td", {}, h("time", { datetime: doc.created_at }, formatDateTime(doc.created_at))),
      h("td", {}, notes),
    );
  }

  let lastSignature = "";
  let inFlight = false;
  async function refresh(announceIt = false) {
    if (inFlight) return;
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
        else replace(tbody, h("tr", {}, h("td", { colspan: "7", class: "empty" }, "No documents here.")));
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
    } finally {
      inFlight = false;
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

  const upload = session.canWrite ? uploadPanel(contacts, folders, () => refresh()) : null;

  replace(
    main,
    h(
      "section",
      { class: "queue", "aria-labelledby": "queue-title" },
      h("div", { class: "queue-head" }, h("h1", { id: "queue-title" }, "Review queue"), summary),
      tabs,
      filters,
      table,
      pager,
    ),
    upload,
  );
  await refresh();
  const timer = setInterval(() => {
    if (!document.hidden) refresh();
  }, POLL_MS);
  return {
    cleanup: () => clearInterval(timer),
    keys: { j: () => move(1), k: () => move(-1) },
  };
}

// ------------------------------------------------------------------ uploads
function uploadPanel(contacts, folders, onUploaded) {
  const contact = h("select", { id: "upload-contact", required: true, "data-testid": "upload-contact" }, options(contacts, "Choose a contact"));
  const folder = h("select", { id: "upload-folder", required: true, "data-testid": "upload-folder" }, options(folders, "Choose a folder"));
  if (queue.filters.contact_id) contact.value = queue.filters.contact_id;
  else if (contacts.length === 1) contact.value = String(contacts[0].id);
  if (queue.filters.folder_id) folder.value = queue.filters.folder_id;
  else if (folders.length === 1) folder.value = String(folders[0].id);
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
    { class: "panel upload", "aria-labelledby": "upload-title" },
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
