// A household's file: its needs as the matcher sees them, refusals, every proposal made to it
// with the decision taken, and (for admins, who may read it) the audit log about it.

import { all, api } from "../api.js";
import { $, euros, h, monthsSince, replace, when, words } from "../dom.js";
import { communeName } from "../communes.js";
import { openRecordForm } from "./record-form.js";
import { day, number, t } from "../i18n.js";
import { REVIEW_REASONS, requestReview } from "./reviews-panel.js";

const dialog = $("#household-dialog");
const body = $("#household-dialog-body");
let state = null;

export function initHouseholdDialog(s) {
  state = s;
}

const place = (loc) => {
  if (!loc) return t("hh.none", "none");
  if (loc.commune) return communeName(state.communes, loc.commune);
  return `${number(loc.lat, 4)}, ${number(loc.lon, 4)}`;
};

// Decided proposals can be sent for review, once: an open review shows instead of the control.
function reviewControl(p) {
  if (p.status !== "accepted" && p.status !== "declined") return "";
  const open = state.reviews.find((r) => r.proposal === p.id && r.status === "open");
  if (open) return t("hh.review_open", "review {id} open", { id: open.id });
  const label = t("hh.review_label", "{status} {unit} for {household}", { status: words(p.status), unit: p.unit, household: p.household });
  const select = h(
    "select",
    { "aria-label": t("hh.review_reason", "Review reason for {label}", { label }) },
    REVIEW_REASONS.map((r) => h("option", { value: r }, words(r))),
  );
  const ask = async () => {
    try {
      await requestReview(p, select.value);
      await openHousehold(p.household);
    } catch (error) {
      replace(cell, h("span", { class: "status", "data-kind": "error" }, error.message));
    }
  };
  const cell = h("div", { class: "inline" }, select,
    h("button", { type: "button", class: "quiet", "aria-label": t("hh.review_ask", "Request a review of {label}", { label }), onclick: ask }, t("hh.review", "Request review")));
  return cell;
}

function facts(hh) {
  const r = hh.record;
  const rows = [
    [t("col.status", "Status"), words(hh.status)],
    [t("col.refusals", "Refusals"), number(hh.refusals ?? 0)],
  ];
  if (hh.housed_household) rows.push([t("hh.housed_in", "Housed in"), hh.housed_household]);
  if (r) {
    rows.push(
      [t("col.people", "People"), t("hh.people", "{adults} adults, children aged {ages}", { adults: r.adults, ages: r.children_ages.join(", ") || "–" })],
      [t("page.support_intensity", "Support intensity"), words(r.support)],
      [t("col.vulnerabilities", "Vulnerabilities"), r.vulnerabilities.map(words).join(", ") || t("hh.none", "none")],
      [t("hh.registered", "Registered"), t("hh.registered_on", "{date} ({months} months ago)", { date: day(r.registered_on), months: number(monthsSince(r.registered_on), 1) })],
      [t("hh.needs", "Accessibility needs"), r.needs.map(words).join(", ") || t("hh.none", "none")],
      [t("hh.income", "Income"), r.monthly_income == null ? t("hh.not_given", "not given") : t("hh.a_month", "{amount} a month", { amount: euros(r.monthly_income) })],
      [t("hh.budget", "Budget (rent + charges)"), r.max_rent == null ? t("hh.income_rule", "from the income rule") : t("hh.at_most", "at most {amount}", { amount: euros(r.max_rent) })],
      [t("hh.work", "Work place"), place(r.work)],
      [t("hh.schools", "Schools"), r.schools.map(place).join(", ") || t("hh.none", "none")],
      [t("hh.reception", "Reception place"), place(r.current_location)],
      [t("hh.attached", "Attached commune"), r.attached_commune ? communeName(state.communes, r.attached_commune) : t("hh.none", "none")],
      [t("hh.preferred", "Preferred communes"), r.preferred_communes.map((p) => communeName(state.communes, p.commune)).join(", ") || t("hh.none", "none")],
    );
  } else {
    rows.push([t("page.record", "Record"), t("hh.erased", "erased: only the reference and the decisions remain")]);
  }
  return h("dl", { class: "facts" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

function history(proposals) {
  if (!proposals.length) return h("p", { class: "hint" }, t("hh.no_proposal", "No proposal yet."));
  return h(
    "table",
    {},
    h("caption", {}, t("hh.every_proposal", "Every proposal made to this household")),
    h("thead", {}, h("tr", {}, [t("col.run", "Run"), t("col.unit", "Unit"), t("col.status", "Status"), t("col.reason", "Reason"), t("col.decided_by", "Decided by"), t("col.when", "When"), t("col.review", "Review")].map((c) => h("th", { scope: "col" }, c)))),
    h(
      "tbody",
      {},
      proposals.map((p) =>
        h("tr", {}, h("td", {}, String(p.run_id)), h("td", {}, p.unit), h("td", {}, h("span", { class: `tag ${p.status}` }, words(p.status))),
          h("td", {}, words(p.reason) || "–"), h("td", {}, p.decided_by ?? ""), h("td", {}, when(p.decided_at)),
          h("td", {}, reviewControl(p))),
      ),
    ),
  );
}

function audit(entries) {
  if (!entries.length) return h("p", { class: "hint" }, t("hh.no_audit", "No audit entries."));
  return h(
    "table",
    {},
    h("caption", {}, t("hh.audit_caption", "Audit log entries about this household")),
    h("thead", {}, h("tr", {}, [t("col.when", "When"), t("col.who", "Who"), t("page.action", "Action"), t("col.run", "Run"), t("col.policy", "Policy"), t("col.details", "Details")].map((c) => h("th", { scope: "col" }, c)))),
    h(
      "tbody",
      {},
      entries.map((e) =>
        h("tr", {}, h("td", {}, when(e.at)), h("td", {}, `${e.actor} (${words(e.role)})`), h("td", {}, words(e.action)),
          h("td", {}, e.run_id ?? ""), h("td", {}, e.policy_version ?? ""), h("td", {}, JSON.stringify(e.details))),
      ),
    ),
  );
}

export async function openHousehold(ref) {
  $("#household-dialog-title").textContent = t("hh.title", "Household {ref}", { ref });
  replace(body, h("p", {}, t("loading", "Loading…")));
  if (!dialog.open) dialog.showModal();
  try {
    const isAdmin = state.me.role === "admin";
    const [hh, proposals, entries] = await Promise.all([
      api(`/households/${encodeURIComponent(ref)}`),
      all(`/proposals?household=${encodeURIComponent(ref)}`),
      isAdmin ? all(`/audit?target=${encodeURIComponent(ref)}`) : Promise.resolve(null),
    ]);
    replace(
      body,
      facts(hh),
      hh.record
        ? h("p", {}, h("button", { type: "button", class: "quiet", "aria-haspopup": "dialog", onclick: () => openRecordForm("household", hh) }, t("hh.edit", "Edit household {ref}", { ref })))
        : null,
      h("h3", {}, t("hh.trail", "Decision trail")),
      history(proposals),
      h("h3", {}, t("page.audit_log", "Audit log")),
      entries ? audit(entries) : h("p", { class: "hint" }, t("hh.audit_hint", "Admins read the full audit log of this household (every action, who, when, policy version); officers see the decision trail above.")),
    );
  } catch (error) {
    replace(body, h("p", { class: "status", "data-kind": "error" }, error.message));
  }
}
