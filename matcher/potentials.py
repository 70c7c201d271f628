"""Potentials: what a planner's look-ahead says a unit, a caseload point or a household is worth later.

A monthly run that ignores the future gives the last large unit to whoever fits it now. Potentials
price the future into that run, apart from fit and stability: every pair with unit ``u`` costs
``unit_reserve[u]`` more (the value of keeping ``u`` for households to come), every caseload point
used in zone ``z`` costs ``zone_point_value[z]`` more, and leaving household ``h`` unhoused costs
``unhoused[h]`` instead of the policy's price (what waiting until a later run loses, as the
look-ahead valued it). All in cost points; absent keys change nothing.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from matcher.domain import Frozen, HouseholdId, UnitId, ZoneId

Points = float


class Potentials(Frozen):
    """Optional look-ahead prices for one run (see the module docstring)."""

    unit_reserve: dict[UnitId, float] = Field(
        default_factory=dict, description="points per pair with the unit"
    )
    zone_point_value: dict[ZoneId, float] = Field(
        default_factory=dict, description="points per caseload point used in the zone"
    )
    unhoused: dict[HouseholdId, float] = Field(
        default_factory=dict, description="points for leaving the household unhoused (replaces the policy's)"
    )


def pair_potentials(
    potentials: Potentials,
    unit_ids: list[str],
    zone_ids: list[str],
    unit_zone: NDArray[np.int64],
    points: NDArray[np.int64],
    h: NDArray[np.int64],
    u: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Extra cost of the pairs ``(h[k], u[k])``: the unit's reserve plus the zone's points value."""
    reserve = np.array([potentials.unit_reserve.get(x, 0.0) for x in unit_ids] or [0.0])
    value = np.array([potentials.zone_point_value.get(z, 0.0) for z in zone_ids] + [0.0])
    zone = np.where(unit_zone[u] >= 0, unit_zone[u], len(zone_ids))
    extra = reserve[u] + value[zone] * points[h]
    out: NDArray[np.int64] = np.rint(np.maximum(extra, 0.0)).astype(np.int64)
    return out


def unhoused_potentials(
    potentials: Potentials, household_ids: list[str], default: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Unhoused costs with the look-ahead's values where it gives one."""
    given = potentials.unhoused
    out = np.array(
        [
            round(max(0.0, given[x])) if x in given else int(d)
            for x, d in zip(household_ids, default, strict=True)
        ],
        np.int64,
    )
    return out
