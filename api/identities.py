"""People who sign in through OpenID Connect, as named identities next to the API keys.

An identity is an ``api_keys`` row whose secret can never match (so no bearer key opens it), named
after the person, with the organisation and role their provider's claims gave at the last sign-in.
The audit log and decisions point at it like at a key; revoking it signs the person out for good.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.errors import Unauthorized
from api.models import ApiKey, Organisation, Role
from api.oidc import OidcSettings, Person, SignInRefused, session_identity
from api.security import Principal

NO_SECRET = "!"  #: not a SHA-256 hex digest: no key's secret ever matches it


def identity_prefix(issuer: str, person: Person) -> str:
    return "p" + hashlib.sha256(f"{issuer}|{person.subject}|{person.organisation}".encode()).hexdigest()[:15]


def upsert_identity(session: Session, settings: OidcSettings, person: Person) -> ApiKey:
    """The person's identity row, created on first sign-in and kept in step with their claims."""
    if person.role not in {r.value for r in Role}:
        raise SignInRefused(f"role {person.role!r} is not one of officer, planner, admin")
    if session.get(Organisation, person.organisation) is None:
        raise SignInRefused(f"organisation {person.organisation!r} is not known here")
    prefix = identity_prefix(settings.issuer, person)
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if row is None:
        row = ApiKey(
            organisation_id=person.organisation,
            name=person.name[:100],
            role=person.role,
            prefix=prefix,
            secret_hash=NO_SECRET,
        )
        session.add(row)
    elif row.revoked_at is not None:
        raise SignInRefused("your access was revoked: ask your administrator")
    else:
        row.name, row.role = person.name[:100], person.role
    session.commit()
    return row


def session_principal(session: Session, settings: OidcSettings | None, token: str) -> Principal:
    identity = session_identity(settings, token) if settings is not None else None
    row = session.get(ApiKey, identity) if identity is not None else None
    if row is None or row.revoked_at is not None or row.secret_hash != NO_SECRET:
        raise Unauthorized("the session expired: sign in again")
    principal = Principal(row.id, row.name, Role(row.role), row.organisation_id)
    session.rollback()  # end the read transaction, as for keys
    return principal
