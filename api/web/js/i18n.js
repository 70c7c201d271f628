// The pages' language: French, German or English, from the officer's choice (kept in this browser)
// or else the browser's languages. Messages come from /i18n/<lang>.json; elements marked
// data-i18n="key" are translated in place; numbers and dates use Intl with the page's locale.

import { h } from "./dom.js";

export const LANGUAGES = { fr: "Français", de: "Deutsch", en: "English" };
const LOCALES = { fr: "fr-LU", de: "de-LU", en: "en-GB" };
const SAVED = "wunneng.lang";

function pick() {
  const saved = localStorage.getItem(SAVED);
  if (saved in LANGUAGES) return saved;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const code = (tag ?? "").slice(0, 2).toLowerCase();
    if (code in LANGUAGES) return code;
  }
  return "en";
}

export const lang = pick();
export const locale = LOCALES[lang];
let messages = {};

export const t = (key, fallback, vars = {}) =>
  (messages[key] ?? fallback).replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ""));

// A number as the page's language writes it (1 234,5 / 1.234,5 / 1,234.5); anything else as it is.
export const number = (n, digits = 0) =>
  typeof n === "number" ? new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n) : String(n);

// A calendar date (``2026-09-01``) as the page's language writes it.
export const day = (iso) => (iso ? new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${iso}T00:00:00Z`)) : "");

export async function loadMessages() {
  try {
    const response = await fetch(`/i18n/${lang}.json`);
    if (response.ok) messages = await response.json();
  } catch {
    /* the English built into the pages stays */
  }
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n, el.textContent);
}

// A labelled language picker; choosing reloads the page in that language.
export function languageSwitch() {
  const select = h(
    "select",
    { id: "language", "aria-label": t("language", "Language"), onchange: () => {
      localStorage.setItem(SAVED, select.value);
      location.reload();
    } },
    Object.entries(LANGUAGES).map(([code, name]) => h("option", { value: code, selected: code === lang, lang: code }, name)),
  );
  return select;
}
