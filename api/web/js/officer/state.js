// Everything the officer page shows, loaded in one go after each action so every panel agrees.

import { all, api } from "../api.js";

export const state = {
  me: null,
  communes: null,
  policy: null,
  households: [],
  units: [],
  zones: [],
  open: [],
  decided: [],
  rules: [],
  reviews: [],
  latestRun: null,
  latestDone: null, // the latest succeeded run: the open proposals and unhoused come from it
  unhoused: [],
  overrideRate: null,
};

export const byId = (items) => new Map(items.map((item) => [item.id, item]));

export async function loadState() {
  const [policy, households, units, zones, open, accepted, declined, rules, runs, rates, reviews] = await Promise.all([
    api("/policies/active"),
    all("/households"),
    all("/units"),
    all("/support-zones"),
    all("/proposals?status=open"),
    all("/proposals?status=accepted"),
    all("/proposals?status=declined"),
    all("/pair-rules"),
    api("/match-runs?limit=20"),
    all("/stats/override-rate"),
    all("/review-requests"),
  ]);
  const latestDone = runs.items.find((r) => r.status === "succeeded");
  Object.assign(state, {
    policy,
    households,
    units,
    zones,
    open,
    decided: [...accepted, ...declined].sort((a, b) => (b.decided_at ?? "").localeCompare(a.decided_at ?? "")),
    rules,
    reviews: reviews.reverse(),
    latestRun: runs.items[0] ?? null,
    latestDone: latestDone ?? null,
    unhoused: latestDone ? await all(`/match-runs/${latestDone.id}/unhoused`) : [],
    overrideRate: rates.find((r) => r.organisation === state.me.organisation) ?? null,
  });
}
