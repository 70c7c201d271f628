"""The Lagrangian dual of the side constraints, maximised with few assignment solves.

Relaxing the side constraints with multipliers ``mu >= 0`` leaves an assignment problem; its optimum
``L(mu)`` is a proven lower bound, concave and piecewise linear in ``mu``, and at its maximum equals
the LP bound. Each evaluation is a priced network solve (tenths of a second at 2,000 items), so the
search must need few of them:

1. **Line search.** Multipliers of weighted rows are a price per point of weight, and where items
   can move between rows the prices settle close to one another; so ``L`` is first maximised along
   one common price for every overloaded row (a row the price overloads joins the line). ``L`` is
   concave along the line, and the tangents at a bracket meet near its maximum: a handful of solves.
2. **Bundle.** From there a proximal bundle method adjusts each multiplier on its own, with every
   cut gathered so far (line-search cuts included): count rows, priced per item rather than per
   point, settle far from the weighted rows' common price.

Cuts use the candidate optimum (at least ``L(mu)``, so its tangent plane lies above ``L``: a valid
cut even before pricing converges); the proven bound uses the priced Lagrangian bound (at most
``L(mu)``). The two agree once pricing has converged, which it usually has.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from matcher.assignment.core import Core
from matcher.assignment.incumbent import Incumbent
from matcher.assignment.network import assign_priced, first_candidates
from matcher.assignment.problem import UNBOUNDED, BoolArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
#: Multipliers live on a grid of 1/SCALE cost points so that priced costs stay integers.
SCALE = 8
#: A bundle step moves the centre when it gains at least this share of the model's promise.
SERIOUS_STEP = 0.1
#: Stop when the bound has gained under a point over this many evaluations.
STALL_EVALUATIONS = 10
#: Line-search steps at most (doublings to bracket the maximum, then tangent intersections).
LINE_STEPS = 12
#: The bundle's first step length, as a share of the common price the line search found.
STEP_SHARE = 1 / 16

#: Called with each relaxed solution, the priced costs it was optimal for and its value ``L(mu)``;
#: returns whether to keep going (``False`` stops the dual where it is).
OnSolution = Callable[[BoolArray, IntArray, float], bool]


@dataclass
class DualBound:
    """What maximising ``L`` learnt (not a solve result): its best bound and a per-edge fixing bound."""

    bound: float
    edge_bound: FloatArray  #: per edge, the best ``L(mu) + reduced cost``: a bound with it in use
    evaluations: int
    candidates: int  #: the most candidate edges one evaluation used


@dataclass
class _Oracle:
    """Evaluates ``L`` and keeps every cut, the best bound and the per-edge fixing bound."""

    core: Core
    candidates: int
    deadline: float
    on_solution: OnSolution
    rows: IntArray = field(init=False)
    sign: IntArray = field(init=False)
    rhs: IntArray = field(init=False)
    mults: list[FloatArray] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    grads: list[FloatArray] = field(default_factory=list)
    best: float = -math.inf
    infeasible: bool = False
    stopped: bool = False  #: ``on_solution`` asked to stop
    edges: int = 0  #: the most candidate edges one evaluation used

    def __post_init__(self) -> None:
        self.rows, self.sign, self.rhs = relaxed_rows(self.core)
        if np.array_equal(self.rows, np.arange(self.core.n_constraints)):
            # every row once (upper sides only): the core's matrices, not copies (370 MB each at 30 M edges)
            self.matrix = self.core.constraint_matrix
            self.weights = self.core.constraint_columns.T  # edges x rows, to price edges
        else:
            self.matrix = self.core.constraint_matrix[self.rows]  # rows x edges
            self.weights = self.matrix.T.tocsr()  # edges x rows, to price edges
        self.edge_bound = np.full(self.core.n_edges, -np.inf)

    @property
    def size(self) -> int:
        return int(self.rows.size)

    def __call__(self, mult: FloatArray, max_rounds: int = 1_000_000) -> tuple[float, FloatArray] | None:
        """``(value, subgradient)`` of the cut at ``mult``; ``None`` if no assignment is feasible.
        ``max_rounds`` caps the pricing rounds (the cut stays valid, the bound may be weaker)."""
        core = self.core
        scaled = np.rint(mult * SCALE).astype(np.int64)
        cost = core.edge_cost * SCALE
        if scaled.any():
            cost = cost + self.weights @ (self.sign * scaled)
        # candidates chosen under these prices: the options a price makes contested are not those of
        # another price, and wrong candidates cost whole extra pricing rounds (at 10,000 items:
        # 4 s with fresh candidates, 15 s with the previous multipliers' ones)
        cand = first_candidates(core, cost, core.unassigned_cost * SCALE, self.candidates, near_steps=1)
        res = assign_priced(
            core, cost, core.unassigned_cost * SCALE, cand, max_rounds=max_rounds, deadline=self.deadline
        )
        self.edges = max(self.edges, int(cand.sum()))
        if not res.feasible:
            self.infeasible = True
            return None
        load = self.matrix @ res.used.astype(np.int64)
        offset = float(scaled @ self.rhs)
        value = (res.objective - offset) / SCALE + core.fixed_cost
        proven = (res.bound - offset) / SCALE + core.fixed_cost
        grad = (self.sign * load - self.rhs).astype(np.float64)
        self.mults.append(scaled / SCALE)
        self.values.append(value)
        self.grads.append(grad)
        self.best = max(self.best, proven)
        np.maximum(self.edge_bound, proven + res.reduced / SCALE, out=self.edge_bound)
        if not self.on_solution(res.used, cost, proven):
            self.stopped = True
        return value, grad

    def stalled(self) -> bool:
        if len(self.values) <= STALL_EVALUATIONS:
            return False
        gained = self.best - max(self.values[:-STALL_EVALUATIONS])
        return gained < max(1.0, 1e-7 * abs(self.best))

    def done(self, max_evaluations: int) -> bool:
        return (
            self.infeasible
            or len(self.values) >= max_evaluations
            or time.perf_counter() > self.deadline
            or self.stalled()
        )


def maximise_dual(
    core: Core,
    candidates: int,
    *,
    deadline: float,
    incumbent: Incumbent,
    on_solution: OnSolution,
    max_evaluations: int = 60,
    tolerance: float = 0.0,
    start: FloatArray | None = None,
) -> DualBound:
    """Maximise ``L`` until it stalls, proves the incumbent (which ``on_solution`` may improve),
    reaches the deadline, ``on_solution`` says stop, or the model promises less than ``tolerance``
    (relative) more.

    Each evaluation starts from each item's ``candidates`` cheapest edges under auction prices.
    ``start`` (per side constraint, the LP's duals: ``<= 0`` where the upper side binds, ``>= 0``
    where the lower side does) skips the line search: the bundle starts there.
    """
    oracle = _Oracle(core, candidates, deadline, on_solution)
    if start is not None and oracle.size:
        mult = np.maximum(-oracle.sign * start[oracle.rows], 0.0)
        cut = oracle(mult)
        if cut is not None and not _reached(oracle, incumbent):
            positive = mult[mult > 0]
            step = max(1.0, STEP_SHARE * float(positive.mean())) if positive.size else _initial_price(core)
            _bundle(oracle, mult, cut[0], step, max_evaluations, incumbent, tolerance)
        return DualBound(oracle.best, oracle.edge_bound, len(oracle.values), oracle.edges)
    zero = np.zeros(oracle.size)
    # Unpriced, the relaxed problem is the whole assignment without side constraints, the costliest
    # solve of all (most edges compete): one pricing round on the candidates tells which rows
    # overload, and gives a valid cut; the full bound at zero only matters if none overloads.
    first = oracle(zero, max_rounds=1)
    if first is not None and not (first[1] > 0).any():
        first = oracle(zero)
    if first is not None and oracle.size and not _reached(oracle, incumbent):
        center, center_value, price = _line_search(
            oracle, first, _initial_price(core), max_evaluations, incumbent
        )
        step = max(1.0, STEP_SHARE * price) if price > 0 else _initial_price(core)
        _bundle(oracle, center, center_value, step, max_evaluations, incumbent, tolerance)
    return DualBound(oracle.best, oracle.edge_bound, len(oracle.values), oracle.edges)


def _reached(oracle: _Oracle, incumbent: Incumbent) -> bool:
    """Stopped, or the bound closes the gap to the incumbent (costs are integers)."""
    return oracle.stopped or (
        math.isfinite(oracle.best) and incumbent.proven_by(math.ceil(oracle.best - 1e-9))
    )


def _line_search(
    oracle: _Oracle,
    first: tuple[float, FloatArray],
    start: float,
    max_evaluations: int,
    incumbent: Incumbent,
) -> tuple[FloatArray, float, float]:
    """Maximise ``L(t d)`` over ``t >= 0``, trying ``start`` first and doubling ``t`` until the
    slope turns; ``d`` is the indicator of the overloaded rows, and a row that a price overloads
    joins it (the line changes: the bracket starts again from there). Returns the best point, its
    value and its ``t``."""
    value0, grad0 = first
    direction = (grad0 > 0).astype(np.float64)
    best = (value0, np.zeros_like(grad0), 0.0)
    if not direction.any():
        return best[1], best[0], best[2]
    lo, lo_value, lo_slope = 0.0, value0, float(grad0 @ direction)
    hi: tuple[float, float, float] | None = None
    t = start
    for _ in range(LINE_STEPS):
        if oracle.done(max_evaluations) or _reached(oracle, incumbent):
            break
        cut = oracle(t * direction)
        if cut is None:
            break
        value, grad = cut
        if value > best[0]:
            best = (value, t * direction, t)
        joining = (grad > 0) & (direction == 0)
        if joining.any():
            direction[joining] = 1.0
            lo, lo_value, lo_slope, hi = 0.0, value0, float(grad0 @ direction), None
            continue  # the same price on the wider line
        slope = float(grad @ direction)
        if slope > 0:
            lo, lo_value, lo_slope = t, value, slope
        elif slope == 0:
            break
        else:
            hi = (t, value, slope)
        if hi is None:
            t *= 2.0
            continue
        # the two tangents meet where the concave function can be no higher: try there next
        h, h_value, h_slope = hi
        if lo_slope <= 0 or lo_slope <= h_slope:
            break  # the wider line falls from the start: the bundle takes over
        meet = (h_value - lo_value + lo_slope * lo - h_slope * h) / (lo_slope - h_slope)
        promise = lo_value + lo_slope * (meet - lo)
        if promise - max(lo_value, h_value) < 1.0 or h - lo <= 1.0 / SCALE:
            break
        t = meet
    return best[1], best[0], best[2]


def _bundle(
    oracle: _Oracle,
    center: FloatArray,
    center_value: float,
    step: float,
    max_evaluations: int,
    incumbent: Incumbent,
    tolerance: float,
) -> None:
    """Proximal cutting planes: move the centre only when a step gained a fair share of what the
    model promised; lengthen the steps after a good one, shorten them after a loss."""
    while not oracle.done(max_evaluations) and not _reached(oracle, incumbent):
        proposal = _model_maximum(oracle, center, step)
        if proposal is None:
            return
        mult, predicted = proposal
        if predicted - center_value < max(1.0 / SCALE, tolerance * abs(center_value)):
            return  # the model promises under a grid step (or under the tolerance): stop here
        cut = oracle(mult)
        if cut is None:
            return
        ratio = (cut[0] - center_value) / (predicted - center_value)
        if ratio >= SERIOUS_STEP:
            center, center_value = mult, cut[0]
            if ratio >= 0.5:
                step *= 2.0
        elif cut[0] < center_value:
            step *= 0.5


def _model_maximum(oracle: _Oracle, center: FloatArray, step: float) -> tuple[FloatArray, float] | None:
    """Maximise the cutting-plane model of ``L`` less a proximal term ``|mu - center|^2 / 2t``
    (``mu >= 0``), ``t`` sized so that a move along the latest subgradient is about ``step``: the
    next multipliers and the model's value there. The quadratic term moves every multiplier by
    what its own subgradients ask, where a box would push all of them to its corners."""
    k = center.size
    grads = np.array(oracle.grads)
    intercept = np.array(oracle.values) - np.einsum("ij,ij->i", grads, np.array(oracle.mults))
    t = step / max(1.0, float(np.abs(grads[-1]).max()))
    ones = np.ones(len(intercept))

    def objective(x: FloatArray) -> float:
        d = x[:k] - center
        return float(-x[k] + d @ d / (2 * t))

    def gradient(x: FloatArray) -> FloatArray:
        return np.concatenate([(x[:k] - center) / t, [-1.0]])

    cuts = {
        "type": "ineq",
        "fun": lambda x: intercept + grads @ x[:k] - x[k],
        "jac": lambda x: np.c_[grads, -ones],
    }
    start = np.r_[center, float((intercept + grads @ center).min())]
    res = minimize(
        objective,
        start,
        jac=gradient,
        constraints=[cuts],
        bounds=[(0.0, None)] * k + [(None, None)],
        method="SLSQP",
        options={"maxiter": 300, "ftol": 1e-9},
    )
    if not np.all(np.isfinite(res.x)):
        return None
    mult = np.maximum(res.x[:k], 0.0)
    return mult, float((intercept + grads @ mult).min())


def relaxed_rows(core: Core) -> tuple[IntArray, IntArray, IntArray]:
    """Each bounded side of each constraint as a row ``sign * A_k x <= rhs``."""
    up = np.flatnonzero(core.constraint_upper < UNBOUNDED)
    low = np.flatnonzero(core.constraint_lower > 0)
    rows = np.concatenate([up, low])
    sign = np.concatenate([np.ones(up.size, np.int64), -np.ones(low.size, np.int64)])
    rhs = np.concatenate([core.constraint_upper[up], -core.constraint_lower[low]])
    return rows, sign, rhs


def _initial_price(core: Core) -> float:
    """A first price per point of weight: about what one item's choice is worth; where items may
    stay unassigned, a binding constraint can be worth an item's unassigned cost."""
    scale = float(max(np.percentile(core.edge_cost, 90) if core.n_edges else 1.0, 1.0))
    if (~core.must_assign).any():
        scale = max(scale, float(np.median(core.unassigned_cost[~core.must_assign])))
    weight = float(core.constraint_matrix.data.max(initial=1))
    return max(1.0, scale / weight)
