"""Database tables (SQLAlchemy 2). Record payloads are the core's pydantic models stored as JSON.

Households, units, zones and quotas keep the validated :mod:`matcher` document in ``data`` next to
the columns the service filters and locks on (status, organisation). Identifiers shown to people are
pseudonymous ``ref`` strings, unique per organisation. The audit log is append-only: the ORM refuses
to update or delete its rows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on every backend (SQLite drops the offset; put it back on load)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Role(StrEnum):
    OFFICER = "officer"
    PLANNER = "planner"
    ADMIN = "admin"  #: an organisation's admin: its keys, policies and audit log
    PLATFORM_ADMIN = "platform_admin"  #: the deployment's admin: organisations and their first admin


class HouseholdStatus(StrEnum):
    WAITING = "waiting"  #: takes part in the next run
    HOUSED = "housed"  #: a proposal was accepted
    SUSPENDED = "suspended"  #: left out of runs (a refusal rule, or an officer); reinstated by PATCH
    ERASED = "erased"  #: personal fields removed; the reference stays for the audit log


class UnitStatus(StrEnum):
    FREE = "free"
    TAKEN = "taken"
    WITHDRAWN = "withdrawn"


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class ProposalStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    SUPERSEDED = "superseded"  #: a later run replaced it before anyone decided


class PairKind(StrEnum):
    PIN = "pin"
    FORBID = "forbid"


class PairRuleStatus(StrEnum):
    ACTIVE = "active"  #: the last run applied it (or no run has seen it yet)
    INELIGIBLE = "ineligible"  #: a pin the last run had to leave out: the pair broke a hard rule


class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiKey(Base):
    """A key is ``wn_<prefix>_<secret>``; only a SHA-256 of the secret is stored."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: None for platform admins, who belong to no organisation
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class PolicyVersion(Base):
    """An immutable policy document; a change is a new version, and runs point to the one they used."""

    __tablename__ = "policies"
    __table_args__ = (UniqueConstraint("organisation_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    version: Mapped[str] = mapped_column(String(64))
    document: Mapped[dict[str, Any]]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecordMixin:
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    ref: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class HouseholdRow(RecordMixin, Base):
    __tablename__ = "households"
    __table_args__ = (UniqueConstraint("organisation_id", "ref"),)
    status: Mapped[str] = mapped_column(String(16), default=HouseholdStatus.WAITING)
    refusals: Mapped[int] = mapped_column(default=0)
    #: housed, and enters runs with its unit: it may be offered a better one (api.services.exchanges)
    movable: Mapped[bool] = mapped_column(default=False)


class UnitRow(RecordMixin, Base):
    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("organisation_id", "ref"),)
    status: Mapped[str] = mapped_column(String(16), default=UnitStatus.FREE)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))


class SupportZoneRow(RecordMixin, Base):
    __tablename__ = "support_zones"
    __table_args__ = (UniqueConstraint("organisation_id", "ref"),)


class QuotaRow(RecordMixin, Base):
    __tablename__ = "quotas"
    __table_args__ = (UniqueConstraint("organisation_id", "ref"),)


class PairRule(Base):
    """An officer's pin (keep this pair) or forbid (never propose it); a decline adds a forbid."""

    __tablename__ = "pair_rules"
    __table_args__ = (UniqueConstraint("household_id", "unit_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(16), default="officer")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # -- what the last run made of it (api.services.runs) --
    status: Mapped[str] = mapped_column(String(16), default=PairRuleStatus.ACTIVE)
    status_detail: Mapped[str | None] = mapped_column(Text)


class MatchRun(Base):
    __tablename__ = "match_runs"
    __table_args__ = (Index("ix_match_runs_status", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.QUEUED)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    phase: Mapped[str] = mapped_column(String(32), default="queued")
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"))
    policy_version: Mapped[str] = mapped_column(String(64))
    options: Mapped[dict[str, Any]]
    retry_of: Mapped[int | None] = mapped_column(ForeignKey("match_runs.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    households: Mapped[int | None]
    units: Mapped[int | None]
    solver_status: Mapped[str | None] = mapped_column(String(16))
    objective: Mapped[int | None] = mapped_column(Integer)
    bound: Mapped[float | None] = mapped_column(Float)
    gap: Mapped[float | None] = mapped_column(Float)
    seconds: Mapped[float | None] = mapped_column(Float)
    method: Mapped[str | None] = mapped_column(String(32))
    conflict: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    # -- the run queue: a lease held by one instance, renewed by its heartbeat (api.queue) --
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    #: what the run had to leave out and why (e.g. a pin that became ineligible)
    warnings: Mapped[list[Any] | None]
    # -- what it takes to solve the run again (api.replay) --
    input_hash: Mapped[str | None] = mapped_column(String(64))  #: sha256 of the canonical input
    #: the canonical solver input; personal data, dropped when one of its households is erased
    solver_input: Mapped[str | None] = mapped_column(Text)
    input_erased_at: Mapped[datetime | None]
    solver_settings: Mapped[dict[str, Any] | None]  #: time and gap limits, seed, workers, method
    versions: Mapped[dict[str, Any] | None]  #: of wunneng and the solver libraries
    solution: Mapped[dict[str, Any] | None]  #: the solver's own answer, before any was dropped


class RunMember(Base):
    """A household whose data is in a run's stored input: its erasure erases that input."""

    __tablename__ = "run_members"
    run_id: Mapped[int] = mapped_column(ForeignKey("match_runs.id"), primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), primary_key=True, index=True)


class ProposalRow(Base):
    __tablename__ = "proposals"
    __table_args__ = (Index("ix_proposals_org_status", "organisation_id", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("match_runs.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    cost: Mapped[int]
    breakdown: Mapped[dict[str, Any]]
    alternatives: Mapped[list[Any]]
    explanation: Mapped[str] = mapped_column(Text)
    pinned: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=ProposalStatus.OPEN)
    reason: Mapped[str | None] = mapped_column(String(32))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    decided_at: Mapped[datetime | None]
    # -- a move of a movable household, or a step of a chain (api.services.exchanges) --
    exchange: Mapped[int | None] = mapped_column(Integer)  #: numbered within its run, from 1
    exchange_step: Mapped[int | None] = mapped_column(Integer)
    from_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  #: the home it leaves


class UnhousedRow(Base):
    __tablename__ = "unhoused"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("match_runs.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    reason: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)
    excluded: Mapped[dict[str, Any]]
    eligible_units: Mapped[int]
    blocking: Mapped[list[Any]]


class ReviewRequest(Base):
    """A second look at a proposal or decision, resolved by an admin or another officer."""

    __tablename__ = "review_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"))
    reason: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="open")
    outcome: Mapped[str | None] = mapped_column(String(16))
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Who did what, when, under which policy version and run. Never holds household fields."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    organisation_id: Mapped[str | None] = mapped_column(String(64), index=True)
    actor_key_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(48))
    target_type: Mapped[str] = mapped_column(String(32))
    target_ref: Mapped[str | None] = mapped_column(String(64))
    run_id: Mapped[int | None] = mapped_column(Integer)
    policy_version: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _append_only(*_: object) -> None:
    raise PermissionError("the audit log is append-only")


class ScenarioJob(Base):
    """A planner's scenario comparison run as a background job; holds aggregates only."""

    __tablename__ = "scenario_jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=RunStatus.QUEUED)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    request: Mapped[dict[str, Any]]
    result: Mapped[dict[str, Any] | None]
    report: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # -- held by the instance whose job threads run it, renewed by its heartbeat (api.worker) --
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None]
