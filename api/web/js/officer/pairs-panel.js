// Pins and forbids: rules the next run must respect, set before it starts.

import { api } from "../api.js";
import { $, h, replace, say, words } from "../dom.js";
import { communeName } from "../communes.js";

const form = $("#pair-form");
const status = $("#pair-status");
let refresh = async () => {};

export function initPairs(onChange) {
  refresh = onChange;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { household: $("#pair-household").value.trim(), unit: $("#pair-unit").value.trim(), kind: $("#pair-kind").value };
    if (!body.household || !body.unit) {
      say(status, "Choose a household and a unit.", "error");
      (body.household ? $("#pair-unit") : $("#pair-household")).focus();
      return;
    }
    try {
      await api("/pair-rules", { method: "POST", body });
      await refresh();
      $("#pair-household").value = "";
      $("#pair-unit").value = "";
      say(status, `Added: ${body.kind} ${body.household} in ${body.unit}.`, "ok");
    } catch (error) {
      say(status, `Could not add the rule: ${error.message}`, "error");
    }
  });
}

async function remove(rule) {
  try {
    await api(`/pair-rules/${rule.id}`, { method: "DELETE" });
    await refresh();
    say(status, `Removed: ${rule.kind} ${rule.household} in ${rule.unit}.`, "ok");
    $("#pair-household").focus();
  } catch (error) {
    say(status, `Could not remove the rule: ${error.message}`, "error");
  }
}

export function renderPairs(s) {
  // Searchable pickers: the officer types part of a reference (or a commune) and picks; nothing is
  // chosen in advance, so a rule is never added for a pair nobody meant.
  replace($("#pair-household-list"), s.households.filter((x) => x.status === "waiting").map((x) =>
    h("option", { value: x.id }, x.record ? `${x.record.adults + x.record.children_ages.length} persons, ${x.record.support}` : x.id)));
  replace($("#pair-unit-list"), s.units.filter((x) => x.status === "free").map((x) =>
    h("option", { value: x.id }, x.record ? `${communeName(s.communes, x.record.commune)}, ${words(x.record.programme)}, ${x.record.bedrooms} bedrooms` : x.id)));
  if (!s.rules.length) {
    replace($("#pair-rules"), h("p", { class: "hint" }, "No pins or forbids."));
    return;
  }
  replace(
    $("#pair-rules"),
    h(
      "table",
      { id: "pair-rules-table" },
      h("thead", {}, h("tr", {}, ["Rule", "Household", "Unit", "Source", ""].map((c) => h("th", { scope: "col" }, c)))),
      h(
        "tbody",
        {},
        s.rules.map((r) =>
          h(
            "tr",
            { dataset: { household: r.household, unit: r.unit, kind: r.kind } },
            h("td", {}, r.kind),
            h("td", {}, r.household),
            h("td", {}, r.unit),
            h("td", {}, r.source),
            h("td", {}, h("button", { type: "button", class: "quiet", "aria-label": `Remove ${r.kind} ${r.household} in ${r.unit}`, onclick: () => remove(r) }, "Remove")),
          ),
        ),
      ),
    ),
  );
}
