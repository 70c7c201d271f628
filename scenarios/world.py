"""The initial state of a scenario and everything that will happen to it, drawn from a spec and a seed.

A :class:`World` holds the households waiting at the start, the future arrivals, the unit stock
(free or let, with when each tenancy ends), units added by the spec's changes or brought in month by
month, and the social workers per zone. It is fully determined by ``(spec, seed)``.

Common random numbers: every household, unit and process draws from its own stream
(:func:`scenarios.generator.stream`), so two specs run with the same seed share everything they do not
change. With inflow +50 %, the baseline's arrivals all still arrive (the extra ones are a separate
stream); adding 100 units leaves the other units, their tenants and every household untouched. This
makes differences between specs paired by seed, with much tighter intervals than independent runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

import numpy as np

from matcher.domain import Household, Programme, Unit
from matcher.geo import communes, communes_in_cantons
from matcher.months import DAYS_PER_MONTH
from matcher.rent import round_rent
from scenarios.generator import (
    GeneratorParams,
    HouseholdProfile,
    draw_availability,
    draw_household,
    draw_unit,
    stream,
    zone_communes,
)
from scenarios.spec import AddUnits, RemoveUnits, ScaleInflow, ScaleRents, Spec, SupportWorkers, Where

#: Draws pre-made per household for its answers to proposals (more offers than this wrap around).
OFFER_DRAWS = 32
#: Household groups: the list at the start, arrivals, extra arrivals of a higher inflow.
INITIAL, ARRIVAL, EXTRA_ARRIVAL = 0, 1, 2


class UnitState(StrEnum):
    """Where a unit of the stock stands: free to offer, held by a proposal awaiting an answer, or let."""

    FREE = "free"
    HELD = "held"
    LET = "let"


@dataclass(eq=False)
class Applicant:
    """A household of the simulation: its matcher view, its profile and its pre-drawn behaviour."""

    household: Household
    profile: HouseholdProfile
    joined_day: int  #: day it joined the list in the simulation (0 for those waiting at the start)
    leave_day: float  #: day it would leave the list on its own if still waiting
    tenancy_days: float  #: how long it stays in a unit it accepts
    accept_draws: np.ndarray  #: uniforms deciding each proposal's answer
    delay_draws: np.ndarray  #: uniforms for each answer's delay


@dataclass(eq=False)
class StockUnit:
    """A unit of the simulation.

    ``state``: :attr:`UnitState.FREE` (can be offered from day ``free_from``), ``HELD`` (proposed,
    awaiting an answer) or ``LET`` (until ``let_until``; free again from ``free_from``, after the
    turnaround).
    """

    unit: Unit
    zone: int
    free_from: float
    state: UnitState = UnitState.FREE
    let_until: float = math.inf
    removed: bool = False


@dataclass(frozen=True)
class Caseload:
    """Support a household receives: ``points`` in ``zone`` until ``until`` (a day)."""

    zone: int
    points: int
    until: float


@dataclass(eq=False)
class World:
    spec: Spec
    seed: int
    start: date
    days: int  #: horizon, days
    params: GeneratorParams
    zone_names: list[str]
    zone_of_commune: dict[str, int]
    capacity: list[int]  #: caseload points per zone
    workers: list[float]  #: full-time social workers per zone (scaled like the capacity)
    waiting: list[Applicant]
    arrivals: list[tuple[int, Applicant]]  #: (day, applicant), sorted by day
    units: list[StockUnit]  #: initial stock (after removals) and units added by changes
    new_units: list[tuple[int, StockUnit]]  #: units brought in month by month
    caseload: list[Caseload]  #: legacy tenants still followed at the start
    changes_log: list[str] = field(default_factory=list)

    def date(self, day: float) -> date:
        return self.start + timedelta(days=int(day))


def _counted(x: float, scale: float) -> int:
    return math.floor(x * scale + 0.5)


def _where_communes(where: Where, zones: dict[str, frozenset[str]]) -> tuple[str, ...] | None:
    """Communes a change targets, or None for everywhere."""
    sets = []
    if where.zone:
        sets.append(zones[where.zone])
    if where.cantons:
        sets.append(communes_in_cantons(where.cantons))
    if where.communes:
        sets.append(frozenset(where.communes))
    if not sets:
        return None
    chosen = frozenset.intersection(*sets) if len(sets) > 1 else sets[0]
    return tuple(c for c in communes() if c in chosen)


def _poisson_days(rng: np.random.Generator, per_month: float, days: int) -> list[int]:
    """Event days of a Poisson process of rate ``per_month`` over ``days``."""
    if per_month <= 0:
        return []
    rate = per_month / DAYS_PER_MONTH
    out, t = [], float(rng.exponential(1 / rate))
    while t < days:
        out.append(int(t))
        t += float(rng.exponential(1 / rate))
    return out


@dataclass(frozen=True)
class RentRules:
    """The spec's ``scale_rents`` changes: the factor on a unit's rent by programme and commune."""

    rules: list[tuple[ScaleRents, tuple[str, ...] | None]]

    @classmethod
    def of(cls, spec: Spec, zones: dict[str, frozenset[str]]) -> RentRules:
        return cls([(c, _where_communes(c, zones)) for c in spec.changes if isinstance(c, ScaleRents)])

    def factor(self, programme: Programme, commune: str) -> float:
        f = 1.0
        for rule, where in self.rules:
            programme_ok = rule.programme is None or rule.programme is programme
            if programme_ok and (where is None or commune in where):
                f *= rule.factor
        return f

    def apply(self, unit: Unit) -> Unit:
        """The same unit at its scaled rent (the draws do not depend on the rent)."""
        f = self.factor(unit.programme, unit.commune)
        return unit if f == 1.0 else unit.model_copy(update={"rent": round_rent(unit.rent * f)})


@dataclass(frozen=True)
class Builder:
    """What every process of a world draws from: the spec, the seed, the zones and the rent rules."""

    spec: Spec
    seed: int
    zone_sets: dict[str, frozenset[str]]
    zone_of: dict[str, int]
    rents: RentRules

    @property
    def scale(self) -> float:
        return self.spec.run.scale

    def unit(
        self,
        rng: np.random.Generator,
        uid: str,
        programme: Programme | None = None,
        candidates: tuple[str, ...] | None = None,
    ) -> Unit:
        start = self.spec.run.start
        u = draw_unit(
            self.spec.generator, rng, uid, available_from=start, programme=programme, candidates=candidates
        )
        return self.rents.apply(u)

    def applicant(self, group: int, j: int, hid: str, joined: int, registered: date | None) -> Applicant:
        spec = self.spec
        rng = stream(self.seed, "household", group, j)
        today = spec.run.start + timedelta(days=joined)
        h, prof = draw_household(spec.generator, rng, hid, today=today, registered_on=registered)
        b = stream(self.seed, "behaviour", group, j)
        leave_rate = -math.log(1 - min(spec.population.leave_list_per_month, 0.999999)) / DAYS_PER_MONTH
        leave = joined + (float(b.exponential(1 / leave_rate)) if leave_rate > 0 else math.inf)
        tenancy = float(b.exponential(spec.stock.tenancy_months_mean * DAYS_PER_MONTH))
        return Applicant(h, prof, joined, leave, tenancy, b.random(OFFER_DRAWS), b.random(OFFER_DRAWS))


def _builder(spec: Spec, seed: int) -> Builder:
    zone_sets = zone_communes(spec.support.zones)
    zone_of = {c: k for k, z in enumerate(spec.zone_names()) for c in zone_sets[z]}
    return Builder(spec, seed, zone_sets, zone_of, RentRules.of(spec, zone_sets))


def waiting_list(b: Builder) -> list[Applicant]:
    """The households waiting at the start."""
    n = _counted(b.spec.population.waiting_households, b.scale)
    return [b.applicant(INITIAL, k, f"H{k:05d}", 0, None) for k in range(n)]


def arrivals(b: Builder, days: int, log: list[str]) -> list[tuple[int, Applicant]]:
    """Arrivals: the base process, thinned when inflow is scaled down, plus an extra process when up."""
    spec, seed, start = b.spec, b.seed, b.spec.run.start
    inflow = math.prod(c.factor for c in spec.changes if isinstance(c, ScaleInflow))
    if inflow != 1.0:
        log.append(f"inflow x{inflow:g}")
    base_rate = spec.population.inflow_households_per_month * b.scale
    out: list[tuple[int, Applicant]] = []
    thin = stream(seed, "arrival-thin")
    for j, day in enumerate(_poisson_days(stream(seed, "arrivals"), base_rate, days)):
        if thin.random() < inflow:
            out.append((day, b.applicant(ARRIVAL, j, f"A{j:05d}", day, start + timedelta(days=day))))
    if inflow > 1:
        extra = _poisson_days(stream(seed, "arrivals-extra"), base_rate * (inflow - 1), days)
        for j, day in enumerate(extra):
            out.append((day, b.applicant(EXTRA_ARRIVAL, j, f"X{j:05d}", day, start + timedelta(days=day))))
    out.sort(key=lambda a: (a[0], a[1].household.id))
    return out


def initial_stock(b: Builder) -> tuple[list[StockUnit], list[Caseload | None]]:
    """The stock at the start, let (with a tenant followed or not) or free, and each unit's caseload."""
    spec, seed = b.spec, b.seed
    support_days = spec.support.support_months * DAYS_PER_MONTH
    tenancy_mean = spec.stock.tenancy_months_mean * DAYS_PER_MONTH
    stock: list[StockUnit] = []
    legacy: list[Caseload | None] = []
    for k in range(_counted(spec.stock.units, b.scale)):
        unit = b.unit(stream(seed, "unit", k), f"U{k:05d}")
        occ = stream(seed, "occupancy", k)
        zone = b.zone_of[unit.commune]
        if occ.random() < spec.stock.occupied_share:
            end = float(occ.exponential(tenancy_mean))  # memoryless: remaining tenancy
            age = float(occ.exponential(tenancy_mean))  # time since the tenant moved in
            tenant, _ = draw_household(spec.generator, stream(seed, "tenant", k), "T", today=spec.run.start)
            points = spec.policy.intensity_points[tenant.support]
            legacy.append(Caseload(zone, points, support_days - age) if age < support_days else None)
            free_from = end + spec.stock.turnaround_days
            stock.append(StockUnit(unit, zone, free_from, state=UnitState.LET, let_until=end))
        else:
            avail = draw_availability(spec.generator, occ, spec.run.start)
            legacy.append(None)
            stock.append(StockUnit(unit, zone, float((avail - spec.run.start).days)))
    return stock, legacy


def apply_changes(
    b: Builder, stock: list[StockUnit], legacy: list[Caseload | None], log: list[str]
) -> dict[str, float]:
    """Unit removals and additions (in place) and worker changes; returns the workers per zone."""
    spec, seed = b.spec, b.seed
    workers = dict(spec.support.workers)
    for i, change in enumerate(spec.changes):
        if isinstance(change, RemoveUnits):
            where = _where_communes(change, b.zone_sets)
            pool = [
                k
                for k, s in enumerate(stock)
                if not s.removed
                and (change.programme is None or s.unit.programme is change.programme)
                and (where is None or s.unit.commune in where)
            ]
            n = (
                _counted(change.count, b.scale)
                if change.count is not None
                else _counted(change.share or 0, len(pool))
            )
            pick = stream(seed, "change", i).permutation(len(pool))[: min(n, len(pool))]
            for k in sorted(pool[p] for p in pick):
                stock[k].removed = True
                legacy[k] = None
            log.append(f"removed {min(n, len(pool))} units")
        elif isinstance(change, AddUnits):
            where = _where_communes(change, b.zone_sets)
            n = _counted(change.count, b.scale)
            for j in range(n):
                at = (change.from_month + change.over_months * (j + 0.5) / max(n, 1)) * DAYS_PER_MONTH
                unit = b.unit(stream(seed, "added-unit", i, j), f"C{i}-{j:05d}", change.programme, where)
                stock.append(StockUnit(unit, b.zone_of[unit.commune], float(int(at))))
            log.append(f"added {n} {change.programme.value} units")
        elif isinstance(change, SupportWorkers):
            workers[change.zone] = max(
                0.0, change.set if change.set is not None else workers[change.zone] + (change.add or 0)
            )
            log.append(f"{change.zone}: {workers[change.zone]:g} workers")
    return workers


def new_units(b: Builder, days: int) -> list[tuple[int, StockUnit]]:
    """Units brought into the programmes month by month (Poisson)."""
    rate = b.spec.stock.new_units_per_month * b.scale
    out = []
    for j, day in enumerate(_poisson_days(stream(b.seed, "new-units"), rate, days)):
        unit = b.unit(stream(b.seed, "new-unit", j), f"N{j:05d}")
        out.append((day, StockUnit(unit, b.zone_of[unit.commune], float(day))))
    return out


def build_world(spec: Spec, seed: int) -> World:
    """Draw the scenario's start and its future; pure and deterministic in ``(spec, seed)``."""
    b = _builder(spec, seed)
    days = round(spec.run.months * DAYS_PER_MONTH)
    log: list[str] = []
    waiting = waiting_list(b)
    coming = arrivals(b, days, log)
    stock, legacy = initial_stock(b)
    workers = apply_changes(b, stock, legacy, log)
    zone_names = spec.zone_names()
    capacity = [_counted(workers[z] * spec.support.points_per_worker, b.scale) for z in zone_names]
    return World(
        spec=spec,
        seed=seed,
        start=spec.run.start,
        days=days,
        params=spec.generator,
        zone_names=zone_names,
        zone_of_commune=b.zone_of,
        capacity=capacity,
        workers=[workers[z] * b.scale for z in zone_names],
        waiting=waiting,
        arrivals=coming,
        units=[s for s in stock if not s.removed],
        new_units=new_units(b, days),
        caseload=[c for c in legacy if c is not None],
        changes_log=log,
    )
