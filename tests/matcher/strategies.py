"""Hypothesis strategies: random generic problems and small generated housing problems."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from matcher.assignment import AssignmentProblem, SideConstraint


@st.composite
def assignment_problems(
    draw: st.DrawFn, max_items: int = 5, max_options: int = 5, side: bool = True, must: bool = True
) -> AssignmentProblem:
    """Small problems with every feature: optional items, must-assign items, capacities > 1,
    weighted upper and lower side constraints, pins and forbidden edges."""
    n = draw(st.integers(1, max_items))
    m = draw(st.integers(1, max_options))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    mask = rng.random((n, m)) < draw(st.floats(0.3, 1.0))
    ei, eo = np.nonzero(mask)
    cost = rng.integers(0, 60, ei.size)
    must_assign = rng.random(n) < (draw(st.sampled_from([0.0, 0.3, 1.0])) if must else 0.0)
    cap = rng.integers(1, 3, m) if draw(st.booleans()) else np.ones(m, np.int64)
    constraints = []
    if side and ei.size:
        for k in range(draw(st.integers(0, 2))):
            chosen = np.flatnonzero(rng.random(ei.size) < 0.6)
            upper = int(rng.integers(0, 7))
            lower = int(rng.integers(0, 2)) if draw(st.booleans()) else 0
            constraints.append(
                SideConstraint(f"c{k}", chosen, rng.integers(1, 4, chosen.size), upper, min(lower, upper))
            )
    pinned = [int(rng.integers(ei.size))] if ei.size and draw(st.booleans()) else []
    forbidden = []
    if ei.size and draw(st.booleans()):
        forbidden = [e for e in rng.choice(ei.size, size=1).tolist() if e not in pinned]
    return AssignmentProblem.create(
        n,
        m,
        ei,
        eo,
        cost,
        unassigned_cost=rng.integers(20, 120, n),
        must_assign=must_assign,
        option_capacity=cap,
        constraints=constraints,
        pinned=pinned,
        forbidden=forbidden,
    )
