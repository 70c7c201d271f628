// The one way the pages talk to the service: same origin, /v1, the API key from sessionStorage
// (a tab's session only: closing the tab signs out). Errors carry the API's own message.

const KEY = "wunneng.key";

export const getKey = () => sessionStorage.getItem(KEY);
export const setKey = (key) => sessionStorage.setItem(KEY, key);
export const clearKey = () => sessionStorage.removeItem(KEY);

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// Errors are RFC 9457 problem documents: {detail, code, errors?: [{loc, msg}]}; detail reads them out.
function describe(body, fallback) {
  if (!body || body.detail === undefined) return fallback;
  if (typeof body.detail === "string") return body.detail;
  return body.detail.map((d) => `${d.loc.slice(1).join(".")}: ${d.msg}`).join("; ");
}

export async function api(path, { method = "GET", body, as = "json" } = {}) {
  const headers = { Authorization: `Bearer ${getKey() ?? ""}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const onSignIn = location.pathname === "/" || location.pathname === "/index.html";
  if (response.status === 401 && !onSignIn) {
    clearKey();
    location.assign("/?signed-out=expired");
    throw new ApiError(401, "Your key is no longer valid: sign in again.");
  }
  if (!response.ok) {
    let parsed = null;
    try {
      parsed = await response.json();
    } catch {
      /* not JSON: keep the status text */
    }
    throw new ApiError(response.status, describe(parsed, `${response.status} ${response.statusText}`));
  }
  if (response.status === 204) return null;
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
