"""The run queue in the database: fair claims, leases renewed by a heartbeat, and fencing.

Any number of instances share one database. An instance *claims* a run by writing its lease
(``lease_owner``, a token unique to this claim, and ``lease_expires_at``) with a conditional update,
and renews the lease while its worker solves. Every later write of that execution is fenced on the
token, so a run whose lease passed to another instance can never be stored twice or flip status.
Only a run whose lease expired is taken over (retried) or, after ``max_attempts`` claims, failed;
both leave an audit entry. Starting an instance touches nothing.

Fairness: an organisation has at most one run solving at a time (its runs build on each other's
proposals), and the next claim goes to the organisation served longest ago, so one organisation's
queue cannot starve another's. On PostgreSQL the organisation and run rows are taken with
``FOR UPDATE SKIP LOCKED``, so two instances claiming at once pick different organisations; on
SQLite the claim runs under the database's write lock (see ``api.db``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from api.db import Database
from api.errors import ApiError
from api.models import MatchRun, Organisation, Role, RunStatus, ScenarioJob, utcnow
from api.security import Principal
from api.services import audit


class QueueFull(ApiError):
    status, code = 429, "too_many_queued_runs"


@dataclass(frozen=True)
class Claim:
    """One instance's hold on one run; ``token`` fences every write of this execution."""

    run_id: int
    organisation_id: str
    token: str
    attempt: int


def check_queue_room(session: Session, org: str, limit: int) -> None:
    """Refuse a new run when the organisation already has ``limit`` runs waiting."""
    waiting = session.scalar(
        select(func.count())
        .select_from(MatchRun)
        .where(MatchRun.organisation_id == org, MatchRun.status == RunStatus.QUEUED)
    )
    if (waiting or 0) >= limit:
        raise QueueFull(
            f"organisation {org!r} already has {waiting} queued runs (the limit is {limit}); "
            "wait for one to finish or cancel one"
        )


def queue_length(session: Session) -> int:
    return session.scalar(select(func.count()).where(MatchRun.status == RunStatus.QUEUED)) or 0


def _expired(now: datetime) -> ColumnElement[bool]:
    return (MatchRun.status == RunStatus.RUNNING) & or_(
        MatchRun.lease_expires_at.is_(None), MatchRun.lease_expires_at < now
    )


def _audit(session: Session, run: MatchRun, action: str, **details: Any) -> None:
    system = Principal(0, "system", Role.ADMIN, run.organisation_id)  # no key: the queue itself
    audit.record(
        session,
        system,
        action,
        "match_run",
        str(run.id),
        run_id=run.id,
        policy_version=run.policy_version,
        **details,
    )


def _settle_expired(session: Session, now: datetime, max_attempts: int) -> None:
    """Runs whose lease expired and must not be taken over: cancelled if someone asked to cancel
    them, else failed after their last allowed attempt; each with an audit entry."""
    rows = session.scalars(
        select(MatchRun)
        .where(_expired(now), or_(MatchRun.attempts >= max_attempts, MatchRun.cancel_requested.is_(True)))
        .with_for_update(skip_locked=True)
    ).all()
    for run in rows:
        if run.cancel_requested:
            status, error, outcome = RunStatus.CANCELLED, "cancelled", "cancelled"
        else:
            status, outcome = RunStatus.FAILED, "failed"
            error = (
                f"the instance running it stopped (its lease expired) after {run.attempts} attempts; retry it"
            )
        done = session.execute(
            update(MatchRun)
            .where(
                MatchRun.id == run.id,
                _expired(now),
                MatchRun.lease_owner.is_not_distinct_from(run.lease_owner),
            )
            .values(status=status, phase=status.value, finished_at=now, lease_owner=None, error=error)
            .execution_options(synchronize_session=False)
        )
        if done.rowcount == 1:  # type: ignore[attr-defined]
            _audit(session, run, "run.lease_expired", outcome=outcome, attempts=run.attempts)


def hold_comparisons(db: Database, ids: set[int], instance_id: str, lease_seconds: float) -> None:
    """(Re)new this instance's lease on scenario comparisons it has queued or is running."""
    with db.session() as session:
        session.execute(
            update(ScenarioJob)
            .where(ScenarioJob.id.in_(ids), ScenarioJob.status.in_((RunStatus.QUEUED, RunStatus.RUNNING)))
            .values(lease_owner=instance_id, lease_expires_at=utcnow() + timedelta(seconds=lease_seconds))
            .execution_options(synchronize_session=False)
        )


def settle_stopped_comparisons(session: Session, now: datetime, lease_seconds: float) -> None:
    """Comparisons whose instance stopped (lease expired, or never leased for a whole lease) fail."""
    stale = or_(
        ScenarioJob.lease_expires_at < now,
        ScenarioJob.lease_expires_at.is_(None)
        & (ScenarioJob.created_at < now - timedelta(seconds=lease_seconds)),
    )
    session.execute(
        update(ScenarioJob)
        .where(ScenarioJob.status.in_((RunStatus.QUEUED, RunStatus.RUNNING)), stale)
        .values(
            status=RunStatus.FAILED, error="the instance running it stopped; start it again", finished_at=now
        )
        .execution_options(synchronize_session=False)
    )


def _anything_to_do(db: Database, now: datetime) -> bool:
    with db.reader() as session:
        run = session.scalar(
            select(MatchRun.id).where(or_(MatchRun.status == RunStatus.QUEUED, _expired(now))).limit(1)
        )
        job = session.scalar(
            select(ScenarioJob.id)
            .where(
                ScenarioJob.status.in_((RunStatus.QUEUED, RunStatus.RUNNING)),
                or_(ScenarioJob.lease_expires_at.is_(None), ScenarioJob.lease_expires_at < now),
            )
            .limit(1)
        )
        return run is not None or job is not None


def claim_next(db: Database, instance_id: str, lease_seconds: float, max_attempts: int) -> Claim | None:
    """Claim the fairest claimable run (queued, or running under an expired lease), or None."""
    if not _anything_to_do(db, utcnow()):
        return None  # the common idle case, checked without a write lock
    with db.session() as session:
        now = utcnow()
        _settle_expired(session, now, max_attempts)
        settle_stopped_comparisons(session, now, lease_seconds)
        busy = set(
            session.scalars(
                select(MatchRun.organisation_id).where(
                    MatchRun.status == RunStatus.RUNNING, MatchRun.lease_expires_at >= now
                )
            )
        )
        candidates = session.execute(
            select(MatchRun.id, MatchRun.organisation_id, MatchRun.status, MatchRun.lease_owner)
            .where(or_(MatchRun.status == RunStatus.QUEUED, _expired(now)))
            .order_by(MatchRun.id)
        ).all()
        first: dict[str, tuple[int, str, str | None]] = {}
        for run_id, org, status, owner in candidates:
            if org not in busy and org not in first:
                first[org] = (run_id, status, owner)
        if not first:
            return None
        served = dict(
            session.execute(
                select(MatchRun.organisation_id, func.max(MatchRun.started_at))
                .where(MatchRun.organisation_id.in_(first))
                .group_by(MatchRun.organisation_id)
            ).all()
        )
        order = sorted(first, key=lambda o: (served.get(o) is not None, served.get(o) or now, first[o][0]))
        for org in order:
            if (
                session.scalar(
                    select(Organisation.id).where(Organisation.id == org).with_for_update(skip_locked=True)
                )
                is None
            ):
                continue  # another instance is claiming for this organisation right now
            if session.scalar(
                select(MatchRun.id).where(
                    MatchRun.organisation_id == org,
                    MatchRun.status == RunStatus.RUNNING,
                    MatchRun.lease_expires_at >= now,
                )
            ):
                continue
            run_id, status, owner = first[org]
            run = session.scalar(
                select(MatchRun).where(MatchRun.id == run_id).with_for_update(skip_locked=True)
            )
            if run is None:
                continue
            attempt = run.attempts + 1
            token = f"{instance_id}:{attempt}"
            done = session.execute(
                update(MatchRun)
                .where(
                    MatchRun.id == run_id,
                    MatchRun.status == status,
                    MatchRun.lease_owner.is_not_distinct_from(owner),
                    MatchRun.cancel_requested.is_(False),
                )
                .values(
                    status=RunStatus.RUNNING,
                    phase="claimed",
                    lease_owner=token,
                    lease_expires_at=now + timedelta(seconds=lease_seconds),
                    attempts=attempt,
                    started_at=func.coalesce(MatchRun.started_at, now),
                )
                .execution_options(synchronize_session=False)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                continue
            if status == RunStatus.RUNNING:
                _audit(session, run, "run.lease_expired", outcome="retried", attempt=attempt)
            return Claim(run_id, org, token, attempt)
        return None


def renew(db: Database, claim: Claim, lease_seconds: float) -> bool:
    """Extend the lease; False when this instance no longer holds the run (taken over, finished)."""
    with db.session() as session:
        done = session.execute(
            update(MatchRun)
            .where(
                MatchRun.id == claim.run_id,
                MatchRun.lease_owner == claim.token,
                MatchRun.status == RunStatus.RUNNING,
            )
            .values(lease_expires_at=utcnow() + timedelta(seconds=lease_seconds))
            .execution_options(synchronize_session=False)
        )
        return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def release(db: Database, claim: Claim) -> None:
    """Give the run up at once (this instance is stopping): the next claim takes it over."""
    with db.session() as session:
        session.execute(
            update(MatchRun)
            .where(
                MatchRun.id == claim.run_id,
                MatchRun.lease_owner == claim.token,
                MatchRun.status == RunStatus.RUNNING,
            )
            .values(lease_expires_at=utcnow())
            .execution_options(synchronize_session=False)
        )


def owned(session: Session, claim: Claim) -> MatchRun | None:
    """The run, locked, if this claim still holds it (every fenced write starts here)."""
    return session.scalar(
        select(MatchRun)
        .where(
            MatchRun.id == claim.run_id,
            MatchRun.lease_owner == claim.token,
            MatchRun.status == RunStatus.RUNNING,
        )
        .with_for_update()
    )


def cancel_wanted(db: Database, claim: Claim) -> bool:
    """Whether someone asked to cancel the claimed run (read only: no write lock)."""
    with db.reader() as session:
        return bool(session.scalar(select(MatchRun.cancel_requested).where(MatchRun.id == claim.run_id)))
