// What the views share: who is signed in (what their token may do) and the queue the person came from.
export const session = { name: "", canWrite: false, canAdmin: false };

export const STATUS_TABS = ["Needs Review", "Missing Info", "Exception", "Ready", "Approved", "Export", "Archived", "All"];

// The queue as last shown: its status tab, filters, page, and the ids in their order (for j/k and "next").
export const queue = {
  status: "Needs Review",
  filters: { contact_id: "", folder_id: "", created_from: "", created_to: "" },
  limit: 50,
  offset: 0,
  // GET /api/documents' sort: a column key, descending with a leading "-" (the server sorts).
  sort: "-created",
  ids: [],
};

export function queueHash(status = queue.status) {
  return `#/queue/${encodeURIComponent(status)}`;
}

export function documentHash(id) {
  return `#/documents/${encodeURIComponent(id)}`;
}

// The query of GET /api/documents for the queue as it is now.
export function queueQuery(overrides = {}) {
  return {
    status: queue.status === "All" ? "" : queue.status,
    ...queue.filters,
    limit: queue.limit,
    offset: queue.offset,
    sort: queue.sort,
    details: "true",
    ...overrides,
  };
}

// True when a key press is meant for a form control rather than for a shortcut.
export function isTyping(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  return !["button", "checkbox", "radio", "submit", "reset", "file", "range", "color"].includes(target.type);
}
