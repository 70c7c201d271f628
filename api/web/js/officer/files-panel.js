// Spreadsheets in and out. Import: a dry run lists every bad row (row, column, reason) and stores
// nothing; the officer then stores all rows (only when none is bad) or only the valid ones. Export:
// the rows the page shows, as the server writes them (numbers as numbers, dates as dates).

import { api } from "../api.js";
import { $, h, replace, say } from "../dom.js";
import { t } from "../i18n.js";

const status = $("#import-status");
const report = $("#import-report");
let refresh = async () => {};

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

async function store(kind, file, rows) {
  try {
    const done = await api(`/${kind}/import/file?rows=${rows}`, { method: "POST", file });
    replace(report);
    await refresh();
    say(status, t("files.stored", "Stored: {created} new and {updated} updated rows.", { created: done.created, updated: done.updated }), "ok");
  } catch (error) {
    say(status, t("files.nothing_stored", "Nothing stored: {error}", { error: error.message }), "error");
  }
  status.focus();
}

function showReport(kind, file, dry) {
  const bad = dry.rows - dry.valid;
  say(status, bad
      ? t("files.dry_bad", "{rows} rows: {valid} valid, {bad} with problems. Nothing is stored yet.", { rows: dry.rows, valid: dry.valid, bad })
      : t("files.dry_ok", "{rows} rows, all valid. Nothing is stored yet.", { rows: dry.rows }), bad ? "error" : "ok");
  replace(
    report,
    dry.problems.length
      ? h(
          "table",
          { id: "import-problems" },
          h("caption", {}, t("files.caption", "Rows to fix (row 1 is the header)")),
          h("thead", {}, h("tr", {}, [t("files.row", "Row"), t("files.column", "Column"), t("files.reason", "Reason")].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", {}, dry.problems.map((p) => h("tr", { dataset: { row: p.row } }, h("td", { class: "num" }, String(p.row)), h("td", {}, p.column), h("td", {}, p.reason)))),
        )
      : null,
    h(
      "div",
      { class: "inline" },
      h("button", { type: "button", disabled: bad > 0, onclick: () => store(kind, file, "all") }, t("files.store_all", "Store all {rows} rows", { rows: dry.rows })),
      bad && dry.valid ? h("button", { type: "button", class: "quiet", onclick: () => store(kind, file, "valid") }, t("files.store_valid", "Store only the {valid} valid rows", { valid: dry.valid })) : null,
    ),
  );
}

const visible = (table, attr) => [...document.querySelectorAll(`#${table} tbody tr`)].map((tr) => tr.dataset[attr]);

export function initFiles(onChange) {
  refresh = onChange;
  $("#import-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const kind = $("#import-kind").value;
    const file = $("#import-file").files[0];
    if (!file) {
      say(status, t("files.choose", "Choose a CSV or XLSX file."), "error");
      $("#import-file").focus();
      return;
    }
    say(status, t("files.checking", "Checking the file…"));
    try {
      showReport(kind, file, await api(`/${kind}/import/dry-run`, { method: "POST", file }));
    } catch (error) {
      replace(report);
      say(status, t("files.unreadable", "The file could not be read: {error}", { error: error.message }), "error");
    }
    status.focus();
  });
  for (const fmt of ["csv", "xlsx"]) {
    $(`#template-${fmt}`).addEventListener("click", async () => {
      const kind = $("#import-kind").value;
      download(await api(`/${kind}/import/template.${fmt}`, { as: "blob" }), `${kind}-template.${fmt}`);
    });
  }
  $("#export-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const what = $("#export-what").value;
    const fmt = $("#export-format").value;
    const [path, query, ids] = {
      households: ["households", "", visible("households-table", "household")],
      units: ["units", "", visible("units-table", "unit")],
      "proposals-open": ["proposals", "?status=open", null],
      "proposals-decided": ["proposals", "?status=decided", null],
      unhoused: ["unhoused", "", null],
    }[what];
    try {
      const blob = await api(`/exports/${path}.${fmt}${query}`, { method: "POST", body: { ids }, as: "blob" });
      download(blob, `${what}.${fmt}`);
      say($("#export-status"), t("files.downloaded", "Downloaded {name}.", { name: `${what}.${fmt}` }), "ok");
    } catch (error) {
      say($("#export-status"), t("files.export_failed", "Could not export: {error}", { error: error.message }), "error");
    }
  });
}
