"""Proposals: list, read, explain to the household, accept, decline, and ask for a review."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.deps import OfficerDep, SessionDep
from api.errors import Invalid, NotFound
from api.inputs import CheckedRoute
from api.models import HouseholdRow, ProposalStatus
from api.presenters import proposals_public, reviews_public
from api.repositories import page, proposal_in_org, proposals_query, record_by_ref
from api.routes.common import ERRORS, AcceptLanguage, HouseholdLang, IntId, Limit, Offset
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
from api.services.letters import letter_language, proposal_words
from matcher.domain import ID_PATTERN
from matcher.wording import term_meaning

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
def explain_proposal(
    proposal_id: IntId,
    session: SessionDep,
    who: OfficerDep,
    lang: HouseholdLang = None,
    accept_language: AcceptLanguage = None,
) -> ExplanationPublic:
    """For the household, in its language: why this unit, and what weighed most, in plain words."""
    p = proposal_in_org(session, who.organisation_id, proposal_id)
    words = proposal_words(session, p)
    language = letter_language(words, lang, accept_language)
    factors = sorted(
        (Factor(term=k, points=v, meaning=term_meaning(k, language)) for k, v in p.breakdown.items() if v),
        key=lambda f: -f.points,
    )
    return ExplanationPublic(
        proposal=p.id,
        unit=words.unit.id,
        summary=words.summary(language),
        factors=factors,
        other_options=len(p.alternatives),
        policy_version=words.policy_version,
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
