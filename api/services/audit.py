"""The append-only audit log. Entries are added in the caller's transaction, so an action and its
record commit or roll back together."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.models import AuditEntry
from api.security import Principal


def record(
    session: Session,
    who: Principal,
    action: str,
    target_type: str,
    target_ref: str | None = None,
    *,
    run_id: int | None = None,
    policy_version: str | None = None,
    in_organisation: str | None = None,
    **details: Any,
) -> None:
    """Log ``action`` by ``who`` in the log of ``in_organisation`` (default: the caller's own, so a
    platform admin's change to an organisation shows in that organisation's log). ``details`` must
    hold codes and counts only, never household fields."""
    session.add(
        AuditEntry(
            organisation_id=in_organisation or who.organisation,
            actor_key_id=who.key_id,
            actor=who.name,
            role=who.role.value,
            action=action,
            target_type=target_type,
            target_ref=target_ref,
            run_id=run_id,
            policy_version=policy_version,
            details=details,
        )
    )
