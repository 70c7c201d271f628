// Planners: start a scenario comparison (a background job), follow it, and read its report in the
// page: the KPI table as a real table, the full HTML report (plots, map) in a sandboxed frame.

import { all, api } from "./api.js";
import { $, h, replace, say, when, words } from "./dom.js";
import { guard } from "./session.js";
import { number, t } from "./i18n.js";

const FINAL = new Set(["succeeded", "failed", "cancelled"]);
const POLL_MS = 1000;
const form = $("#compare-form");
const button = $("#compare-button");
const status = $("#compare-status");
const progress = $("#compare-progress");
let reportUrl = null;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The baseline first (the report's Δ columns compare to the first spec), and one variant ticked.
const DEFAULTS = ["baseline-2026", "gls-south-plus-100"];

function specList(all) {
  const specs = [...all].sort((a, b) => (b.name === DEFAULTS[0]) - (a.name === DEFAULTS[0]));
  const ticked = DEFAULTS.every((d) => specs.some((s) => s.name === d)) ? new Set(DEFAULTS) : new Set(specs.slice(0, 2).map((s) => s.name));
  replace(
    $("#spec-list"),
    specs.map((s) =>
      h(
        "div",
        { class: "spec-choice" },
        h("input", { type: "checkbox", id: `spec-${s.name}`, name: "spec", value: s.name, checked: ticked.has(s.name), "aria-describedby": s.description ? `spec-${s.name}-desc` : null }),
        h("label", { for: `spec-${s.name}` }, ` ${s.title} `, h("code", {}, s.name)),
        s.description ? h("div", { class: "hint", id: `spec-${s.name}-desc` }, s.description) : null,
      ),
    ),
  );
}

function request() {
  const specs = [...form.querySelectorAll("input[name=spec]:checked")].map((i) => i.value);
  const seeds = $("#seeds").value.split(/[\s,;]+/).filter(Boolean).map(Number);
  if (specs.length < 2) throw new Error(t("planner.two", "Choose at least two scenarios."));
  if (!seeds.length || seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(t("planner.seeds", "Seeds are whole numbers, 0 or more."));
  return { specs, seeds, scale: Number($("#scale").value), months: Number($("#months").value) };
}

function describe(job) {
  if (job.status === "succeeded") return t("planner.finished", "Comparison {id} finished.", { id: job.id });
  if (job.status === "failed") return t("planner.failed", "Comparison {id} failed: {error}", { id: job.id, error: job.error ?? t("run.no_reason", "no reason given") });
  return t("planner.progress", "Comparison {id} {status}, {percent} %", { id: job.id, status: words(job.status), percent: Math.round(job.progress * 100) });
}

async function renderJobs() {
  const jobs = await all("/scenario-comparisons");
  if (!jobs.length) {
    replace($("#jobs"), h("p", { class: "hint" }, t("planner.none", "No comparison yet.")));
    return;
  }
  replace(
    $("#jobs"),
    h(
      "table",
      { id: "jobs-table" },
      h("thead", {}, h("tr", {}, ["#", t("col.scenarios", "Scenarios"), t("col.status", "Status"), t("col.started", "Started"), ""].map((c) => h("th", { scope: "col" }, c)))),
      h(
        "tbody",
        {},
        jobs.map((j) =>
          h(
            "tr",
            { dataset: { job: j.id, status: j.status } },
            h("td", {}, String(j.id)),
            h("td", {}, (j.request.specs ?? []).map((s) => (typeof s === "string" ? s : t("planner.inline", "inline spec"))).join(t("planner.vs", " vs "))),
            h("td", {}, j.status === "failed" ? `${words("failed")}: ${j.error ?? ""}` : words(j.status)),
            h("td", {}, when(j.created_at)),
            h("td", {}, j.has_report ? h("button", { type: "button", class: "quiet", "aria-label": t("planner.open_report_n", "Open report {id}", { id: j.id }), onclick: () => openReport(j) }, t("planner.open_report", "Open report")) : ""),
          ),
        ),
      ),
    ),
  );
}

function kpiTable(job) {
  const rows = job.result?.table ?? [];
  if (rows.length < 2) return h("p", { class: "hint" }, t("planner.no_kpi", "No indicators in this comparison."));
  const [head, ...body] = rows;
  return h(
    "table",
    { id: "kpi" },
    h("caption", {}, t("planner.kpi_caption", "Indicators, seeds {seeds}: means over seeds; Δ columns are differences to the first scenario", { seeds: job.result.seeds.join(", ") })),
    h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, body.map((r) => h("tr", {}, h("th", { scope: "row" }, words(r[0])), r.slice(1).map((c) => h("td", { class: "num" }, c))))),
  );
}

async function openReport(job) {
  const panel = $("#report-panel");
  panel.hidden = false;
  $("#report-title").textContent = t("planner.report_of", "Report of comparison {id}", { id: job.id });
  replace($("#kpi-table"), kpiTable(job));
  const html = await api(`/scenario-comparisons/${job.id}/report`, { as: "text" });
  // The report is self-contained (inline images, no script); the empty sandbox keeps it inert.
  $("#report-frame").srcdoc = html;
  if (reportUrl) URL.revokeObjectURL(reportUrl);
  reportUrl = URL.createObjectURL(new Blob([html], { type: "text/html" }));
  $("#report-open").href = reportUrl;
  panel.dataset.job = job.id;
  $("#report-title").focus();
}

async function renderOverview() {
  const [overview, rates] = await Promise.all([all("/stats/overview"), all("/stats/override-rate")]);
  const rate = new Map(rates.map((r) => [r.organisation, r]));
  replace(
    $("#overview"),
    h(
      "table",
      { id: "overview-table" },
      h("thead", {}, h("tr", {}, [t("page.organisation", "Organisation"), t("col.waiting_now", "Waiting"), t("col.housed", "Housed"), t("col.free_units", "Free units"), t("col.open_proposals", "Open proposals"), t("col.runs", "Runs"), t("col.override_rate", "Override rate")].map((c) => h("th", { scope: "col" }, c)))),
      h(
        "tbody",
        {},
        overview.map((o) => {
          const r = rate.get(o.organisation);
          return h(
            "tr",
            {},
            h("th", { scope: "row" }, o.organisation),
            h("td", { class: "num" }, number(o.households_by_status.waiting ?? 0)),
            h("td", { class: "num" }, number(o.households_by_status.housed ?? 0)),
            h("td", { class: "num" }, number(o.units_by_status.free ?? 0)),
            h("td", { class: "num" }, number(o.open_proposals)),
            h("td", { class: "num" }, number(o.runs)),
            h("td", { class: "num" }, r && r.decided ? t("planner.rate", "{percent} % of {decided}", { percent: Math.round(r.override_rate * 100), decided: number(r.decided) }) : "–"),
          );
        }),
      ),
    ),
  );
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  let body;
  try {
    body = request();
  } catch (error) {
    say(status, error.message, "error");
    return;
  }
  button.disabled = true;
  try {
    let job = await api("/scenario-comparisons", { method: "POST", body });
    while (!FINAL.has(job.status)) {
      progress.value = job.progress;
      say(status, describe(job));
      await sleep(POLL_MS);
      job = await api(`/scenario-comparisons/${job.id}`);
    }
    progress.value = job.status === "succeeded" ? 1 : 0; // a failed job's bar is never left where it stopped
    await renderJobs();
    say(status, describe(job), job.status === "succeeded" ? "ok" : "error");
    if (job.has_report) await openReport(job);
  } catch (error) {
    say(status, t("planner.could_not", "The comparison could not run: {message}", { message: error.message }), "error");
  } finally {
    button.disabled = false;
  }
});

try {
  await guard("planner", "admin");
  specList(await all("/scenario-specs"));
  await Promise.all([renderJobs(), renderOverview()]);
  document.body.dataset.ready = "true";
} catch (error) {
  say($("#page-status"), t("page.load_failed", "Could not load the page: {message}", { message: error.message }), "error");
}
