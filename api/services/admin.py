"""Organisations, API keys and policy versions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.errors import Conflict, NotFound
from api.models import ApiKey, Organisation, PolicyVersion, Role, utcnow
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
        audit.record(session, who, "organisation.created", "organisation", org_id)
    session.commit()
    return org


def create_key(session: Session, who: Principal | None, org_id: str, name: str, role: Role) -> KeyCreated:
    if session.get(Organisation, org_id) is None:
        raise NotFound(f"organisation {org_id!r} not found")
    key = new_key()
    row = ApiKey(
        organisation_id=org_id, name=name, role=role.value, prefix=key.prefix, secret_hash=key.secret_hash
    )
    session.add(row)
    session.flush()
    if who is not None:
        audit.record(
            session, who, "key.created", "api_key", str(row.id), organisation=org_id, role=role.value
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


def revoke_key(session: Session, who: Principal, key_id: int) -> ApiKey:
    row = session.get(ApiKey, key_id)
    if row is None or row.organisation_id != who.organisation_id:
        raise NotFound(f"key {key_id} not found")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(session, who, "key.revoked", "api_key", str(row.id))
    session.commit()
    return row


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
