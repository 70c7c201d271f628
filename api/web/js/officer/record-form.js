// Create and edit households and units in a dialog, erase a household, withdraw a unit. The API is
// the one home of the validation: the form sends what the officer typed and shows each of the
// API's messages next to its field (a 422's loc names it), so the page and the API never disagree.

import { api, ApiError } from "../api.js";
import { confirmAction } from "../confirm.js";
import { $, h, replace, say, words } from "../dom.js";
import { communeName } from "../communes.js";
import { LANGUAGES, t } from "../i18n.js";

// The core's enums (matcher.domain).
const SUPPORT = ["intensive", "normal", "light"];
const VULNERABILITIES = ["medical", "disability", "pregnancy", "single_parent", "elderly", "trauma", "large_family", "eviction_deadline"];
const FEATURES = ["step_free", "lift", "ground_floor", "wheelchair"];
const PROGRAMMES = ["gls", "logis_own", "communal", "ais", "lisko_private"];

const commune = (r) => r?.commune ?? "";
const place = (code) => (code ? { commune: code } : null);
const number = (text) => (text.trim() === "" ? null : Number.isFinite(Number(text)) ? Number(text) : text);
const list = (text) => text.split(/[;,]/).map((t) => t.trim()).filter(Boolean);

// kind, label (English; the catalogue's rf.<kind>.<name> in the page's language), how to show the stored value in the control, how to turn the control into the value.
const HOUSEHOLD = [
  { name: "id", label: "Reference", type: "text", createOnly: true },
  { name: "adults", label: "Adults (18 or more)", type: "number" },
  { name: "children_ages", label: "Children's ages (separated by ;)", type: "text", show: (v) => (v ?? []).join("; "), read: (t) => list(t).map(number) },
  { name: "monthly_income", label: "Net monthly income (EUR)", type: "number", optional: true },
  { name: "max_rent", label: "Budget: rent + charges at most (EUR)", type: "number", optional: true },
  { name: "support", label: "Support intensity", type: "select", choices: SUPPORT },
  { name: "vulnerabilities", label: "Vulnerabilities", type: "checks", choices: VULNERABILITIES },
  { name: "needs", label: "Accessibility needs", type: "checks", choices: FEATURES },
  { name: "registered_on", label: "Registered on", type: "date" },
  { name: "work", label: "Work place (commune)", type: "commune", show: commune, read: place },
  { name: "schools", label: "Schools (communes)", type: "communes", show: (v) => (v ?? []).map(commune).filter(Boolean), read: (codes) => codes.map(place) },
  { name: "current_location", label: "Reception place (commune)", type: "commune", show: commune, read: place },
  { name: "attached_commune", label: "Attached commune", type: "commune", optional: true },
  { name: "language", label: "Language of letters", type: "language", optional: true },
];
const UNIT = [
  { name: "id", label: "Reference", type: "text", createOnly: true },
  { name: "programme", label: "Programme", type: "select", choices: PROGRAMMES },
  { name: "commune", label: "Commune", type: "commune" },
  { name: "bedrooms", label: "Bedrooms (0 for a studio)", type: "number" },
  { name: "surface_m2", label: "Surface (m²)", type: "number" },
  { name: "max_occupancy", label: "Maximum occupants", type: "number" },
  { name: "rent", label: "Rent (EUR/month)", type: "number" },
  { name: "charges", label: "Charges (EUR/month)", type: "number" },
  { name: "features", label: "Accessibility", type: "checks", choices: FEATURES },
  { name: "available_from", label: "Available from", type: "date" },
  { name: "reserved_for_commune", label: "Reserved for households of commune", type: "commune", optional: true },
];
const KINDS = {
  household: {
    path: "households",
    fields: HOUSEHOLD,
    title: (id) => (id ? t("rf.edit_household", "Edit household {id}", { id }) : t("rf.new_household", "New household")),
    create: () => t("rf.create_household", "Create household"),
    done: (id, edited) => (edited ? t("rf.saved_household", "Saved household {id}.", { id }) : t("rf.created_household", "Created household {id}.", { id })),
  },
  unit: {
    path: "units",
    fields: UNIT,
    title: (id) => (id ? t("rf.edit_unit", "Edit unit {id}", { id }) : t("rf.new_unit", "New unit")),
    create: () => t("rf.create_unit", "Create unit"),
    done: (id, edited) => (edited ? t("rf.saved_unit", "Saved unit {id}.", { id }) : t("rf.created_unit", "Created unit {id}.", { id })),
  },
};

let state = null;
let refresh = async () => {};
const dialog = $("#record-dialog");
const status = $("#page-status");

export function initRecordForms(s, onChange) {
  state = s;
  refresh = onChange;
  $("#new-household").addEventListener("click", () => openRecordForm("household"));
  $("#new-unit").addEventListener("click", () => openRecordForm("unit"));
}

function control(kind, field, value, communes) {
  const label = t(`rf.${kind}.${field.name}`, field.label);
  const id = `rf-${field.name}`;
  const described = `${id}-error`;
  const common = { id, name: field.name, "aria-describedby": described };
  const shown = field.show ? field.show(value) : value;
  let input;
  if (field.type === "language") {
    input = h(
      "select",
      common,
      h("option", { value: "" }, t("rf.language_unset", "not chosen (the browser's)")),
      Object.entries(LANGUAGES).map(([code, name]) => h("option", { value: code, lang: code, selected: code === shown }, name)),
    );
  } else if (field.type === "select") {
    input = h("select", common, field.choices.map((c) => h("option", { value: c, selected: c === shown }, words(c))));
  } else if (field.type === "commune" || field.type === "communes") {
    const many = field.type === "communes";
    const chosen = new Set(many ? shown : [shown]);
    input = h(
      "select",
      { ...common, multiple: many, size: many ? 5 : null },
      many ? null : h("option", { value: "" }, t("rf.none", "none")),
      communes.map(([code, name]) => h("option", { value: code, selected: chosen.has(code) }, `${name} (${code})`)),
    );
  } else if (field.type === "checks") {
    const chosen = new Set(shown ?? []);
    return h(
      "fieldset",
      { class: "checks", "data-field": field.name, "aria-describedby": described },
      h("legend", {}, label),
      field.choices.map((c) =>
        h("label", { class: "check" }, h("input", { type: "checkbox", name: field.name, value: c, checked: chosen.has(c) }), words(c)),
      ),
      h("p", { class: "field-error", id: described }),
    );
  } else {
    input = h("input", { ...common, type: field.type === "number" ? "text" : field.type, inputmode: field.type === "number" ? "decimal" : null, value: shown ?? "" });
  }
  return h("div", { class: "field", "data-field": field.name }, h("label", { for: id }, label), input, h("p", { class: "field-error", id: described }));
}

function valueOf(form, field) {
  if (field.type === "checks") return [...form.querySelectorAll(`input[name="${field.name}"]:checked`)].map((i) => i.value);
  const el = form.elements[field.name];
  if (field.type === "communes") return field.read([...el.selectedOptions].map((o) => o.value));
  const raw = el.value;
  if (field.read) return field.read(raw);
  if (field.type === "number") return number(raw);
  if (field.type === "commune" || (field.optional && raw === "")) return raw === "" ? null : raw;
  return raw;
}

function showErrors(form, details) {
  let first = null;
  for (const d of details) {
    const name = d.loc[1];
    const slot = form.querySelector(`#rf-${name}-error`);
    if (!slot) continue;
    slot.textContent = d.msg;
    const el = form.elements[name] ?? form.querySelector(`[data-field="${name}"] input`);
    const target = el instanceof RadioNodeList ? el[0] : el;
    target?.setAttribute("aria-invalid", "true");
    first ??= target;
  }
  return first;
}

export function openRecordForm(kind, existing = null) {
  const spec = KINDS[kind];
  const record = existing?.record ?? {};
  const communes = [...state.communes.names.entries()].sort((a, b) => a[1].localeCompare(b[1]));
  const fields = spec.fields.filter((f) => !(existing && f.createOnly));
  const summary = h("p", { class: "status", role: "alert" });
  const title = spec.title(existing?.id);
  const form = h(
    "form",
    { novalidate: true, class: "record-form", "aria-labelledby": "record-dialog-title" },
    summary,
    h("div", { class: "fields" }, fields.map((f) => control(kind, f, record[f.name], communes))),
    h(
      "div",
      { class: "inline" },
      h("button", { type: "submit" }, existing ? t("rf.save", "Save changes") : spec.create()),
      h("button", { type: "button", class: "quiet", onclick: () => dialog.close() }, t("rf.cancel", "Cancel")),
      existing ? removeButton(kind, existing) : null,
    ),
  );
  const initial = Object.fromEntries(fields.map((f) => [f.name, JSON.stringify(valueOf(form, f))]));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    form.querySelectorAll(".field-error").forEach((el) => (el.textContent = ""));
    const body = {};
    for (const f of fields) {
      const value = valueOf(form, f);
      // An edit sends only what changed, so fields the form does not show (coordinates, anchors) stay.
      if (!existing || JSON.stringify(value) !== initial[f.name]) body[f.name] = value;
    }
    for (const [k, v] of Object.entries(body)) if (v === null && !existing) delete body[k];
    try {
      const saved = existing
        ? await api(`/${spec.path}/${encodeURIComponent(existing.id)}`, { method: "PATCH", body })
        : await api(`/${spec.path}`, { method: "POST", body });
      dialog.close();
      if ($("#household-dialog").open) $("#household-dialog").close(); // its facts are stale now
      await refresh();
      say(status, spec.done(saved.id, Boolean(existing)), "ok");
    } catch (error) {
      const fieldsWithErrors = error instanceof ApiError ? error.fields : [];
      say(summary, t("rf.not_saved", "Not saved: {error}", { error: error.message }), "error");
      (showErrors(form, fieldsWithErrors) ?? summary).focus?.();
    }
  });
  $("#record-dialog-title").textContent = title;
  replace($("#record-dialog-body"), form);
  if (!dialog.open) dialog.showModal();
  form.querySelector("input, select")?.focus();
}

function removeButton(kind, existing) {
  const household = kind === "household";
  const id = existing.id;
  const label = household ? t("rf.erase_title", "Erase household {id}", { id }) : t("rf.withdraw_title", "Withdraw unit {id}", { id });
  return h("button", {
    type: "button",
    class: "danger",
    onclick: async () => {
      const ok = await confirmAction({
        title: label,
        text: household
          ? t("rf.erase_text", "Erase the personal fields of {id}? Its reference, decisions and audit trail stay. This cannot be undone.", { id })
          : t("rf.withdraw_text", "Withdraw {id}? Its open proposals close and it is no longer offered.", { id }),
        confirm: household ? t("rf.erase", "Erase") : t("rf.withdraw", "Withdraw"),
        danger: true,
      });
      if (!ok) return;
      try {
        await api(`/${KINDS[kind].path}/${encodeURIComponent(existing.id)}`, { method: "DELETE" });
        dialog.close();
        $("#household-dialog").close();
        await refresh();
        say(status, household ? t("rf.erased", "Erased household {id}.", { id }) : t("rf.withdrew", "Withdrew unit {id}.", { id }), "ok");
      } catch (error) {
        say(status, t("rf.not_removed", "Could not remove {id}: {error}", { id, error: error.message }), "error");
      }
    },
  }, household ? t("rf.erase_button", "Erase household") : t("rf.withdraw_button", "Withdraw unit"));
}

export const communeLabel = (code) => (code ? communeName(state.communes, code) : "");
