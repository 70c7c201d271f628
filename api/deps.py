"""Request dependencies: the app's context, a database session, the authenticated principal.

Typed ``Annotated`` aliases keep route signatures short: ``session: SessionDep, me: OfficerDep``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.config import Settings
from api.db import Database
from api.errors import Forbidden, Unauthorized
from api.identities import session_principal
from api.models import ApiKey, Role
from api.oidc import SESSION_PREFIX
from api.security import Principal, secret_matches, split_key
from api.worker import JobRunner, RunDispatcher


@dataclass(frozen=True)
class AppContext:
    """Everything an app instance owns; built by ``create_app`` and kept on ``app.state``."""

    settings: Settings
    db: Database
    jobs: RunDispatcher  #: match runs: claimed from the database queue, solved in worker processes
    planner_jobs: JobRunner  #: scenario comparisons, apart so a long comparison never delays a run


def get_context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


ContextDep = Annotated[AppContext, Depends(get_context)]


def get_session(ctx: ContextDep, request: Request) -> Iterator[Session]:
    """A session per request; services commit explicitly, anything uncommitted is rolled back."""
    with ctx.db.for_request(request.method) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]

bearer = HTTPBearer(auto_error=False, description="an API key: `Authorization: Bearer wn_...`")


def get_principal(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ctx: ContextDep,
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("missing bearer token")
    # A person's page session from OpenID Connect sign-in (api.identities); everything else is a key.
    if credentials.credentials.startswith(SESSION_PREFIX):
        return session_principal(session, ctx.settings.oidc, credentials.credentials)
    parts = split_key(credentials.credentials)
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == parts[0])) if parts else None
    if (
        parts is None
        or key is None
        or key.revoked_at is not None
        or not secret_matches(parts[1], key.secret_hash)
    ):
        raise Unauthorized("invalid or revoked API key")
    principal = Principal(key.id, key.name, Role(key.role), key.organisation_id)
    session.rollback()  # end the read transaction: on SQLite it holds the write lock
    return principal


def require(*roles: Role) -> Callable[[Principal], Principal]:
    def check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"role {principal.role.value} may not do this")
        return principal

    return check


PrincipalDep = Annotated[Principal, Depends(get_principal)]
#: Members of an organisation (every role but the platform admin's).
MemberDep = Annotated[Principal, Depends(require(Role.OFFICER, Role.PLANNER, Role.ADMIN))]
OfficerDep = Annotated[Principal, Depends(require(Role.OFFICER, Role.ADMIN))]
#: An organisation's admin: its own keys, policies and audit log.
AdminDep = Annotated[Principal, Depends(require(Role.ADMIN))]
#: The deployment's admin: organisations and their first admin key.
PlatformDep = Annotated[Principal, Depends(require(Role.PLATFORM_ADMIN))]
#: Who manages keys: an organisation's admin (its own) or the platform admin (any).
AnyAdminDep = Annotated[Principal, Depends(require(Role.ADMIN, Role.PLATFORM_ADMIN))]
PlannerDep = Annotated[Principal, Depends(require(Role.PLANNER, Role.ADMIN))]
StatsDep = Annotated[Principal, Depends(require(Role.PLANNER, Role.ADMIN, Role.OFFICER, Role.PLATFORM_ADMIN))]
