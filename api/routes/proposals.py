"""Proposals: list, read, explain to the household, accept, decline, and ask for a review."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.deps import OfficerDep, SessionDep
from api.errors import Conflict, Invalid, NotFound
from api.inputs import CheckedRoute
from api.models import HouseholdRow, MatchRun, ProposalStatus, UnitRow
from api.presenters import proposals_public, reviews_public
from api.repositories import page, proposal_in_org, proposals_query, record_by_ref, refs
from api.routes.common import ERRORS, IntId, Limit, Offset
from api.schemas import (
    DeclineBody,
    ExplanationPublic,
    Factor,
    Page,
    ProposalPublic,
    ReviewCreate,
    ReviewPublic,
)
from api.services import decisions
from matcher.domain import ID_PATTERN
from matcher.wording import TERM_MEANING

router = APIRouter(route_class=CheckedRoute, prefix="/proposals", tags=["proposals"], responses=ERRORS)


@router.get("")
def list_proposals(
    session: SessionDep,
    who: OfficerDep,
    limit: Limit = 100,
    offset: Offset = 0,
    status: Annotated[ProposalStatus | None, Query()] = None,
    household: Annotated[str | None, Query(pattern=ID_PATTERN, description="a household id")] = None,
) -> Page[ProposalPublic]:
    """A page of the organisation's proposals, by status and household."""
    household_id = None
    if household is not None:
        try:
            household_id = record_by_ref(session, HouseholdRow, who.organisation_id, household).id
        except NotFound:
            raise Invalid(["query", "household"], f"no household {household!r}") from None
    statuses = None if status is None else [status]
    query = proposals_query(who.organisation_id, statuses, household_id)
    rows, total = page(session, query, limit, offset)
    return Page[ProposalPublic](
        items=proposals_public(session, rows), total=total, limit=limit, offset=offset
    )


@router.get("/{proposal_id}")
def get_proposal(proposal_id: IntId, session: SessionDep, who: OfficerDep) -> ProposalPublic:
    """One proposal with its cost breakdown, alternatives and explanation."""
    return proposals_public(session, [proposal_in_org(session, who.organisation_id, proposal_id)])[0]


@router.get("/{proposal_id}/explanation")
def explain_proposal(proposal_id: IntId, session: SessionDep, who: OfficerDep) -> ExplanationPublic:
    """For the household: why this unit, and what weighed most, in plain words."""
    p = proposal_in_org(session, who.organisation_id, proposal_id)
    if not p.explanation:
        raise Conflict("this household's data was erased")
    unit = refs(session, UnitRow, {p.unit_id})[p.unit_id]
    run = session.get_one(MatchRun, p.run_id)
    factors = sorted(
        (
            Factor(term=k, points=v, meaning=TERM_MEANING.get(k, k.replace("_", " ")))
            for k, v in p.breakdown.items()
            if v
        ),
        key=lambda f: -f.points,
    )
    if factors:
        weighed = "; ".join(f.meaning for f in factors[:3])
        mattered = f" What weighed most against a perfect fit: {weighed}."
    else:
        mattered = " Nothing weighed against it: it fits every wish the household gave."
    better = sum(1 for a in p.alternatives if a.get("extra_cost", 0) < 0)
    others = (
        f" {better} home(s) that would have suited you slightly better went to other households."
        if better
        else ""
    )
    return ExplanationPublic(
        proposal=p.id,
        unit=unit,
        summary=f"We propose {p.explanation}{mattered}{others}",
        factors=factors,
        other_options=len(p.alternatives),
        policy_version=run.policy_version,
    )


@router.post("/{proposal_id}/accept")
def accept(
    proposal_id: IntId,
    session: SessionDep,
    who: OfficerDep,
) -> ProposalPublic:
    """House the household in the unit. 409 if someone decided the proposal, unit or household first."""
    return proposals_public(session, [decisions.accept(session, who, proposal_id)])[0]


@router.post("/{proposal_id}/decline")
def decline(proposal_id: IntId, body: DeclineBody, session: SessionDep, who: OfficerDep) -> ProposalPublic:
    """Record the reason; later runs never propose this pair again."""
    return proposals_public(session, [decisions.decline(session, who, proposal_id, body.reason)])[0]


@router.post("/{proposal_id}/review-requests", status_code=status.HTTP_201_CREATED)
def request_review(
    proposal_id: IntId, body: ReviewCreate, session: SessionDep, who: OfficerDep
) -> ReviewPublic:
    """Ask for a second look at an accepted or declined proposal."""
    return reviews_public(session, [decisions.request_review(session, who, proposal_id, body.reason)])[0]
