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
from numba import njit
from numpy.typing import NDArray

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

    @cached_property
    def constraint_columns(self) -> sp.csc_matrix:
        """The constraint matrix by edge (CSC): the rows each edge loads, for passes edge by edge.
        A compiled counting sort: scipy's conversion took 3 s on 30 M entries, this a fraction."""
        m = (
            self.constraint_matrix
            if self.constraint_matrix.has_sorted_indices
            else self.constraint_matrix.sorted_indices()
        )
        indptr, rows, data = _transpose(m.indptr, m.indices, m.data, m.shape[1])
        return sp.csc_matrix((data, rows, indptr), shape=m.shape, copy=False)

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
    """The core of ``problem``; arrays are shared with it, not copied, where nothing is removed."""
    pin = problem.pinned
    pinned_items = np.zeros(problem.n_items, bool)
    pinned_items[problem.edge_item[pin]] = True
    capacity = problem.option_capacity.copy()
    np.subtract.at(capacity, problem.edge_option[pin], 1)
    over = np.flatnonzero(capacity < 0)
    if over.size:
        return Conflict(f"option {over[0]} is pinned to more items than its capacity")
    used_by_pins = np.zeros(problem.n_constraints, np.int64)
    if pin.size:
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
    forbidden = np.zeros(problem.n_edges, bool)
    forbidden[problem.forbidden] = True
    active = _active(problem.edge_item, problem.edge_option, pinned_items, capacity, forbidden)
    del forbidden
    everything = bool(active.all())
    if everything:
        edge_index = np.arange(problem.n_edges, dtype=np.int64)
        item = problem.edge_item
    else:
        edge_index = np.flatnonzero(active)
        item = problem.edge_item[edge_index]
    del active
    ordered = not (item.size and (item[1:] < item[:-1]).any())
    if not ordered:
        edge_index = edge_index[np.argsort(item, kind="stable")]
        item = problem.edge_item[edge_index]
    must = problem.must_assign & ~pinned_items
    has_edge = np.zeros(problem.n_items, bool)
    has_edge[item] = True
    stuck = np.flatnonzero(must & ~has_edge)
    if stuck.size:
        return Conflict(f"item {stuck[0]} must be assigned but has no usable edge")
    matrix = _columns(problem.constraint_matrix, edge_index, problem.n_edges, everything and ordered)
    # A row binds only if the largest load the items could put on it exceeds its bound.
    reach = _reach(matrix.indptr, matrix.indices, matrix.data, item)
    for k in np.flatnonzero(reach < lower):
        return Conflict(
            f"constraint {problem.constraint_names[k]} cannot reach its minimum {problem.constraint_lower[k]}"
        )
    keep = (lower > 0) | (reach > upper)
    unassigned = np.where(pinned_items, 0, problem.unassigned_cost)
    shared = everything and ordered
    return Core(
        n_items=problem.n_items,
        n_options=problem.n_options,
        edge_index=edge_index,
        edge_item=item,
        edge_option=problem.edge_option if shared else problem.edge_option[edge_index],
        edge_cost=problem.edge_cost if shared else problem.edge_cost[edge_index],
        unassigned_cost=unassigned,
        must_assign=must,
        option_capacity=capacity,
        constraint_matrix=matrix if keep.all() else matrix[keep],
        constraint_lower=lower[keep],
        constraint_upper=upper[keep],
        constraint_names=tuple(n for n, k in zip(problem.constraint_names, keep, strict=True) if k),
        fixed_cost=int(problem.edge_cost[pin].sum()),
        pinned=pin,
    )


#: Up to this many rows the transposition merges the rows' sorted columns (sequential memory
#: access); above, a counting sort.
MERGE_ROWS = 32


@njit(cache=True)
def _transpose(  # pragma: no cover - compiled
    indptr: NDArray[np.integer], indices: NDArray[np.integer], data: IntArray, n_cols: int
) -> tuple[IntArray, NDArray[np.int32], IntArray]:
    """CSR -> CSC (rows sorted within each column; the CSR's columns must be sorted)."""
    n_rows = indptr.size - 1
    col_ptr = np.zeros(n_cols + 1, np.int64)
    rows = np.empty(indices.size, np.int32)
    out = np.empty(indices.size, data.dtype)
    if n_rows <= MERGE_ROWS:
        head = np.empty(n_rows, np.int64)
        for r in range(n_rows):
            head[r] = indptr[r]
        t = 0
        for c in range(n_cols):
            for r in range(n_rows):
                j = head[r]
                if j < indptr[r + 1] and indices[j] == c:
                    rows[t] = r
                    out[t] = data[j]
                    t += 1
                    head[r] = j + 1
            col_ptr[c + 1] = t
        return col_ptr, rows, out
    for j in range(indices.size):
        col_ptr[indices[j] + 1] += 1
    for c in range(n_cols):
        col_ptr[c + 1] += col_ptr[c]
    fill = col_ptr[:-1].copy()
    for r in range(n_rows):
        for j in range(indptr[r], indptr[r + 1]):
            c = indices[j]
            rows[fill[c]] = r
            out[fill[c]] = data[j]
            fill[c] += 1
    return col_ptr, rows, out


@njit(cache=True)
def _active(  # pragma: no cover - compiled
    item: IntArray, option: IntArray, pinned_item: BoolArray, capacity: IntArray, forbidden: BoolArray
) -> BoolArray:
    """Edges still usable: not forbidden, not of a pinned item, into an option with room."""
    out = np.empty(item.size, np.bool_)
    for e in range(item.size):
        out[e] = not forbidden[e] and not pinned_item[item[e]] and capacity[option[e]] > 0
    return out


def _columns(matrix: sp.csr_matrix, edge_index: IntArray, n_edges: int, everything: bool) -> sp.csr_matrix:
    """The constraint matrix over the kept edges (columns renumbered), rows' columns sorted."""
    if everything:
        return matrix if matrix.has_sorted_indices else matrix.sorted_indices()
    if edge_index.size and (edge_index[1:] <= edge_index[:-1]).any():  # reordered: let scipy permute
        out = matrix[:, edge_index].tocsr()
        out.sort_indices()
        return out
    new = np.full(n_edges, -1, np.int64)
    new[edge_index] = np.arange(edge_index.size)
    ordered = matrix if matrix.has_sorted_indices else matrix.sorted_indices()
    indptr, indices, data = _filter(ordered.indptr, ordered.indices, ordered.data, new)
    return sp.csr_matrix((data, indices, indptr), shape=(matrix.shape[0], edge_index.size), copy=False)


@njit(cache=True)
def _filter(  # pragma: no cover - compiled
    indptr: IntArray, indices: IntArray, data: IntArray, new: IntArray
) -> tuple[IntArray, NDArray[np.int32], IntArray]:
    """Row by row, the entries of kept columns, renumbered (``new[c] < 0``: dropped)."""
    out_ptr = np.zeros(indptr.size, np.int64)
    count = 0
    for j in range(indices.size):
        if new[indices[j]] >= 0:
            count += 1
    out_idx = np.empty(count, np.int32)
    out_val = np.empty(count, data.dtype)
    t = 0
    for r in range(indptr.size - 1):
        for j in range(indptr[r], indptr[r + 1]):
            c = new[indices[j]]
            if c >= 0:
                out_idx[t] = c
                out_val[t] = data[j]
                t += 1
        out_ptr[r + 1] = t
    return out_ptr, out_idx, out_val


@njit(cache=True)
def _reach(  # pragma: no cover - compiled
    indptr: IntArray, indices: IntArray, data: IntArray, item: IntArray
) -> IntArray:
    """Per row, the sum over items of the item's largest weight in it: the most the row can carry.
    Columns are sorted and edges grouped by item, so each item's entries in a row are contiguous."""
    reach = np.zeros(indptr.size - 1, np.int64)
    for r in range(indptr.size - 1):
        last, best, total = -1, 0, 0
        for j in range(indptr[r], indptr[r + 1]):
            i = item[indices[j]]
            if i != last:
                total += best
                best, last = 0, i
            if data[j] > best:
                best = data[j]
        reach[r] = total + best
    return reach
