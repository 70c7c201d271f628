"""Which (household, unit) pairs are feasible, and why every other pair is not.

The rules are hard: a pair that breaks one is never proposed. Each excluded pair is counted once,
under the first rule it breaks in :class:`Reason` order, so the counts per household add up to the
number of units it cannot get. Work runs in blocks of households so that memory stays bounded
(a block x all units of booleans) whatever the problem size.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from matcher.arrays import HouseholdArrays, UnitArrays, rent_paid
from matcher.domain import Policy
from matcher.transfers import home_of, worse_than_home
from matcher.travel import minutes

BLOCK_PAIRS = 4_000_000  #: pairs examined per block (~50 MB of temporaries)


class Reason(IntEnum):
    """Why a pair is not eligible, in the order rules are checked."""

    EXCLUDED_BY_OFFICER = 0  #: the unit or its commune is excluded for this household, or forbidden
    RESERVED = 1  #: the unit is reserved for households attached to another commune
    TOO_SMALL = 2  #: over max occupancy, > 2 adults per bedroom, or below the minimum surface
    NOT_ACCESSIBLE = 3  #: lacks an accessibility feature the household needs
    OVER_BUDGET = 4  #: rent + charges above the household's budget
    NOT_AVAILABLE_IN_TIME = 5  #: free only after the availability horizon
    TOO_FAR = 6  #: travel to work or to a school above the policy's maximum
    WORSE_THAN_CURRENT = 7  #: a movable household's unit fits it better (:mod:`matcher.transfers`)

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, eq=False)
class Eligibility:
    """Eligible pairs (sorted by household, then unit) and excluded-pair counts per reason."""

    household: NDArray[np.int64]
    unit: NDArray[np.int64]
    excluded: NDArray[np.int64]  #: (H, len(Reason)) counts

    def reasons_of(self, h: int) -> dict[str, int]:
        return {r.label: int(self.excluded[h, r]) for r in Reason if self.excluded[h, r]}


def pair_reasons(
    hh: HouseholdArrays,
    units: UnitArrays,
    policy: Policy,
    rows: NDArray[np.int64],
    match_day: int,
    forbidden: NDArray[np.bool_] | None = None,
) -> NDArray[np.int8]:
    """For households ``rows`` x every unit: the first failed :class:`Reason`, or -1 if eligible."""
    out = np.full((rows.size, units.lat.size), -1, np.int8)

    def mark(reason: Reason, fails: NDArray[np.bool_]) -> None:
        out[(out < 0) & fails] = reason

    officer = hh.excluded_commune[rows][:, units.commune]
    if forbidden is not None:
        officer |= forbidden
    mark(Reason.EXCLUDED_BY_OFFICER, officer)
    mark(
        Reason.RESERVED,
        (units.reserved_for >= 0)[None, :] & (hh.attached[rows, None] != units.reserved_for[None, :]),
    )
    min_surface = np.array([policy.min_surface(int(p)) for p in hh.persons[rows]])
    rooms = np.maximum(units.bedrooms, 1)
    mark(
        Reason.TOO_SMALL,
        (hh.persons[rows, None] > units.max_occupancy[None, :])
        | (hh.adults[rows, None] > policy.max_adults_per_bedroom * rooms[None, :])
        | (min_surface[:, None] > units.surface[None, :]),
    )
    mark(Reason.NOT_ACCESSIBLE, (hh.needs[rows, None] & ~units.features[None, :]) != 0)
    every_unit = np.arange(units.lat.size)[None, :]
    paid = rent_paid(units, every_unit, hh.income[rows, None], hh.persons[rows, None], policy.rent_subsidy)
    mark(Reason.OVER_BUDGET, paid > hh.budget[rows, None] + 1e-9)
    horizon = match_day + policy.availability_horizon_days
    mark(Reason.NOT_AVAILABLE_IN_TIME, np.broadcast_to(units.available_day > horizon, out.shape))
    # travel only for the households that have somewhere to go (most do not work)
    places = np.concatenate([hh.work[rows][:, None, :], hh.schools[rows]], axis=1)
    goes = np.isfinite(places[:, :, 0]).any(axis=1)
    if goes.any():
        minutes = travel_to(places[goes], units, policy)
        far = np.zeros(out.shape, bool)
        far[goes] = np.where(np.isnan(minutes), -np.inf, minutes).max(axis=1) > policy.max_travel_minutes
        mark(Reason.TOO_FAR, far)
    if (hh.current_unit[rows] >= 0).any():  # movable households: no worse than home, home always
        mark(Reason.WORSE_THAN_CURRENT, worse_than_home(hh, units, policy, rows, out < 0))
        out[home_of(hh, rows, units.lat.size)] = -1
    return out


def travel_to(points: NDArray[np.float64], units: UnitArrays, policy: Policy) -> NDArray[np.float64]:
    """Minutes from (H, P, 2) points to every unit: (H, P, U), NaN where a point is padding."""
    return minutes(
        policy,
        points[:, :, 0, None],
        points[:, :, 1, None],
        units.lat[None, None, :],
        units.lon[None, None, :],
    )


def eligible_pairs(
    hh: HouseholdArrays,
    units: UnitArrays,
    policy: Policy,
    match_day: int,
    forbidden: dict[int, NDArray[np.int64]],
) -> Eligibility:
    """All eligible pairs; ``forbidden`` maps a household to unit indices an officer ruled out."""
    n_h, n_u = hh.persons.size, units.lat.size
    block = max(1, BLOCK_PAIRS // max(n_u, 1))
    excluded = np.zeros((n_h, len(Reason)), np.int64)
    hs, us = [], []
    for lo in range(0, n_h, block):
        rows = np.arange(lo, min(n_h, lo + block))
        ban = np.zeros((rows.size, n_u), bool)
        for k, h in enumerate(rows.tolist()):
            if h in forbidden:
                ban[k, forbidden[h]] = True
        reasons = pair_reasons(hh, units, policy, rows, match_day, ban)
        for r in Reason:
            excluded[rows, r] = (reasons == r).sum(axis=1)
        r_idx, u_idx = np.nonzero(reasons < 0)
        hs.append(rows[r_idx])
        us.append(u_idx.astype(np.int64))
    return Eligibility(
        household=np.concatenate(hs) if hs else np.zeros(0, np.int64),
        unit=np.concatenate(us) if us else np.zeros(0, np.int64),
        excluded=excluded,
    )
