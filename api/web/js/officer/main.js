// The officer's workspace: one screen with the run, the proposals, the map, households, units and
// pair rules. After every action the whole state is reloaded, so no panel shows stale data.

import { SignedOut } from "../api.js";
import { $, say } from "../dom.js";
import { loadCommunes } from "../communes.js";
import { guard } from "../session.js";
import { initHouseholdDialog } from "./household-dialog.js";
import { initFiles } from "./files-panel.js";
import { initHouseholds, renderHouseholds } from "./households-panel.js";
import { initMap, renderMap } from "./map-panel.js";
import { initPairs, renderPairs } from "./pairs-panel.js";
import { initProposals, renderProposals } from "./proposals-panel.js";
import { initReviews, renderReviews } from "./reviews-panel.js";
import { initRecordForms } from "./record-form.js";
import { initRun, renderRun } from "./run-panel.js";
import { loadState, state } from "./state.js";
import { initUnits, renderUnits } from "./units-panel.js";

const status = $("#page-status");

async function refresh() {
  await loadState();
  renderRun(state);
  renderProposals(state);
  renderMap(state);
  renderHouseholds(state);
  renderUnits(state);
  renderPairs(state);
  renderReviews(state);
  document.body.dataset.ready = "true"; // lets the browser tests wait for the first full render
}

try {
  state.me = await guard("officer", "admin");
  state.communes = await loadCommunes();
  initHouseholdDialog(state, refresh);
  initRecordForms(state, refresh);
  initFiles(refresh);
  initRun(refresh);
  initProposals(refresh);
  initHouseholds();
  initUnits();
  initMap(state);
  initPairs(refresh);
  initReviews(refresh);
  say(status, "Loading…");
  await refresh();
  say(status, "");
} catch (error) {
  if (error instanceof SignedOut) document.body.dataset.ready = "signed-out";
  else say(status, `Could not load the workspace: ${error.message}`, "error");
}
