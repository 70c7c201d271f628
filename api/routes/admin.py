"""Who am I, organisations and API keys."""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy import select

from api.deps import AdminDep, AnyAdminDep, PlatformDep, PrincipalDep, SessionDep
from api.inputs import CheckedRoute
from api.models import ApiKey, Organisation, Role
from api.presenters import key_public
from api.repositories import page
from api.routes.common import ERRORS, IntId, Limit, Offset
from api.schemas import KeyCreate, KeyCreated, KeyPublic, Me, OrganisationCreate, OrganisationPublic, Page
from api.services import admin, replays
from api.services.replays import ReplayReport

router = APIRouter(route_class=CheckedRoute, tags=["admin"], responses=ERRORS)


@router.get("/me")
def me(who: PrincipalDep) -> Me:
    """Who the key belongs to: its id, holder, role and organisation (none for a platform admin)."""
    return Me(key_id=who.key_id, name=who.name, role=who.role.value, organisation=who.organisation)


@router.get("/organisations")
def list_organisations(
    session: SessionDep, _: PlatformDep, limit: Limit = 100, offset: Offset = 0
) -> Page[OrganisationPublic]:
    """Every organisation of the deployment (platform admin only)."""
    rows, total = page(session, select(Organisation).order_by(Organisation.id), limit, offset)
    items = [OrganisationPublic(id=o.id, name=o.name, created_at=o.created_at) for o in rows]
    return Page[OrganisationPublic](items=items, total=total, limit=limit, offset=offset)


@router.post("/organisations", status_code=status.HTTP_201_CREATED)
def create_organisation(
    body: OrganisationCreate, session: SessionDep, who: PlatformDep
) -> OrganisationPublic:
    """Create an organisation with the default policy (platform admin only); then issue its first admin
    key."""
    org = admin.create_organisation(session, who, body.id, body.name)
    return OrganisationPublic(id=org.id, name=org.name, created_at=org.created_at)


@router.post("/organisations/{org_id}/keys", status_code=status.HTTP_201_CREATED)
def create_key(org_id: str, body: KeyCreate, session: SessionDep, who: AnyAdminDep) -> KeyCreated:
    """Issue a key; the response holds the only copy of it."""
    return admin.create_key(session, who, org_id, body.name, Role(body.role))


@router.get("/keys")
def list_keys(
    session: SessionDep, who: AnyAdminDep, limit: Limit = 100, offset: Offset = 0
) -> Page[KeyPublic]:
    """Keys (never their secrets): an organisation's admin sees its own; the platform admin all."""
    query = select(ApiKey).order_by(ApiKey.id)
    if who.role != Role.PLATFORM_ADMIN:
        query = query.where(ApiKey.organisation_id == who.organisation_id)
    rows, total = page(session, query, limit, offset)
    return Page[KeyPublic](items=[key_public(k) for k in rows], total=total, limit=limit, offset=offset)


@router.delete("/keys/{key_id}")
def revoke_key(key_id: IntId, session: SessionDep, who: AnyAdminDep) -> KeyPublic:
    """Revoke a key at once. The last active admin key of an organisation (or of the platform) cannot be
    revoked: issue another first."""
    return key_public(admin.revoke_key(session, who, key_id))


@router.post("/admin/match-runs/{run_id}/replay")
def replay_run(run_id: IntId, session: SessionDep, who: AdminDep) -> ReplayReport:
    """Solve a stored run again from its stored input and settings (an organisation's admin, for an
    appeal): ``identical``, or the differences and their likely reasons (a version, the time limit, an
    altered input). 409 when the input was erased with a household's personal data."""
    return replays.replay_run(session, who, run_id)
