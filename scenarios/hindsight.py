"""The hindsight benchmark: a whole horizon solved as one time-expanded assignment.

Every arrival, departure and vacancy of a world is known in advance. A variable ``x[h, u, t]`` says
that household ``h`` is proposed unit ``u`` at matching run ``t`` (and accepts: the benchmark runs
with every proposal accepted at once, see :func:`benchmark_spec`). A proposal is possible when the
pair is eligible (the matcher's own eligibility), ``h`` is on the list at run ``t`` and ``u`` can be
offered then (free within the policy's availability horizon). Each household is proposed at most one
unit; a unit holds one tenant at a time, from the run that lets it until it can be offered again
(the tenant's tenancy plus the turnaround); each support zone's caseload points bound the households
followed there at every run.

The *value* of a proposal is the waiting it saves minus its fit: waiting costs
``weights.unhoused x priority`` per 30 days on the list (the policy's own price, its priority growing
with the months waited), counted from the household's first day on the list in the horizon until the
run that houses it, it leaves the list or the horizon ends. Any policy run on the same world
(:func:`policy_value`) is scored the same way, so its value divided by the hindsight value is its
share of the best possible. The model is a relaxation for re-let units (it counts a re-let unit as
moved into on the run that lets it), so the share is never above 100 % (up to the MIP gap, which is
reported).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, linprog, milp

from matcher import MatchProblem
from matcher.arrays import household_arrays
from matcher.compile import compile_problem
from matcher.costs import unhoused_costs
from matcher.domain import Household, SupportZone, Unit
from matcher.months import DAYS_PER_MONTH
from scenarios.spec import Spec
from scenarios.world import World, build_world

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]


def benchmark_spec(spec: Spec) -> Spec:
    """``spec`` with every proposal accepted on the day it is made, so that policies differ only by
    their decisions and the hindsight model sees the same dynamics."""
    beh = spec.behaviour.model_copy(
        update={
            "accept_base": 1.0,
            "accept_factor_long_commute": 1.0,
            "accept_factor_far": 1.0,
            "decision_days": (0, 0),
        }
    )
    return spec.model_copy(update={"behaviour": beh})


def benchmark_world(spec: Spec, seed: int) -> World:
    """The world of ``benchmark_spec(spec)`` and ``seed`` in which a household housed during the
    horizon stays in its unit beyond it. Tenancies are exponential (mean 36 months), so a few end
    within weeks; a hindsight model that knew them would put such households into the scarce units
    and re-let them, a foresight no policy can have. Units whose sitting tenants leave still free up
    as drawn, for every policy alike. No lease ends either: the model has no re-entries, so the
    policies scored against it run with open-ended leases (:func:`scenarios.benchmark.policy_run`)."""
    world = build_world(benchmark_spec(spec), seed)
    for a in [*world.waiting, *(a for _, a in world.arrivals)]:
        a.tenancy_days = math.inf
    return world


@dataclass(frozen=True, eq=False)
class Facts:
    """What the time-expanded model needs of a set of households and units, as arrays.

    Days are counted from the world's start. ``month_cost[h, m]`` is the waiting cost of household
    ``h`` per day during month ``m`` of the horizon (its priority at the start of that month).
    """

    household_ids: list[str]
    unit_ids: list[str]
    joined: Floats  #: first day on the list
    leaves: Floats  #: day it leaves the list on its own (inf: never)
    tenancy: Floats  #: days it stays in a unit
    points: Ints  #: caseload points
    month_cost: Floats  #: (H, months + 1), cost per day
    offer_from: Floats  #: first run day the unit can be offered
    free_from: Floats  #: first day it can be moved into
    unit_zone: Ints
    pair_h: Ints
    pair_u: Ints
    pair_fit: Ints

    def waiting_cost(self, h: Ints, a: Floats, b: Floats) -> Floats:
        """Waiting cost of households ``h`` on the list over days ``[a, b)``."""
        months = self.month_cost.shape[1]
        edges = np.arange(months + 1) * DAYS_PER_MONTH
        edges[-1] = np.inf
        lo = np.maximum(a[:, None], edges[None, :-1])
        hi = np.minimum(b[:, None], edges[None, 1:])
        days = np.clip(hi - lo, 0, None)
        out: Floats = (days * self.month_cost[h]).sum(axis=1)
        return out


def facts(
    world: World,
    households: list[tuple[Household, float, float, float]],
    units: list[tuple[Unit, float, float, int]],
    months: int,
) -> Facts:
    """Facts of ``households`` (household, joined day, leave day, tenancy days) and ``units`` (unit,
    offer-from day, free-from day, zone), with the matcher's eligibility and fit of every pair."""
    spec = world.spec
    start = world.start
    big = [SupportZone(id="all", communes=frozenset(world.zone_of_commune), capacity_points=10**9)]
    policy = spec.policy.model_copy(update={"availability_horizon_days": 100_000})
    us = [u.model_copy(update={"available_from": start}) for u, *_ in units]
    hs = [h for h, *_ in households]
    problem = MatchProblem(
        match_date=start, households=hs, units=us, support_zones=big, policy=policy, alternatives=0
    )
    comp = compile_problem(problem)
    cost = np.empty((len(hs), months + 1))
    for m in range(months + 1):
        at = problem.model_copy(update={"match_date": start + timedelta(days=round(m * DAYS_PER_MONTH))})
        cost[:, m] = unhoused_costs(household_arrays(at), policy) / DAYS_PER_MONTH
    model = comp.model
    return Facts(
        household_ids=[h.id for h in hs],
        unit_ids=[u.id for u in us],
        joined=np.array([j for _, j, _, _ in households], np.float64),
        leaves=np.array([lv for _, _, lv, _ in households], np.float64),
        tenancy=np.array([t for *_, t in households], np.float64),
        points=comp.households.points,
        month_cost=cost,
        offer_from=np.array([o for _, o, _, _ in units], np.float64),
        free_from=np.array([f for _, _, f, _ in units], np.float64),
        unit_zone=np.array([z for *_, z in units], np.int64),
        pair_h=np.asarray(model.edge_item, np.int64),
        pair_u=np.asarray(model.edge_option, np.int64),
        pair_fit=np.asarray(model.edge_cost, np.int64),
    )


def world_facts(world: World) -> Facts:
    """Facts of every household and unit a world will ever hold."""
    spec = world.spec
    horizon = spec.policy.availability_horizon_days
    hh = [(a.household, float(a.joined_day), a.leave_day, a.tenancy_days) for a in world.waiting]
    hh += [(a.household, float(day), a.leave_day, a.tenancy_days) for day, a in world.arrivals]
    units = []
    for s in world.units:
        lets = s.let_until if s.let_until < math.inf else -math.inf
        units.append((s.unit, max(0.0, lets, s.free_from - horizon), s.free_from, s.zone))
    for day, s in world.new_units:
        units.append((s.unit, float(day), s.free_from, s.zone))
    return facts(world, hh, units, spec.run.months)


@dataclass(frozen=True, eq=False)
class Model:
    """The time-expanded model: variables ``(h, u, t)`` with their values, and ``A x <= b``."""

    h: Ints
    u: Ints
    t: Ints
    value: Floats
    a: sp.csr_matrix
    b: Floats
    unit_rows: int  #: rows ``u * periods + s`` come first, then ``zone * periods + s``
    periods: int
    run_days: Floats


def build_model(
    f: Facts,
    run_days: Floats,
    *,
    end_day: float,
    zone_free: Floats,
    turnaround: float,
    horizon_days: float,
    support_days: float,
    known_leaves: bool = True,
) -> Model:
    """The model over runs ``run_days``; ``zone_free[z, s]`` is zone ``z``'s free caseload at run ``s``
    before any proposal of the model. ``known_leaves=False`` ignores when households would leave
    (a planner does not know it)."""
    periods = run_days.size
    n_u = f.unit_ids.__len__()
    leaves = f.leaves if known_leaves else np.full(f.leaves.size, np.inf)
    ends = np.minimum(leaves, end_day)
    ph, pu, fit = f.pair_h, f.pair_u, f.pair_fit
    hs, us, ts = (np.repeat(x, periods) for x in (ph, pu, np.arange(ph.size)))
    t = np.tile(np.arange(periods), ph.size)
    day = run_days[t]
    ok = (f.joined[hs] <= day) & (day < leaves[hs]) & (day >= f.offer_from[us]) & (day < end_day)
    hs, us, t, day, k = hs[ok], us[ok], t[ok], day[ok], ts[ok]
    value = f.waiting_cost(hs, day, ends[hs]) - fit[k]
    keep = value > 0
    hs, us, t, day, value = hs[keep], us[keep], t[keep], day[keep], value[keep]
    movein = np.maximum(day, f.free_from[us])
    gone = movein + f.tenancy[hs]
    again = np.maximum(gone, gone + turnaround - horizon_days)  # first run day it can be offered again
    followed = movein + support_days
    n_z = zone_free.shape[0]
    rows, cols, vals = [], [], []
    var = np.arange(hs.size)
    for s in range(periods):
        d = run_days[s]
        holds = (t <= s) & (again > d)
        rows.append(us[holds] * periods + s)
        cols.append(var[holds])
        vals.append(np.ones(int(holds.sum())))
        counted = (t <= s) & (followed > d)
        rows.append(n_u * periods + f.unit_zone[us[counted]] * periods + s)
        cols.append(var[counted])
        vals.append(f.points[hs[counted]].astype(np.float64))
    n_rows = (n_u + n_z) * periods
    a_units = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n_rows, hs.size)
    )
    one = sp.csr_matrix((np.ones(hs.size), (hs, var)), shape=(len(f.household_ids), hs.size))
    a = sp.vstack([a_units, one]).tocsr()
    b = np.concatenate([np.ones(n_u * periods), zone_free.reshape(-1), np.ones(len(f.household_ids))])
    return Model(hs, us, t, value, a, b, n_u * periods, periods, run_days)


def solve(model: Model, *, integral: bool, time_limit: float = 120.0) -> OptimizeResult:
    """Maximise the value: a MIP (``integral``) or its LP relaxation (with duals), both by HiGHS."""
    if not integral:
        return linprog(
            -model.value,
            A_ub=model.a,
            b_ub=model.b,
            bounds=(0, 1),
            method="highs",
            options={"time_limit": time_limit},
        )
    return milp(
        -model.value,
        constraints=LinearConstraint(model.a, -np.inf, model.b),
        integrality=np.ones(model.value.size),
        bounds=Bounds(0, 1),
        options={"time_limit": time_limit, "mip_rel_gap": 1e-3},
    )


@dataclass(frozen=True)
class Housing:
    """One household housed by a policy: by whom, where, on which run day."""

    household: str
    unit: str
    day: float


@dataclass(frozen=True)
class Hindsight:
    value: float  #: best value found
    bound: float  #: proven upper bound on the value
    housed: int
    variables: int
    seconds: float
    housings: tuple[Housing, ...] = ()


def zone_free_at(world: World, run_days: Floats) -> Floats:
    """Each zone's free caseload points at each run day, from the sitting tenants followed."""
    out = np.empty((len(world.capacity), run_days.size))
    for s, d in enumerate(run_days):
        used = [0] * len(world.capacity)
        for c in world.caseload:
            if c.until > d:
                used[c.zone] += c.points
        out[:, s] = [max(0, cap - u) for cap, u in zip(world.capacity, used, strict=True)]
    return out


def hindsight(world: World, interval_days: int | None = None, *, time_limit: float = 300.0) -> Hindsight:
    """The hindsight optimum of ``world`` (a world of :func:`benchmark_spec`), with matching runs
    every ``interval_days`` (default: the spec's)."""
    import time

    spec = world.spec
    step = interval_days or spec.run.matching_interval_days
    run_days = np.arange(0, world.days, step, dtype=np.float64)
    f = world_facts(world)
    started = time.perf_counter()
    model = build_model(
        f,
        run_days,
        end_day=float(world.days),
        zone_free=zone_free_at(world, run_days),
        turnaround=float(spec.stock.turnaround_days),
        horizon_days=float(spec.policy.availability_horizon_days),
        support_days=spec.support.support_months * DAYS_PER_MONTH,
    )
    res = solve(model, integral=True, time_limit=time_limit)
    if res.x is None:
        raise RuntimeError(f"hindsight model not solved: {res.message}")
    x = np.rint(res.x)
    bound = -float(res.mip_dual_bound) if res.mip_dual_bound is not None else -float(res.fun)
    return Hindsight(
        value=float(model.value @ x),
        bound=max(bound, float(model.value @ x)),
        housed=int(x.sum()),
        variables=int(model.value.size),
        seconds=time.perf_counter() - started,
        housings=tuple(
            Housing(f.household_ids[h], f.unit_ids[u], float(run_days[t]))
            for h, u, t in zip(model.h[x > 0.5], model.u[x > 0.5], model.t[x > 0.5], strict=True)
        ),
    )


def policy_value(f: Facts, housed: list[Housing], end_day: float) -> float:
    """The hindsight model's value of what a policy did: waiting saved minus fit, summed."""
    h_idx = {h: k for k, h in enumerate(f.household_ids)}
    u_idx = {u: k for k, u in enumerate(f.unit_ids)}
    n_u = len(f.unit_ids)
    fit = dict(zip((f.pair_h * n_u + f.pair_u).tolist(), f.pair_fit.tolist(), strict=True))
    if not housed:
        return 0.0
    h = np.array([h_idx[x.household] for x in housed], np.int64)
    u = np.array([u_idx[x.unit] for x in housed], np.int64)
    day = np.array([x.day for x in housed], np.float64)
    ends = np.minimum(f.leaves[h], end_day)
    saved = f.waiting_cost(h, day, ends)
    fits = np.array([fit[int(a) * n_u + int(b)] for a, b in zip(h, u, strict=True)], np.float64)
    return float((saved - fits).sum())
