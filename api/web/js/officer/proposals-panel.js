// Open proposals with their cost breakdown, alternatives and explanation; accept or decline with a
// reason. Below: the decisions taken, and the households the latest run could not house.

import { api } from "../api.js";
import { confirmAction } from "../confirm.js";
import { $, h, replace, say, when, words, euros } from "../dom.js";
import { communeName } from "../communes.js";
import { openHousehold } from "./household-dialog.js";
import { byId } from "./state.js";

// The API's decline reason codes (api.schemas.DeclineReason).
export const DECLINE_REASONS = [
  "household_refused",
  "landlord_refused",
  "officer_override",
  "unit_unavailable",
  "household_unreachable",
  "other",
];

const decisionStatus = $("#decision-status");
let refresh = async () => {};

export function initProposals(onChange) {
  refresh = onChange;
  $("#letter-print").addEventListener("click", () => $("#letter-frame").contentWindow.print());
}

export function householdButton(ref) {
  return h("button", { type: "button", class: "link", onclick: () => openHousehold(ref), "aria-haspopup": "dialog" }, ref);
}

function unitSummary(state, units, ref) {
  const unit = units.get(ref)?.record;
  if (!unit) return h("strong", {}, ref);
  const size = unit.bedrooms === 0 ? "studio" : `${unit.bedrooms} bedroom${unit.bedrooms > 1 ? "s" : ""}`;
  return [
    h("strong", {}, ref),
    h("div", { class: "muted" }, `${communeName(state.communes, unit.commune)} · ${words(unit.programme)} · ${size} · ${euros(unit.rent + unit.charges)}`),
  ];
}

function breakdown(p) {
  const terms = Object.entries(p.breakdown).filter(([, v]) => v);
  return [
    h("strong", {}, String(p.cost)),
    terms.length
      ? h("ul", { class: "breakdown", "aria-label": "cost breakdown" }, terms.map(([k, v]) => h("li", {}, `${words(k)}: ${v}`)))
      : h("div", { class: "muted" }, "no penalty"),
  ];
}

function alternatives(p) {
  if (!p.alternatives.length) return h("span", { class: "muted" }, "none eligible");
  return h(
    "ul",
    { class: "breakdown" },
    p.alternatives.map((a) =>
      h("li", {}, `${a.unit}: ${a.extra_cost >= 0 ? "+" : "−"}${Math.abs(a.extra_cost)} points${a.taken ? ", proposed to another household" : ""}`),
    ),
  );
}

async function decide(p, action, reason) {
  const pair = `${p.unit} for ${p.household}`;
  if (action === "accept") {
    const ok = await confirmAction({
      title: `Accept ${pair}?`,
      text: `${p.unit} is then taken and ${p.household} housed; the decision is recorded under your name.`,
      confirm: "Confirm acceptance",
    });
    if (!ok) return;
  }
  try {
    if (action === "accept") await api(`/proposals/${p.id}/accept`, { method: "POST" });
    else await api(`/proposals/${p.id}/decline`, { method: "POST", body: { reason } });
    await refresh();
    say(decisionStatus, action === "accept" ? `Accepted ${pair}.` : `Declined ${pair}: ${words(reason)}.`, "ok");
  } catch (error) {
    say(decisionStatus, `Could not ${action} ${pair}: ${error.message}`, "error");
    await refresh();
  }
  // The row just decided is gone: keyboard focus lands on the outcome, just above the list.
  decisionStatus.focus();
}

function decisionControls(p) {
  const pair = `${p.unit} for ${p.household}`;
  const reasonId = `decline-reason-${p.id}`;
  const select = h(
    "select",
    { id: reasonId, "aria-label": `Reason to decline ${pair}` },
    h("option", { value: "" }, "Reason…"),
    DECLINE_REASONS.map((r) => h("option", { value: r }, words(r))),
  );
  const decline = () => {
    if (!select.value) {
      say(decisionStatus, `Choose a reason to decline ${pair}.`, "error");
      select.focus();
      return;
    }
    decide(p, "decline", select.value);
  };
  return h(
    "div",
    { class: "inline" },
    h("button", { type: "button", "aria-label": `Accept ${pair}`, onclick: () => decide(p, "accept") }, "Accept"),
    select,
    h("button", { type: "button", class: "danger", "aria-label": `Decline ${pair}`, onclick: decline }, "Decline"),
  );
}

async function explain(p) {
  const dialog = $("#explanation-dialog");
  const body = $("#explanation-dialog-body");
  replace(body, h("p", {}, "Loading…"));
  dialog.showModal();
  try {
    const e = await api(`/proposals/${p.id}/explanation`);
    replace(
      body,
      h("p", { class: "muted" }, `Proposal ${e.proposal} for household ${p.household} · policy ${e.policy_version}`),
      h("p", {}, e.summary),
      e.factors.length
        ? [h("h3", {}, "What weighed against a perfect fit"), h("ul", {}, e.factors.map((f) => h("li", {}, `${f.meaning} (${f.points} points)`)))]
        : null,
      h("p", {}, `Other homes considered: ${e.other_options}.`),
    );
  } catch (error) {
    replace(body, h("p", { class: "status", "data-kind": "error" }, error.message));
  }
}

// The printable letter, in the language chosen above the list, shown as it prints.
async function letter(p) {
  const dialog = $("#letter-dialog");
  const frame = $("#letter-frame");
  const lang = $("#letter-lang").value;
  $("#letter-dialog-title").textContent = `Letter for ${p.household}`;
  frame.dataset.lang = lang;
  frame.dataset.ready = "false";
  frame.srcdoc = await api(`/proposals/${p.id}/letter?lang=${lang}`, { as: "text" });
  frame.addEventListener("load", () => (frame.dataset.ready = "true"), { once: true });
  if (!dialog.open) dialog.showModal();
}

function openTable(state) {
  if (!state.open.length) return h("p", { class: "hint" }, "No open proposals. Run matching to get some.");
  const units = byId(state.units);
  const households = byId(state.households);
  return h(
    "table",
    { id: "proposals-table" },
    h("caption", {}, `${state.open.length} open proposals`),
    h("thead", {}, h("tr", {}, ["Household", "Unit", h("span", {}, "Cost points"), "Alternatives", "Why this unit", "Decision"].map((c) => h("th", { scope: "col" }, c)))),
    h(
      "tbody",
      {},
      state.open.map((p) => {
        const refusals = households.get(p.household)?.refusals ?? 0;
        return h(
          "tr",
          { dataset: { proposal: p.id, household: p.household, unit: p.unit, status: p.status } },
          h("td", {}, householdButton(p.household), p.pinned ? h("span", { class: "tag" }, "pinned") : null,
            refusals ? h("div", { class: "muted" }, `refusals: ${refusals}`) : null),
          h("td", {}, unitSummary(state, units, p.unit)),
          h("td", {}, breakdown(p)),
          h("td", {}, alternatives(p)),
          h("td", { class: "explanation" }, p.explanation,
            h("div", {}, h("button", { type: "button", class: "link", "aria-haspopup": "dialog", "aria-label": `Explanation for ${p.household}`, onclick: () => explain(p) }, "Explanation for the household")),
            h("div", {}, h("button", { type: "button", class: "link", "aria-haspopup": "dialog", "aria-label": `Letter for ${p.household}`, onclick: () => letter(p) }, "Letter to print"))),
          h("td", {}, decisionControls(p)),
        );
      }),
    ),
  );
}

function decidedTable(state) {
  if (!state.decided.length) return h("p", { class: "hint" }, "No decisions yet.");
  return h(
    "table",
    { id: "decided-table" },
    h("caption", {}, `${state.decided.length} decisions, newest first`),
    h("thead", {}, h("tr", {}, ["Household", "Unit", "Decision", "Reason", "By", "When"].map((c) => h("th", { scope: "col" }, c)))),
    h(
      "tbody",
      {},
      state.decided.map((p) =>
        h(
          "tr",
          { dataset: { proposal: p.id, household: p.household, unit: p.unit, status: p.status } },
          h("td", {}, householdButton(p.household)),
          h("td", {}, p.unit),
          h("td", {}, h("span", { class: `tag ${p.status}` }, p.status)),
          h("td", {}, words(p.reason) || "–"),
          h("td", {}, p.decided_by ?? ""),
          h("td", {}, when(p.decided_at)),
        ),
      ),
    ),
  );
}

function unhousedTable(state) {
  if (!state.latestDone) return h("p", { class: "hint" }, "No run yet.");
  if (!state.unhoused.length) return h("p", { class: "hint" }, "Everyone in the latest run got a proposal.");
  return h(
    "table",
    { id: "unhoused-table" },
    h("thead", {}, h("tr", {}, ["Household", "Reason", "Detail"].map((c) => h("th", { scope: "col" }, c)))),
    h(
      "tbody",
      {},
      state.unhoused.map((u) =>
        h("tr", { dataset: { household: u.household } }, h("td", {}, householdButton(u.household)), h("td", {}, words(u.reason)), h("td", {}, u.detail)),
      ),
    ),
  );
}

export function renderProposals(state) {
  replace($("#proposals"), openTable(state));
  replace($("#decided"), decidedTable(state));
  replace($("#unhoused"), unhousedTable(state));
  const r = state.overrideRate;
  $("#override-rate").textContent = r && r.decided
    ? `Override rate ${Math.round(r.override_rate * 100)} % (${r.declined} declined of ${r.decided} decided)`
    : "No decisions yet";
}
