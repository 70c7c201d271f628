"""Review requests: a second look at a decision, resolved by an admin or another officer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import OfficerDep, SessionDep
from api.inputs import CheckedRoute
from api.presenters import reviews_public
from api.repositories import page, reviews_query
from api.routes.common import ERRORS, IntId, Limit, Offset
from api.schemas import Page, ReviewPublic, ReviewResolve, ReviewStatus
from api.services import decisions

router = APIRouter(route_class=CheckedRoute, prefix="/review-requests", tags=["reviews"], responses=ERRORS)


@router.get("")
def list_reviews(
    session: SessionDep,
    who: OfficerDep,
    limit: Limit = 100,
    offset: Offset = 0,
    status: Annotated[ReviewStatus | None, Query()] = None,
) -> Page[ReviewPublic]:
    """The organisation's review requests, optionally open or resolved only."""
    rows, total = page(session, reviews_query(who.organisation_id, status), limit, offset)
    return Page[ReviewPublic](items=reviews_public(session, rows), total=total, limit=limit, offset=offset)


@router.post("/{review_id}/resolve")
def resolve(review_id: IntId, body: ReviewResolve, session: SessionDep, who: OfficerDep) -> ReviewPublic:
    """Uphold or overturn the decision; the resolver may not be the one who asked or decided."""
    return reviews_public(session, [decisions.resolve_review(session, who, review_id, body.outcome)])[0]
