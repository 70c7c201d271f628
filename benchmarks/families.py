"""Instance families nobody tuned the solver for, one axis varied at a time (issue 17).

Each family is a generator of the generic model (:class:`AssignmentProblem`) at any number of
items; items are households, options units of capacity one, side constraints caseload zones (a
household's weight on every edge into a zone's units) and, where asked, quotas and minimums:

- ``housing``: the outside "housing-like" family: 12 zones, weights 1/2/3, total zone capacity equal
  to demand but spread unevenly (0.6-1.2 x each zone's proportional share, rescaled), staying
  unassigned costs 10,000-30,000 against pair costs of 0-1,000, 28 % of pairs eligible at random, no
  travel cap, households clustered in towns;
- axis variants of it: capacity ``loose`` (1.3 x demand), ``tight`` (demand, proportional), ``short``
  (0.9 x), ``uneven`` (0.6-1.2 x the share, not rescaled); weights ``ones`` and ``wide`` (1-10);
  penalty ``pen2000`` and ``pen100x`` (10-100 x the median pair cost); ``zones5`` and ``zones50``;
  ``quotas`` (the three largest zones also cap how many households they take, the smallest has a
  minimum); ``travelcap`` (only pairs within a distance are eligible); ``far`` (towns in one corner,
  units everywhere);
- ``national`` (not in the default set, for ``python -m benchmarks scale``): one national region of
  100 towns where only pairs within a reach are eligible, about 42 M pairs at 50,000 items;
- ``gapC``, ``gapD``, ``gapE``: generalised assignment generated as Chu & Beasley (1997) describe
  their types C, D, E (agents = items / 20); ``orlib``: the OR-Library files in ``tests/data/orlib``
  with their published optima.

``python -m benchmarks families`` solves every instance with every solver, each in a fresh process,
and re-checks every answer (:mod:`benchmarks.check`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np
from numba import njit

from benchmarks.instances import Instance
from benchmarks.orlib import GapInstance, gap_problem, read_gap
from matcher.assignment import AssignmentProblem, SideConstraint

Capacity = Literal["near", "loose", "tight", "short", "uneven"]
Weights = Literal["123", "ones", "wide"]
Penalty = Literal["10k-30k", "2000", "10-100x"]

ORLIB = Path(__file__).parents[1] / "tests" / "data" / "orlib"
#: OR-Library files and their sense (the published optima of ``tests/data/orlib/README.md``).
ORLIB_FILES = (
    ("gap1.txt", "max"),
    ("gap2.txt", "max"),
    ("gap12.txt", "max"),
    ("a05100", "min"),
    ("b05100", "min"),
    ("c05100", "min"),
)


@dataclass(frozen=True)
class Family:
    """One point of the axes; ``housing`` is the base every variant changes in one place."""

    name: str
    zones: int = 12
    weights: Weights = "123"
    capacity: Capacity = "near"
    penalty: Penalty = "10k-30k"
    density: float = 0.28
    travel_cap: bool = False
    quotas: bool = False
    far: bool = False
    units_per_item: float = 1.1
    towns: int = 20
    #: Pairs only within this distance, items numbered town by town (so a block of them is compact)
    #: and random draws made only for the pairs within it: large sparse instances built fast.
    reach: float | None = None


HOUSING = Family("housing")
FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        HOUSING,
        replace(HOUSING, name="loose", capacity="loose"),
        replace(HOUSING, name="tight", capacity="tight"),
        replace(HOUSING, name="short", capacity="short"),
        replace(HOUSING, name="uneven", capacity="uneven"),
        replace(HOUSING, name="ones", weights="ones"),
        replace(HOUSING, name="wide", weights="wide"),
        replace(HOUSING, name="pen2000", penalty="2000"),
        replace(HOUSING, name="pen100x", penalty="10-100x"),
        replace(HOUSING, name="zones5", zones=5),
        replace(HOUSING, name="zones50", zones=50),
        replace(HOUSING, name="quotas", quotas=True),
        replace(HOUSING, name="travelcap", travel_cap=True),
        replace(HOUSING, name="far", far=True),
    )
}
#: Too large for the default set: one national region of 100 towns, pairs within a reach of 0.13
#: (about 42 M pairs at 50,000 items, 1.5 % of all).
LARGE_FAMILIES: dict[str, Family] = {"national": replace(HOUSING, name="national", towns=100, reach=0.13)}
GAP_TYPES = ("gapC", "gapD", "gapE")
ALL_FAMILIES = (*FAMILIES, *GAP_TYPES, "orlib")
KNOWN_FAMILIES = (*ALL_FAMILIES, *LARGE_FAMILIES)
#: How far (unit square) households spread around their town.
TOWN_SPREAD = 0.04
ZONE_SPREAD = 0.08
#: With the travel cap, only pairs closer than this (unit square) are eligible.
TRAVEL_CAP = 0.35
#: Pairs are generated this many items at a time (30 M pairs at 10,000 items would not fit densely).
BLOCK_ITEMS = 500


def housing_like(family: Family, items: int, seed: int) -> Instance:
    """One instance of a housing-like family (see the module docstring)."""
    rng = np.random.default_rng(seed * 7919 + items)
    n, m, z = items, max(1, round(family.units_per_item * items)), family.zones
    centre = rng.random((z, 2))
    unit_zone = rng.integers(0, z, m)
    unit_xy = np.clip(centre[unit_zone] + rng.normal(0, ZONE_SPREAD, (m, 2)), 0, 1)
    towns = rng.random((family.towns, 2)) * (0.3 if family.far else 1.0)
    size = 1.0 / np.arange(1, family.towns + 1)  # Zipf: a few large towns
    town = rng.choice(family.towns, n, p=size / size.sum())
    if family.reach is not None:
        town.sort()
    item_xy = np.clip(towns[town] + rng.normal(0, TOWN_SPREAD, (n, 2)), 0, 1)
    edge_item, edge_option, edge_cost = _pairs(family, item_xy, unit_xy, rng)
    weight = _weights(family.weights, n, rng)
    penalty = _penalty(family.penalty, n, edge_cost, rng)
    demand = float(weight.sum())
    share = np.bincount(unit_zone, minlength=z) / m
    spread = rng.uniform(0.6, 1.2, z)
    factor = {"loose": 1.3, "tight": 1.0, "short": 0.9}
    if family.capacity == "near":
        cap = demand * share * spread / float(share @ spread)
    elif family.capacity == "uneven":
        cap = demand * share * spread
    else:
        cap = demand * share * factor[family.capacity]
    order, load, start = _by_zone(unit_zone, edge_option, edge_item, weight, z)
    edges_of_zone = [order[start[k] : start[k + 1]] for k in range(z)]
    constraints = [
        SideConstraint(f"zone {k}", e, load[start[k] : start[k + 1]], int(cap[k]))
        for k, e in enumerate(edges_of_zone)
    ]
    if family.quotas:
        units = np.bincount(unit_zone, minlength=z)
        for k in np.argsort(-units, kind="stable")[:3].tolist():
            e = edges_of_zone[k]
            constraints.append(SideConstraint(f"quota {k}", e, np.ones(e.size, np.int32), int(units[k] // 2)))
        small = int(np.argmin(np.where(units > 0, cap, np.inf)))
        e = edges_of_zone[small]
        constraints[small] = SideConstraint(
            f"zone {small}",
            e,
            load[start[small] : start[small + 1]],
            int(cap[small]),
            lower=int(cap[small] // 2),
        )
    problem = AssignmentProblem.create(
        n, m, edge_item, edge_option, edge_cost, unassigned_cost=penalty, constraints=constraints
    )
    return _instance(f"{family.name}-{items}-s{seed}", problem, rng)


def _pairs(
    family: Family, item_xy: np.ndarray, unit_xy: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Eligible pairs and their costs, ``BLOCK_ITEMS`` items at a time: the random draws are made
    block by block with numpy (the same stream as ever), the pairs picked from them by a compiled
    pass that keeps them as int32 (indices, and costs of at most 1,000, fit exactly); the result is
    int64, the problem's type, written once."""
    n = item_xy.shape[0]
    cap = TRAVEL_CAP if family.travel_cap else np.inf
    blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for lo in range(0, n, BLOCK_ITEMS):
        hi = min(n, lo + BLOCK_ITEMS)
        if family.reach is not None:
            blocks.append(_reachable(family, item_xy[lo:hi], unit_xy, lo, rng))
            continue
        shape = (hi - lo, unit_xy.shape[0])
        draw = rng.random(shape)
        noise = rng.integers(0, 100, shape)
        near = np.arange(unit_xy.shape[0])
        blocks.append(_block(item_xy[lo:hi], unit_xy, near, lo, draw, noise, family.density, cap))
    if not blocks:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    return tuple(np.concatenate([b[k] for b in blocks], dtype=np.int64) for k in range(3))  # type: ignore[return-value]


def _reachable(
    family: Family, item_xy: np.ndarray, unit_xy: np.ndarray, lo: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One block's pairs where only those within ``family.reach`` may be eligible: random draws
    for those pairs only (a town's block reaches a few % of the units), picked as in :func:`_block`."""
    assert family.reach is not None
    box_lo, box_hi = item_xy.min(0) - family.reach, item_xy.max(0) + family.reach
    near = np.flatnonzero(((unit_xy >= box_lo) & (unit_xy <= box_hi)).all(1))
    item, option, dist = _within(item_xy, unit_xy[near], near, lo, family.reach)
    keep = rng.random(dist.size) < family.density
    noise = rng.integers(0, 100, int(keep.sum()))
    cost = np.minimum(1000, dist[keep] / 1.2 * 900 + noise).astype(np.int32)
    return item[keep], option[keep], cost


@njit(cache=True)
def _within(  # pragma: no cover - compiled
    item_xy: np.ndarray, unit_xy: np.ndarray, near: np.ndarray, lo: int, reach: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of a block closer than ``reach``, by item then unit, with their distances."""
    rows, cols = item_xy.shape[0], unit_xy.shape[0]
    count = 0
    for r in range(rows):
        for c in range(cols):
            dx = item_xy[r, 0] - unit_xy[c, 0]
            dy = item_xy[r, 1] - unit_xy[c, 1]
            if np.sqrt(dx * dx + dy * dy) < reach:
                count += 1
    out_i = np.empty(count, np.int32)
    out_o = np.empty(count, np.int32)
    out_d = np.empty(count, np.float64)
    t = 0
    for r in range(rows):
        for c in range(cols):
            dx = item_xy[r, 0] - unit_xy[c, 0]
            dy = item_xy[r, 1] - unit_xy[c, 1]
            d = np.sqrt(dx * dx + dy * dy)
            if d < reach:
                out_i[t] = lo + r
                out_o[t] = near[c]
                out_d[t] = d
                t += 1
    return out_i, out_o, out_d


@njit(cache=True)
def _block(  # pragma: no cover - compiled
    item_xy: np.ndarray,
    unit_xy: np.ndarray,
    near: np.ndarray,
    lo: int,
    draw: np.ndarray,
    noise: np.ndarray,
    density: float,
    cap: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of one block: drawn eligible (``draw < density``) and closer than ``cap``; cost
    ``min(1000, distance / 1.2 * 900 + noise)``, truncated, as the numpy expression computed it."""
    rows, cols = draw.shape
    count = 0
    for r in range(rows):
        for c in range(cols):
            if draw[r, c] < density:
                count += 1
    out_i = np.empty(count, np.int32)
    out_o = np.empty(count, np.int32)
    out_c = np.empty(count, np.int32)
    t = 0
    for r in range(rows):
        for c in range(cols):
            if draw[r, c] >= density:
                continue
            dx = item_xy[r, 0] - unit_xy[c, 0]
            dy = item_xy[r, 1] - unit_xy[c, 1]
            d = np.sqrt(dx * dx + dy * dy)
            if not d < cap:
                continue
            out_i[t] = lo + r
            out_o[t] = near[c]
            out_c[t] = int(min(1000.0, d / 1.2 * 900 + noise[r, c]))
            t += 1
    return out_i[:t], out_o[:t], out_c[:t]


@njit(cache=True)
def _by_zone(  # pragma: no cover - compiled
    unit_zone: np.ndarray, edge_option: np.ndarray, edge_item: np.ndarray, weight: np.ndarray, z: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges grouped by their unit's zone (a counting sort, in edge order within a zone), with
    their household's weight: each zone's constraint is then a slice, not a scan of every edge."""
    start = np.zeros(z + 1, np.int64)
    for e in range(edge_option.size):
        start[unit_zone[edge_option[e]] + 1] += 1
    for k in range(z):
        start[k + 1] += start[k]
    fill = start[:-1].copy()
    order = np.empty(edge_option.size, np.int32)
    load = np.empty(edge_option.size, np.int32)
    for e in range(edge_option.size):
        k = unit_zone[edge_option[e]]
        order[fill[k]] = e
        load[fill[k]] = weight[edge_item[e]]
        fill[k] += 1
    return order, load, start


def _weights(kind: Weights, n: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "ones":
        return np.ones(n, np.int64)
    if kind == "wide":
        return rng.integers(1, 11, n).astype(np.int64)
    return rng.choice(np.array([1, 2, 3], np.int64), n, p=[0.5, 0.3, 0.2])


def _penalty(kind: Penalty, n: int, cost: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    if kind == "2000":
        return np.full(n, 2000, np.int64)
    if kind == "10-100x":
        median = max(1.0, float(np.median(cost)) if cost.size else 1.0)
        return (median * rng.uniform(10, 100, n)).astype(np.int64)
    return rng.integers(10_000, 30_001, n).astype(np.int64)


def chu_beasley(kind: str, jobs: int, seed: int) -> Instance:
    """A generalised assignment problem of type C, D or E (Chu & Beasley 1997), minimisation:
    C: resources U[5,25], costs U[10,50]; D: resources U[1,100], costs 111 - resource + U[-10,10];
    E: resources 1 - 10 ln U, costs 1000 / resource - 10 U; capacities 0.8 x the mean load per agent."""
    rng = np.random.default_rng(seed * 104729 + jobs)
    agents = max(5, jobs // 20)
    shape = (agents, jobs)
    if kind == "gapC":
        resource = rng.integers(5, 26, shape)
        cost = rng.integers(10, 51, shape)
    elif kind == "gapD":
        resource = rng.integers(1, 101, shape)
        cost = 111 - resource + rng.integers(-10, 11, shape)
    else:
        resource = np.ceil(1 - 10 * np.log(1 - rng.random(shape))).astype(np.int64)
        cost = np.maximum(0, np.rint(1000 / resource - 10 * rng.random(shape))).astype(np.int64)
    capacity = (0.8 * resource.sum(axis=1) / agents).astype(np.int64)
    gap = GapInstance(f"{kind}-{jobs}-s{seed}", cost.astype(np.int64), resource.astype(np.int64), capacity)
    problem, _ = gap_problem(gap, "min")
    return _instance(gap.name, problem, rng)


def orlib_instances() -> Iterator[tuple[Instance, int, str]]:
    """The OR-Library problems in the project, with the offset and sense to report them in."""
    rng = np.random.default_rng(0)
    for file, sense in ORLIB_FILES:
        for gap in read_gap(ORLIB / file):
            problem, offset = gap_problem(gap, sense)  # type: ignore[arg-type]
            yield _instance(f"orlib-{gap.name}", problem, rng), offset, sense


def _instance(name: str, problem: AssignmentProblem, rng: np.random.Generator) -> Instance:
    """An :class:`Instance` for the measuring code: arrival order random, no travel times."""
    order = rng.permutation(problem.n_items).astype(np.int64)
    return Instance(
        name, problem, order, np.zeros(problem.n_edges, np.int64), np.zeros(problem.n_items, bool)
    )


def build(family: str, items: int, seed: int) -> Instance:
    if family in GAP_TYPES:
        return chu_beasley(family, items, seed)
    return housing_like(FAMILIES.get(family) or LARGE_FAMILIES[family], items, seed)


def density(problem: AssignmentProblem) -> float:
    return problem.n_edges / max(1, problem.n_items * problem.n_options)
