"""The audit log, read-only: an organisation's admin reads its own; the platform admin what platform
admins did."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import AnyAdminDep, SessionDep
from api.inputs import CheckedRoute
from api.models import Role
from api.presenters import audit_public
from api.repositories import audit_query, page
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
    # the platform admin reads what platform admins did, in any organisation's log
    org = None if who.role == Role.PLATFORM_ADMIN else who.organisation_id
    rows, total = page(session, audit_query(org, action, target, run_id), limit, offset)
    items = [audit_public(e) for e in rows]
    return Page[AuditPublic](items=items, total=total, limit=limit, offset=offset)
