"""First come first served: the allocation rule the optimiser is compared with.

In order of registration (earliest first; ties by id), each household takes the eligible unit that
fits it best (lowest fit cost, the matcher's own eligibility and fit) among those still free whose
support zone has its caseload points left. No look-ahead, no trade-offs between households.
"""

from __future__ import annotations

import numpy as np

from matcher.compile import compile_problem
from matcher.instance import MatchProblem


def first_come(problem: MatchProblem) -> dict[str, str]:
    """Household id -> unit id proposed, by first come first served."""
    comp = compile_problem(problem)
    model = comp.model
    item = np.asarray(model.edge_item)
    option = np.asarray(model.edge_option)
    cost = np.asarray(model.edge_cost)
    left = [z.capacity_points for z in problem.support_zones]
    zone = comp.units.zone
    points = comp.households.points
    order = sorted(
        range(len(problem.households)),
        key=lambda k: (problem.households[k].registered_on, problem.households[k].id),
    )
    taken = np.zeros(len(problem.units), bool)
    out: dict[str, str] = {}
    for h in order:
        edges = np.flatnonzero(item == h)
        for e in edges[np.argsort(cost[edges], kind="stable")]:
            u = int(option[e])
            z = int(zone[u])
            if taken[u] or (z >= 0 and left[z] < points[h]):
                continue
            taken[u] = True
            if z >= 0:
                left[z] -= int(points[h])
            out[problem.households[h].id] = problem.units[u].id
            break
    return out
