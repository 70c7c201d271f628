// Admins: versioned policies, organisations, API keys (shown once when issued) and the audit log.

import { all, api } from "./api.js";
import { $, h, options, replace, say, when, words } from "./dom.js";
import { guard } from "./session.js";
import { t } from "./i18n.js";

const table = (id, head, rows) =>
  h("table", { id }, h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col" }, c)))), h("tbody", {}, rows));

// "2026.1" -> "2026.2": a sensible next version to start editing from.
function nextVersion(version) {
  const m = version.match(/^(.*?)(\d+)$/);
  return m ? `${m[1]}${Number(m[2]) + 1}` : `${version}.1`;
}

async function renderPolicies() {
  const policies = await all("/policies");
  const active = policies.find((p) => p.active);
  replace(
    $("#policies"),
    table("policies-table", [t("col.version", "Version"), t("col.added", "Added"), t("col.refusal_rule", "Refusal rule"), ""], policies.map((p) =>
      h("tr", { dataset: { version: p.version } },
        h("td", {}, p.version),
        h("td", {}, when(p.created_at)),
        h("td", {}, p.document.refusals.limit ? t("admin.refusal_after", "{action} after {limit}", { action: words(p.document.refusals.action), limit: p.document.refusals.limit }) : t("admin.count_only", "count only")),
        h("td", {}, p.active ? h("span", { class: "tag accepted" }, words("active")) : ""),
      ))),
  );
  $("#policy-view").textContent = JSON.stringify(active.document, null, 2);
  const draft = structuredClone(active.document);
  draft.matching.version = nextVersion(active.version);
  $("#policy-json").value = JSON.stringify(draft, null, 2);
}

// Organisations are the platform admin's; an organisation's admin issues keys in its own only.
async function renderOrganisations(me) {
  const platform = me.role === "platform_admin";
  $("#org-form").hidden = !platform;
  const orgs = platform ? await all("/organisations") : [{ id: me.organisation, name: me.organisation, created_at: null }];
  replace($("#organisations"), table("orgs-table", [t("page.identifier", "Identifier"), t("page.name", "Name"), t("col.since", "Since")], orgs.map((o) =>
    h("tr", {}, h("td", {}, o.id), h("td", {}, o.name), h("td", {}, when(o.created_at))))));
  options($("#key-org"), orgs.map((o) => o.id), { label: (v) => v });
  if (!$("#key-org").dataset.touched) $("#key-org").value = me.organisation;
}

async function renderKeys(me) {
  const keys = await all("/keys");
  replace($("#keys"), table("keys-table", [t("col.holder", "Holder"), t("page.role", "Role"), t("col.issued", "Issued"), t("col.state", "State"), ""], keys.map((k) =>
    h("tr", { dataset: { key: k.id } },
      h("td", {}, k.name), h("td", {}, words(k.role)), h("td", {}, when(k.created_at)),
      h("td", {}, words(k.revoked ? "revoked" : "active")),
      h("td", {}, k.revoked || k.id === me.key_id ? "" : h("button", { type: "button", class: "danger", "aria-label": t("admin.revoke_of", "Revoke the key of {name}", { name: k.name }), onclick: () => revoke(k, me) }, t("admin.revoke", "Revoke"))),
    ))));
}

async function revoke(key, me) {
  if (!confirm(t("admin.revoke_confirm", "Revoke the key of {name}? It stops working at once.", { name: key.name }))) return;
  try {
    await api(`/keys/${key.id}`, { method: "DELETE" });
    say($("#key-status"), t("admin.revoked", "Revoked the key of {name}.", { name: key.name }), "ok");
    await renderKeys(me);
  } catch (error) {
    say($("#key-status"), error.message, "error");
  }
}

async function renderAudit() {
  const params = new URLSearchParams();
  const target = $("#audit-target").value.trim();
  const action = $("#audit-action").value.trim();
  if (target) params.set("target", target);
  if (action) params.set("action", action);
  const entries = (await all(`/audit?${params}`)).reverse();
  replace($("#audit"), entries.length
    ? table("audit-table", [t("col.when", "When"), t("col.who", "Who"), t("page.action", "Action"), t("col.target", "Target"), t("col.run", "Run"), t("col.policy", "Policy"), t("col.details", "Details")], entries.map((e) =>
      h("tr", {}, h("td", {}, when(e.at)), h("td", {}, `${e.actor} (${words(e.role)})`), h("td", {}, words(e.action)),
        h("td", {}, `${e.target_type} ${e.target_ref ?? ""}`), h("td", {}, e.run_id ?? ""), h("td", {}, e.policy_version ?? ""),
        h("td", {}, JSON.stringify(e.details)))))
    : h("p", { class: "hint" }, t("admin.no_entries", "No entries.")));
}

function onSubmit(form, statusEl, action) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await action();
    } catch (error) {
      say(statusEl, error.message, "error");
    }
  });
}

try {
  const me = await guard("admin", "platform_admin");
  const platform = me.role === "platform_admin";
  $("#policies-panel").hidden = platform; // policies belong to an organisation
  onSubmit($("#policy-form"), $("#policy-status"), async () => {
    let doc;
    try {
      doc = JSON.parse($("#policy-json").value);
    } catch (error) {
      throw new Error(t("admin.not_json", "Not valid JSON: {message}", { message: error.message }));
    }
    const added = await api("/policies", { method: "POST", body: doc });
    say($("#policy-status"), t("admin.version_added", "Version {version} added; it is now the active policy.", { version: added.version }), "ok");
    await renderPolicies();
  });
  onSubmit($("#org-form"), $("#org-status"), async () => {
    const org = await api("/organisations", { method: "POST", body: { id: $("#org-id").value.trim(), name: $("#org-name").value.trim() } });
    say($("#org-status"), t("admin.org_added", "Added {id}.", { id: org.id }), "ok");
    $("#org-form").reset();
    await renderOrganisations(me);
  });
  onSubmit($("#key-form"), $("#key-status"), async () => {
    const org = $("#key-org").value;
    const made = await api(`/organisations/${encodeURIComponent(org)}/keys`, { method: "POST", body: { name: $("#key-name").value.trim(), role: $("#key-role").value } });
    say($("#key-status"), t("admin.key_made", "Key for {name} ({role}, {organisation}). Copy it now: it is shown only once.", { name: made.name, role: words(made.role), organisation: made.organisation }), "ok");
    const out = $("#new-key");
    out.hidden = false;
    out.textContent = made.key;
    await renderKeys(me);
  });
  $("#key-org").addEventListener("change", (e) => (e.target.dataset.touched = "true"));
  onSubmit($("#audit-form"), $("#page-status"), renderAudit);
  await Promise.all([platform ? null : renderPolicies(), renderOrganisations(me), renderKeys(me), renderAudit()]);
  document.body.dataset.ready = "true";
} catch (error) {
  say($("#page-status"), `Could not load the page: ${error.message}`, "error");
}
