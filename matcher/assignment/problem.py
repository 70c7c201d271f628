"""A generic capacitated assignment problem, in no application's words.

*Items* are assigned to *options* along sparse *edges* with integer costs. Each item takes at most one
edge (exactly one where ``must_assign``); leaving an item unassigned costs ``unassigned_cost``. Each
option takes at most ``option_capacity`` items. Any number of weighted *side constraints*
``lower <= sum(weight_e * x_e) <= upper`` link edges (weighted capacities of option groups, counts,
generalised-assignment capacities). Pinned edges must be used; forbidden ones must not.

Linear assignment is the special case with unit capacities and no side constraints; the generalised
assignment problem (GAP) has one side constraint per option and ``must_assign`` everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from numba import njit
from numpy.typing import NDArray

from matcher.errors import InvalidProblemError

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
#: Stands for "no upper bound" in ``constraint_upper`` and "no capacity limit" in ``option_capacity``.
UNBOUNDED = np.iinfo(np.int64).max // 4


@dataclass(frozen=True, eq=False)
class AssignmentProblem:
    """Compiled, immutable problem data: integer indices and numpy arrays only.

    Build it with :meth:`create`, which validates shapes and values.
    """

    n_items: int
    n_options: int
    edge_item: IntArray
    edge_option: IntArray
    edge_cost: IntArray
    unassigned_cost: IntArray
    must_assign: BoolArray
    option_capacity: IntArray
    #: side constraints as a (K x E) sparse matrix of integer weights, with bounds and names
    constraint_matrix: sp.csr_matrix
    constraint_lower: IntArray
    constraint_upper: IntArray
    constraint_names: tuple[str, ...]
    pinned: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    forbidden: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))

    @property
    def n_edges(self) -> int:
        return int(self.edge_item.size)

    @property
    def n_constraints(self) -> int:
        return int(self.constraint_lower.size)

    @classmethod
    def create(
        cls,
        n_items: int,
        n_options: int,
        edge_item: Sequence[int] | NDArray[np.integer],
        edge_option: Sequence[int] | NDArray[np.integer],
        edge_cost: Sequence[int] | NDArray[np.integer],
        *,
        unassigned_cost: Sequence[int] | NDArray[np.integer] | int = 0,
        must_assign: Sequence[bool] | NDArray[np.bool_] | bool = False,
        option_capacity: Sequence[int] | NDArray[np.integer] | int = 1,
        constraints: Sequence[SideConstraint] = (),
        pinned: Sequence[int] | NDArray[np.integer] = (),
        forbidden: Sequence[int] | NDArray[np.integer] = (),
    ) -> AssignmentProblem:
        """Validate and freeze. Raises :class:`InvalidProblemError` naming the bad field."""
        if n_items < 0 or n_options < 0:
            raise InvalidProblemError("problem", "size", "negative number of items or options")
        ei = _ints(edge_item, "edge_item")
        eo = _ints(edge_option, "edge_option")
        ec = _ints(edge_cost, "edge_cost")
        if not (ei.size == eo.size == ec.size):
            raise InvalidProblemError("problem", "edges", "edge arrays differ in length")
        if ei.size and (ei.min() < 0 or ei.max() >= n_items):
            raise InvalidProblemError("problem", "edge_item", "index out of range")
        if eo.size and (eo.min() < 0 or eo.max() >= n_options):
            raise InvalidProblemError("problem", "edge_option", "index out of range")
        if ei.size and not _strictly_ordered(ei, eo):  # the usual case, checked in O(E) without copies
            key = ei * max(n_options, 1) + eo
            if np.unique(key).size != key.size:
                raise InvalidProblemError("problem", "edges", "duplicate (item, option) edge")
        uc = _per(unassigned_cost, n_items, "unassigned_cost")
        ma = np.broadcast_to(np.asarray(must_assign, dtype=bool), (n_items,)).copy()
        cap = _per(option_capacity, n_options, "option_capacity")
        if (cap < 0).any():
            raise InvalidProblemError("problem", "option_capacity", "negative capacity")
        cap = np.minimum(cap, UNBOUNDED)
        lo, up, names = [], [], []
        indptr = np.zeros(len(constraints) + 1, np.int64)
        for k, c in enumerate(constraints):
            indptr[k + 1] = indptr[k] + np.size(c.edges)
        index_type = np.int32 if ei.size < 2**31 else np.int64
        indices = np.empty(int(indptr[-1]), index_type)
        data = np.empty(int(indptr[-1]), np.int64)
        for k, c in enumerate(constraints):
            e = _ints(c.edges, f"constraint {c.name}.edges")
            w = _ints(c.weights, f"constraint {c.name}.weights")
            if e.size != w.size:
                raise InvalidProblemError(f"constraint {c.name}", "weights", "length differs from edges")
            if e.size and (e.min() < 0 or e.max() >= ei.size):
                raise InvalidProblemError(f"constraint {c.name}", "edges", "edge index out of range")
            if (w < 0).any():
                raise InvalidProblemError(f"constraint {c.name}", "weights", "negative weight")
            upper = UNBOUNDED if c.upper is None else int(c.upper)
            if upper < 0:
                raise InvalidProblemError(f"constraint {c.name}", "upper", "negative capacity")
            if c.lower < 0 or c.lower > upper:
                raise InvalidProblemError(f"constraint {c.name}", "lower", "must lie in 0..upper")
            if e.size > 1 and not (e[1:] > e[:-1]).all():  # repeated edges add up, as in a sum
                e, at = np.unique(e, return_inverse=True)
                w = np.bincount(at, weights=w, minlength=e.size).astype(np.int64)
            indices[indptr[k] : indptr[k] + e.size] = e
            data[indptr[k] : indptr[k] + e.size] = w
            indptr[k + 1] = indptr[k] + e.size
            lo.append(int(c.lower))
            up.append(upper)
            names.append(c.name)
        end = int(indptr[-1])
        # Built row by row (rows sorted, no duplicates): no COO copy of millions of entries.
        matrix = sp.csr_matrix(
            (data[:end], indices[:end], indptr.astype(index_type)), shape=(len(names), ei.size), copy=False
        )
        pin = _ints(pinned, "pinned")
        forb = _ints(forbidden, "forbidden")
        for name, arr in (("pinned", pin), ("forbidden", forb)):
            if arr.size and (arr.min() < 0 or arr.max() >= ei.size):
                raise InvalidProblemError("problem", name, "edge index out of range")
        if np.intersect1d(pin, forb).size:
            raise InvalidProblemError("problem", "pinned", "an edge is both pinned and forbidden")
        if np.unique(ei[pin]).size != pin.size:
            raise InvalidProblemError("problem", "pinned", "two pinned edges share an item")
        return cls(
            n_items=int(n_items),
            n_options=int(n_options),
            edge_item=ei,
            edge_option=eo,
            edge_cost=ec,
            unassigned_cost=uc,
            must_assign=ma,
            option_capacity=cap,
            constraint_matrix=matrix,
            constraint_lower=np.asarray(lo, np.int64),
            constraint_upper=np.asarray(up, np.int64),
            constraint_names=tuple(names),
            pinned=np.unique(pin),
            forbidden=np.unique(forb),
        )

    def objective(self, edge_used: BoolArray) -> int:
        """Total cost of a selection of edges: edge costs plus the unassigned items' costs."""
        assigned = np.zeros(self.n_items, bool)
        assigned[self.edge_item[edge_used]] = True
        return int(self.edge_cost[edge_used].sum() + self.unassigned_cost[~assigned].sum())


@dataclass(frozen=True)
class SideConstraint:
    """``lower <= sum(weights[i] * x[edges[i]]) <= upper`` (``upper=None``: unbounded)."""

    name: str
    edges: Sequence[int] | NDArray[np.integer]
    weights: Sequence[int] | NDArray[np.integer]
    upper: int | None
    lower: int = 0


@njit(cache=True)
def _strictly_ordered(item: IntArray, option: IntArray) -> bool:  # pragma: no cover - compiled
    """Edges sorted by (item, option) with no pair twice."""
    for e in range(1, item.size):
        if item[e] < item[e - 1] or (item[e] == item[e - 1] and option[e] <= option[e - 1]):
            return False
    return True


def _ints(values: object, name: str) -> IntArray:
    arr = np.asarray(values)
    if arr.size == 0:
        return np.zeros(0, np.int64)
    if arr.dtype.kind == "f":
        if not np.isfinite(arr).all() or (arr != np.round(arr)).any():
            raise InvalidProblemError("problem", name, "values must be finite integers")
    elif arr.dtype.kind not in "iub":
        raise InvalidProblemError("problem", name, "values must be integers")
    return np.ascontiguousarray(arr, dtype=np.int64).ravel()


def _per(values: object, n: int, name: str) -> IntArray:
    given = np.asarray(values)
    arr = _ints(np.broadcast_to(given, (n,)) if given.ndim == 0 else given, name)
    if arr.size != n:
        raise InvalidProblemError("problem", name, f"expected {n} values, got {arr.size}")
    return arr.copy()
