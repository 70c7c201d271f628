"""Queries shared by routes and services. Every lookup is scoped to one organisation: a row of
another organisation is "not found", so ids of others' records leak nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from api.errors import NotFound
from api.models import (
    ApiKey,
    AuditEntry,
    HouseholdRow,
    MatchRun,
    Organisation,
    PairRule,
    PolicyVersion,
    ProposalRow,
    ProposalStatus,
    QuotaRow,
    RecordMixin,
    ReviewRequest,
    Role,
    RunStatus,
    ScenarioJob,
    SupportZoneRow,
    UnitRow,
)

Record = HouseholdRow | UnitRow | SupportZoneRow | QuotaRow
R = TypeVar("R", bound=RecordMixin)
T = TypeVar("T")


def records_query(table: type[R], org: str, status: str | None = None) -> Select[R]:
    """The organisation's records of a kind, by id, optionally of one status."""
    query = select(table).where(table.organisation_id == org)
    if status is not None:
        query = query.where(table.status == status)  # type: ignore[attr-defined]
    return query.order_by(table.id)


def history_query(org: str, target_type: str, ref: str) -> Select[AuditEntry]:
    """A record's audit trail in its organisation's log, oldest first."""
    return (
        select(AuditEntry)
        .where(
            AuditEntry.organisation_id == org,
            AuditEntry.target_type == target_type,
            AuditEntry.target_ref == ref,
        )
        .order_by(AuditEntry.id)
    )


def audit_query(
    org: str | None, action: str | None, target: str | None, run_id: int | None
) -> Select[AuditEntry]:
    """An organisation's audit log or, for ``org`` None, what platform admins did anywhere."""
    if org is None:
        scope = or_(AuditEntry.role == Role.PLATFORM_ADMIN, AuditEntry.organisation_id.is_(None))
    else:
        scope = AuditEntry.organisation_id == org
    query = select(AuditEntry).where(scope)
    for column, value in (
        (AuditEntry.action, action),
        (AuditEntry.target_ref, target),
        (AuditEntry.run_id, run_id),
    ):
        if value is not None:
            query = query.where(column == value)
    return query.order_by(AuditEntry.id)


def proposals_query(
    org: str, statuses: Sequence[str] | None = None, household_id: int | None = None
) -> Select[ProposalRow]:
    query = select(ProposalRow).where(ProposalRow.organisation_id == org)
    if statuses is not None:
        query = query.where(ProposalRow.status.in_(statuses))
    if household_id is not None:
        query = query.where(ProposalRow.household_id == household_id)
    return query.order_by(ProposalRow.id)


def latest_succeeded_run(session: Session, org: str) -> MatchRun | None:
    return session.scalar(
        select(MatchRun)
        .where(MatchRun.organisation_id == org, MatchRun.status == RunStatus.SUCCEEDED)
        .order_by(MatchRun.id.desc())
        .limit(1)
    )


def pair_rules_query(org: str) -> Select[PairRule]:
    return select(PairRule).where(PairRule.organisation_id == org).order_by(PairRule.id)


def reviews_query(org: str, status: str | None) -> Select[ReviewRequest]:
    query = select(ReviewRequest).where(ReviewRequest.organisation_id == org)
    if status is not None:
        query = query.where(ReviewRequest.status == status)
    return query.order_by(ReviewRequest.id)


def policies_query(org: str) -> Select[PolicyVersion]:
    """The organisation's policy versions, oldest first (the newest is active)."""
    return select(PolicyVersion).where(PolicyVersion.organisation_id == org).order_by(PolicyVersion.id)


def policy_by_version(session: Session, org: str, version: str) -> PolicyVersion:
    row = session.scalar(
        select(PolicyVersion).where(PolicyVersion.organisation_id == org, PolicyVersion.version == version)
    )
    if row is None:
        raise NotFound(f"policy version {version!r} not found")
    return row


def organisation_ids(session: Session) -> list[str]:
    return list(session.scalars(select(Organisation.id).order_by(Organisation.id)))


def comparisons_query(org: str) -> Select[ScenarioJob]:
    """The organisation's scenario comparisons, newest first."""
    return select(ScenarioJob).where(ScenarioJob.organisation_id == org).order_by(ScenarioJob.id.desc())


def comparison_in_org(session: Session, org: str, job_id: int) -> ScenarioJob:
    job = session.get(ScenarioJob, job_id)
    if job is None or job.organisation_id != org:
        raise NotFound(f"comparison {job_id} not found")
    return job


def active_platform_key(session: Session) -> int | None:
    """The id of an unrevoked platform admin key, if there is one (the bootstrap makes the first)."""
    return session.scalar(
        select(ApiKey.id).where(ApiKey.role == Role.PLATFORM_ADMIN, ApiKey.revoked_at.is_(None))
    )


def records_with_status(session: Session, table: type[R], org: str, status: str) -> Sequence[R]:
    """The organisation's records of one status (households waiting, units free), by id."""
    return session.scalars(records_query(table, org, status)).all()


def record_by_ref(session: Session, table: type[R], org: str, ref: str, *, lock: bool = False) -> R:
    query = select(table).where(table.organisation_id == org, table.ref == ref)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound(f"{table.__name__.removesuffix('Row').lower()} {ref!r} not found")
    return row


def page(session: Session, query: Select[Any], limit: int, offset: int) -> tuple[Sequence[Any], int]:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    return session.scalars(query.limit(limit).offset(offset)).all(), total


def page_of(items: Sequence[T], limit: int, offset: int) -> tuple[Sequence[T], int]:
    """A page of a list computed in Python (aggregates, shipped specs)."""
    return items[offset : offset + limit], len(items)


def lock_organisation(session: Session, org: str) -> None:
    """Serialise one organisation's decisions and result stores (a row lock on PostgreSQL; SQLite
    already serialises writers). Taken first in a transaction, one lock cannot deadlock."""
    session.execute(select(Organisation.id).where(Organisation.id == org).with_for_update())


def run_in_org(session: Session, org: str, run_id: int) -> MatchRun:
    run = session.get(MatchRun, run_id)
    if run is None or run.organisation_id != org:
        raise NotFound(f"match run {run_id} not found")
    return run


def proposal_in_org(session: Session, org: str, proposal_id: int) -> ProposalRow:
    proposal = session.get(ProposalRow, proposal_id)
    if proposal is None or proposal.organisation_id != org:
        raise NotFound(f"proposal {proposal_id} not found")
    return proposal


def active_policy(session: Session, org: str) -> PolicyVersion:
    """The newest policy version of ``org`` (versions are immutable; a change adds one)."""
    policy = session.scalar(
        select(PolicyVersion).where(PolicyVersion.organisation_id == org).order_by(PolicyVersion.id.desc())
    )
    if policy is None:
        raise NotFound(f"organisation {org!r} has no policy")
    return policy


def refs(session: Session, table: type[R], ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(table.id, table.ref).where(table.id.in_(ids))).all())


def key_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(ApiKey.id, ApiKey.name).where(ApiKey.id.in_(wanted))).all())


def superseding_run(session: Session, p: ProposalRow) -> MatchRun | None:
    """The first later run of the organisation that stored results (and so closed ``p``)."""
    return session.scalar(
        select(MatchRun)
        .where(
            MatchRun.organisation_id == p.organisation_id,
            MatchRun.id > p.run_id,
            MatchRun.status == RunStatus.SUCCEEDED,
        )
        .order_by(MatchRun.id)
    )


def accepted_rival(session: Session, p: ProposalRow) -> ProposalRow | None:
    """An accepted proposal that took ``p``'s unit or household."""
    return session.scalar(
        select(ProposalRow)
        .where(
            ProposalRow.id != p.id,
            ProposalRow.status == ProposalStatus.ACCEPTED,
            or_(ProposalRow.unit_id == p.unit_id, ProposalRow.household_id == p.household_id),
        )
        .order_by(ProposalRow.decided_at)
    )
