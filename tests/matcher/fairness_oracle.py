"""Brute force for the fairness tests: every assignment of a tiny run, the cheapest that passes."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from matcher.compile import compile_problem
from matcher.domain import Household
from matcher.instance import MatchProblem


def kind(h: Household) -> str:
    """Household type as the targets' documentation defines it, written again for the oracle."""
    a, c = h.adults, len(h.children_ages)
    return {1: "single_parent" if c else "single", 2: "couple_children" if c else "couple"}.get(
        a, "multi_adult"
    )


def cheapest(p: MatchProblem, ok: Callable[[set[int]], bool]) -> float | None:
    """The lowest objective over every assignment (the run without its fairness targets) whose set of
    housed households passes ``ok``, or None if none does."""
    plain = p.model_copy(update={"policy": p.policy.model_copy(update={"fairness": [], "fairness_gaps": []})})
    m = compile_problem(plain).model
    opts: list[list[tuple[int, int] | None]] = [[None] for _ in p.households]
    for e, (h, u) in enumerate(zip(m.edge_item, m.edge_option, strict=True)):
        opts[int(h)].append((int(u), e))
    best: float | None = None
    for combo in itertools.product(*opts):
        units = [c[0] for c in combo if c is not None]
        if len(units) != len(set(units)) or not ok({k for k, c in enumerate(combo) if c is not None}):
            continue
        cost = sum(
            int(m.edge_cost[c[1]]) if c is not None else int(m.unassigned_cost[k])
            for k, c in enumerate(combo)
        )
        best = cost if best is None else min(best, cost)
    return best
