// The one way the pages talk to the service: same origin, /v1, the API key from sessionStorage
// (a tab's session only: closing the tab signs out). Errors carry the API's own message.

const KEY = "wunneng.key";

export const getKey = () => sessionStorage.getItem(KEY);
export const setKey = (key) => sessionStorage.setItem(KEY, key);
export const clearKey = () => sessionStorage.removeItem(KEY);

export class ApiError extends Error {
  constructor(status, message, fields = []) {
    super(message);
    this.status = status;
    this.fields = fields; // a 422's [{loc, msg}], so a form can show each message at its field
  }
}

// The page is being left on purpose (sign out): requests still to come are not sent, and a 401 for
// one already in flight is not "your key expired" but the sign-out itself.
export class SignedOut extends ApiError {
  constructor() {
    super(0, "signed out");
  }
}

let leaving = false;

export function leave(url) {
  leaving = true;
  clearKey();
  location.assign(url);
}

// Errors are RFC 9457 problem documents: {detail, code, errors?: [{loc, msg}]}; detail reads them out.
function describe(body, fallback) {
  if (Array.isArray(body?.errors) && body.errors.length) {
    return body.errors.map((d) => `${d.loc.slice(1).join(".")}: ${d.msg}`).join("; ");
  }
  if (!body || body.detail === undefined) return fallback;
  if (typeof body.detail === "string") return body.detail;
  return body.detail.map((d) => `${d.loc.slice(1).join(".")}: ${d.msg}`).join("; ");
}

// ``file``: a File or Blob sent as it is (a spreadsheet); ``as``: "json", "text" or "blob".
export async function api(path, { method = "GET", body, file, as = "json" } = {}) {
  if (leaving) throw new SignedOut();
  const key = getKey();
  const headers = { Authorization: `Bearer ${key ?? ""}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (file !== undefined) headers["content-type"] = file.type || "application/octet-stream";
  const response = await fetch(`/v1${path}`, {
    method,
    headers,
    body: file ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const onSignIn = location.pathname === "/" || location.pathname === "/index.html";
  if (response.status === 401 && !onSignIn) {
    // Signed out (or in again) while this request was on its way: not an expired key.
    if (leaving || getKey() !== key) throw new SignedOut();
    leave("/?signed-out=expired");
    throw new ApiError(401, "Your key is no longer valid: sign in again.");
  }
  if (!response.ok) {
    let parsed = null;
    try {
      parsed = await response.json();
    } catch {
      /* not JSON: keep the status text */
    }
    const fields = Array.isArray(parsed?.errors) ? parsed.errors : Array.isArray(parsed?.detail) ? parsed.detail : [];
    throw new ApiError(response.status, describe(parsed, `${response.status} ${response.statusText}`), fields);
  }
  if (response.status === 204) return null;
  if (as === "blob") return response.blob();
  return as === "text" ? response.text() : response.json();
}

// Every item of a paged list ({items, total, limit, offset}).
export async function all(path) {
  const items = [];
  const sep = path.includes("?") ? "&" : "?";
  for (;;) {
    const page = await api(`${path}${sep}limit=1000&offset=${items.length}`);
    items.push(...page.items);
    if (page.items.length === 0 || items.length >= page.total) return items;
  }
}
