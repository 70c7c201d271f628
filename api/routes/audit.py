"""The audit log, read-only: an organisation's admin reads its own; the platform admin what platform
admins did."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import or_, select

from api.deps import AnyAdminDep, SessionDep
from api.inputs import CheckedRoute
from api.models import AuditEntry, Role
from api.presenters import audit_public
from api.repositories import page
from api.routes.common import ERRORS, Limit, Offset
from api.schemas import AuditAction, AuditPublic, Page

router = APIRouter(route_class=CheckedRoute, prefix="/audit", tags=["audit"], responses=ERRORS)


@router.get("")
def read_audit(
    session: SessionDep,
    who: AnyAdminDep,
    limit: Limit = 100,
    offset: Offset = 0,
    action: Annotated[AuditAction | None, Query()] = None,
    target: Annotated[
        str | None, Query(max_length=64, description="a household or unit id, a run id...")
    ] = None,
    run_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Page[AuditPublic]:
    """The audit log: an organisation's admin reads its own; the platform admin what platform admins did.
    Filters: action, target, run."""
    if who.role == Role.PLATFORM_ADMIN:  # what platform admins did, in any organisation's log
        scope = or_(AuditEntry.role == Role.PLATFORM_ADMIN, AuditEntry.organisation_id.is_(None))
    else:
        scope = AuditEntry.organisation_id == who.organisation_id
    query = select(AuditEntry).where(scope).order_by(AuditEntry.id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if target is not None:
        query = query.where(AuditEntry.target_ref == target)
    if run_id is not None:
        query = query.where(AuditEntry.run_id == run_id)
    rows, total = page(session, query, limit, offset)
    items = [audit_public(e) for e in rows]
    return Page[AuditPublic](items=items, total=total, limit=limit, offset=offset)
