"""Fairness targets as side constraints of the assignment, and what they cost.

A target asks that at least ``min_housed_share`` of the run's households of one group (household
type, support intensity or vulnerability; never nationality, which the matcher does not see) be
proposed a unit: ``sum of the group's edges >= ceil(share x group size)``. :func:`fairness_price`
solves the run with and without the targets and says what they cost (objective, households housed,
travel to work) and which groups they moved; when the targets cannot all be met it names the ones
that cannot be met even alone, or all of them when only their combination fails. :func:`price_of`
is the same comparison of two results already solved (the simulator's runs).

A maximum gap (:class:`FairnessGap`: no two groups' housed shares more than ``max_gap`` apart)
needs no negative weight: it holds iff some level ``s`` has every group's share in ``[s, s + gap]``,
a minimum and an upper cap per group. :func:`match_within_gap` tries the candidate levels and keeps
the best feasible objective.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from matcher.assignment import UNBOUNDED, AssignmentProblem, SideConstraint, SolveOptions
from matcher.domain import FairnessGap, FairnessGroup, FairnessTarget, Household, Vulnerability
from matcher.instance import MatchProblem
from matcher.travel import trip_minutes

if TYPE_CHECKING:
    from matcher.result import MatchResult


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
    travel_with: float = 0.0  #: minutes to work summed over the proposals to households with a job
    commuters_with: int = 0  #: proposals to households with a job
    travel_without: float = 0.0
    commuters_without: int = 0

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


def _travel(problem: MatchProblem, result: MatchResult) -> tuple[float, int]:
    """Minutes to work summed over the proposals to households with a job, and how many they are."""
    hh = {h.id: h for h in problem.households}
    units = {u.id: u for u in problem.units}
    trips = [
        trip_minutes(problem.policy, work, units[p.unit])
        for p in result.proposals
        if (work := hh[p.household].work) is not None
    ]
    return float(sum(trips)), len(trips)


__all__ = ["FairnessGap", "FairnessPrice", "GapResult", "has_targets", "match_within_gap", "price_of"]


def has_targets(problem: MatchProblem) -> bool:
    """Whether the run's policy sets any fairness target (a minimum share or a maximum gap)."""
    return bool(problem.policy.fairness or problem.policy.fairness_gaps)


def _with_only(problem: MatchProblem, targets: list[FairnessTarget], gaps: list[FairnessGap]) -> MatchProblem:
    policy = problem.policy.model_copy(update={"fairness": targets, "fairness_gaps": gaps})
    return problem.model_copy(update={"policy": policy})


def without_targets(problem: MatchProblem) -> MatchProblem:
    """The same run with no fairness target (neither minimum shares nor gaps)."""
    return _with_only(problem, [], [])


def _solved(result: MatchResult) -> bool:
    return result.status.value in ("optimal", "feasible")


def infeasible_targets(problem: MatchProblem, options: SolveOptions | None = None) -> tuple[str, ...]:
    """The targets (minimum shares and gaps) that cannot be met even alone, or all of them when only
    their combination fails."""
    from matcher.match import match

    policy = problem.policy
    alone = [(t.id, _with_only(problem, [t], [])) for t in policy.fairness]
    alone += [(g.id, _with_only(problem, [], [g])) for g in policy.fairness_gaps]
    bad = [name for name, p in alone if not _solved(match(p, options))]
    return tuple(bad or (name for name, _ in alone))


def price_of(
    problem: MatchProblem,
    with_: MatchResult,
    without: MatchResult,
    options: SolveOptions | None = None,
) -> FairnessPrice:
    """Compare ``with_`` (``problem`` solved with its targets) and ``without`` (solved without them);
    names the targets that fail when ``with_`` found no solution (solving them alone)."""
    housed_without = {p.household for p in without.proposals}
    sh_without = _shares(problem, housed_without)
    travel_without, commuters_without = _travel(problem, without)
    if not _solved(with_):
        return FairnessPrice(
            feasible=False,
            objective_with=None,
            objective_without=without.objective,
            housed_with=0,
            housed_without=len(housed_without),
            shares_without=sh_without,
            infeasible_targets=infeasible_targets(problem, options),
            travel_without=travel_without,
            commuters_without=commuters_without,
        )
    housed_with = {p.household for p in with_.proposals}
    sh_with = _shares(problem, housed_with)
    moved = {g: sh_with[g] - sh_without[g] for g in sh_with if abs(sh_with[g] - sh_without[g]) > 1e-9}
    travel_with, commuters_with = _travel(problem, with_)
    return FairnessPrice(
        feasible=True,
        objective_with=with_.objective,
        objective_without=without.objective,
        housed_with=len(housed_with),
        housed_without=len(housed_without),
        shares_with=sh_with,
        shares_without=sh_without,
        moved=moved,
        travel_with=travel_with,
        commuters_with=commuters_with,
        travel_without=travel_without,
        commuters_without=commuters_without,
    )


def fairness_price(problem: MatchProblem, options: SolveOptions | None = None) -> FairnessPrice:
    """Solve ``problem`` with and without its policy's fairness targets and compare."""
    from matcher.match import match

    return price_of(problem, match(problem, options), match(without_targets(problem), options), options)


# ---------------------------------------------------------------------------------------------------
# maximum gap between groups


@dataclass(frozen=True)
class GapResult:
    """The best run within the gap over the levels tried (``result`` None when none was feasible;
    ``failed`` is then the last infeasible solve, whose status and conflict say why)."""

    gap: FairnessGap
    result: MatchResult | None
    level: float | None  #: the level s of the kept result: every share in [s, s + gap]
    objectives: dict[float, int | None]  #: level tried -> its objective (None: infeasible)
    failed: MatchResult | None = None

    @property
    def feasible(self) -> bool:
        return self.result is not None


def gap_groups(problem: MatchProblem, gap: FairnessGap) -> dict[str, NDArray[np.int64]]:
    """The run's households of each value of the gap's grouping (indices), values with members only."""
    out: dict[str, list[int]] = {}
    for k, h in enumerate(problem.households):
        out.setdefault(group_of(h, gap.group), []).append(k)
    return {v: np.array(ks, np.int64) for v, ks in sorted(out.items())}


def gap_levels(problem: MatchProblem, gap: FairnessGap, max_levels: int = 12) -> list[float]:
    """Candidate levels: every share a group can have (k / its size); an optimum within the gap has
    its lowest share among them. More than ``max_levels`` are thinned evenly (0 and 1 kept)."""
    sizes = {len(ks) for ks in gap_groups(problem, gap).values()}
    levels = sorted({round(k / n, 12) for n in sizes for k in range(n + 1)}) or [0.0]  # no one: any level
    if len(levels) <= max_levels:
        return levels
    picks = np.unique(np.round(np.linspace(0, len(levels) - 1, max_levels)).astype(np.int64))
    return [levels[i] for i in picks]


def _bounds(level: float, gap: float, n: int) -> tuple[int, int]:
    """Households of a group of ``n`` that keep its share within [level, level + gap]."""
    return math.ceil(level * n - 1e-9), min(n, math.floor((level + gap) * n + 1e-9))


def match_within_gap(
    problem: MatchProblem,
    gap: FairnessGap,
    options: SolveOptions | None = None,
    levels: list[float] | None = None,
) -> GapResult:
    """The run's best proposals with every group's housed share within ``gap.max_gap`` of the others.

    Each level ``s`` of ``levels`` (default :func:`gap_levels`) adds, per group, a minimum of
    ``ceil(s x size)`` and a cap of ``floor((s + gap) x size)`` proposals to the compiled run (the
    policy's own targets stay); the lowest objective over the feasible levels is kept. The levels
    share ``options.time_limit`` equally.
    """
    from matcher.assignment import solve
    from matcher.compile import Limit, LimitKind, compile_problem
    from matcher.explain import explain

    compiled = compile_problem(problem)
    model = compiled.model
    groups = gap_groups(problem, gap)
    edge_household = compiled.eligibility.household
    edges_of = {v: np.flatnonzero(np.isin(edge_household, ks)) for v, ks in groups.items()}
    objectives: dict[float, int | None] = {}
    best: tuple[MatchResult, float, int] | None = None
    failed: MatchResult | None = None
    tried = gap_levels(problem, gap) if levels is None else levels
    # the run's time limit is shared by the levels, so that the search keeps the run's promise
    opts = options or SolveOptions()
    each = dataclasses.replace(opts, time_limit=opts.time_limit / max(1, len(tried)))
    for level in tried:
        bounds = {v: _bounds(level, gap.max_gap, ks.size) for v, ks in groups.items()}
        if any(lo > hi for lo, hi in bounds.values()):
            objectives[level] = None
            continue
        rows = [
            SideConstraint(f"fairness {gap.id} {v}", e, np.ones(e.size, np.int64), bounds[v][1], bounds[v][0])
            for v, e in edges_of.items()
        ]
        extra = _stack(model, rows)
        limits = compiled.limits + tuple(Limit(LimitKind.FAIRNESS, f"{gap.id} {v}") for v in edges_of)
        result = explain(dataclasses.replace(compiled, model=extra, limits=limits), solve(extra, each))
        objective = result.objective if _solved(result) else None
        objectives[level] = objective
        if objective is None:
            failed = result
        if objective is not None and (best is None or objective < best[2]):
            best = (result, level, objective)
    return GapResult(gap, best[0] if best else None, best[1] if best else None, objectives, failed)


def _stack(model: AssignmentProblem, rows: list[SideConstraint]) -> AssignmentProblem:
    """``model`` with ``rows`` appended to its side constraints (ones as weights, so nothing to check)."""
    import scipy.sparse as sp

    extra = sp.csr_matrix(
        (
            np.concatenate([np.ones(len(r.edges), np.int64) for r in rows] + [np.zeros(0, np.int64)]),
            (
                np.concatenate(
                    [np.full(len(r.edges), k, np.int64) for k, r in enumerate(rows)] + [np.zeros(0, np.int64)]
                ),
                np.concatenate([np.asarray(r.edges, np.int64) for r in rows] + [np.zeros(0, np.int64)]),
            ),
        ),
        shape=(len(rows), model.n_edges),
        dtype=np.int64,
    )
    return dataclasses.replace(
        model,
        constraint_matrix=sp.vstack([model.constraint_matrix, extra], format="csr", dtype=np.int64),
        constraint_lower=np.concatenate([model.constraint_lower, [r.lower for r in rows]]).astype(np.int64),
        constraint_upper=np.concatenate(
            [model.constraint_upper, [r.upper if r.upper is not None else UNBOUNDED for r in rows]]
        ).astype(np.int64),
        constraint_names=model.constraint_names + tuple(r.name for r in rows),
    )
