"""HiGHS on a subset of a core's edges: the exact end of the relaxation path and its searches.

Its LP relaxation is as strong as the Lagrangian bound, so on the few edges that survive fixing it
closes the last fraction of a percent quickly; the matrices are built with numpy, not per variable.
Every call may start from a known solution (:mod:`matcher.assignment.highs`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from matcher.assignment.core import Core
from matcher.assignment.highs import HighsVector, Interrupt, solve_binary
from matcher.assignment.problem import UNBOUNDED, BoolArray, IntArray
from matcher.assignment.result import EngineResult, Status


@dataclass(frozen=True)
class MipSettings:
    """What every HiGHS call of one solve shares (HiGHS fixes its thread count when it first
    runs in a process, so ``workers`` goes to CP-SAT only)."""

    seed: int = 0
    interrupt: Interrupt | None = None


def integer_bound(bound: float) -> float:
    """A HiGHS float bound as a bound on integer costs: rounded up, less HiGHS's tolerance; an
    infinite one (a MIP stopped before its first bound) stays as it is."""
    if not math.isfinite(bound):
        return bound
    return float(math.ceil(bound - 1e-6 * max(1.0, abs(bound))))


def solve_mip(
    core: Core,
    edges: BoolArray,
    *,
    time_limit: float,
    gap_limit: float = 0.0,
    start: BoolArray | None = None,
    settings: MipSettings | None = None,
    cutoff: float | None = None,
) -> EngineResult:
    """Optimise over the ``edges`` mask (from ``start``, a feasible selection inside it, if given);
    the objective includes pins and unassigned costs. With a ``cutoff`` (an objective), only
    cheaper solutions count: ``infeasible`` then means none is cheaper."""
    idx = np.flatnonzero(edges)
    n_e, n = idx.size, core.n_items
    if n_e == 0:
        used = np.zeros(core.n_edges, bool)
        if core.must_assign.any() or (core.constraint_lower > 0).any():
            return EngineResult(Status.INFEASIBLE, used, None, np.inf)
        return EngineResult(Status.OPTIMAL, used, core.objective(used), float(core.objective(used)))
    offset = core.fixed_cost + int(core.unassigned_cost[~core.must_assign].sum())
    res = _mip(
        core,
        idx,
        np.ones(n, bool),
        core.option_capacity,
        core.constraint_lower,
        core.constraint_upper,
        time_limit,
        gap_limit,
        start,
        settings,
        None if cutoff is None else cutoff - offset,
    )
    used = np.zeros(core.n_edges, bool)
    bound = res.bound + offset if math.isfinite(res.bound) else -np.inf
    if res.x is None:
        status = Status.INFEASIBLE if res.infeasible else Status.UNKNOWN
        return EngineResult(status, used, None, np.inf if status is Status.INFEASIBLE else bound)
    used[idx[res.x > 0.5]] = True
    objective = core.objective(used)
    status = Status.OPTIMAL if res.proven and objective <= np.ceil(bound - 1e-6) else Status.FEASIBLE
    return EngineResult(status, used, objective, min(bound, objective))


def _mip(
    core: Core,
    idx: IntArray,
    free: BoolArray,
    capacity: IntArray,
    lower: IntArray,
    upper: IntArray,
    time_limit: float,
    gap_limit: float,
    start: BoolArray | None,
    settings: MipSettings | None,
    cutoff: float | None = None,
) -> HighsVector:
    """HiGHS on the edges ``idx`` of the ``free`` items, against the capacities and bounds given;
    the objective is the edges' cost less the unassigned cost each assigned item saves."""
    opts = settings or MipSettings()
    n_e = idx.size
    items, options = core.edge_item[idx], core.edge_option[idx]
    rows = np.flatnonzero(free)
    row_of = np.full(core.n_items, -1, np.int64)
    row_of[rows] = np.arange(rows.size)
    skip = np.where(core.must_assign[items], 0, core.unassigned_cost[items])
    cols = np.arange(n_e)
    ones = np.ones(n_e)
    blocks = [
        sp.csr_matrix((ones, (row_of[items], cols)), shape=(rows.size, n_e)),
        sp.csr_matrix((ones, (options, cols)), shape=(core.n_options, n_e)),
    ]
    lo = [core.must_assign[rows].astype(float), np.zeros(core.n_options)]
    up = [np.ones(rows.size), capacity.astype(float)]
    if core.n_constraints:
        blocks.append(core.constraint_matrix[:, idx].astype(np.float64))
        lo.append(np.maximum(lower, 0).astype(float))
        up.append(np.where(upper >= UNBOUNDED, np.inf, upper.astype(float)))
    x0 = None if start is None else start[idx].astype(np.float64)
    return solve_binary(
        (core.edge_cost[idx] - skip).astype(float),
        sp.vstack(blocks, format="csr"),
        np.concatenate(lo),
        np.concatenate(up),
        time_limit=time_limit,
        gap_limit=gap_limit,
        start=x0,
        seed=opts.seed,
        interrupt=opts.interrupt,
        cutoff=cutoff,
    )


def left_by(core: Core, fixed: BoolArray) -> tuple[IntArray, IntArray, IntArray]:
    """What the ``fixed`` edges leave of the option capacities and of the side rows' bounds:
    ``(capacity, lower, upper)`` for :func:`solve_restricted`."""
    capacity = core.option_capacity - np.bincount(core.edge_option[fixed], minlength=core.n_options)
    load = core.constraint_matrix @ fixed.astype(np.int64)
    return capacity, core.constraint_lower - load, core.constraint_upper - load


def solve_restricted(
    core: Core,
    edges: BoolArray,
    free: BoolArray,
    capacity: IntArray,
    lower: IntArray,
    upper: IntArray,
    time_limit: float,
    start: BoolArray | None = None,
    settings: MipSettings | None = None,
) -> tuple[BoolArray | None, bool]:
    """The best use of ``edges`` by the ``free`` items, the other items' choices fixed elsewhere
    (``capacity``, ``lower`` and ``upper`` are what they leave); ``(used or None, proven optimal)``."""
    idx = np.flatnonzero(edges)
    if idx.size == 0:
        return None, False
    res = _mip(core, idx, free, capacity, lower, upper, time_limit, 0.0, start, settings)
    if res.x is None:
        return None, False
    used = np.zeros(core.n_edges, bool)
    used[idx[res.x > 0.5]] = True
    return used, res.proven
