// Open proposals with their cost breakdown, alternatives and explanation; accept or decline with a
// reason. Below: the decisions taken, and the households the latest run could not house.

import { api } from "../api.js";
import { confirmAction } from "../confirm.js";
import { $, h, replace, say, when, words, euros } from "../dom.js";
import { communeName } from "../communes.js";
import { openHousehold } from "./household-dialog.js";
import { byId } from "./state.js";
import { number, t } from "../i18n.js";

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
  const size = unit.bedrooms === 0 ? t("unit.studio", "studio") : unit.bedrooms === 1 ? t("unit.bedroom", "1 bedroom") : t("unit.bedrooms", "{n} bedrooms", { n: unit.bedrooms });
  return [
    h("strong", {}, ref),
    h("div", { class: "muted" }, `${communeName(state.communes, unit.commune)} · ${words(unit.programme)} · ${size} · ${euros(unit.rent + unit.charges)}`),
  ];
}

function breakdown(p) {
  const terms = Object.entries(p.breakdown).filter(([, v]) => v);
  return [
    h("strong", {}, number(p.cost)),
    terms.length
      ? h("ul", { class: "breakdown", "aria-label": t("prop.breakdown", "cost breakdown") }, terms.map(([k, v]) => h("li", {}, `${words(k)}: ${number(v)}`)))
      : h("div", { class: "muted" }, t("prop.no_penalty", "no penalty")),
  ];
}

function alternatives(p) {
  if (!p.alternatives.length) return h("span", { class: "muted" }, t("prop.none_eligible", "none eligible"));
  return h(
    "ul",
    { class: "breakdown" },
    p.alternatives.map((a) =>
      h("li", {}, t(a.taken ? "prop.alt_taken" : "prop.alt", a.taken ? "{unit}: {sign}{points} points, proposed to another household" : "{unit}: {sign}{points} points", { unit: a.unit, sign: a.extra_cost >= 0 ? "+" : "−", points: number(Math.abs(a.extra_cost)) })),
    ),
  );
}

async function decide(p, action, reason) {
  const pair = t("prop.pair", "{unit} for {household}", { unit: p.unit, household: p.household });
  if (action === "accept") {
    const ok = await confirmAction({
      title: t("prop.accept_title", "Accept {pair}?", { pair }),
      text: t("prop.accept_text", "{unit} is then taken and {household} housed; the decision is recorded under your name.", { unit: p.unit, household: p.household }),
      confirm: t("prop.accept_confirm", "Confirm acceptance"),
    });
    if (!ok) return;
  }
  try {
    if (action === "accept") await api(`/proposals/${p.id}/accept`, { method: "POST" });
    else await api(`/proposals/${p.id}/decline`, { method: "POST", body: { reason } });
    await refresh();
    say(decisionStatus, action === "accept" ? t("prop.accepted", "Accepted {pair}.", { pair }) : t("prop.declined", "Declined {pair}: {reason}.", { pair, reason: words(reason) }), "ok");
  } catch (error) {
    say(decisionStatus, t(action === "accept" ? "prop.accept_failed" : "prop.decline_failed", action === "accept" ? "Could not accept {pair}: {message}" : "Could not decline {pair}: {message}", { pair, message: error.message }), "error");
    await refresh();
  }
  // The row just decided is gone: keyboard focus lands on the outcome, just above the list.
  decisionStatus.focus();
}

function decisionControls(p) {
  const pair = t("prop.pair", "{unit} for {household}", { unit: p.unit, household: p.household });
  const reasonId = `decline-reason-${p.id}`;
  const select = h(
    "select",
    { id: reasonId, "aria-label": t("prop.reason_for", "Reason to decline {pair}", { pair }) },
    h("option", { value: "" }, t("prop.reason", "Reason…")),
    DECLINE_REASONS.map((r) => h("option", { value: r }, words(r))),
  );
  const decline = () => {
    if (!select.value) {
      say(decisionStatus, t("prop.choose_reason", "Choose a reason to decline {pair}.", { pair }), "error");
      select.focus();
      return;
    }
    decide(p, "decline", select.value);
  };
  return h(
    "div",
    { class: "inline" },
    h("button", { type: "button", "aria-label": t("prop.accept_pair", "Accept {pair}", { pair }), onclick: () => decide(p, "accept") }, t("prop.accept", "Accept")),
    select,
    h("button", { type: "button", class: "danger", "aria-label": t("prop.decline_pair", "Decline {pair}", { pair }), onclick: decline }, t("prop.decline", "Decline")),
  );
}

async function explain(p) {
  const dialog = $("#explanation-dialog");
  const body = $("#explanation-dialog-body");
  replace(body, h("p", {}, t("loading", "Loading…")));
  dialog.showModal();
  try {
    const e = await api(`/proposals/${p.id}/explanation${chosenLanguage()}`);
    replace(
      body,
      h("p", { class: "muted" }, t("prop.explanation_ref", "Proposal {proposal} for household {household} · policy {policy}", { proposal: e.proposal, household: p.household, policy: e.policy_version })),
      h("p", {}, e.summary),
      e.factors.length
        ? [h("h3", {}, t("prop.weighed", "What weighed against a perfect fit")), h("ul", {}, e.factors.map((f) => h("li", {}, t("prop.factor", "{meaning} ({points} points)", { meaning: f.meaning, points: number(f.points) }))))]
        : null,
      h("p", {}, t("prop.others", "Other homes considered: {n}.", { n: number(e.other_options) })),
    );
  } catch (error) {
    replace(body, h("p", { class: "status", "data-kind": "error" }, error.message));
  }
}

// The language chosen above the list, as a query; none leaves it to the household's own (the API's rule).
const chosenLanguage = () => ($("#letter-lang").value ? `?lang=${$("#letter-lang").value}` : "");

// The printable letter, in the language chosen above the list, shown as it prints.
async function letter(p) {
  const dialog = $("#letter-dialog");
  const frame = $("#letter-frame");
  $("#letter-dialog-title").textContent = t("prop.letter_for", "Letter for {household}", { household: p.household });
  frame.dataset.ready = "false";
  frame.srcdoc = await api(`/proposals/${p.id}/letter${chosenLanguage()}`, { as: "text" });
  frame.addEventListener("load", () => (frame.dataset.ready = "true"), { once: true });
  if (!dialog.open) dialog.showModal();
}

function openTable(state) {
  if (!state.open.length) return h("p", { class: "hint" }, t("prop.none_open", "No open proposals. Run matching to get some."));
  const units = byId(state.units);
  const households = byId(state.households);
  return h(
    "table",
    { id: "proposals-table" },
    h("caption", {}, t("prop.open_count", "{n} open proposals", { n: number(state.open.length) })),
    h("thead", {}, h("tr", {}, [t("col.household", "Household"), t("col.unit", "Unit"), h("span", {}, t("col.cost", "Cost points")), t("col.alternatives", "Alternatives"), t("col.why", "Why this unit"), t("col.decision", "Decision")].map((c) => h("th", { scope: "col" }, c)))),
    h(
      "tbody",
      {},
      state.open.map((p) => {
        const refusals = households.get(p.household)?.refusals ?? 0;
        return h(
          "tr",
          { dataset: { proposal: p.id, household: p.household, unit: p.unit, status: p.status } },
          h("td", {}, householdButton(p.household), p.pinned ? h("span", { class: "tag" }, t("prop.pinned", "pinned")) : null,
            refusals ? h("div", { class: "muted" }, t("prop.refusals", "refusals: {n}", { n: number(refusals) })) : null),
          h("td", {}, unitSummary(state, units, p.unit)),
          h("td", {}, breakdown(p)),
          h("td", {}, alternatives(p)),
          h("td", { class: "explanation" }, p.explanation,
            h("div", {}, h("button", { type: "button", class: "link", "aria-haspopup": "dialog", "aria-label": t("prop.explanation_for", "Explanation for {household}", { household: p.household }), onclick: () => explain(p) }, t("prop.explanation", "Explanation for the household"))),
            h("div", {}, h("button", { type: "button", class: "link", "aria-haspopup": "dialog", "aria-label": t("prop.letter_for", "Letter for {household}", { household: p.household }), onclick: () => letter(p) }, t("prop.letter", "Letter to print")))),
          h("td", {}, decisionControls(p)),
        );
      }),
    ),
  );
}

function decidedTable(state) {
  if (!state.decided.length) return h("p", { class: "hint" }, t("prop.no_decisions", "No decisions yet."));
  return h(
    "table",
    { id: "decided-table" },
    h("caption", {}, t("prop.decided_count", "{n} decisions, newest first", { n: number(state.decided.length) })),
    h("thead", {}, h("tr", {}, [t("col.household", "Household"), t("col.unit", "Unit"), t("col.decision", "Decision"), t("col.reason", "Reason"), t("col.by", "By"), t("col.when", "When")].map((c) => h("th", { scope: "col" }, c)))),
    h(
      "tbody",
      {},
      state.decided.map((p) =>
        h(
          "tr",
          { dataset: { proposal: p.id, household: p.household, unit: p.unit, status: p.status } },
          h("td", {}, householdButton(p.household)),
          h("td", {}, p.unit),
          h("td", {}, h("span", { class: `tag ${p.status}` }, words(p.status))),
          h("td", {}, words(p.reason) || "–"),
          h("td", {}, p.decided_by ?? ""),
          h("td", {}, when(p.decided_at)),
        ),
      ),
    ),
  );
}

function unhousedTable(state) {
  if (!state.latestDone) return h("p", { class: "hint" }, t("run.none", "No run yet."));
  if (!state.unhoused.length) return h("p", { class: "hint" }, t("prop.everyone", "Everyone in the latest run got a proposal."));
  return h(
    "table",
    { id: "unhoused-table" },
    h("thead", {}, h("tr", {}, [t("col.household", "Household"), t("col.reason", "Reason"), t("col.detail", "Detail")].map((c) => h("th", { scope: "col" }, c)))),
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
    ? t("prop.override", "Override rate {percent} % ({declined} declined of {decided} decided)", { percent: Math.round(r.override_rate * 100), declined: number(r.declined), decided: number(r.decided) })
    : t("prop.no_decisions_short", "No decisions yet");
}
