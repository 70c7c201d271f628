"""The LP relaxation over every edge, by column generation: a bound, duals for fixing, a start.

The Lagrangian dual (:mod:`matcher.assignment.dual`) reaches the LP bound only in the limit, and
where side rows are many or of mixed kinds (weighted rows next to count rows) its multipliers settle
slowly. The LP itself is small in rows (items, options, side rows) but has every edge as a column,
so it is solved over a *restricted master*: each item's cheapest edges and a start's edges. Its
duals ``u`` (items), ``v`` (options) and ``w`` (side rows) price every edge in one vectorised pass,
``reduced = cost - u_item - v_option - sum_k w_k a_ke``; each item's most negative few join the
master, which HiGHS re-solves from its basis, until none is negative.

Any duals of the right signs give a proven bound over *all* edges, converged or not (LP duality
with the columns' ``[0, 1]`` bounds): ``sum_r y_r b_r + sum_e min(0, reduced_e)``, with ``b_r`` the
side of row ``r`` the sign of ``y_r`` selects; at convergence this is the LP optimum. For any
feasible selection ``x`` the cost is at least ``bound + sum_e max(0, reduced_e) x_e``, so each edge
gets a fixing bound (:attr:`LpBound.edge_bound`). Items that must be assigned and side rows with a
minimum get a dear slack column each, so every restricted master is feasible; the slacks are not
edges, and the bound is computed over the edges alone, so they never weaken it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from matcher.assignment.core import Core
from matcher.assignment.highs import LinearProgram
from matcher.assignment.network import cheapest_per_item
from matcher.assignment.problem import UNBOUNDED, BoolArray

FloatArray = NDArray[np.float64]
#: Each item's cheapest edges the first master holds.
FIRST_EDGES = 5
#: Per pricing round, each item gains at most this many of its most negative edges.
ADD_PER_ITEM = 4
#: A reduced cost under minus this is worth adding (HiGHS's dual tolerance is 1e-7).
PRICE_TOLERANCE = 1e-6
#: Slack columns cost this many times the dearest edge or unassigned cost.
SLACK_FACTOR = 100.0


@dataclass(frozen=True)
class LpBound:
    """What the column generation learnt (not a solve result)."""

    bound: float  #: proven lower bound on the whole problem's optimum (not rounded)
    edge_bound: FloatArray  #: per edge, a lower bound on every solution that uses it
    x: FloatArray  #: the LP's value per edge (0 outside the master)
    side_dual: FloatArray  #: the last master's ``w`` per side constraint (<= 0 where the upper side binds)
    converged: bool  #: no edge prices out: ``bound`` is the LP optimum over every edge
    columns: int  #: edges in the last master
    rounds: int  #: master solves


@dataclass
class _Rows:
    """The LP's rows (items, then options, then side constraints) and its edges' costs."""

    lower: FloatArray
    upper: FloatArray
    cost: FloatArray  #: per edge: its cost less the unassigned cost it saves
    offset: float  #: the objective's constant: fixed cost and every unassigned cost saved


def _rows(core: Core) -> _Rows:
    skip = np.where(core.must_assign, 0, core.unassigned_cost)
    upper_side = np.where(core.constraint_upper >= UNBOUNDED, np.inf, core.constraint_upper.astype(float))
    lower = np.concatenate(
        [core.must_assign.astype(float), np.zeros(core.n_options), core.constraint_lower.astype(float)]
    )
    upper = np.concatenate([np.ones(core.n_items), core.option_capacity.astype(float), upper_side])
    cost = (core.edge_cost - skip[core.edge_item]).astype(np.float64)
    offset = float(core.fixed_cost + core.unassigned_cost[~core.must_assign].sum())
    return _Rows(lower, upper, cost, offset)


def _columns(core: Core, side: sp.csc_matrix, edges: NDArray[np.int64]) -> sp.csc_matrix:
    """The LP columns of ``edges``: their item row, option row and side rows."""
    b = edges.size
    cols = np.arange(b)
    ones = np.ones(b)
    item = sp.csc_matrix((ones, (core.edge_item[edges], cols)), shape=(core.n_items, b))
    option = sp.csc_matrix((ones, (core.edge_option[edges], cols)), shape=(core.n_options, b))
    return sp.vstack([item, option, side[:, edges].astype(np.float64)], format="csc")


def _slacks(core: Core, rows: _Rows) -> tuple[FloatArray, sp.csc_matrix]:
    """A dear column per row with a minimum (must-assign items, side minimums), so every master
    is feasible."""
    need = np.flatnonzero(rows.lower > 0)
    dearest = float(max(np.abs(rows.cost).max(initial=0.0), core.unassigned_cost.max(initial=0), 1))
    weight = float(core.constraint_matrix.data.max(initial=1))
    cost = np.full(need.size, SLACK_FACTOR * dearest * max(1.0, weight))
    # a slack may cover the whole minimum of its row in one column
    values = np.maximum(rows.lower[need], 1.0)
    matrix = sp.csc_matrix((values, (need, np.arange(need.size))), shape=(rows.lower.size, need.size))
    return cost * values, matrix


def lagrangian_bound(
    rows: _Rows, core: Core, side_t: sp.csr_matrix, dual: FloatArray
) -> tuple[float, FloatArray]:
    """The proven bound at row duals ``dual`` (signs made valid first) and every edge's reduced cost."""
    y = dual.copy()
    y[(y > 0) & ~np.isfinite(rows.lower)] = 0.0
    y[(y < 0) & ~np.isfinite(rows.upper)] = 0.0
    n, m = core.n_items, core.n_options
    reduced = rows.cost - y[core.edge_item] - y[n + core.edge_option]
    if core.n_constraints:
        reduced -= side_t @ y[n + m :]
    side = np.where(y > 0, rows.lower, rows.upper)
    constant = float(y[y != 0] @ side[y != 0])
    return rows.offset + constant + float(np.minimum(reduced, 0.0).sum()), reduced


def solve_lp(core: Core, *, deadline: float, start: BoolArray | None = None, seed: int = 0) -> LpBound | None:
    """The LP over every edge by column generation, until no edge prices out or ``deadline``;
    ``None`` without edges, or if not even the first master was solved in time."""
    if core.n_edges == 0:
        return None
    rows = _rows(core)
    side = core.constraint_matrix.tocsc()
    side_t = core.constraint_matrix.T.tocsr()
    lp = LinearProgram(rows.lower, rows.upper, seed=seed)
    slack_cost, slack_matrix = _slacks(core, rows)
    lp.add_columns(slack_cost, slack_matrix)
    n_slack = slack_cost.size
    master = cheapest_per_item(core, rows.cost, FIRST_EDGES)
    if start is not None:
        master |= start
    col_edge = np.flatnonzero(master)
    lp.add_columns(rows.cost[col_edge], _columns(core, side, col_edge))
    best = -math.inf
    edge_bound = np.full(core.n_edges, -np.inf)
    x = np.zeros(core.n_edges)
    w = np.zeros(core.n_constraints)
    converged = False
    rounds = 0
    while True:
        left = deadline - time.perf_counter()
        if left <= 0.05 and rounds:
            break
        answer = lp.solve(max(0.05, left))
        rounds += 1
        if answer is None:
            break
        value, reduced = lagrangian_bound(rows, core, side_t, answer.row_dual)
        best = max(best, value)
        w = answer.row_dual[core.n_items + core.n_options :].copy()
        np.maximum(edge_bound, value + np.maximum(reduced, 0.0), out=edge_bound)
        x[:] = 0.0
        x[col_edge] = answer.x[n_slack:]
        if not answer.optimal:
            break
        fresh = (reduced < -PRICE_TOLERANCE) & ~master
        if not fresh.any():
            converged = True
            break
        add = np.flatnonzero(cheapest_per_item(core, reduced, ADD_PER_ITEM, fresh))
        master[add] = True
        col_edge = np.concatenate([col_edge, add])
        lp.add_columns(rows.cost[add], _columns(core, side, add))
    if not math.isfinite(best):
        return None
    return LpBound(best, edge_bound, x, w, converged, int(col_edge.size), rounds)
