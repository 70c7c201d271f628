"""Review requests: a second look at a decision, resolved by an admin or another officer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from api.deps import OfficerDep, SessionDep
from api.inputs import CheckedRoute
from api.models import HouseholdRow, ProposalRow, ReviewRequest
from api.repositories import key_names, page, refs
from api.routes.common import ERRORS, IntId, Limit, Offset
from api.schemas import Page, ReviewPublic, ReviewResolve, ReviewStatus
from api.services import decisions

router = APIRouter(route_class=CheckedRoute, prefix="/review-requests", tags=["reviews"], responses=ERRORS)


def reviews_public(session: SessionDep, rows: Sequence[ReviewRequest]) -> list[ReviewPublic]:
    proposals = {
        p.id: p
        for p in session.scalars(select(ProposalRow).where(ProposalRow.id.in_({r.proposal_id for r in rows})))
    }
    households = refs(session, HouseholdRow, {p.household_id for p in proposals.values()})
    names = key_names(session, {r.requested_by for r in rows} | {r.resolved_by for r in rows})
    return [
        ReviewPublic(
            id=r.id,
            proposal=r.proposal_id,
            household=households[proposals[r.proposal_id].household_id],
            reason=r.reason,
            status=r.status,
            outcome=r.outcome,
            requested_by=names.get(r.requested_by) if r.requested_by else None,
            resolved_by=names.get(r.resolved_by) if r.resolved_by else None,
            created_at=r.created_at,
            resolved_at=r.resolved_at,
        )
        for r in rows
    ]


@router.get("")
def list_reviews(
    session: SessionDep,
    who: OfficerDep,
    limit: Limit = 100,
    offset: Offset = 0,
    status: Annotated[ReviewStatus | None, Query()] = None,
) -> Page[ReviewPublic]:
    """The organisation's review requests, optionally open or resolved only."""
    query = select(ReviewRequest).where(ReviewRequest.organisation_id == who.organisation_id)
    if status is not None:
        query = query.where(ReviewRequest.status == status)
    rows, total = page(session, query.order_by(ReviewRequest.id), limit, offset)
    return Page[ReviewPublic](items=reviews_public(session, rows), total=total, limit=limit, offset=offset)


@router.post("/{review_id}/resolve")
def resolve(review_id: IntId, body: ReviewResolve, session: SessionDep, who: OfficerDep) -> ReviewPublic:
    """Uphold or overturn the decision; the resolver may not be the one who asked or decided."""
    return reviews_public(session, [decisions.resolve_review(session, who, review_id, body.outcome)])[0]
