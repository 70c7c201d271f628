"""A one-shot match and a multi-period simulation of one scenario and one seed.

Every ``run.matching_interval_days`` the simulation:

1. resolves what happened since the last run: answers to proposals that fell due (accept -> the
   household moves in when the unit is free; decline -> the unit is free again, the household may
   not be offered it again and the refusal rule applies), tenancies that ended (units free up after
   a turnaround), households that left the list on their own, arrivals, new units;
2. runs :func:`matcher.match` on the waiting households and the free units, with the social-work
   capacity each zone has left, the declined pairs as ``forbids`` and the proposals still awaiting
   an answer as ``previous`` (changing one costs the policy's stability points);
3. shows each new proposal; the household answers after ``behaviour.decision_days``.

Leases are time-limited (:class:`Leases`, from the spec's ``stock`` section): a GLS lease ends
after ``lease_months`` unless prolonged, an AIS stay is capped at ``ais_stay_months``. A household
whose lease ends before it would have moved on goes back on the list (a new :class:`Tenure`,
``reentry``) with its registration date kept.

The first run is also reported on its own as the *one-shot* match. Nothing here is random beyond
what :func:`scenarios.world.build_world` drew and each lease's prolongations (a stream of the seed,
the household and its offer), so ``(spec, seed)`` fixes the whole run.
"""

from __future__ import annotations

import dataclasses
import math
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from matcher import MatchProblem, SolveOptions, match
from matcher.domain import Pair, Programme, SupportZone, Unit
from matcher.fairness import FairnessPrice, price_of, without_targets
from matcher.geo import distance_km
from matcher.months import DAYS_PER_MONTH
from matcher.result import MatchResult
from matcher.travel import place_point, trip_minutes, unit_point
from scenarios.first_come import first_come
from scenarios.generator import stream
from scenarios.lookahead import potentials, sample_worlds, window
from scenarios.spec import Spec, StockSection
from scenarios.world import Applicant, StockUnit, UnitState, World, build_world

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Leases:
    """How long a let lasts before the household must leave, per programme (others: open-ended)."""

    months: dict[Programme, float]
    #: chance that a term is prolonged by another term (a programme not listed: never)
    prolonged_share: dict[Programme, float] = field(default_factory=dict)

    @classmethod
    def of(cls, stock: StockSection) -> Leases:
        """The spec's leases: GLS terms of ``lease_months``, prolonged with ``gls_prolonged_share``;
        AIS stays capped at ``ais_stay_months``."""
        return cls(
            months={Programme.GLS: stock.lease_months, Programme.AIS: stock.ais_stay_months},
            prolonged_share={Programme.GLS: stock.gls_prolonged_share},
        )


#: No let ever ends by its lease (the hindsight benchmark's world: its model has no re-entries).
OPEN_ENDED = Leases(months={})


class Status(StrEnum):
    """A household's state in the simulation (see :class:`Tenure`)."""

    WAITING = "waiting"
    PENDING = "pending"
    HOUSED = "housed"
    MOVED_ON = "moved_on"
    LEFT = "left"
    REMOVED = "removed"

    @property
    def on_list(self) -> bool:
        return self in (Status.WAITING, Status.PENDING)


@dataclass(eq=False)
class Tenure:
    """A household's path through the simulation.

    ``status`` (:class:`Status`): ``waiting``; ``pending`` (holds a proposal until ``decide_day``);
    ``housed`` (moved in on ``movein_day``, stays until ``end_day``); ``moved_on`` (left the unit);
    ``left`` (left the list on its own on ``end_day``); ``removed`` (by the refusal rule on ``end_day``).
    """

    applicant: Applicant
    status: Status = Status.WAITING
    unit: StockUnit | None = None  #: proposed (pending) or let (housed)
    decide_day: float = math.inf
    decided_day: float | None = None  #: day of the last answer
    offers: int = 0
    refusals: int = 0
    forbidden: set[str] = field(default_factory=set)
    movein_day: float | None = None
    end_day: float | None = None
    home: Unit | None = None  #: the unit it moved into (kept after it moves on)
    lease_ends: bool = False  #: its lease ends on ``end_day`` and it goes back on the list
    reentry: bool = False  #: back on the list after its lease ended


@dataclass
class RunLog:
    """What each matching run saw and did."""

    day: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)
    free_units: list[int] = field(default_factory=list)
    proposed: list[int] = field(default_factory=list)
    previous: list[int] = field(default_factory=list)  #: proposals awaiting an answer passed as previous
    housed_total: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    status: Counter[str] = field(default_factory=Counter)
    changed: int = 0  #: pending proposals the matcher replaced by another unit
    withdrawn: int = 0  #: pending proposals the matcher dropped
    declines: int = 0
    last_result: MatchResult | None = None
    last_problem: MatchProblem | None = None
    fairness: list[FairnessPrice] = field(default_factory=list)  #: each run with targets, priced


@dataclass
class SimState:
    world: World
    tenures: list[Tenure]
    units: list[StockUnit]
    caseload: list[tuple[int, int, float]]  #: (zone, points, until day)
    log: RunLog
    leases: Leases  #: the spec's (:meth:`Leases.of`) unless the caller gave others
    samples: list[World] = field(default_factory=list)  #: sampled futures of the look-ahead
    oneshot: tuple[MatchProblem, MatchResult, list[int]] | None = None  #: problem, result, free points


def simulate(
    spec: Spec,
    seed: int,
    *,
    progress: Progress | None = None,
    workers: int = 1,
    world: World | None = None,
    leases: Leases | None = None,
) -> SimState:
    """Run the scenario ``spec`` with ``seed`` (or a prepared ``world`` of them); returns the final
    state (see :mod:`scenarios.kpi`). ``leases`` replaces the spec's (e.g. :data:`OPEN_ENDED`)."""
    state = _initial(world if world is not None else build_world(spec, seed))
    if leases is not None:
        state.leases = leases
    world = state.world
    interval = spec.run.matching_interval_days
    run_days = list(range(0, world.days, interval))
    arrivals = iter(world.arrivals)
    next_arrival = next(arrivals, None)
    new_units = iter(world.new_units)
    next_unit = next(new_units, None)
    options = solve_options(spec, workers)
    if spec.allocation.lookahead:
        state.samples = sample_worlds(world)
    for step, day in enumerate(run_days):
        while next_arrival is not None and next_arrival[0] <= day:
            state.tenures.append(Tenure(next_arrival[1]))
            next_arrival = next(arrivals, None)
        while next_unit is not None and next_unit[0] <= day:
            state.units.append(next_unit[1])
            next_unit = next(new_units, None)
        _resolve(state, day)
        _match(state, day, options, first=step == 0)
        if progress:
            progress(step + 1, len(run_days))
    while next_arrival is not None:  # arrivals after the last run still count as waiting
        state.tenures.append(Tenure(next_arrival[1]))
        next_arrival = next(arrivals, None)
    _resolve(state, world.days)
    return state


def solve_options(spec: Spec, workers: int) -> SolveOptions:
    """How every matching run of ``spec`` is solved (seeded: the same spec gives the same runs)."""
    return SolveOptions(time_limit=spec.run.time_limit, gap_limit=spec.run.gap_limit, workers=workers, seed=0)


def _initial(world: World) -> SimState:
    return SimState(
        world=world,
        tenures=[Tenure(p) for p in world.waiting],
        units=list(world.units),
        caseload=[(c.zone, c.points, c.until) for c in world.caseload],
        log=RunLog(),
        leases=Leases.of(world.spec.stock),
    )


def one_shot(spec: Spec, seed: int, *, workers: int = 1) -> tuple[MatchProblem, MatchResult]:
    """Only the first matching run of the scenario: the households waiting and the units free at the start."""
    state = _initial(build_world(spec, seed))
    _resolve(state, 0)
    _match(state, 0, solve_options(spec, workers), first=True)
    assert state.oneshot is not None
    return state.oneshot[0], state.oneshot[1]


def _resolve(state: SimState, day: float) -> None:
    """Everything that happened up to ``day``: answers, departures, tenancies and leases ending."""
    back: list[Tenure] = []
    for t in state.tenures:
        if t.status is Status.PENDING and t.decide_day <= day and t.applicant.leave_day > t.decide_day:
            _answer(state, t)
        if t.status.on_list and t.applicant.leave_day <= day:
            if t.unit is not None:
                t.unit.state = UnitState.FREE  # the proposal lapses
            t.status, t.unit, t.end_day = Status.LEFT, None, t.applicant.leave_day
        elif t.status is Status.HOUSED and t.end_day is not None and t.end_day <= day:
            t.status, t.unit = Status.MOVED_ON, None
            if t.lease_ends:
                back.append(_reentry(t))
    state.tenures += back
    for s in state.units:
        if s.state is UnitState.LET and s.let_until <= day:
            s.state = UnitState.FREE  # free_from already includes the turnaround


def _answer(state: SimState, t: Tenure) -> None:
    """The household answers the proposal it holds, using its pre-drawn uniforms."""
    spec = state.world.spec
    beh = spec.behaviour
    unit = t.unit
    assert unit is not None
    h = t.applicant.household
    p = beh.accept_base
    if h.work is not None and trip_minutes(spec.policy, h.work, unit.unit) > beh.long_commute_minutes:
        p *= beh.accept_factor_long_commute
    home = h.current_location
    # a unit without coordinates stands at its commune's point, never at the household's centre
    if (
        home is not None
        and float(distance_km(*place_point(home), *unit_point(unit.unit))) > beh.far_from_centre_km
    ):
        p *= beh.accept_factor_far
    u = float(t.applicant.accept_draws[(t.offers - 1) % len(t.applicant.accept_draws)])
    t.decided_day = t.decide_day
    t.decide_day = math.inf
    if u < p:
        t.status, t.home = Status.HOUSED, unit.unit
        t.movein_day = max(t.decided_day, unit.free_from)
        t.end_day = t.movein_day + t.applicant.tenancy_days
        lease = lease_end(state, t, unit.unit)
        if lease < t.end_day:
            t.end_day, t.lease_ends = lease, True
        unit.state, unit.let_until = UnitState.LET, t.end_day
        unit.free_from = t.end_day + spec.stock.turnaround_days
        points = spec.policy.intensity_points[h.support]
        state.caseload.append(
            (unit.zone, points, t.movein_day + spec.support.support_months * DAYS_PER_MONTH)
        )
        return
    state.log.declines += 1
    t.refusals += 1
    t.forbidden.add(unit.unit.id)
    unit.state = UnitState.FREE
    t.unit, t.status = None, Status.WAITING
    if beh.refusal_rule == "lose_waiting_credit":
        t.applicant.household = h.model_copy(update={"registered_on": state.world.date(t.decided_day)})
    elif beh.refusal_rule == "remove" and t.refusals >= beh.max_refusals:
        t.status, t.end_day = Status.REMOVED, t.decided_day


def lease_end(state: SimState, t: Tenure, unit: Unit) -> float:
    """The day the household's lease of ``unit`` ends, after the terms it is prolonged by (inf: none)."""
    term = state.leases.months.get(unit.programme)
    if term is None:
        return math.inf
    assert t.movein_day is not None
    share = state.leases.prolonged_share.get(unit.programme, 0.0)
    rng = stream(state.world.seed, "lease", zlib.crc32(t.applicant.household.id.encode()), t.offers)
    terms = 1
    while terms < 100 and rng.random() < share:
        terms += 1
    return t.movein_day + terms * term * DAYS_PER_MONTH


def _reentry(t: Tenure) -> Tenure:
    """The household back on the list when its lease ends: same household (registration date kept),
    the rest of its own stay still to find, as long to wait before leaving the list as at first."""
    a = t.applicant
    assert t.end_day is not None and t.movein_day is not None
    stayed = t.end_day - t.movein_day
    again = dataclasses.replace(
        a,
        joined_day=math.ceil(t.end_day),
        leave_day=t.end_day + (a.leave_day - a.joined_day),
        tenancy_days=max(0.0, a.tenancy_days - stayed),
    )
    return Tenure(again, reentry=True)


def free_points(state: SimState, day: float) -> list[int]:
    """Caseload points each zone can still take on ``day``."""
    used = [0] * len(state.world.capacity)
    for zone, points, until in state.caseload:
        if until > day:
            used[zone] += points
    return [max(0, c - u) for c, u in zip(state.world.capacity, used, strict=True)]


def _match(state: SimState, day: int, options: SolveOptions, *, first: bool) -> None:
    world, spec = state.world, state.world.spec
    horizon = day + spec.policy.availability_horizon_days
    active = [t for t in state.tenures if t.status.on_list]
    offer = [s for s in state.units if s.state is not UnitState.LET and s.free_from <= horizon]
    units = [s.unit.model_copy(update={"available_from": world.date(max(day, s.free_from))}) for s in offer]
    unit_ids = {u.id for u in units}
    forbids = [
        Pair(household=t.applicant.household.id, unit=u)
        for t in active
        for u in sorted(t.forbidden)
        if u in unit_ids
    ]
    previous = [
        Pair(household=t.applicant.household.id, unit=t.unit.unit.id)
        for t in active
        if t.status is Status.PENDING and t.unit is not None
    ]
    points = free_points(state, day)
    zones = [
        SupportZone(
            id=name,
            communes=frozenset(c for c, z in world.zone_of_commune.items() if z == k),
            capacity_points=points[k],
        )
        for k, name in enumerate(world.zone_names)
    ]
    problem = MatchProblem(
        match_date=world.date(day),
        households=[t.applicant.household for t in active],
        units=units,
        support_zones=zones,
        policy=spec.policy,
        forbids=forbids,
        previous=previous,
        alternatives=0,
    )
    started = time.perf_counter()
    log = state.log
    if spec.allocation.rule == "first_come":
        proposed = first_come(problem)
        log.status["first_come"] += 1
    else:
        if spec.allocation.lookahead:
            run_days = window(world, day).run_days
            free = np.array([free_points(state, float(d)) for d in run_days], np.float64).T
            waiting = [t.applicant.household for t in active if t.status is Status.WAITING]
            pot = potentials(world, day, waiting, state.units, free, state.samples)
            problem = problem.model_copy(update={"potentials": pot})
        result = match(problem, options)
        if spec.policy.fairness:  # what the targets cost this run (matcher.fairness.price_of)
            plain = without_targets(problem)
            without = match(plain, options)
            price = price_of(problem, result, without, options)
            log.fairness.append(price)
            if not price.feasible:  # the targets cannot be met this run: matched without them
                log.status["fairness_infeasible"] += 1
                problem, result = plain, without
        log.status[result.status.value] += 1
        if first:
            state.oneshot = (problem, result, points)
        log.last_result, log.last_problem = result, problem
        proposed = {p.household: p.unit for p in result.proposals}
    log.seconds.append(time.perf_counter() - started)

    stock_of = {s.unit.id: s for s in offer}
    beh = spec.behaviour
    lo, hi = beh.decision_days
    for t in active:  # first release the proposals the matcher moved or dropped
        if t.status is Status.PENDING and t.unit is not None:
            new = proposed.get(t.applicant.household.id)
            if new == t.unit.unit.id:
                continue
            t.unit.state = UnitState.FREE
            log.changed += new is not None
            log.withdrawn += new is None
            t.status, t.unit, t.decide_day = Status.WAITING, None, math.inf
    for t in active:  # then show the new ones
        new = proposed.get(t.applicant.household.id)
        if new is None or t.status is Status.PENDING:
            continue
        s = stock_of[new]
        t.offers += 1
        delay = lo + float(t.applicant.delay_draws[(t.offers - 1) % len(t.applicant.delay_draws)]) * (hi - lo)
        t.status, t.unit, t.decide_day = Status.PENDING, s, day + round(delay)
        s.state = UnitState.HELD
    log.day.append(day)
    log.waiting.append(len(active))
    log.free_units.append(len(offer))
    log.proposed.append(len(proposed))
    log.previous.append(len(previous))
    log.housed_total.append(sum(t.movein_day is not None for t in state.tenures))
