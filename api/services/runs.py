"""Match runs: queue, build the problem from the organisation's records, solve off-request, store.

The next run respects earlier decisions: accepted households and taken units are simply not in its
input; declined pairs (and officers' forbids) become ``forbids``; officers' pins become ``pins``; the
open proposals households have already seen become ``previous``, so the solver changes them only
when that buys more than the policy's stability penalty. A run that fails or is infeasible is still
a stored run with its reason. Runs are claimed from the queue by any instance (:mod:`api.queue`)
and executed by a worker process (:mod:`api.worker`) through :func:`execute_claimed`, whose every
write is fenced on the claim. Decisions commit on their own, so none is lost.

A run whose policy sets fairness targets (minimum shares or a maximum gap) solves once more without
them, so its stored answer says what the targets cost (:func:`fairness_of`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from api import replay
from api.db import Database
from api.errors import Conflict
from api.models import (
    ApiKey,
    HouseholdRow,
    HouseholdStatus,
    MatchRun,
    PairKind,
    PairRule,
    PairRuleStatus,
    ProposalRow,
    ProposalStatus,
    QuotaRow,
    Role,
    RunMember,
    RunStatus,
    SupportZoneRow,
    UnhousedRow,
    UnitRow,
    UnitStatus,
    utcnow,
)
from api.queue import Claim, check_queue_room, owned
from api.repositories import active_policy, lock_organisation, run_in_org
from api.schemas import PolicyDocument, RunCreate
from api.security import Principal
from api.services import audit
from matcher import InvalidProblemError, MatchProblem, MatchResult, SolveOptions, match
from matcher.fairness import has_targets, price_of, without_targets
from matcher.transfers import Exchange, with_exchanges

log = logging.getLogger("wunneng.runs")
ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)


def create_run(
    session: Session,
    who: Principal,
    body: RunCreate,
    default_time_limit: float,
    retry_of: int | None = None,
    max_queued: int | None = None,
) -> MatchRun:
    """Queue a run; with ``max_queued``, refuse (429) when the organisation has that many waiting."""
    if max_queued is not None:
        lock_organisation(session, who.organisation_id)
        check_queue_room(session, who.organisation_id, max_queued)
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
    """A queued run is cancelled at once; a running one's worker process is stopped by the instance
    executing it within a second (see ``api.worker``)."""
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


def retry_run(
    session: Session, who: Principal, run_id: int, default_time_limit: float, max_queued: int | None = None
) -> MatchRun:
    old = run_in_org(session, who.organisation_id, run_id)
    if old.status not in (RunStatus.FAILED, RunStatus.CANCELLED):
        raise Conflict(f"run {run_id} is {old.status}; only failed or cancelled runs are retried")
    body = RunCreate(
        time_limit=old.options.get("time_limit"), alternatives=old.options.get("alternatives", 3)
    )
    return create_run(session, who, body, default_time_limit, retry_of=old.id, max_queued=max_queued)


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
        .where(
            HouseholdRow.organisation_id == org,
            or_(
                HouseholdRow.status == HouseholdStatus.WAITING,
                (HouseholdRow.status == HouseholdStatus.HOUSED) & HouseholdRow.movable,
            ),
        )
        .order_by(HouseholdRow.id)
    ).all()
    movable = {h.id for h in households if h.status == HouseholdStatus.HOUSED}
    units = session.scalars(
        select(UnitRow)
        .where(
            UnitRow.organisation_id == org,
            or_(
                UnitRow.status == UnitStatus.FREE,
                (UnitRow.status == UnitStatus.TAKEN) & UnitRow.household_id.in_(movable),
            ),
        )
        .order_by(UnitRow.id)
    ).all()
    home = {u.household_id: u.ref for u in units if u.status == UnitStatus.TAKEN}
    households = [h for h in households if h.id not in movable or h.id in home]
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
            "households": [
                {**h.data, "id": h.ref, "current_unit": home.get(h.id)}
                for h in households
                if h.data is not None
            ],
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


def execute_run(db: Database, run_id: int, solver_workers: int, instance_id: str = "local") -> None:
    """Claim ``run_id`` if it is still queued and execute it in this process (tests, tools)."""
    with db.session() as session:
        done = session.execute(
            update(MatchRun)
            .where(MatchRun.id == run_id, MatchRun.status == RunStatus.QUEUED)
            .values(
                status=RunStatus.RUNNING,
                lease_owner=f"{instance_id}:1",
                lease_expires_at=utcnow() + timedelta(hours=1),
                attempts=1,
                started_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            return
        org = session.get_one(MatchRun, run_id).organisation_id
    execute_claimed(db, Claim(run_id, org, f"{instance_id}:1", 1), solver_workers)


def execute_claimed(db: Database, claim: Claim, solver_workers: int) -> None:
    """A claimed run, start to end (in a worker process). Every write is fenced on the claim, so an
    execution that lost its lease (or was cancelled) changes nothing."""
    from api.models import PolicyVersion

    with db.session() as session:
        run = owned(session, claim)
        if run is None:
            return
        run.phase, run.progress = "building", 0.1
        policy_id, options = run.policy_id, dict(run.options)
    try:
        with db.reader() as session:
            run = session.get_one(MatchRun, claim.run_id)
            policy = session.get_one(PolicyVersion, policy_id)
            snapshot = build_problem(session, run, PolicyDocument.model_validate(policy.document))
        with db.session() as session:
            run = owned(session, claim)
            if run is None:
                return
            run.households, run.units = len(snapshot.problem.households), len(snapshot.problem.units)
            run.phase, run.progress = "solving", 0.2
        solve = solve_options(options, solver_workers)
        result, dropped = solve_keeping_valid_pins(snapshot.problem, solve)
        solved = without_pins(snapshot.problem, dropped)  # exactly what was solved, for a replay
        fairness = fairness_of(solved, result, solve)
        result, found = with_exchanges(solved, result)
    except InvalidProblemError as exc:
        fail_claimed(db, claim, f"invalid input: {exc}")
        return
    except Exception as exc:
        log.exception("run %s failed", claim.run_id)
        fail_claimed(db, claim, f"solver error: {type(exc).__name__}")
        return
    with db.session() as session:
        run = owned(session, claim)
        if run is None:
            return
        if run.cancel_requested:
            _finish(run, RunStatus.CANCELLED, "cancelled")
            return
        run.phase, run.progress = "storing", 0.9
        keep_input(session, run, solved, solve, result)
        if run.solution is not None and fairness is not None:
            run.solution = {**run.solution, "fairness": fairness}
        store_result(session, run, result, snapshot, dropped, found)


def fairness_of(problem: MatchProblem, result: MatchResult, options: SolveOptions) -> dict[str, Any] | None:
    """What the policy's fairness targets cost this run (:func:`matcher.fairness.price_of`), None
    without targets. It solves the run once more without them (and, when the targets cannot be met,
    once per target alone to name the failing ones), so a run with targets takes longer."""
    if not has_targets(problem):
        return None
    price = price_of(problem, result, match(without_targets(problem), options), options)
    return {
        "feasible": price.feasible,
        "objective_with": price.objective_with,
        "objective_without": price.objective_without,
        "cost_share": price.cost_share,
        "housed_with": price.housed_with,
        "housed_without": price.housed_without,
        "travel_minutes_with": price.travel_with,
        "travel_minutes_without": price.travel_without,
        "commuters_with": price.commuters_with,
        "commuters_without": price.commuters_without,
        "moved": price.moved,
        "infeasible_targets": list(price.infeasible_targets),
    }


def solve_options(options: dict[str, Any], solver_workers: int) -> SolveOptions:
    """A run's solver settings: its time limit, the instance's thread count and a fixed seed (the
    settings are stored with the run, so a replay solves with the same)."""
    return SolveOptions(time_limit=float(options.get("time_limit", 30.0)), workers=solver_workers, seed=0)


def keep_input(
    session: Session, run: MatchRun, problem: MatchProblem, options: SolveOptions, result: MatchResult
) -> None:
    """What a replay needs (:mod:`api.replay`): the exact input, its hash, settings, versions, answer;
    the households in the input are listed, so erasing one erases the input."""
    text = replay.canonical_input(problem)
    run.solver_input, run.input_hash = text, replay.content_hash(text)
    run.solver_settings, run.versions = replay.settings_of(options), replay.versions()
    run.solution = replay.solution_of(result)
    ids = session.scalars(
        select(HouseholdRow.id).where(
            HouseholdRow.organisation_id == run.organisation_id,
            HouseholdRow.ref.in_([h.id for h in problem.households]),
        )
    )
    session.add_all(RunMember(run_id=run.id, household_id=i) for i in ids)


@dataclass(frozen=True)
class DroppedPin:
    household: str
    unit: str
    reason: str

    def warning(self) -> str:
        return f"pin {self.household} -> {self.unit} left out: {self.reason}"


def solve_keeping_valid_pins(
    problem: MatchProblem, options: SolveOptions
) -> tuple[MatchResult, list[DroppedPin]]:
    """Solve; a pin the core rejects (the pair broke a hard rule since it was written) is left out
    and reported, and the solve goes on with the others. Any other invalid input still raises."""
    dropped: list[DroppedPin] = []
    while True:
        try:
            return match(problem, options), dropped
        except InvalidProblemError as exc:
            k = _pin_index(exc.record)
            if k is None or k >= len(problem.pins):
                raise
            pin = problem.pins[k]
            dropped.append(DroppedPin(pin.household, pin.unit, exc.reason))
            problem = problem.model_copy(update={"pins": [p for i, p in enumerate(problem.pins) if i != k]})


def without_pins(problem: MatchProblem, dropped: list[DroppedPin]) -> MatchProblem:
    gone = {(d.household, d.unit) for d in dropped}
    return problem.model_copy(update={"pins": [p for p in problem.pins if (p.household, p.unit) not in gone]})


def _pin_index(record: str) -> int | None:
    head, _, rest = record.partition("[")
    index = rest.removesuffix("]")
    return int(index) if head == "pins" and index.isdigit() else None


def fail_claimed(db: Database, claim: Claim, reason: str) -> None:
    with db.session() as session:
        run = owned(session, claim)
        if run is None:
            return
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


def cancel_claimed(db: Database, claim: Claim) -> None:
    """The worker was stopped on request: the run ends cancelled (unless it finished first)."""
    with db.session() as session:
        run = owned(session, claim)
        if run is not None:
            _finish(run, RunStatus.CANCELLED, "cancelled while solving")


def wait_for(db: Database, run_id: int, seconds: float) -> None:
    """Block up to ``seconds`` until the run leaves the queue and the solver (reads only)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with db.reader() as session:
            status = session.scalar(select(MatchRun.status).where(MatchRun.id == run_id))
        if status not in ACTIVE:
            return
        time.sleep(0.1)


def store_result(
    session: Session,
    run: MatchRun,
    result: MatchResult,
    snapshot: Snapshot,
    dropped: list[DroppedPin] | None = None,
    exchanges: list[Exchange] | None = None,
) -> None:
    """Replace the organisation's open proposals with this run's, in one transaction.

    The organisation's records are re-read under its lock: a pair whose household or unit was
    decided, erased or withdrawn while the solver ran is dropped, an erased household gets no
    unhoused row, and no alternative names a unit withdrawn meanwhile. Pins the run had to leave
    out are flagged on their rule and listed in the run's ``warnings``. A movable household
    proposed its own home stays and gets no proposal; the moves of an exchange are stored with
    its number and their step, and all of them are dropped if one is.
    """
    org = run.organisation_id
    dropped = dropped or []
    lock_organisation(session, org)
    status_of = dict(
        session.execute(
            select(HouseholdRow.id, HouseholdRow.status).where(
                HouseholdRow.organisation_id == org, HouseholdRow.id.in_(snapshot.household_ids.values())
            )
        ).all()
    )
    free = set(
        session.scalars(
            select(UnitRow.id).where(UnitRow.organisation_id == org, UnitRow.status == UnitStatus.FREE)
        )
    )
    # movable households still living where the run saw them: {household id: home unit id}
    seen_home = {
        snapshot.household_ids[h.id]: snapshot.unit_ids[h.current_unit]
        for h in snapshot.problem.households
        if h.current_unit is not None
    }
    home_now = dict(
        session.execute(
            select(HouseholdRow.id, UnitRow.id)
            .join(UnitRow, UnitRow.household_id == HouseholdRow.id)
            .where(
                HouseholdRow.organisation_id == org,
                HouseholdRow.status == HouseholdStatus.HOUSED,
                HouseholdRow.movable,
                UnitRow.status == UnitStatus.TAKEN,
            )
        ).all()
    )
    still_home = {h: u for h, u in seen_home.items() if home_now.get(h) == u}
    gone_units = {
        ref for ref, i in snapshot.unit_ids.items() if i not in free and i not in still_home.values()
    }  # taken or withdrawn meanwhile
    session.execute(
        update(ProposalRow)
        .where(ProposalRow.organisation_id == org, ProposalRow.status == ProposalStatus.OPEN)
        .values(status=ProposalStatus.SUPERSEDED)
    )
    step_of = {
        m.household: (k, step) for k, x in enumerate(exchanges or [], 1) for step, m in enumerate(x.moves, 1)
    }
    vacated = {
        still_home[snapshot.household_ids[m]] for m in step_of if snapshot.household_ids[m] in still_home
    }

    def placeable(h: int, u: int) -> bool:
        household_ok = (status_of.get(h) == HouseholdStatus.WAITING and h not in seen_home) or h in still_home
        return household_ok and (u in free or u in vacated)

    moves = [
        p
        for p in result.proposals
        if seen_home.get(snapshot.household_ids[p.household]) != snapshot.unit_ids[p.unit]
    ]
    broken = {
        step_of[p.household][0]
        for p in moves
        if p.household in step_of
        and not placeable(snapshot.household_ids[p.household], snapshot.unit_ids[p.unit])
    }
    stored = dropped_pairs = 0
    for p in moves:
        h, u = snapshot.household_ids[p.household], snapshot.unit_ids[p.unit]
        exchange, step = step_of.get(p.household, (None, None))
        if not placeable(h, u) or exchange in broken:
            dropped_pairs += 1
            continue
        session.add(
            ProposalRow(
                run_id=run.id,
                organisation_id=org,
                household_id=h,
                unit_id=u,
                cost=p.cost,
                breakdown=p.breakdown,
                alternatives=[a.model_dump(mode="json") for a in p.alternatives if a.unit not in gone_units],
                explanation=p.explanation,
                pinned=p.pinned,
                exchange=exchange,
                exchange_step=step,
                from_unit_id=seen_home.get(h),
            )
        )
        stored += 1
    unhoused = 0
    for x in result.unhoused:
        h = snapshot.household_ids[x.household]
        if status_of.get(h) in (None, HouseholdStatus.ERASED):
            continue
        session.add(
            UnhousedRow(
                run_id=run.id,
                household_id=h,
                reason=x.reason.value,
                detail=x.detail,
                excluded=x.excluded,
                eligible_units=x.eligible_units,
                blocking=x.blocking,
            )
        )
        unhoused += 1
    _mark_pins(session, org, snapshot, dropped)
    run.warnings = [d.warning() for d in dropped] or None
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
        unhoused=unhoused,
        dropped=dropped_pairs,
        pins_left_out=len(dropped),
    )


def _mark_pins(session: Session, org: str, snapshot: Snapshot, dropped: list[DroppedPin]) -> None:
    """Every pin this run saw is active again, except those it left out (with the reason)."""
    ids = snapshot.household_ids, snapshot.unit_ids
    seen = [(ids[0][p.household], ids[1][p.unit]) for p in snapshot.problem.pins]
    reasons = {(ids[0][d.household], ids[1][d.unit]): d.reason for d in dropped}
    rules = session.scalars(
        select(PairRule).where(PairRule.organisation_id == org, PairRule.kind == PairKind.PIN)
    ).all()
    for rule in rules:
        pair = (rule.household_id, rule.unit_id)
        if pair in reasons:
            rule.status, rule.status_detail = PairRuleStatus.INELIGIBLE, reasons[pair]
        elif pair in seen:
            rule.status, rule.status_detail = PairRuleStatus.ACTIVE, None


def _finite(x: float) -> float | None:
    return x if x == x and abs(x) != float("inf") else None
