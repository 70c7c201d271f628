// Pins and forbids: rules the next run must respect, set before it starts.

import { api } from "../api.js";
import { $, h, options, replace, say } from "../dom.js";

const form = $("#pair-form");
const status = $("#pair-status");
let refresh = async () => {};

export function initPairs(onChange) {
  refresh = onChange;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { household: $("#pair-household").value, unit: $("#pair-unit").value, kind: $("#pair-kind").value };
    if (!body.household || !body.unit) {
      say(status, "Choose a household and a unit.", "error");
      return;
    }
    try {
      await api("/pair-rules", { method: "POST", body });
      await refresh();
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
  options($("#pair-household"), s.households.filter((x) => x.status === "waiting").map((x) => x.id));
  options($("#pair-unit"), s.units.filter((x) => x.status === "free").map((x) => x.id));
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
