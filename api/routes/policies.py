"""Versioned policies: read by everyone, added by admins; runs use the newest."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy import select

from api.deps import AdminDep, MemberDep, SessionDep
from api.errors import NotFound
from api.inputs import CheckedRoute
from api.models import PolicyVersion
from api.presenters import policy_public
from api.repositories import active_policy, page
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
    query = (
        select(PolicyVersion)
        .where(PolicyVersion.organisation_id == who.organisation_id)
        .order_by(PolicyVersion.id)
    )
    rows, total = page(session, query, limit, offset)
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
    row = session.scalar(
        select(PolicyVersion).where(
            PolicyVersion.organisation_id == who.organisation_id, PolicyVersion.version == version
        )
    )
    if row is None:
        raise NotFound(f"policy version {version!r} not found")
    return policy_public(row, active_policy(session, who.organisation_id).id)


@router.post("", status_code=status.HTTP_201_CREATED)
def add_policy(body: PolicyDocument, session: SessionDep, who: AdminDep) -> PolicyPublic:
    """Add a version (``matching.version`` must be new); it becomes the active policy."""
    row = admin.add_policy(session, who, body)
    return policy_public(row, row.id)
