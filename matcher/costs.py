"""The integer cost of a pair, term by term, and each household's priority.

One cost point is worth about one minute of commuting (:class:`matcher.domain.Weights`). Terms:

- ``travel_work``: minutes from the unit to the workplace (``access + 2.2 min/km`` crow-fly);
- ``travel_school``: minutes to each child's school, summed;
- ``under_occupancy`` / ``over_occupancy``: bedrooms beyond / below what the household needs
  (:mod:`matcher.rooms`: ``ceil(adults/2) + ceil(children/2)``, at least one; a studio fits a
  single person);
- ``rent_burden``: percentage points of income above the policy's target share;
- ``preference``: how much of the household's strongest commune preference the unit misses;
- ``anchor``: minutes to each place the household wants to stay near, times its weight.

These are the pair's *fit*: what the unit costs the household, shown in breakdowns, alternatives and
explanations. The solver minimises fit plus *stability*, a separate price for changing what was
shown: ``weights.stability`` when the unit differs from the one the household was shown last time.
Leaving a household unhoused costs ``weights.unhoused x priority`` (+ stability if it had a
proposal). The default ``unhoused`` (2,000 points) is above any pair's typical cost, so the
optimiser houses as many households as it can, weighted by priority, before it improves fit.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from matcher.arrays import HouseholdArrays, UnitArrays, rent_paid
from matcher.domain import Policy
from matcher.errors import InvalidProblemError
from matcher.rooms import missing_bedrooms, spare_bedrooms
from matcher.travel import minutes

BLOCK_EDGES = 1_000_000
TERMS = (
    "travel_work",
    "travel_school",
    "under_occupancy",
    "over_occupancy",
    "rent_burden",
    "preference",
    "anchor",
)


def _trips(
    places: NDArray[np.float64],
    weights: NDArray[np.float64] | None,
    h: NDArray[np.int64],
    lat: NDArray[np.float64],
    lon: NDArray[np.float64],
    policy: Policy,
) -> NDArray[np.float64]:
    """Weighted minutes from each pair's unit to its household's (H, P, 2) places, summed; only
    the pairs whose household has such a place are computed (most have none)."""
    out = np.zeros(h.size)
    if places.shape[1] == 0:
        return out
    has = np.asarray(np.isfinite(places[:, :, 0]).any(axis=1))[h]
    if not has.any():
        return out
    pts = places[h[has]]
    t = np.nan_to_num(minutes(policy, pts[:, :, 0], pts[:, :, 1], lat[has, None], lon[has, None]))
    out[has] = (t if weights is None else t * weights[h[has]]).sum(axis=1)
    return out


def pair_terms(
    hh: HouseholdArrays,
    units: UnitArrays,
    policy: Policy,
    h: NDArray[np.int64],
    u: NDArray[np.int64],
) -> dict[str, NDArray[np.int64]]:
    """Each fit term (:data:`TERMS`), in integer points, for the pairs ``(h[k], u[k])``."""
    w = policy.weights
    lat, lon = units.lat[u], units.lon[u]
    work = _trips(hh.work[:, None, :], None, h, lat, lon, policy)
    schools = _trips(hh.schools, None, h, lat, lon, policy)
    anchors = _trips(hh.anchors, hh.anchor_weight, h, lat, lon, policy)
    spare = spare_bedrooms(hh.adults[h], hh.children[h], units.bedrooms[u])
    missing = missing_bedrooms(hh.adults[h], hh.children[h], units.bedrooms[u])
    share = rent_paid(units, u, hh.income[h], hh.persons[h], policy.rent_subsidy) / np.where(
        np.isnan(hh.income[h]) | (hh.income[h] <= 0), np.inf, hh.income[h]
    )
    burden = np.maximum(0.0, 100.0 * (share - policy.rent_burden_target))
    missed = hh.preference.max(axis=1, initial=0.0)[h] - hh.preference[h, units.commune[u]]
    raw = {
        "travel_work": w.travel_work * work,
        "travel_school": w.travel_school * schools,
        "under_occupancy": w.under_occupancy * spare,
        "over_occupancy": w.over_occupancy * missing,
        "rent_burden": w.rent_burden * burden,
        "preference": w.preference * missed,
        "anchor": w.anchor * anchors,
    }
    return {k: np.rint(np.broadcast_to(v, h.shape)).astype(np.int64) for k, v in raw.items()}


def stability_costs(
    hh: HouseholdArrays, policy: Policy, h: NDArray[np.int64], u: NDArray[np.int64]
) -> NDArray[np.int64]:
    """The price of changing a shown proposal, for the pairs ``(h[k], u[k])``: not part of fit."""
    moved = (hh.previous_unit[h] >= 0) & (hh.previous_unit[h] != u)
    points: NDArray[np.int64] = np.rint(policy.weights.stability * moved).astype(np.int64)
    return points


def fit_costs(
    hh: HouseholdArrays, units: UnitArrays, policy: Policy, h: NDArray[np.int64], u: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Each pair's fit, the sum of :func:`pair_terms`, in blocks to bound memory."""
    total = np.zeros(h.size, np.int64)
    for lo in range(0, h.size, BLOCK_EDGES):
        part = slice(lo, lo + BLOCK_EDGES)
        for term in pair_terms(hh, units, policy, h[part], u[part]).values():
            total[part] += term
    return total


def pair_costs(
    hh: HouseholdArrays, units: UnitArrays, policy: Policy, h: NDArray[np.int64], u: NDArray[np.int64]
) -> NDArray[np.int64]:
    """What the solver minimises for each pair: fit plus stability."""
    return stability_costs(hh, policy, h, u) + fit_costs(hh, units, policy, h, u)


def unhoused_costs(hh: HouseholdArrays, policy: Policy, units: UnitArrays | None = None) -> NDArray[np.int64]:
    """What leaving each household unhoused costs: priority-weighted, plus stability if it moves.

    A movable household (:mod:`matcher.transfers`) is never to be left without a home: its price is
    one point above the whole objective of the answer where every movable household stays and no
    one else is housed, so any answer that unhouses one costs more than that answer (``units`` is
    then needed, for the fit of staying).
    """
    w = policy.weights
    had_proposal = hh.previous_unit >= 0
    cost: NDArray[np.int64] = np.rint(w.unhoused * hh.priority + w.stability * had_proposal).astype(np.int64)
    movable = np.flatnonzero(hh.current_unit >= 0)
    if movable.size:
        if units is None:
            raise InvalidProblemError(
                "households", "current_unit", "movable households need the units to price staying"
            )
        home = hh.current_unit[movable]
        stay = pair_costs(hh, units, policy, movable, home)
        others = np.ones(cost.size, bool)
        others[movable] = False
        cost[movable] = int(cost[others].sum()) + int(stay.sum()) + 1
    return cost
