// Units with filters: status, programme, commune, size, rent and accessibility.

import { $, euros, h, options, replace, words } from "../dom.js";
import { communeName } from "../communes.js";
import { openRecordForm } from "./record-form.js";
import { state } from "./state.js";
import { day, number, t } from "../i18n.js";

// The core's enums (matcher.domain.Programme, Accessibility).
const PROGRAMMES = ["gls", "logis_own", "communal", "ais", "lisko_private"];
const FEATURES = ["step_free", "lift", "ground_floor", "wheelchair"];

const form = $("#unit-filters");

export function initUnits() {
  options($("#uf-programme"), PROGRAMMES, { all: t("filter.any", "any") });
  options($("#uf-feature"), FEATURES, { all: t("filter.any", "any") });
  form.addEventListener("input", () => renderUnits(state));
  form.addEventListener("submit", (e) => e.preventDefault());
}

export function renderUnits(s) {
  const communes = [...new Set(s.units.map((u) => u.record?.commune).filter(Boolean))]
    .sort((a, b) => communeName(s.communes, a).localeCompare(communeName(s.communes, b)));
  options($("#uf-commune"), communes, { all: t("filter.any", "any"), label: (c) => communeName(s.communes, c) });
  const f = Object.fromEntries(new FormData(form));
  const rows = s.units.filter((u) => {
    const r = u.record;
    if (f.status && u.status !== f.status) return false;
    if (!r) return false;
    if (f.programme && r.programme !== f.programme) return false;
    if (f.commune && r.commune !== f.commune) return false;
    if (f.bedrooms !== "" && r.bedrooms < Number(f.bedrooms)) return false;
    if (f.rent !== "" && r.rent + r.charges > Number(f.rent)) return false;
    if (f.feature && !r.features.includes(f.feature)) return false;
    return true;
  });
  const proposed = new Map(s.open.map((p) => [p.unit, p.household]));
  replace(
    $("#units"),
    h(
      "table",
      { id: "units-table" },
      h("caption", { "aria-live": "polite" }, t("units.count", "{shown} of {total} units", { shown: number(rows.length), total: number(s.units.length) })),
      h("thead", {}, h("tr", {}, [t("col.unit", "Unit"), t("col.programme", "Programme"), t("col.commune", "Commune"), t("col.bedrooms", "Bedrooms"), "m²", t("col.rent", "Rent + charges"), t("col.accessibility", "Accessibility"), t("col.available", "Available"), t("col.status", "Status")].map((c) => h("th", { scope: "col" }, c)))),
      h(
        "tbody",
        {},
        rows.map((u) => {
          const r = u.record;
          const note = u.status === "taken"
            ? t("units.taken_by", "taken by {household}", { household: u.housed_household ?? "?" })
            : proposed.has(u.id) ? t("units.proposed_to", "free, proposed to {household}", { household: proposed.get(u.id) }) : words(u.status);
          return h(
            "tr",
            { dataset: { unit: u.id, status: u.status } },
            h("th", { scope: "row" }, h("button", { type: "button", class: "link", "aria-haspopup": "dialog", "aria-label": t("units.edit", "Edit unit {unit}", { unit: u.id }), onclick: () => openRecordForm("unit", u) }, u.id)),
            h("td", {}, words(r.programme)),
            h("td", {}, communeName(s.communes, r.commune)),
            h("td", { class: "num" }, r.bedrooms === 0 ? t("unit.studio", "studio") : number(r.bedrooms)),
            h("td", { class: "num" }, r.surface_m2 == null ? "" : number(r.surface_m2)),
            h("td", { class: "num" }, euros(r.rent + r.charges)),
            h("td", {}, r.features.map((x) => h("span", { class: "tag" }, words(x)))),
            h("td", {}, day(r.available_from)),
            h("td", {}, note),
          );
        }),
      ),
    ),
  );
}
