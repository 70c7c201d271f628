// A household's file: its needs as the matcher sees them, refusals, every proposal made to it
// with the decision taken, and (for admins, who may read it) the audit log about it.

import { all, api } from "../api.js";
import { $, euros, h, monthsSince, replace, when, words } from "../dom.js";
import { communeName } from "../communes.js";
import { openRecordForm } from "./record-form.js";
import { REVIEW_REASONS, requestReview } from "./reviews-panel.js";

const dialog = $("#household-dialog");
const body = $("#household-dialog-body");
let state = null;

export function initHouseholdDialog(s) {
  state = s;
}

const place = (loc) => {
  if (!loc) return "none";
  if (loc.commune) return communeName(state.communes, loc.commune);
  return `${loc.lat.toFixed(4)}, ${loc.lon.toFixed(4)}`;
};

// Decided proposals can be sent for review, once: an open review shows instead of the control.
function reviewControl(p) {
  if (p.status !== "accepted" && p.status !== "declined") return "";
  const open = state.reviews.find((r) => r.proposal === p.id && r.status === "open");
  if (open) return `review ${open.id} open`;
  const label = `${p.status} ${p.unit} for ${p.household}`;
  const select = h(
    "select",
    { "aria-label": `Review reason for ${label}` },
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
    h("button", { type: "button", class: "quiet", "aria-label": `Request a review of ${label}`, onclick: ask }, "Request review"));
  return cell;
}

function facts(hh) {
  const r = hh.record;
  const rows = [
    ["Status", hh.status ?? ""],
    ["Refusals", String(hh.refusals ?? 0)],
  ];
  if (hh.housed_household) rows.push(["Housed in", hh.housed_household]);
  if (r) {
    rows.push(
      ["People", `${r.adults} adults, children aged ${r.children_ages.join(", ") || "–"}`],
      ["Support intensity", r.support],
      ["Vulnerabilities", r.vulnerabilities.map(words).join(", ") || "none"],
      ["Registered", `${r.registered_on} (${monthsSince(r.registered_on).toFixed(1)} months ago)`],
      ["Accessibility needs", r.needs.map(words).join(", ") || "none"],
      ["Income", r.monthly_income == null ? "not given" : `${euros(r.monthly_income)} a month`],
      ["Budget (rent + charges)", r.max_rent == null ? "from the income rule" : `at most ${euros(r.max_rent)}`],
      ["Work place", place(r.work)],
      ["Schools", r.schools.map(place).join(", ") || "none"],
      ["Reception place", place(r.current_location)],
      ["Attached commune", r.attached_commune ? communeName(state.communes, r.attached_commune) : "none"],
      ["Preferred communes", r.preferred_communes.map((p) => communeName(state.communes, p.commune)).join(", ") || "none"],
    );
  } else {
    rows.push(["Record", "erased: only the reference and the decisions remain"]);
  }
  return h("dl", { class: "facts" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

function history(proposals) {
  if (!proposals.length) return h("p", { class: "hint" }, "No proposal yet.");
  return h(
    "table",
    {},
    h("caption", {}, "Every proposal made to this household"),
    h("thead", {}, h("tr", {}, ["Run", "Unit", "Status", "Reason", "Decided by", "When", "Review"].map((c) => h("th", { scope: "col" }, c)))),
    h(
      "tbody",
      {},
      proposals.map((p) =>
        h("tr", {}, h("td", {}, String(p.run_id)), h("td", {}, p.unit), h("td", {}, h("span", { class: `tag ${p.status}` }, p.status)),
          h("td", {}, words(p.reason) || "–"), h("td", {}, p.decided_by ?? ""), h("td", {}, when(p.decided_at)),
          h("td", {}, reviewControl(p))),
      ),
    ),
  );
}

function audit(entries) {
  if (!entries.length) return h("p", { class: "hint" }, "No audit entries.");
  return h(
    "table",
    {},
    h("caption", {}, "Audit log entries about this household"),
    h("thead", {}, h("tr", {}, ["When", "Who", "Action", "Run", "Policy", "Details"].map((c) => h("th", { scope: "col" }, c)))),
    h(
      "tbody",
      {},
      entries.map((e) =>
        h("tr", {}, h("td", {}, when(e.at)), h("td", {}, `${e.actor} (${e.role})`), h("td", {}, words(e.action)),
          h("td", {}, e.run_id ?? ""), h("td", {}, e.policy_version ?? ""), h("td", {}, JSON.stringify(e.details))),
      ),
    ),
  );
}

export async function openHousehold(ref) {
  $("#household-dialog-title").textContent = `Household ${ref}`;
  replace(body, h("p", {}, "Loading…"));
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
        ? h("p", {}, h("button", { type: "button", class: "quiet", "aria-haspopup": "dialog", onclick: () => openRecordForm("household", hh) }, `Edit household ${ref}`))
        : null,
      h("h3", {}, "Decision trail"),
      history(proposals),
      h("h3", {}, "Audit log"),
      entries ? audit(entries) : h("p", { class: "hint" }, "Admins read the full audit log of this household (every action, who, when, policy version); officers see the decision trail above."),
    );
  } catch (error) {
    replace(body, h("p", { class: "status", "data-kind": "error" }, error.message));
  }
}
