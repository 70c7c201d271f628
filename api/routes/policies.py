"""Versioned policies: read by everyone, added by admins; runs use the newest."""

from __future__ import annotations

from fastapi import APIRouter, status

from api.deps import AdminDep, MemberDep, SessionDep
from api.inputs import CheckedRoute
from api.presenters import policy_public
from api.repositories import active_policy, page, policies_query, policy_by_version
from api.routes.common import ERRORS, Limit, Offset
from api.schemas import Page, PolicyDocument, PolicyPublic
from api.services import admin

router = APIRouter(route_class=CheckedRoute, prefix="/policies", tags=["policies"], responses=ERRORS)


@router.get("")
def list_policies(
    session: SessionDep, who: MemberDep, limit: Limit = 100, offset: Offset = 0
) -> Page[PolicyPublic]:
    """The organisation's policy versions, oldest first; the newest is active."""
    active = active_policy(session, who.organisation_id)
    rows, total = page(session, policies_query(who.organisation_id), limit, offset)
    return Page[PolicyPublic](
        items=[policy_public(r, active.id) for r in rows], total=total, limit=limit, offset=offset
    )


@router.get("/active")
def get_active(session: SessionDep, who: MemberDep) -> PolicyPublic:
    """The policy version the next run will use."""
    active = active_policy(session, who.organisation_id)
    return policy_public(active, active.id)


@router.get("/{version}")
def get_policy(version: str, session: SessionDep, who: MemberDep) -> PolicyPublic:
    """One policy version of the organisation."""
    row = policy_by_version(session, who.organisation_id, version)
    return policy_public(row, active_policy(session, who.organisation_id).id)


@router.post("", status_code=status.HTTP_201_CREATED)
def add_policy(body: PolicyDocument, session: SessionDep, who: AdminDep) -> PolicyPublic:
    """Add a version (``matching.version`` must be new); it becomes the active policy."""
    row = admin.add_policy(session, who, body)
    return policy_public(row, row.id)
