"""Look-ahead allocation: price the future into each matching run from sampled futures.

At a run on day ``d`` the planner knows who is waiting, which units are free, which leases end
within the next ``allocation.lookahead_months`` and how much caseload each zone has left; it does not
know who will arrive or which units will come in. Each sampled future (a world drawn from the same
spec with another seed) supplies arrivals and new units for that window. The time-expanded model of
:mod:`scenarios.hindsight` over the window (runs every ``matching_interval_days``, leaving the list
unknown) is solved as an LP by HiGHS; its duals are averaged over the samples and become the run's
:class:`matcher.potentials.Potentials`:

* ``unit_reserve[u]``: the duals of ``u``'s capacity at the later runs of the window (what keeping
  ``u`` is worth to households to come);
* ``zone_point_value[z]``: the duals of zone ``z``'s caseload at the later runs, per point;
* ``unhoused[h]``: the waiting the window would cost ``h`` minus ``h``'s own dual (what ``h`` still
  gets later), plus a small tie-break towards housing now.

With these the run's optimum is the LP's first-run decision priced by reduced costs (the duals of
the first run itself are left to the run's own competition). Costs ``samples`` LPs per run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matcher.domain import Household
from matcher.months import DAYS_PER_MONTH
from matcher.potentials import Potentials
from scenarios.hindsight import build_model, facts, solve
from scenarios.world import StockUnit, UnitState, World, build_world

#: Share of one run's waiting price added to the unhoused value, so that ties house now.
TIE_BREAK = 0.05
ZoneFree = NDArray[np.float64]


def sample_worlds(world: World) -> list[World]:
    """The futures the look-ahead samples from: the same spec, seeds apart from the world's."""
    spec = world.spec
    return [build_world(spec, 7_919 * (world.seed + 1) + k) for k in range(spec.allocation.lookahead_samples)]


@dataclass(frozen=True)
class Window:
    day: int
    run_days: NDArray[np.float64]
    end: float


def window(world: World, day: int) -> Window:
    spec = world.spec
    end = day + spec.allocation.lookahead_months * DAYS_PER_MONTH
    step = spec.run.matching_interval_days
    return Window(day, np.arange(day, end, step, dtype=np.float64), end)


def potentials(
    world: World,
    day: int,
    waiting: list[Household],
    stock: list[StockUnit],
    zone_free: ZoneFree,
    samples: list[World],
) -> Potentials:
    """The run's potentials (see the module docstring); ``zone_free[z, s]``: zone ``z``'s free
    caseload at the window's run ``s``."""
    spec = world.spec
    w = window(world, day)
    horizon = spec.policy.availability_horizon_days
    tenancy = spec.stock.tenancy_months_mean * DAYS_PER_MONTH
    now = [s for s in stock if s.state is not UnitState.LET and s.free_from <= day + horizon]
    soon = [s for s in stock if s.state is UnitState.LET and s.let_until < w.end]
    units = [(s.unit, float(day), s.free_from, s.zone) for s in now]
    units += [(s.unit, max(s.let_until, s.free_from - horizon), s.free_from, s.zone) for s in soon]
    hh = [(h, float(day), math.inf, tenancy) for h in waiting]
    months = math.ceil(w.end / DAYS_PER_MONTH) + 1
    n_now = len(now)
    reserve = np.zeros(n_now)
    value = np.zeros(zone_free.shape[0])
    unhoused = np.zeros(len(waiting))
    for k, sample in enumerate(samples):
        came = [
            (a.household.model_copy(update={"id": f"S{k}-{a.household.id}"}), float(d), math.inf, tenancy)
            for d, a in sample.arrivals
            if day < d < w.end
        ]
        new = [
            (s.unit.model_copy(update={"id": f"S{k}-{s.unit.id}"}), float(d), s.free_from, s.zone)
            for d, s in sample.new_units
            if day < d < w.end
        ]
        f = facts(world, hh + came, units + new, months)
        model = build_model(
            f,
            w.run_days,
            end_day=w.end,
            zone_free=zone_free,
            turnaround=float(spec.stock.turnaround_days),
            horizon_days=float(horizon),
            support_days=spec.support.support_months * DAYS_PER_MONTH,
            known_leaves=False,
        )
        res = solve(model, integral=False)
        if res.status != 0:
            continue
        dual = -np.asarray(res.ineqlin.marginals)  # >= 0: value of one more unit of each row
        p = model.periods
        n_u = len(f.unit_ids)
        lam = dual[: n_u * p].reshape(n_u, p)
        mu = dual[n_u * p : model.unit_rows + zone_free.size].reshape(zone_free.shape[0], p)
        pi = dual[model.unit_rows + zone_free.size :]
        reserve += lam[:n_now, 1:].sum(axis=1)
        value += mu[:, 1:].sum(axis=1)
        idx = np.arange(len(waiting))
        wait = f.waiting_cost(idx, np.full(idx.size, float(day)), np.full(idx.size, w.end))
        one_run = f.waiting_cost(
            idx,
            np.full(idx.size, float(day)),
            np.full(idx.size, float(day + spec.run.matching_interval_days)),
        )
        unhoused += wait - pi[: len(waiting)] + TIE_BREAK * one_run
    n = len(samples)
    return Potentials(
        unit_reserve={s.unit.id: float(r / n) for s, r in zip(now, reserve, strict=True)},
        zone_point_value={z: float(v / n) for z, v in zip(world.zone_names, value, strict=True)},
        unhoused={h.id: float(v / n) for h, v in zip(waiting, unhoused, strict=True)},
    )
