// Pins and forbids: rules the next run must respect, set before it starts.

import { api } from "../api.js";
import { $, h, replace, say, words } from "../dom.js";
import { communeName } from "../communes.js";
import { t } from "../i18n.js";

const form = $("#pair-form");
const status = $("#pair-status");
let refresh = async () => {};

export function initPairs(onChange) {
  refresh = onChange;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { household: $("#pair-household").value.trim(), unit: $("#pair-unit").value.trim(), kind: $("#pair-kind").value };
    if (!body.household || !body.unit) {
      say(status, t("pairs.choose", "Choose a household and a unit."), "error");
      (body.household ? $("#pair-unit") : $("#pair-household")).focus();
      return;
    }
    try {
      await api("/pair-rules", { method: "POST", body });
      await refresh();
      $("#pair-household").value = "";
      $("#pair-unit").value = "";
      say(status, t("pairs.added", "Added: {kind} {household} in {unit}.", { kind: words(body.kind), household: body.household, unit: body.unit }), "ok");
    } catch (error) {
      say(status, t("pairs.add_failed", "Could not add the rule: {message}", { message: error.message }), "error");
    }
  });
}

async function remove(rule) {
  try {
    await api(`/pair-rules/${rule.id}`, { method: "DELETE" });
    await refresh();
    say(status, t("pairs.removed", "Removed: {kind} {household} in {unit}.", { kind: words(rule.kind), household: rule.household, unit: rule.unit }), "ok");
    $("#pair-household").focus();
  } catch (error) {
    say(status, t("pairs.remove_failed", "Could not remove the rule: {message}", { message: error.message }), "error");
  }
}

export function renderPairs(s) {
  // Searchable pickers: the officer types part of a reference (or a commune) and picks; nothing is
  // chosen in advance, so a rule is never added for a pair nobody meant.
  replace($("#pair-household-list"), s.households.filter((x) => x.status === "waiting").map((x) =>
    h("option", { value: x.id }, x.record ? `${x.record.adults + x.record.children_ages.length} persons, ${x.record.support}` : x.id)));
  replace($("#pair-unit-list"), s.units.filter((x) => x.status === "free").map((x) =>
    h("option", { value: x.id }, x.record ? `${communeName(s.communes, x.record.commune)}, ${words(x.record.programme)}, ${x.record.bedrooms === 1 ? t("unit.bedroom", "1 bedroom") : t("unit.bedrooms", "{n} bedrooms", { n: x.record.bedrooms })}` : x.id)));
  if (!s.rules.length) {
    replace($("#pair-rules"), h("p", { class: "hint" }, t("pairs.none", "No pins or forbids.")));
    return;
  }
  replace(
    $("#pair-rules"),
    h(
      "table",
      { id: "pair-rules-table" },
      h("thead", {}, h("tr", {}, [t("page.rule", "Rule"), t("col.household", "Household"), t("col.unit", "Unit"), t("col.source", "Source"), ""].map((c) => h("th", { scope: "col" }, c)))),
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
            h("td", {}, h("button", { type: "button", class: "quiet", "aria-label": t("pairs.remove_this", "Remove {kind} {household} in {unit}", { kind: words(r.kind), household: r.household, unit: r.unit }), onclick: () => remove(r) }, t("pairs.remove", "Remove"))),
          ),
        ),
      ),
    ),
  );
}
