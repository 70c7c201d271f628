"""Aggregate, non-personal views. Officers and admins see their organisation; planners and the
platform admin every organisation."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import SessionDep, StatsDep
from api.inputs import CheckedRoute
from api.models import Role
from api.repositories import organisation_ids, page_of
from api.routes.common import ERRORS, Limit, Offset
from api.schemas import OverrideRate, Overview, Page
from api.security import Principal
from api.services import stats

router = APIRouter(route_class=CheckedRoute, prefix="/stats", tags=["stats"], responses=ERRORS)


def _orgs(session: SessionDep, who: Principal) -> list[str]:
    if who.role in (Role.OFFICER, Role.ADMIN):  # an organisation's own staff see their own figures
        return [who.organisation_id]
    return organisation_ids(session)


@router.get("/overview")
def overview(session: SessionDep, who: StatsDep, limit: Limit = 100, offset: Offset = 0) -> Page[Overview]:
    """Counts per status and category (no personal data): officers and admins of their organisation,
    planners and the platform admin of all."""
    orgs, total = page_of(_orgs(session, who), limit, offset)
    items = [stats.overview(session, org) for org in orgs]
    return Page[Overview](items=items, total=total, limit=limit, offset=offset)


@router.get("/override-rate")
def override_rate(
    session: SessionDep, who: StatsDep, limit: Limit = 100, offset: Offset = 0
) -> Page[OverrideRate]:
    """Share of decided proposals that officers did not follow (declined), per organisation."""
    orgs, total = page_of(_orgs(session, who), limit, offset)
    items = [stats.override_rate(session, org) for org in orgs]
    return Page[OverrideRate](items=items, total=total, limit=limit, offset=offset)
