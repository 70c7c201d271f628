import { locale, t } from "./i18n.js";

// Tiny DOM helpers: build elements without innerHTML, so no data is ever parsed as markup.

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (value === true) node.setAttribute(name, "");
    else node.setAttribute(name, value);
  }
  node.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

export const $ = (selector, root = document) => root.querySelector(selector);

export function replace(container, ...children) {
  container.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined));
}

// Status text for screen readers and eyes alike; kind "error" turns it into an alert.
export function say(region, text, kind = "info") {
  region.textContent = text;
  region.dataset.kind = kind;
}

export const euros = (n) => `${new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(n)} EUR`;
// A code of the data (a programme, a status, a reason) as the page's language names it.
export const words = (code) => (code ? t(`code.${code}`, code.replaceAll("_", " ")) : "");

export function monthsSince(isoDate, today = new Date()) {
  const d = new Date(isoDate);
  return Math.max(0, (today - d) / (1000 * 60 * 60 * 24 * 30.44));
}

export function when(iso) {
  return iso ? new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso)) : "";
}

export function options(select, values, { all = null, label = words } = {}) {
  const keep = select.value;
  replace(
    select,
    all === null ? null : h("option", { value: "" }, all),
    values.map((v) => h("option", { value: v }, label(v))),
  );
  if ([...select.options].some((o) => o.value === keep)) select.value = keep;
}
