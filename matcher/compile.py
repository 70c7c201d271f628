"""Translate a housing problem into the generic capacitated assignment problem.

Households are items (each may stay unhoused, at its priority-weighted cost), units are options of
capacity one, eligible pairs are edges. Support zones become side constraints weighted by caseload
points; quotas become side constraints of weight one. Pins become pinned edges.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from matcher.arrays import (
    PROGRAMMES,
    HouseholdArrays,
    UnitArrays,
    commune_index,
    household_arrays,
    unit_arrays,
)
from matcher.assignment import AssignmentProblem, SideConstraint
from matcher.costs import pair_costs, unhoused_costs
from matcher.domain import Programme, QuotaScope
from matcher.eligibility import Eligibility, Reason, eligible_pairs, pair_reasons
from matcher.errors import InvalidProblemError
from matcher.fairness import fairness_constraints
from matcher.instance import MatchProblem
from matcher.potentials import pair_potentials, unhoused_potentials
from matcher.transfers import new_load, new_placement


class LimitKind(StrEnum):
    """What a side constraint of the model stands for."""

    SUPPORT_ZONE = "support zone"
    QUOTA = "quota"
    FAIRNESS = "fairness target"


@dataclass(frozen=True, slots=True)
class Limit:
    """The housing meaning of one side constraint: its kind and the zone's or quota's id."""

    kind: LimitKind
    id: str

    @property
    def label(self) -> str:
        return f"{self.kind.value} {self.id}"


@dataclass(frozen=True, eq=False)
class Compiled:
    """Everything later stages need: the source problem, its arrays, eligibility and the model.

    ``limits[k]`` says what the model's side constraint ``k`` is.
    """

    problem: MatchProblem
    households: HouseholdArrays
    units: UnitArrays
    eligibility: Eligibility
    model: AssignmentProblem
    limits: tuple[Limit, ...]


def compile_problem(problem: MatchProblem) -> Compiled:
    """Check, vectorise and translate. Raises :class:`InvalidProblemError` for a bad pin."""
    problem.check()
    hh = household_arrays(problem)
    units = unit_arrays(problem)
    h_idx = {h.id: k for k, h in enumerate(problem.households)}
    u_idx = {u.id: k for k, u in enumerate(problem.units)}
    banned: dict[int, list[int]] = {}
    for k, h in enumerate(problem.households):
        banned[k] = [u_idx[u] for u in h.excluded_units if u in u_idx]
    for p in problem.forbids:
        banned[h_idx[p.household]].append(u_idx[p.unit])
    forbidden = {k: np.asarray(v, np.int64) for k, v in banned.items() if v}
    day = problem.match_date.toordinal()
    elig = eligible_pairs(hh, units, problem.policy, day, forbidden)
    cost = pair_costs(hh, units, problem.policy, elig.household, elig.unit)

    n_u = len(problem.units)
    key = elig.household * n_u + elig.unit
    pinned = []
    for k, pin in enumerate(problem.pins):
        hi, ui = h_idx[pin.household], u_idx[pin.unit]
        pos = int(np.searchsorted(key, hi * n_u + ui))
        if pos >= key.size or key[pos] != hi * n_u + ui:
            ban = np.zeros((1, n_u), bool)
            ban[0, forbidden.get(hi, np.zeros(0, np.int64))] = True
            why = pair_reasons(hh, units, problem.policy, np.array([hi]), day, ban)[0, ui]
            raise InvalidProblemError(f"pins[{k}]", "unit", f"the pair is not eligible: {Reason(why).label}")
        pinned.append(pos)

    constraints = []
    limits = []
    unit_of_edge = elig.unit
    for z, zone in enumerate(problem.support_zones):
        edges = np.flatnonzero(units.zone[unit_of_edge] == z)
        limits.append(Limit(LimitKind.SUPPORT_ZONE, zone.id))
        constraints.append(
            SideConstraint(
                limits[-1].label,
                edges,
                hh.points[elig.household[edges]]
                * new_load(hh, units, elig.household[edges], elig.unit[edges]),
                zone.capacity_points,
            )
        )
    cidx = commune_index()
    for q in problem.quotas:
        if q.scope is QuotaScope.COMMUNE:
            edges = np.flatnonzero(units.commune[unit_of_edge] == cidx[q.key])
        else:
            edges = np.flatnonzero(units.programme[unit_of_edge] == PROGRAMMES.index(Programme(q.key)))
        limits.append(Limit(LimitKind.QUOTA, q.id))
        constraints.append(
            SideConstraint(
                limits[-1].label,
                edges,
                new_placement(hh, elig.household[edges], elig.unit[edges]).astype(np.int64),
                q.max_households,
                q.min_households,
            )
        )
    for target, row in fairness_constraints(problem, elig.household):  # matcher.fairness
        limits.append(Limit(LimitKind.FAIRNESS, target.id))
        constraints.append(row)
    unhoused = unhoused_costs(hh, problem.policy, units)
    if problem.potentials is not None:  # look-ahead prices, apart from fit (matcher.potentials)
        pot = problem.potentials
        cost = cost + pair_potentials(
            pot,
            [u.id for u in problem.units],
            [z.id for z in problem.support_zones],
            units.zone,
            hh.points,
            elig.household,
            elig.unit,
        )
        unhoused = unhoused_potentials(pot, [h.id for h in problem.households], unhoused)
    model = AssignmentProblem.create(
        len(problem.households),
        n_u,
        elig.household,
        elig.unit,
        cost,
        unassigned_cost=unhoused,
        option_capacity=1,
        constraints=constraints,
        pinned=pinned,
    )
    return Compiled(problem, hh, units, elig, model, tuple(limits))
