// Review requests: a second look at a decision. Asked for from a household's file; resolved here
// by another officer or an admin (the API refuses the one who asked or decided, and says why).

import { api } from "../api.js";
import { $, h, replace, say, when, words } from "../dom.js";
import { householdButton } from "./proposals-panel.js";

// api.schemas.ReviewReason, without refusal_limit (the service opens those itself).
export const REVIEW_REASONS = ["household_contests", "second_opinion", "other"];

const status = $("#review-status");
let refresh = async () => {};

export function initReviews(onChange) {
  refresh = onChange;
}

export async function requestReview(proposal, reason) {
  await api(`/proposals/${proposal.id}/review-requests`, { method: "POST", body: { reason } });
  await refresh();
  say(status, `Review requested: ${proposal.status} ${proposal.unit} for ${proposal.household}.`, "ok");
}

async function resolve(review, outcome) {
  try {
    await api(`/review-requests/${review.id}/resolve`, { method: "POST", body: { outcome } });
    await refresh();
    say(status, `Review ${review.id} of ${review.household}: decision ${outcome}.`, "ok");
  } catch (error) {
    say(status, `Could not resolve review ${review.id}: ${error.message}`, "error");
  }
  status.focus();
}

export function renderReviews(s) {
  if (!s.reviews.length) {
    replace($("#reviews"), h("p", { class: "hint" }, "No review requests."));
    return;
  }
  const decided = new Map(s.decided.map((p) => [p.id, p]));
  replace(
    $("#reviews"),
    h(
      "table",
      { id: "reviews-table" },
      h("thead", {}, h("tr", {}, ["#", "Household", "Decision", "Reason", "Asked by", "Outcome"].map((c) => h("th", { scope: "col" }, c)))),
      h(
        "tbody",
        {},
        s.reviews.map((r) => {
          const p = decided.get(r.proposal);
          return h(
            "tr",
            { dataset: { review: r.id, household: r.household, status: r.status } },
            h("td", {}, String(r.id)),
            h("td", {}, householdButton(r.household)),
            h("td", {}, p ? `${p.status} ${p.unit}` : `proposal ${r.proposal}`),
            h("td", {}, words(r.reason)),
            h("td", {}, `${r.requested_by ?? ""}, ${when(r.created_at)}`),
            h(
              "td",
              {},
              r.status === "open"
                ? h(
                    "div",
                    { class: "inline" },
                    h("button", { type: "button", class: "quiet", "aria-label": `Uphold the decision on ${r.household} (review ${r.id})`, onclick: () => resolve(r, "upheld") }, "Uphold"),
                    h("button", { type: "button", class: "danger", "aria-label": `Overturn the decision on ${r.household} (review ${r.id})`, onclick: () => resolve(r, "overturned") }, "Overturn"),
                  )
                : `${r.outcome} by ${r.resolved_by ?? "?"}`,
            ),
          );
        }),
      ),
    ),
  );
}
