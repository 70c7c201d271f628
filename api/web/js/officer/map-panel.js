// The map: communes coloured by the caseload their support zone would use if the open proposals
// were accepted; free units as white dots, units with an open proposal as black dots. The table
// under it says the same in text, for screen readers and exact numbers.

import { $, h, replace, words } from "../dom.js";
import { centre, drawMap, project } from "../map.js";
import { byId } from "./state.js";
import { number, t } from "../i18n.js";

// Classes that tell a zone near its limit (83 %) from a full one (100 %) and from one over it;
// communes outside every zone are hatched grey, unlike any share of use.
const NO_ZONE = "url(#no-zone)";
const NO_ZONE_SWATCH = "repeating-linear-gradient(45deg, #fff 0 3px, #9ca3af 3px 5px)";
const SCALE = [
  [0.25, "#dbeafe", "map.under_25"],
  [0.5, "#93c5fd", "25–50 %"],
  [0.75, "#3b82f6", "50–75 %"],
  [0.9, "#1d4ed8", "75–90 %"],
  [0.9999, "#fbbf24", "90–99 %"],
  [1.0001, "#f97316", "map.full"],
  [Infinity, "#b91c1c", "map.over_capacity"],
];
const colour = (use) => SCALE.find(([limit]) => use < limit)[1];

function hatch(svgRoot) {
  const ns = "http://www.w3.org/2000/svg";
  const defs = document.createElementNS(ns, "defs");
  const pattern = document.createElementNS(ns, "pattern");
  for (const [k, v] of Object.entries({ id: "no-zone", width: "4", height: "4", patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" })) pattern.setAttribute(k, v);
  const bg = document.createElementNS(ns, "rect");
  for (const [k, v] of Object.entries({ width: "4", height: "4", fill: "#fff" })) bg.setAttribute(k, v);
  const line = document.createElementNS(ns, "rect");
  for (const [k, v] of Object.entries({ width: "1.4", height: "4", fill: "#9ca3af" })) line.setAttribute(k, v);
  pattern.append(bg, line);
  defs.append(pattern);
  svgRoot.prepend(defs);
  return svgRoot;
}

// Points each zone would use: a household placed in one of a zone's communes consumes its support
// intensity's points (matcher.Policy.intensity_points), against the zone's free capacity.
export function zoneUse(state) {
  const points = state.policy.document.matching.intensity_points;
  const households = byId(state.households);
  const units = byId(state.units);
  const zones = state.zones.filter((z) => z.record).map((z) => ({ id: z.id, communes: new Set(z.record.communes), capacity: z.record.capacity_points, used: 0, proposals: 0 }));
  for (const p of state.open) {
    const commune = units.get(p.unit)?.record?.commune;
    const support = households.get(p.household)?.record?.support;
    const zone = zones.find((z) => z.communes.has(commune));
    if (zone && support) {
      zone.used += points[support] ?? 0;
      zone.proposals += 1;
    }
  }
  return zones.map((z) => ({ ...z, use: z.capacity ? z.used / z.capacity : z.used ? Infinity : 0 }));
}

// Where a household's work place or a school is: its coordinates, else its commune's centre.
function at(loc, byCode) {
  if (!loc) return null;
  if (loc.lat != null && loc.lon != null) return project([loc.lon, loc.lat]);
  const f = byCode.get(loc.commune);
  return f ? centre(f) : null;
}

// Optional lines from each proposed unit to its household's work place and schools.
function travelLines(state, unitAt, byCode) {
  const households = byId(state.households);
  return state.open.flatMap((p) => {
    const from = unitAt.get(p.unit);
    const r = households.get(p.household)?.record;
    if (!from || !r) return [];
    const work = at(r.work, byCode);
    const dataset = { unit: p.unit, household: p.household };
    return [
      work ? { from, to: work, className: "line-work", dataset, title: t("map.to_work", "{unit} to the work place of {household}", dataset) } : null,
      ...r.schools.map((s) => at(s, byCode)).filter(Boolean).map((to) => ({ from, to, className: "line-school", dataset, title: t("map.to_school", "{unit} to a school of {household}", dataset) })),
    ].filter(Boolean);
  });
}

export function initMap(state) {
  $("#map-lines").addEventListener("change", () => renderMap(state));
}

export function renderMap(state) {
  const zones = zoneUse(state);
  const zoneOf = (lau2) => zones.find((z) => z.communes.has(lau2));
  const features = state.communes.features;
  const byCode = new Map(features.map((f) => [f.properties.lau2, f]));
  const proposed = new Map(state.open.map((p) => [p.unit, p.household]));
  const points = state.units
    .filter((u) => u.record && (u.status === "free" || proposed.has(u.id)))
    .map((u) => {
      const r = u.record;
      const [x, y] = r.lat != null && r.lon != null ? project([r.lon, r.lat]) : centre(byCode.get(r.commune));
      const title = proposed.has(u.id)
        ? t("map.unit_proposed", "{unit}: proposed to {household}", { unit: u.id, household: proposed.get(u.id) })
        : t("map.unit_free", "{unit}: free, {programme}", { unit: u.id, programme: words(r.programme) });
      return { x, y, title, unit: u.id, className: proposed.has(u.id) ? "unit-proposed" : "unit-free" };
    });
  // A zone's label sits at the mean centre of its communes.
  const labels = zones.flatMap((z) => {
    const centres = [...z.communes].map((c) => byCode.get(c)).filter(Boolean).map(centre);
    if (!centres.length) return [];
    const mean = (i) => centres.reduce((sum, c) => sum + c[i], 0) / centres.length;
    return [{ x: mean(0), y: mean(1), text: `${z.id} ${Number.isFinite(z.use) ? number(z.use * 100) : t("map.over", "over")} %` }];
  });
  const free = points.filter((p) => p.className === "unit-free").length;
  const unitAt = new Map(points.map((p) => [p.unit, [p.x, p.y]]));
  const lines = $("#map-lines").checked ? travelLines(state, unitAt, byCode) : [];
  replace(
    $("#map"),
    hatch(drawMap({
      features,
      label: t("map.label", "Map of Luxembourg's communes: {free} free units without a proposal, {proposed} units with an open proposal; communes coloured by their support zone's caseload use. The table below gives the numbers.", { free: number(free), proposed: number(proposed.size) }),
      fill: (f) => {
        const z = zoneOf(f.properties.lau2);
        return z ? colour(z.use) : NO_ZONE;
      },
      title: (f) => {
        const z = zoneOf(f.properties.lau2);
        const where = `${f.properties.commune} (${f.properties.canton})`;
        return z
          ? t("map.commune_zone", "{where}, zone {zone}: {used} of {capacity} points", { where, zone: z.id, used: number(z.used), capacity: number(z.capacity) })
          : t("map.commune_no_zone", "{where}, no support zone", { where });
      },
      points,
      lines,
      labels,
    })),
  );
  const legend = {
    "map.under_25": t("map.under_25", "under 25 %"),
    "map.full": t("map.full", "full (100 %)"),
    "map.over_capacity": t("map.over_capacity", "over capacity"),
  };
  replace(
    $("#map-legend"),
    SCALE.map(([, c, text]) => h("li", {}, h("span", { class: "swatch", style: `background:${c}` }), legend[text] ?? text)),
    h("li", {}, h("span", { class: "swatch", style: `background:${NO_ZONE_SWATCH}` }), t("map.no_zone", "no support zone")),
    h("li", {}, t("map.free_unit", "○ free unit")),
    h("li", {}, t("map.proposed_unit", "● unit with an open proposal")),
    lines.length ? h("li", {}, h("span", { class: "swatch line-work" }), t("map.work_line", "to the work place")) : null,
    lines.length ? h("li", {}, h("span", { class: "swatch line-school" }), t("map.school_line", "to a school")) : null,
  );
  replace(
    $("#zone-use"),
    h(
      "table",
      { id: "zone-table" },
      h("caption", {}, t("map.caption", "Caseload use per support zone if the open proposals are accepted")),
      h("thead", {}, h("tr", {}, [t("col.zone", "Zone"), h("span", {}, t("col.proposals", "Proposals")), t("col.points_used", "Points used"), t("col.free_capacity", "Free capacity"), t("col.use", "Use")].map((c) => h("th", { scope: "col" }, c)))),
      h(
        "tbody",
        {},
        zones.map((z) =>
          h("tr", { dataset: { zone: z.id } }, h("th", { scope: "row" }, z.id), h("td", { class: "num" }, number(z.proposals)),
            h("td", { class: "num" }, number(z.used)), h("td", { class: "num" }, number(z.capacity)),
            h("td", { class: "num" }, Number.isFinite(z.use) ? `${number(z.use * 100)} %` : t("map.over", "over"))),
        ),
      ),
    ),
  );
}
