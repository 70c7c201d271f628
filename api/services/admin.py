"""Organisations, API keys and policy versions.

Two kinds of admin: the platform admin creates organisations and their first admin key; an
organisation's admin manages only its own keys. Another organisation's keys are "not found" to it.
Every key action is logged in the audit log of the key's organisation.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.errors import Conflict, NotFound
from api.models import ApiKey, Organisation, PolicyVersion, Role, utcnow
from api.repositories import lock_organisation
from api.schemas import KeyCreated, PolicyDocument
from api.security import Principal, new_key
from api.services import audit


def create_organisation(session: Session, who: Principal | None, org_id: str, name: str) -> Organisation:
    """A new organisation starts with the default policy (not punitive: refusals are only counted)."""
    if session.get(Organisation, org_id) is not None:
        raise Conflict(f"organisation {org_id!r} already exists")
    org = Organisation(id=org_id, name=name)
    session.add(org)
    session.flush()
    document = PolicyDocument()
    session.add(
        PolicyVersion(
            organisation_id=org_id,
            version=document.matching.version,
            document=document.model_dump(mode="json"),
        )
    )
    if who is not None:
        audit.record(session, who, "organisation.created", "organisation", org_id, in_organisation=org_id)
    session.commit()
    return org


def _may_manage(who: Principal | None, org_id: str | None) -> bool:
    """The platform admin (or the system) manages every key; an organisation's admin its own."""
    return (
        who is None or who.role == Role.PLATFORM_ADMIN or (org_id is not None and who.organisation == org_id)
    )


def create_key(
    session: Session, who: Principal | None, org_id: str | None, name: str, role: Role
) -> KeyCreated:
    """Issue a key of ``role`` in ``org_id`` (None, with ``Role.PLATFORM_ADMIN``, for a platform key).

    ``who`` None is the system itself (the demo, the bootstrap command)."""
    if (org_id is None) != (role == Role.PLATFORM_ADMIN):
        raise Conflict("platform admin keys, and only they, belong to no organisation")
    if org_id is not None and (not _may_manage(who, org_id) or session.get(Organisation, org_id) is None):
        raise NotFound(f"organisation {org_id!r} not found")
    key = new_key()
    row = ApiKey(
        organisation_id=org_id, name=name, role=role.value, prefix=key.prefix, secret_hash=key.secret_hash
    )
    session.add(row)
    session.flush()
    if who is not None:
        audit.record(
            session, who, "key.created", "api_key", str(row.id), in_organisation=org_id, role=role.value
        )
    session.commit()
    return KeyCreated(
        id=row.id,
        name=name,
        role=role.value,
        organisation=org_id,
        created_at=row.created_at,
        revoked=False,
        key=key.plaintext,
    )


def create_platform_key(session: Session, who: Principal | None, name: str) -> KeyCreated:
    """A platform admin key (``wunneng admin bootstrap`` makes the first one)."""
    return create_key(session, who, None, name, Role.PLATFORM_ADMIN)


def revoke_key(session: Session, who: Principal, key_id: int) -> ApiKey:
    """Revoke a key; the last active admin key of an organisation (or of the platform) stays."""
    row = session.get(ApiKey, key_id)
    if row is None or not _may_manage(who, row.organisation_id):
        raise NotFound(f"key {key_id} not found")
    if row.organisation_id is not None:
        lock_organisation(session, row.organisation_id)  # two admins revoking each other: one wins
    if row.revoked_at is None:
        if row.role in (Role.ADMIN, Role.PLATFORM_ADMIN) and _active_admins(session, row) <= 1:
            session.rollback()
            raise Conflict(f"key {key_id} is the last active {row.role} key; issue another one first")
        row.revoked_at = utcnow()
        audit.record(session, who, "key.revoked", "api_key", str(row.id), in_organisation=row.organisation_id)
    session.commit()
    return row


def _active_admins(session: Session, row: ApiKey) -> int:
    same_org = (
        ApiKey.organisation_id.is_(None)
        if row.organisation_id is None
        else ApiKey.organisation_id == row.organisation_id
    )
    return (
        session.scalar(
            select(func.count()).where(same_org, ApiKey.role == row.role, ApiKey.revoked_at.is_(None))
        )
        or 0
    )


def add_policy(session: Session, who: Principal, document: PolicyDocument) -> PolicyVersion:
    """Policies are immutable: a change is a new version, which later runs use."""
    version = document.matching.version
    taken = session.scalar(
        select(PolicyVersion.id).where(
            PolicyVersion.organisation_id == who.organisation_id, PolicyVersion.version == version
        )
    )
    if taken is not None:
        raise Conflict(f"policy version {version!r} exists; versions are immutable, choose a new one")
    row = PolicyVersion(
        organisation_id=who.organisation_id,
        version=version,
        document=document.model_dump(mode="json"),
        created_by=who.key_id,
    )
    session.add(row)
    audit.record(session, who, "policy.created", "policy", version, policy_version=version)
    session.commit()
    return row
