// "Run matching": starts a run (a background job on the server) and polls it for live progress.

import { api } from "../api.js";
import { $, h, replace, say, when, words } from "../dom.js";
import { number, t } from "../i18n.js";

const FINAL = new Set(["succeeded", "failed", "cancelled"]);
const POLL_MS = 400;

const panel = $("#run-panel");
const button = $("#run-button");
const cancel = $("#cancel-button");
const progress = $("#run-progress");
const status = $("#run-status");

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function describe(run) {
  const id = run.id;
  if (run.status === "succeeded") {
    return t("run.succeeded", "Run {id} succeeded: solver {solver}, {households} households, {units} units.", {
      id, solver: run.solver_status ?? "?", households: number(run.households), units: number(run.units),
    });
  }
  if (run.status === "failed") return t("run.failed", "Run {id} failed: {error}", { id, error: run.error ?? t("run.no_reason", "no reason given") });
  if (run.status === "cancelled") return t("run.cancelled", "Run {id} was cancelled.", { id });
  return t("run.progress", "Run {id} {status} ({phase}), {percent} %", { id, status: words(run.status), phase: words(run.phase), percent: Math.round(run.progress * 100) });
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
      say(status, t("run.stopped", "Matching stopped: {message}", { message: error.message }), "error");
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
  const counts = t("run.counts", "{open} open proposals, {unhoused} households not housed", {
    open: number(state.open.length), unhoused: number(state.unhoused.length),
  });
  if (run.status === "succeeded") return counts;
  const own = FINAL.has(run.status) ? t("run.none_this_run", "none: this run {status}", { status: words(run.status) }) : t("run.not_yet", "not yet");
  return done ? t("run.still_open", "{own}; still open from run {id}: {counts}", { own, id: done.id, counts }) : own;
}

export function renderRun(state) {
  const run = state.latestRun;
  if (!run) {
    replace($("#run-summary"), h("p", { class: "hint" }, t("run.none_yet", "No run yet: press Run matching to get proposals.")));
    return;
  }
  if (!panel.dataset.runId) show(run);
  const facts = [
    [t("run.latest", "Latest run"), `${run.id}, ${when(run.created_at)}`],
    [t("run.status", "Status"), words(run.status) + (run.solver_status ? ` (${t("run.solver", "solver")}: ${run.solver_status})` : "")],
    [t("run.input", "Input"), t("run.input_counts", "{households} waiting households, {units} free units", { households: number(run.households ?? "?"), units: number(run.units ?? "?") })],
    [t("run.result", "Result"), result(run, state.latestDone, state)],
    [t("run.gap", "Optimality gap"), run.gap === null ? "–" : `${number(run.gap * 100, 1)} %`],
    [t("run.policy", "Policy version"), run.policy_version],
  ];
  if (run.conflict) facts.push([t("run.conflict", "Conflict"), run.conflict]);
  replace(
    $("#run-summary"),
    h("dl", { class: "facts row" }, facts.map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v)))),
  );
}
