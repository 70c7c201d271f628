"""Match runs: queue, build the problem from the organisation's records, solve off-request, store.

The next run respects earlier decisions: accepted households and taken units are simply not in its
input; declined pairs (and officers' forbids) become ``forbids``; officers' pins become ``pins``; the
open proposals households have already seen become ``previous``, so the solver changes them only
when that buys more than the policy's stability penalty. A run that fails or is infeasible is still
a stored run with its reason; a server stopped mid-run leaves it ``failed`` (see
:func:`fail_interrupted`) and it can be retried. Decisions commit on their own, so none is lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.db import Database
from api.errors import Conflict
from api.models import (
    ApiKey,
    HouseholdRow,
    HouseholdStatus,
    MatchRun,
    PairKind,
    PairRule,
    ProposalRow,
    ProposalStatus,
    QuotaRow,
    Role,
    RunStatus,
    ScenarioJob,
    SupportZoneRow,
    UnhousedRow,
    UnitRow,
    UnitStatus,
    utcnow,
)
from api.repositories import active_policy, lock_organisation, run_in_org
from api.schemas import PolicyDocument, RunCreate
from api.security import Principal
from api.services import audit
from matcher import InvalidProblemError, MatchProblem, MatchResult, SolveOptions, match

log = logging.getLogger("wunneng.runs")
ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)


def create_run(
    session: Session, who: Principal, body: RunCreate, default_time_limit: float, retry_of: int | None = None
) -> MatchRun:
    policy = active_policy(session, who.organisation_id)
    run = MatchRun(
        organisation_id=who.organisation_id,
        policy_id=policy.id,
        policy_version=policy.version,
        options={
            "time_limit": body.time_limit or default_time_limit,
            "alternatives": body.alternatives,
            "match_date": (body.match_date or date.today()).isoformat(),
        },
        created_by=who.key_id,
        retry_of=retry_of,
    )
    session.add(run)
    session.flush()
    audit.record(
        session,
        who,
        "run.created" if retry_of is None else "run.retried",
        "match_run",
        str(run.id),
        run_id=run.id,
        policy_version=policy.version,
        retry_of=retry_of,
    )
    session.commit()
    return run


def cancel_run(session: Session, who: Principal, run_id: int) -> MatchRun:
    """A queued run is cancelled at once; a running one when the solver returns (it is not killed)."""
    run = run_in_org(session, who.organisation_id, run_id)
    if run.status not in ACTIVE:
        raise Conflict(f"run {run_id} is {run.status}")
    run.cancel_requested = True
    if run.status == RunStatus.QUEUED:
        _finish(run, RunStatus.CANCELLED, "cancelled before it started")
    audit.record(
        session,
        who,
        "run.cancel_requested",
        "match_run",
        str(run.id),
        run_id=run.id,
        policy_version=run.policy_version,
    )
    session.commit()
    return run


def retry_run(session: Session, who: Principal, run_id: int, default_time_limit: float) -> MatchRun:
    old = run_in_org(session, who.organisation_id, run_id)
    if old.status not in (RunStatus.FAILED, RunStatus.CANCELLED):
        raise Conflict(f"run {run_id} is {old.status}; only failed or cancelled runs are retried")
    body = RunCreate(
        time_limit=old.options.get("time_limit"), alternatives=old.options.get("alternatives", 3)
    )
    return create_run(session, who, body, default_time_limit, retry_of=old.id)


def fail_interrupted(db: Database) -> int:
    """Mark runs and comparisons left queued or running by a stopped server as failed; returns how many."""
    with db.session() as session:
        runs = session.scalars(select(MatchRun).where(MatchRun.status.in_(ACTIVE))).all()
        for run in runs:
            _finish(run, RunStatus.FAILED, "the server stopped during this run; retry it")
        jobs = session.scalars(select(ScenarioJob).where(ScenarioJob.status.in_(ACTIVE))).all()
        for job in jobs:
            job.status, job.error, job.finished_at = (
                RunStatus.FAILED,
                "the server stopped during this job",
                utcnow(),
            )
        return len(runs) + len(jobs)


def _finish(run: MatchRun, status: RunStatus, error: str | None = None) -> None:
    run.status = status
    run.phase = status.value
    run.finished_at = utcnow()
    run.error = error
    if status == RunStatus.SUCCEEDED:
        run.progress = 1.0


def _actor(session: Session, run: MatchRun) -> Principal:
    key = session.get(ApiKey, run.created_by) if run.created_by is not None else None
    if key is None:
        return Principal(0, "system", Role.ADMIN, run.organisation_id)
    return Principal(key.id, key.name, Role(key.role), run.organisation_id)


@dataclass(frozen=True)
class Snapshot:
    problem: MatchProblem
    household_ids: dict[str, int]
    unit_ids: dict[str, int]


def build_problem(session: Session, run: MatchRun, document: PolicyDocument) -> Snapshot:
    org = run.organisation_id
    households = session.scalars(
        select(HouseholdRow)
        .where(HouseholdRow.organisation_id == org, HouseholdRow.status == HouseholdStatus.WAITING)
        .order_by(HouseholdRow.id)
    ).all()
    units = session.scalars(
        select(UnitRow)
        .where(UnitRow.organisation_id == org, UnitRow.status == UnitStatus.FREE)
        .order_by(UnitRow.id)
    ).all()
    zones = session.scalars(select(SupportZoneRow).where(SupportZoneRow.organisation_id == org)).all()
    quotas = session.scalars(select(QuotaRow).where(QuotaRow.organisation_id == org)).all()
    hh_ref = {h.id: h.ref for h in households if h.data is not None}
    unit_ref = {u.id: u.ref for u in units if u.data is not None}

    def pairs(rows: list[tuple[int, int]]) -> list[dict[str, str]]:
        return [
            {"household": hh_ref[h], "unit": unit_ref[u]} for h, u in rows if h in hh_ref and u in unit_ref
        ]

    rules = session.execute(
        select(PairRule.household_id, PairRule.unit_id, PairRule.kind).where(PairRule.organisation_id == org)
    ).all()
    shown = session.execute(
        select(ProposalRow.household_id, ProposalRow.unit_id)
        .where(ProposalRow.organisation_id == org, ProposalRow.status == ProposalStatus.OPEN)
        .order_by(ProposalRow.id)
    ).all()
    previous, seen_h, seen_u = [], set(), set()
    for h, u in shown:  # one per household and unit, as the core requires
        if h not in seen_h and u not in seen_u:
            previous.append((h, u))
            seen_h.add(h)
            seen_u.add(u)
    problem = MatchProblem.model_validate(
        {
            "match_date": run.options.get("match_date") or date.today(),
            "households": [{**h.data, "id": h.ref} for h in households if h.data is not None],
            "units": [{**u.data, "id": u.ref} for u in units if u.data is not None],
            "support_zones": [{**z.data, "id": z.ref} for z in zones if z.data is not None],
            "quotas": [{**q.data, "id": q.ref} for q in quotas if q.data is not None],
            "policy": document.matching,
            "pins": pairs([(h, u) for h, u, k in rules if k == PairKind.PIN]),
            "forbids": pairs([(h, u) for h, u, k in rules if k == PairKind.FORBID]),
            "previous": pairs(previous),
            "alternatives": run.options.get("alternatives", 3),
        }
    ).check()
    return Snapshot(problem, {v: k for k, v in hh_ref.items()}, {v: k for k, v in unit_ref.items()})


def execute_run(db: Database, run_id: int, solver_workers: int) -> None:
    """The background job: every step commits, so a crash leaves a consistent, visible state."""
    from api.models import PolicyVersion

    with db.session() as session:
        run = session.get(MatchRun, run_id)
        if run is None or run.status != RunStatus.QUEUED:
            return
        run.status, run.phase, run.progress, run.started_at = RunStatus.RUNNING, "building", 0.1, utcnow()
    try:
        with db.session() as session:
            run = session.get_one(MatchRun, run_id)
            policy = session.get_one(PolicyVersion, run.policy_id)
            snapshot = build_problem(session, run, PolicyDocument.model_validate(policy.document))
            run.households, run.units = len(snapshot.problem.households), len(snapshot.problem.units)
            run.phase, run.progress = "solving", 0.2
            time_limit = float(run.options.get("time_limit", 30.0))
        result = match(snapshot.problem, SolveOptions(time_limit=time_limit, workers=solver_workers, seed=0))
    except InvalidProblemError as exc:
        _fail(db, run_id, f"invalid input: {exc}")
        return
    except Exception as exc:
        log.exception("run %s failed", run_id)
        _fail(db, run_id, f"solver error: {type(exc).__name__}")
        return
    with db.session() as session:
        run = session.get_one(MatchRun, run_id)
        if run.cancel_requested:
            _finish(run, RunStatus.CANCELLED, "cancelled")
            return
        run.phase, run.progress = "storing", 0.9
        store_result(session, run, result, snapshot)


def _fail(db: Database, run_id: int, reason: str) -> None:
    with db.session() as session:
        run = session.get_one(MatchRun, run_id)
        _finish(run, RunStatus.FAILED, reason)
        audit.record(
            session,
            _actor(session, run),
            "run.failed",
            "match_run",
            str(run.id),
            run_id=run.id,
            policy_version=run.policy_version,
            error=reason,
        )


def store_result(session: Session, run: MatchRun, result: MatchResult, snapshot: Snapshot) -> None:
    """Replace the organisation's open proposals with this run's, in one transaction.

    A pair whose household or unit was decided while the solver ran is dropped, never stored.
    """
    org = run.organisation_id
    lock_organisation(session, org)
    waiting = set(
        session.scalars(
            select(HouseholdRow.id).where(
                HouseholdRow.organisation_id == org, HouseholdRow.status == HouseholdStatus.WAITING
            )
        )
    )
    free = set(
        session.scalars(
            select(UnitRow.id).where(UnitRow.organisation_id == org, UnitRow.status == UnitStatus.FREE)
        )
    )
    session.execute(
        update(ProposalRow)
        .where(ProposalRow.organisation_id == org, ProposalRow.status == ProposalStatus.OPEN)
        .values(status=ProposalStatus.SUPERSEDED)
    )
    stored = dropped = 0
    for p in result.proposals:
        h, u = snapshot.household_ids[p.household], snapshot.unit_ids[p.unit]
        if h not in waiting or u not in free:
            dropped += 1
            continue
        session.add(
            ProposalRow(
                run_id=run.id,
                organisation_id=org,
                household_id=h,
                unit_id=u,
                cost=p.cost,
                breakdown=p.breakdown,
                alternatives=[a.model_dump(mode="json") for a in p.alternatives],
                explanation=p.explanation,
                pinned=p.pinned,
            )
        )
        stored += 1
    for x in result.unhoused:
        session.add(
            UnhousedRow(
                run_id=run.id,
                household_id=snapshot.household_ids[x.household],
                reason=x.reason.value,
                detail=x.detail,
                excluded=x.excluded,
                eligible_units=x.eligible_units,
                blocking=x.blocking,
            )
        )
    run.solver_status, run.objective, run.bound = result.status.value, result.objective, _finite(result.bound)
    run.gap, run.seconds, run.method, run.conflict = (
        result.gap,
        result.seconds,
        result.method,
        result.conflict,
    )
    _finish(run, RunStatus.SUCCEEDED)
    audit.record(
        session,
        _actor(session, run),
        "run.finished",
        "match_run",
        str(run.id),
        run_id=run.id,
        policy_version=run.policy_version,
        solver_status=result.status.value,
        proposals=stored,
        unhoused=len(result.unhoused),
        dropped=dropped,
    )


def _finite(x: float) -> float | None:
    return x if x == x and abs(x) != float("inf") else None
