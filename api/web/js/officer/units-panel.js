// Units with filters: status, programme, commune, size, rent and accessibility.

import { $, euros, h, options, replace, words } from "../dom.js";
import { communeName } from "../communes.js";
import { openRecordForm } from "./record-form.js";
import { state } from "./state.js";

// The core's enums (matcher.domain.Programme, Accessibility).
const PROGRAMMES = ["gls", "logis_own", "communal", "ais", "lisko_private"];
const FEATURES = ["step_free", "lift", "ground_floor", "wheelchair"];

const form = $("#unit-filters");

export function initUnits() {
  options($("#uf-programme"), PROGRAMMES, { all: "any" });
  options($("#uf-feature"), FEATURES, { all: "any" });
  form.addEventListener("input", () => renderUnits(state));
  form.addEventListener("submit", (e) => e.preventDefault());
}

export function renderUnits(s) {
  const communes = [...new Set(s.units.map((u) => u.record?.commune).filter(Boolean))]
    .sort((a, b) => communeName(s.communes, a).localeCompare(communeName(s.communes, b)));
  options($("#uf-commune"), communes, { all: "any", label: (c) => communeName(s.communes, c) });
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
      h("caption", { "aria-live": "polite" }, `${rows.length} of ${s.units.length} units`),
      h("thead", {}, h("tr", {}, ["Unit", "Programme", "Commune", "Bedrooms", "m²", "Rent + charges", "Accessibility", "Available", "Status"].map((c) => h("th", { scope: "col" }, c)))),
      h(
        "tbody",
        {},
        rows.map((u) => {
          const r = u.record;
          const note = u.status === "taken" ? `taken by ${u.housed_household ?? "?"}` : proposed.has(u.id) ? `free, proposed to ${proposed.get(u.id)}` : u.status;
          return h(
            "tr",
            { dataset: { unit: u.id, status: u.status } },
            h("th", { scope: "row" }, h("button", { type: "button", class: "link", "aria-haspopup": "dialog", "aria-label": `Edit unit ${u.id}`, onclick: () => openRecordForm("unit", u) }, u.id)),
            h("td", {}, words(r.programme)),
            h("td", {}, communeName(s.communes, r.commune)),
            h("td", { class: "num" }, r.bedrooms === 0 ? "studio" : String(r.bedrooms)),
            h("td", { class: "num" }, r.surface_m2 == null ? "" : String(Math.round(r.surface_m2))),
            h("td", { class: "num" }, euros(r.rent + r.charges)),
            h("td", {}, r.features.map((x) => h("span", { class: "tag" }, words(x)))),
            h("td", {}, r.available_from),
            h("td", {}, note),
          );
        }),
      ),
    ),
  );
}
