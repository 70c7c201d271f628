// Households with filters: status, support intensity, vulnerability, waiting time and the reason
// the latest run left them without a proposal.

import { $, h, monthsSince, options, replace, words } from "../dom.js";
import { householdButton } from "./proposals-panel.js";
import { state } from "./state.js";
import { number, t } from "../i18n.js";

// The core's enums (matcher.domain.SupportIntensity, Vulnerability; matcher.result.UnhousedReason).
const SUPPORT = ["intensive", "normal", "light"];
const VULNERABILITIES = ["medical", "disability", "pregnancy", "single_parent", "elderly", "trauma", "large_family", "eviction_deadline"];
const UNHOUSED = ["no_eligible_unit", "lost_to_others", "support_capacity_full", "quota_full", "trade_off", "no_solution"];

const form = $("#household-filters");

export function initHouseholds() {
  options($("#hf-support"), SUPPORT, { all: t("filter.any", "any") });
  options($("#hf-vulnerability"), VULNERABILITIES, { all: t("filter.any", "any") });
  options($("#hf-reason"), ["proposed", ...UNHOUSED], { all: t("filter.any", "any"), label: (v) => (v === "proposed" ? t("hh.proposed", "has an open proposal") : words(v)) });
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
      h("caption", { "aria-live": "polite" }, t("hh.count", "{shown} of {total} households", { shown: number(rows.length), total: number(s.households.length) })),
      h("thead", {}, h("tr", {}, [t("col.household", "Household"), t("col.status", "Status"), t("col.people", "People"), t("col.support", "Support"), t("col.vulnerabilities", "Vulnerabilities"), t("col.waiting", "Waiting (months)"), t("col.refusals", "Refusals"), t("col.latest_run", "Latest run")].map((c) => h("th", { scope: "col" }, c)))),
      h(
        "tbody",
        {},
        rows.map((hh) => {
          const r = hh.record;
          const kids = r?.children_ages.length ?? 0;
          const adults = r ? (r.adults === 1 ? t("hh.adult", "1 adult") : t("hh.adults", "{n} adults", { n: r.adults })) : "";
          const children = kids === 0 ? "" : kids === 1 ? t("hh.child", "1 child") : t("hh.children", "{n} children", { n: kids });
          const people = r ? [adults, children].filter(Boolean).join(", ") : words("erased");
          return h(
            "tr",
            { dataset: { household: hh.id, status: hh.status } },
            h("td", {}, householdButton(hh.id)),
            h("td", {}, words(hh.status)),
            h("td", {}, people),
            h("td", {}, r ? words(r.support) : ""),
            h("td", {}, r ? r.vulnerabilities.map((v) => h("span", { class: "tag" }, words(v))) : ""),
            h("td", { class: "num" }, r ? number(monthsSince(r.registered_on), 1) : ""),
            h("td", { class: "num" }, number(hh.refusals ?? 0)),
            h("td", {}, hh.status === "housed" ? words("housed") : outcome.get(hh.id) === "proposed" ? t("hh.proposed", "has an open proposal") : words(outcome.get(hh.id)) || "–"),
          );
        }),
      ),
    ),
  );
}
