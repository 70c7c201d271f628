// "Run matching": starts a run (a background job on the server) and polls it for live progress.

import { api } from "../api.js";
import { $, h, replace, say, when } from "../dom.js";

const FINAL = new Set(["succeeded", "failed", "cancelled"]);
const POLL_MS = 400;

const panel = $("#run-panel");
const button = $("#run-button");
const cancel = $("#cancel-button");
const progress = $("#run-progress");
const status = $("#run-status");

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function describe(run) {
  if (run.status === "succeeded") {
    return `Run ${run.id} succeeded: solver ${run.solver_status ?? "?"}, ${run.households} households, ${run.units} units.`;
  }
  if (run.status === "failed") return `Run ${run.id} failed: ${run.error ?? "no reason given"}`;
  if (run.status === "cancelled") return `Run ${run.id} was cancelled.`;
  return `Run ${run.id} ${run.status} (${run.phase}), ${Math.round(run.progress * 100)} %`;
}

// A finished run's bar is full when it succeeded and empty otherwise: never stuck where it stopped.
function barValue(run) {
  if (run.status === "succeeded") return 1;
  if (FINAL.has(run.status)) return 0;
  return run.progress;
}

function show(run) {
  progress.value = barValue(run);
  panel.dataset.runId = run.id;
  panel.dataset.runStatus = run.status;
  say(status, describe(run), run.status === "failed" ? "error" : "info");
}

export function initRun(refresh) {
  button.addEventListener("click", async () => {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      let run = await api("/match-runs", { method: "POST", body: {} });
      cancel.hidden = false;
      cancel.onclick = async () => {
        cancel.disabled = true; // a running solve finishes its time limit; its result is discarded
        await api(`/match-runs/${run.id}/cancel`, { method: "POST" }).catch((e) => say(status, e.message, "error"));
      };
      while (!FINAL.has(run.status)) {
        show(run);
        await sleep(POLL_MS);
        run = await api(`/match-runs/${run.id}`);
      }
      await refresh(); // the final status is shown once every panel holds the run's results
      show(run);
    } catch (error) {
      say(status, `Matching stopped: ${error.message}`, "error");
    } finally {
      const refocus = cancel.contains(document.activeElement);
      cancel.hidden = true;
      cancel.disabled = false;
      button.disabled = false;
      if (refocus) button.focus();
      button.removeAttribute("aria-busy");
    }
  });
}

// The result line belongs to the run it describes: a failed or cancelled run has none of its own.
function result(run, done, state) {
  const counts = `${state.open.length} open proposals, ${state.unhoused.length} households not housed`;
  if (run.status === "succeeded") return counts;
  const own = FINAL.has(run.status) ? `none: this run ${run.status}` : "not yet";
  return done ? `${own}; still open from run ${done.id}: ${counts}` : own;
}

export function renderRun(state) {
  const run = state.latestRun;
  if (!run) {
    replace($("#run-summary"), h("p", { class: "hint" }, "No run yet: press Run matching to get proposals."));
    return;
  }
  if (!panel.dataset.runId) show(run);
  const facts = [
    ["Latest run", `${run.id}, ${when(run.created_at)}`],
    ["Status", run.status + (run.solver_status ? ` (solver: ${run.solver_status})` : "")],
    ["Input", `${run.households ?? "?"} waiting households, ${run.units ?? "?"} free units`],
    ["Result", result(run, state.latestDone, state)],
    ["Optimality gap", run.gap === null ? "–" : `${(run.gap * 100).toFixed(1)} %`],
    ["Policy version", run.policy_version],
  ];
  if (run.conflict) facts.push(["Conflict", run.conflict]);
  replace(
    $("#run-summary"),
    h("dl", { class: "facts row" }, facts.map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v)))),
  );
}
