// Review requests: a second look at a decision. Asked for from a household's file; resolved here
// by another officer or an admin (the API refuses the one who asked or decided, and says why).

import { api } from "../api.js";
import { $, h, replace, say, when, words } from "../dom.js";
import { t } from "../i18n.js";
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
  say(status, t("rev.requested", "Review requested: {status} {unit} for {household}.", { status: words(proposal.status), unit: proposal.unit, household: proposal.household }), "ok");
}

async function resolve(review, outcome) {
  try {
    await api(`/review-requests/${review.id}/resolve`, { method: "POST", body: { outcome } });
    await refresh();
    say(status, t("rev.resolved", "Review {id} of {household}: decision {outcome}.", { id: review.id, household: review.household, outcome: words(outcome) }), "ok");
  } catch (error) {
    say(status, t("rev.failed", "Could not resolve review {id}: {error}", { id: review.id, error: error.message }), "error");
  }
  status.focus();
}

export function renderReviews(s) {
  if (!s.reviews.length) {
    replace($("#reviews"), h("p", { class: "hint" }, t("rev.none", "No review requests.")));
    return;
  }
  const decided = new Map(s.decided.map((p) => [p.id, p]));
  replace(
    $("#reviews"),
    h(
      "table",
      { id: "reviews-table" },
      h("thead", {}, h("tr", {}, ["#", t("rev.household", "Household"), t("rev.decision", "Decision"), t("rev.reason", "Reason"), t("rev.asked_by", "Asked by"), t("rev.outcome", "Outcome")].map((c) => h("th", { scope: "col" }, c)))),
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
            h("td", {}, p ? `${words(p.status)} ${p.unit}` : t("rev.proposal", "proposal {id}", { id: r.proposal })),
            h("td", {}, words(r.reason)),
            h("td", {}, `${r.requested_by ?? ""}, ${when(r.created_at)}`),
            h(
              "td",
              {},
              r.status === "open"
                ? h(
                    "div",
                    { class: "inline" },
                    h("button", { type: "button", class: "quiet", "aria-label": t("rev.uphold_label", "Uphold the decision on {household} (review {id})", { household: r.household, id: r.id }), onclick: () => resolve(r, "upheld") }, t("rev.uphold", "Uphold")),
                    h("button", { type: "button", class: "danger", "aria-label": t("rev.overturn_label", "Overturn the decision on {household} (review {id})", { household: r.household, id: r.id }), onclick: () => resolve(r, "overturned") }, t("rev.overturn", "Overturn")),
                  )
                : t("rev.resolved_by", "{outcome} by {who}", { outcome: words(r.outcome), who: r.resolved_by ?? "?" }),
            ),
          );
        }),
      ),
    ),
  );
}
