// Households with filters: status, support intensity, vulnerability, waiting time and the reason
// the latest run left them without a proposal.

import { $, h, monthsSince, options, replace, words } from "../dom.js";
import { householdButton } from "./proposals-panel.js";
import { state } from "./state.js";

// The core's enums (matcher.domain.SupportIntensity, Vulnerability; matcher.result.UnhousedReason).
const SUPPORT = ["intensive", "normal", "light"];
const VULNERABILITIES = ["medical", "disability", "pregnancy", "single_parent", "elderly", "trauma", "large_family", "eviction_deadline"];
const UNHOUSED = ["no_eligible_unit", "lost_to_others", "support_capacity_full", "quota_full", "trade_off", "no_solution"];

const form = $("#household-filters");

export function initHouseholds() {
  options($("#hf-support"), SUPPORT, { all: "any" });
  options($("#hf-vulnerability"), VULNERABILITIES, { all: "any" });
  options($("#hf-reason"), ["proposed", ...UNHOUSED], { all: "any", label: (v) => (v === "proposed" ? "has an open proposal" : words(v)) });
  form.addEventListener("input", () => renderHouseholds(state));
  form.addEventListener("submit", (e) => e.preventDefault());
}

function latestOutcome(s) {
  const outcome = new Map(s.unhoused.map((u) => [u.household, u.reason]));
  for (const p of s.open) outcome.set(p.household, "proposed");
  return outcome;
}

export function renderHouseholds(s) {
  const f = Object.fromEntries(new FormData(form));
  const outcome = latestOutcome(s);
  const minMonths = f.months === "" ? 0 : Number(f.months);
  const rows = s.households.filter((hh) => {
    const r = hh.record;
    if (f.status && hh.status !== f.status) return false;
    if (!r) return !f.support && !f.vulnerability && !f.reason && !minMonths; // erased: only in unfiltered views
    if (f.support && r.support !== f.support) return false;
    if (f.vulnerability && !r.vulnerabilities.includes(f.vulnerability)) return false;
    if (minMonths && monthsSince(r.registered_on) < minMonths) return false;
    if (f.reason && outcome.get(hh.id) !== f.reason) return false;
    return true;
  });
  replace(
    $("#households"),
    h(
      "table",
      { id: "households-table" },
      h("caption", { "aria-live": "polite" }, `${rows.length} of ${s.households.length} households`),
      h("thead", {}, h("tr", {}, ["Household", "Status", "People", "Support", "Vulnerabilities", "Waiting (months)", "Refusals", "Latest run"].map((c) => h("th", { scope: "col" }, c)))),
      h(
        "tbody",
        {},
        rows.map((hh) => {
          const r = hh.record;
          const people = r ? `${r.adults} adult${r.adults > 1 ? "s" : ""}${r.children_ages.length ? `, ${r.children_ages.length} child${r.children_ages.length > 1 ? "ren" : ""}` : ""}` : "erased";
          return h(
            "tr",
            { dataset: { household: hh.id, status: hh.status } },
            h("td", {}, householdButton(hh.id)),
            h("td", {}, hh.status ?? ""),
            h("td", {}, people),
            h("td", {}, r ? r.support : ""),
            h("td", {}, r ? r.vulnerabilities.map((v) => h("span", { class: "tag" }, words(v))) : ""),
            h("td", { class: "num" }, r ? monthsSince(r.registered_on).toFixed(1) : ""),
            h("td", { class: "num" }, String(hh.refusals ?? 0)),
            h("td", {}, hh.status === "housed" ? `housed` : words(outcome.get(hh.id) === "proposed" ? "has an open proposal" : outcome.get(hh.id) ?? "–")),
          );
        }),
      ),
    ),
  );
}
