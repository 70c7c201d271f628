"""Presolve: the problem that is left once pins and forbidden edges are applied.

Pinned items leave the problem (their options' capacities and the side constraints shrink by what the
pins use); forbidden edges and edges into full options disappear; side constraints that can never
bind are dropped. Conflicts found here (pins beyond a capacity, an item that must be assigned but has
no edge left, a minimum that cannot be reached) are reported with the constraint's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from matcher.assignment.problem import UNBOUNDED, AssignmentProblem, BoolArray, IntArray


@dataclass(frozen=True, eq=False)
class Core:
    """The reduced problem, over the active edges; ``edge_index`` maps back to the original edges.
    Its arrays carry the names of :class:`AssignmentProblem`'s, restricted to what is left.

    Edges are sorted by item, so ``indptr`` groups them (CSR) for the compiled passes. Pinned items
    have no active edge and ``unassigned_cost`` 0 here: they are already placed.
    """

    n_items: int
    n_options: int
    edge_index: IntArray
    edge_item: IntArray
    edge_option: IntArray
    edge_cost: IntArray
    unassigned_cost: IntArray
    must_assign: BoolArray
    option_capacity: IntArray
    constraint_matrix: sp.csr_matrix
    constraint_lower: IntArray
    constraint_upper: IntArray
    constraint_names: tuple[str, ...]
    fixed_cost: int
    pinned: IntArray

    @property
    def n_edges(self) -> int:
        return int(self.edge_item.size)

    @cached_property
    def indptr(self) -> IntArray:
        """Item ``i``'s edges are ``indptr[i]:indptr[i + 1]``."""
        return np.searchsorted(self.edge_item, np.arange(self.n_items + 1)).astype(np.int64)

    @property
    def n_constraints(self) -> int:
        return int(self.constraint_lower.size)

    def objective(self, used: BoolArray) -> int:
        """Cost of a selection of active edges, pins included."""
        assigned = np.zeros(self.n_items, bool)
        assigned[self.edge_item[used]] = True
        return int(self.fixed_cost + self.edge_cost[used].sum() + self.unassigned_cost[~assigned].sum())


@dataclass(frozen=True)
class Conflict:
    """Why the problem is infeasible, in words that name the constraint."""

    reason: str


def presolve(problem: AssignmentProblem) -> Core | Conflict:
    active = np.ones(problem.n_edges, bool)
    active[problem.forbidden] = False
    pin = problem.pinned
    pinned_items = np.zeros(problem.n_items, bool)
    pinned_items[problem.edge_item[pin]] = True
    capacity = problem.option_capacity.copy()
    np.subtract.at(capacity, problem.edge_option[pin], 1)
    over = np.flatnonzero(capacity < 0)
    if over.size:
        return Conflict(f"option {over[0]} is pinned to more items than its capacity")
    pin_vec = np.zeros(problem.n_edges, np.int64)
    pin_vec[pin] = 1
    used_by_pins = problem.constraint_matrix @ pin_vec
    upper = np.where(
        problem.constraint_upper >= UNBOUNDED, UNBOUNDED, problem.constraint_upper - used_by_pins
    )
    lower = np.maximum(problem.constraint_lower - used_by_pins, 0)
    for k in np.flatnonzero(upper < 0):
        return Conflict(
            f"pins exceed constraint {problem.constraint_names[k]}: they use {used_by_pins[k]}, "
            f"capacity {problem.constraint_upper[k]}"
        )
    active &= ~pinned_items[problem.edge_item]
    active &= capacity[problem.edge_option] > 0
    edge_index = np.flatnonzero(active)
    item = problem.edge_item[edge_index]
    if item.size and (item[1:] < item[:-1]).any():
        edge_index = edge_index[np.argsort(item, kind="stable")]
        item = problem.edge_item[edge_index]
    must = problem.must_assign & ~pinned_items
    has_edge = np.zeros(problem.n_items, bool)
    has_edge[item] = True
    stuck = np.flatnonzero(must & ~has_edge)
    if stuck.size:
        return Conflict(f"item {stuck[0]} must be assigned but has no usable edge")
    matrix = problem.constraint_matrix[:, edge_index].tocsr()
    # A row binds only if the largest load the items could put on it exceeds its bound.
    coo = matrix.tocoo()
    reach = np.zeros(matrix.shape[0], np.int64)
    if coo.nnz:
        key = coo.row.astype(np.int64) * problem.n_items + item[coo.col]
        order = np.lexsort((-coo.data, key))
        first = np.r_[True, key[order][1:] != key[order][:-1]]
        np.add.at(reach, coo.row[order][first], coo.data[order][first])
    for k in np.flatnonzero(reach < lower):
        return Conflict(
            f"constraint {problem.constraint_names[k]} cannot reach its minimum {problem.constraint_lower[k]}"
        )
    keep = (lower > 0) | (reach > upper)
    unassigned = np.where(pinned_items, 0, problem.unassigned_cost)
    return Core(
        n_items=problem.n_items,
        n_options=problem.n_options,
        edge_index=edge_index,
        edge_item=item,
        edge_option=problem.edge_option[edge_index],
        edge_cost=problem.edge_cost[edge_index],
        unassigned_cost=unassigned,
        must_assign=must,
        option_capacity=capacity,
        constraint_matrix=matrix[keep].tocsr(),
        constraint_lower=lower[keep],
        constraint_upper=upper[keep],
        constraint_names=tuple(n for n, k in zip(problem.constraint_names, keep, strict=True) if k),
        fixed_cost=int(problem.edge_cost[pin].sum()),
        pinned=pin,
    )
