"""The compiled greedy pass picks what the vectorised per-item greedy picked, edge for edge."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.assignment.core import Core, presolve
from matcher.assignment.greedy import greedy
from tests.matcher.strategies import assignment_problems


def reference_greedy(
    core: Core,
    order: np.ndarray,
    start: np.ndarray | None,
    allowed: np.ndarray | None,
    rank: np.ndarray | None,
) -> np.ndarray | None:
    """The original implementation: edges sorted by (item, rank), each item filtered with numpy."""
    used = np.zeros(core.n_edges, bool) if start is None else start.copy()
    load_opt = np.bincount(core.edge_option[used], minlength=core.n_options)
    load_row = core.constraint_matrix @ used.astype(np.int64)
    done = np.zeros(core.n_items, bool)
    done[core.edge_item[used]] = True
    csc = core.constraint_matrix.tocsc()
    edge_order = np.lexsort((core.edge_cost if rank is None else rank, core.edge_item))
    if allowed is not None:
        edge_order = edge_order[allowed[edge_order]]
    bounds = np.searchsorted(core.edge_item[edge_order], np.arange(core.n_items + 1))
    for i in order.tolist():
        if done[i]:
            continue
        edges = edge_order[bounds[i] : bounds[i + 1]]
        if not core.must_assign[i]:
            edges = edges[core.edge_cost[edges] < core.unassigned_cost[i]]
        edges = edges[load_opt[core.edge_option[edges]] < core.option_capacity[core.edge_option[edges]]]
        if edges.size and core.n_constraints:
            sub = csc[:, edges]
            over = sub.data + load_row[sub.indices] > core.constraint_upper[sub.indices]
            bad = np.zeros(edges.size, bool)
            bad[np.repeat(np.arange(edges.size), np.diff(sub.indptr))[over]] = True
            edges = edges[~bad]
        if edges.size == 0:
            continue
        e = int(edges[0])
        used[e] = True
        load_opt[core.edge_option[e]] += 1
        lo, hi = csc.indptr[e], csc.indptr[e + 1]
        load_row[csc.indices[lo:hi]] += csc.data[lo:hi]
        done[i] = True
    if (core.must_assign & ~done).any() or (load_row < core.constraint_lower).any():
        return None
    return used


@settings(max_examples=150, deadline=None)
@given(
    assignment_problems(max_items=8, max_options=6), st.integers(0, 2**32 - 1), st.booleans(), st.booleans()
)
def test_greedy_matches_the_reference(problem, seed, restrict, ranked) -> None:  # type: ignore[no-untyped-def]
    core = presolve(problem)
    if not isinstance(core, Core):
        return
    rng = np.random.default_rng(seed)
    order = rng.permutation(core.n_items).astype(np.int64)
    allowed = rng.random(core.n_edges) < 0.7 if restrict else None
    rank = rng.integers(0, 5, core.n_edges).astype(np.int64) if ranked else None  # ties on purpose
    start = None
    if core.n_edges and rng.random() < 0.5:
        first = reference_greedy(core, order[: max(1, core.n_items // 2)], None, None, None)
        start = first if first is not None else None
    got = greedy(core, order, start=start, allowed=allowed, rank=rank)
    want = reference_greedy(core, order, start, allowed, rank)
    if want is None:
        assert got is None
    else:
        assert got is not None
        np.testing.assert_array_equal(got, want)
