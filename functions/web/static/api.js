// Every call the page makes goes through the public API with the signed-in token (never in a URL).
const TOKEN_KEY = "recordengine.token";

export class ApiError extends Error {
  constructor(status, detail, headers) {
    super(typeof detail === "string" ? detail : describeProblems(detail));
    this.status = status;
    this.detail = detail;
    this.headers = headers;
  }
}

function describeProblems(detail) {
  if (!Array.isArray(detail)) return "The request failed.";
  return detail.map((p) => `${(p.loc || []).filter((part) => part !== "body").join(".")}: ${p.msg}`).join("; ");
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function signIn(value) {
  sessionStorage.setItem(TOKEN_KEY, value.trim());
}

export function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
}

// request("GET", "/api/documents", {query: {status: "Needs Review"}}) → the parsed JSON answer (null for 204).
// Options: query (object; null/undefined/"" values left out), json (a body sent as JSON), body (FormData or
// a Blob, sent as is), headers (extra headers, e.g. {"If-Match": etag}), raw (true: the Response itself).
// Throws ApiError (status, detail, headers) for every answer of 400 and above; 401 also signs out.
export async function request(method, path, { query, json, body, headers, raw } = {}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== null && value !== undefined && value !== "") url.searchParams.set(name, String(value));
  }
  const sent = { Accept: "application/json", ...(headers || {}) };
  const current = token();
  if (current) sent.Authorization = `Bearer ${current}`;
  let payload = body;
  if (json !== undefined) {
    sent["Content-Type"] = "application/json";
    payload = JSON.stringify(json);
  }
  const response = await fetch(url, { method, headers: sent, body: payload, credentials: "omit", cache: "no-store" });
  if (response.status >= 400) {
    let detail = response.statusText || `HTTP ${response.status}`;
    try {
      detail = (await response.json()).detail ?? detail;
    } catch {
      // not JSON: keep the status text
    }
    if (response.status === 401) {
      signOut();
      window.dispatchEvent(new CustomEvent("recordengine:signed-out"));
    }
    throw new ApiError(response.status, detail, response.headers);
  }
  if (raw) return response;
  if (response.status === 204) return null;
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

// Upload one file with progress (XMLHttpRequest: fetch has no upload progress). onProgress(fraction 0..1).
export function sendWithProgress(method, url, body, { headers, onProgress, withToken } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers || {})) xhr.setRequestHeader(name, value);
    if (withToken && token()) xhr.setRequestHeader("Authorization", `Bearer ${token()}`);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      let answer = null;
      try {
        answer = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        answer = null;
      }
      if (xhr.status >= 400) reject(new ApiError(xhr.status, answer?.detail ?? `HTTP ${xhr.status}`, null));
      else resolve(answer);
    };
    xhr.onerror = () => reject(new ApiError(0, "The network request failed.", null));
    xhr.send(body);
  });
}
