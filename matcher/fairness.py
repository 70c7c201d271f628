"""Fairness targets as side constraints of the assignment, and what they cost.

A target asks that at least ``min_housed_share`` of the run's households of one group (household
type, support intensity or vulnerability; never nationality, which the matcher does not see) be
proposed a unit: ``sum of the group's edges >= ceil(share x group size)``. :func:`fairness_price`
solves the run with and without the targets and says what they cost (objective, households housed)
and which groups they moved; when the targets cannot all be met it names the ones that cannot be met
even alone, or all of them when only their combination fails.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from matcher.assignment import SideConstraint, SolveOptions
from matcher.domain import FairnessGroup, FairnessTarget, Household, Vulnerability
from matcher.instance import MatchProblem


def group_of(h: Household, group: FairnessGroup) -> str:
    """The household's value for a fairness grouping."""
    if group is FairnessGroup.SUPPORT:
        return h.support.value
    if group is FairnessGroup.VULNERABILITY:
        return "vulnerable" if h.vulnerabilities else "not_vulnerable"
    kids = len(h.children_ages)
    if h.adults >= 3:
        return "multi_adult"
    if h.adults == 2:
        return "couple_children" if kids else "couple"
    return "single_parent" if kids or Vulnerability.SINGLE_PARENT in h.vulnerabilities else "single"


def members(problem: MatchProblem, target: FairnessTarget) -> NDArray[np.int64]:
    """Indices of the run's households the target counts."""
    return np.array(
        [k for k, h in enumerate(problem.households) if group_of(h, target.group) == target.value], np.int64
    )


def required(problem: MatchProblem, target: FairnessTarget) -> int:
    """Households of the group the target requires to be proposed a unit."""
    return math.ceil(target.min_housed_share * members(problem, target).size - 1e-9)


def fairness_constraints(
    problem: MatchProblem, edge_household: NDArray[np.int64]
) -> list[tuple[FairnessTarget, SideConstraint]]:
    """One side constraint per target of the policy, over the edges of the group's households."""
    out = []
    for t in problem.policy.fairness:
        group = np.isin(edge_household, members(problem, t))
        edges = np.flatnonzero(group)
        out.append(
            (
                t,
                SideConstraint(
                    f"fairness {t.id}", edges, np.ones(edges.size, np.int64), None, required(problem, t)
                ),
            )
        )
    return out


@dataclass(frozen=True)
class FairnessPrice:
    """What a run's fairness targets cost."""

    feasible: bool
    objective_with: float | None
    objective_without: float | None
    housed_with: int
    housed_without: int
    shares_with: dict[str, float] = field(default_factory=dict)  #: "support=intensive" -> housed share %
    shares_without: dict[str, float] = field(default_factory=dict)
    moved: dict[str, float] = field(default_factory=dict)  #: group -> points of % it gained (or lost)
    infeasible_targets: tuple[str, ...] = ()

    @property
    def cost_share(self) -> float | None:
        """Objective increase the targets cause, as a share of the objective without them."""
        if self.objective_with is None or not self.objective_without:
            return None
        return (self.objective_with - self.objective_without) / abs(self.objective_without)


def _shares(problem: MatchProblem, housed: set[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for g in FairnessGroup:
        counts: dict[str, list[bool]] = {}
        for h in problem.households:
            counts.setdefault(f"{g.value}={group_of(h, g)}", []).append(h.id in housed)
        out |= {k: 100 * sum(v) / len(v) for k, v in sorted(counts.items())}
    return out


def fairness_price(problem: MatchProblem, options: SolveOptions | None = None) -> FairnessPrice:
    """Solve ``problem`` with and without its policy's fairness targets and compare."""
    from matcher.match import match

    without_problem = problem.model_copy(
        update={"policy": problem.policy.model_copy(update={"fairness": []})}
    )
    without = match(without_problem, options)
    with_ = match(problem, options)
    housed_without = {p.household for p in without.proposals}
    sh_without = _shares(problem, housed_without)
    ok = with_.status.value in ("optimal", "feasible")
    if not ok:
        bad = []
        for t in problem.policy.fairness:
            alone = problem.model_copy(update={"policy": problem.policy.model_copy(update={"fairness": [t]})})
            if match(alone, options).status.value not in ("optimal", "feasible"):
                bad.append(t.id)
        return FairnessPrice(
            feasible=False,
            objective_with=None,
            objective_without=without.objective,
            housed_with=0,
            housed_without=len(housed_without),
            shares_without=sh_without,
            infeasible_targets=tuple(bad or (t.id for t in problem.policy.fairness)),
        )
    housed_with = {p.household for p in with_.proposals}
    sh_with = _shares(problem, housed_with)
    moved = {g: sh_with[g] - sh_without[g] for g in sh_with if abs(sh_with[g] - sh_without[g]) > 1e-9}
    return FairnessPrice(
        feasible=True,
        objective_with=with_.objective,
        objective_without=without.objective,
        housed_with=len(housed_with),
        housed_without=len(housed_without),
        shares_with=sh_with,
        shares_without=sh_without,
        moved=moved,
    )
