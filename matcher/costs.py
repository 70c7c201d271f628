"""The integer cost of a pair, term by term, and each household's priority.

One cost point is worth about one minute of commuting (:class:`matcher.domain.Weights`). Terms:

- ``travel_work``: minutes from the unit to the workplace (``access + 2.2 min/km`` crow-fly);
- ``travel_school``: minutes to each child's school, summed;
- ``under_occupancy`` / ``over_occupancy``: bedrooms beyond / below what the household needs
  (``ceil(adults/2) + ceil(children/2)``, at least one, a studio fits a single adult);
- ``rent_burden``: percentage points of income above the policy's target share;
- ``preference``: how much of the household's strongest commune preference the unit misses;
- ``anchor``: minutes to each place the household wants to stay near, times its weight;
- ``stability``: the unit differs from the proposal the household was shown last time.

Leaving a household unhoused costs ``weights.unhoused x priority`` (+ ``stability`` if it had a
proposal). The default ``unhoused`` (2,000 points) is above any pair's typical cost, so the
optimiser houses as many households as it can, weighted by priority, before it improves fit.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from matcher.arrays import HouseholdArrays, UnitArrays
from matcher.domain import Policy
from matcher.geo import haversine_km, travel_minutes

BLOCK_EDGES = 1_000_000
TERMS = (
    "travel_work",
    "travel_school",
    "under_occupancy",
    "over_occupancy",
    "rent_burden",
    "preference",
    "anchor",
    "stability",
)


def _minutes(
    points: NDArray[np.float64], lat: NDArray[np.float64], lon: NDArray[np.float64], policy: Policy
) -> NDArray[np.float64]:
    """Minutes from (E, P, 2) points to E units: (E, P), 0 where a point is padding."""
    km = haversine_km(points[:, :, 0], points[:, :, 1], lat[:, None], lon[:, None])
    t = travel_minutes(km, policy.travel_access_minutes, policy.travel_minutes_per_km)
    return np.nan_to_num(t, nan=0.0)


def pair_terms(
    hh: HouseholdArrays,
    units: UnitArrays,
    policy: Policy,
    h: NDArray[np.int64],
    u: NDArray[np.int64],
) -> dict[str, NDArray[np.int64]]:
    """Each cost term, in integer points, for the pairs ``(h[k], u[k])``."""
    w = policy.weights
    lat, lon = units.lat[u], units.lon[u]
    work = _minutes(hh.work[h][:, None, :], lat, lon, policy)[:, 0]
    schools = _minutes(hh.schools[h], lat, lon, policy).sum(axis=1) if hh.schools.shape[1] else 0.0
    anchors = (
        (_minutes(hh.anchors[h], lat, lon, policy) * hh.anchor_weight[h]).sum(axis=1)
        if hh.anchors.shape[1]
        else 0.0
    )
    need = np.maximum(hh.needed_bedrooms[h], 1)
    single = hh.persons[h] == 1
    spare = np.maximum(units.bedrooms[u] - need, 0)
    missing = np.where(single, 0, np.maximum(need - units.bedrooms[u], 0))
    share = units.total_rent[u] / np.where(np.isnan(hh.income[h]) | (hh.income[h] <= 0), np.inf, hh.income[h])
    burden = np.maximum(0.0, 100.0 * (share - policy.rent_burden_target))
    pref = hh.preference[h]
    missed = pref.max(axis=1) - pref[np.arange(h.size), units.commune[u]]
    moved = (hh.previous_unit[h] >= 0) & (hh.previous_unit[h] != u)
    raw = {
        "travel_work": w.travel_work * work,
        "travel_school": w.travel_school * schools,
        "under_occupancy": w.under_occupancy * spare,
        "over_occupancy": w.over_occupancy * missing,
        "rent_burden": w.rent_burden * burden,
        "preference": w.preference * missed,
        "anchor": w.anchor * anchors,
        "stability": w.stability * moved,
    }
    return {k: np.rint(np.broadcast_to(v, h.shape)).astype(np.int64) for k, v in raw.items()}


def pair_costs(
    hh: HouseholdArrays, units: UnitArrays, policy: Policy, h: NDArray[np.int64], u: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Total cost of each pair: the sum of :func:`pair_terms`, in blocks to bound memory."""
    total = np.zeros(h.size, np.int64)
    for lo in range(0, h.size, BLOCK_EDGES):
        part = slice(lo, lo + BLOCK_EDGES)
        for term in pair_terms(hh, units, policy, h[part], u[part]).values():
            total[part] += term
    return total


def unhoused_costs(hh: HouseholdArrays, policy: Policy) -> NDArray[np.int64]:
    """What leaving each household unhoused costs: priority-weighted, plus stability if it moves."""
    w = policy.weights
    had_proposal = hh.previous_unit >= 0
    return np.rint(w.unhoused * hh.priority + w.stability * had_proposal).astype(np.int64)
