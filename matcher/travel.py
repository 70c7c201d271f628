"""Travel minutes from a place to a unit: the one home of the travel model.

Eligibility's cap, the cost terms, the validator and the scenario indicators all ask this module, so
the approximation can be replaced (by a public-transport matrix, say) in one place. A place or a
unit given by its commune only stands at the commune's inner point.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from matcher.domain import Location, Policy, TravelModel, Unit
from matcher.geo import communes, distance_km
from matcher.transit import matrix_minutes


def place_point(place: Location) -> tuple[float, float]:
    """A place's (lat, lon): its own coordinates, else its commune's inner point."""
    if place.lat is not None and place.lon is not None:
        return (place.lat, place.lon)
    c = communes()[place.commune or ""]
    return (c.lat, c.lon)


def unit_point(unit: Unit) -> tuple[float, float]:
    """A unit's (lat, lon): its own coordinates, else its commune's inner point."""
    if unit.lat is not None and unit.lon is not None:
        return (unit.lat, unit.lon)
    c = communes()[unit.commune]
    return (c.lat, c.lon)


def minutes_for_km(km: ArrayLike, access_minutes: float, minutes_per_km: float) -> NDArray[np.float64]:
    """The model: ``access + km x minutes_per_km`` over the crow-fly distance.

    With the defaults (10 min, 2.2 min/km) 10 km take 32 min, close to STATEC's 25-min median
    commute for residents' 16.7 km average (FACTS-2 §6). An assumption until a timetable-based
    matrix replaces it.
    """
    return np.asarray(access_minutes + minutes_per_km * np.asarray(km, np.float64))


def minutes(
    policy: Policy, lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
) -> NDArray[np.float64]:
    """Door-to-door public-transport minutes from places (1) to units (2); broadcasts like numpy, NaN
    stays NaN. The shipped matrix where both ends are on it (:mod:`matcher.transit`), else the formula."""
    km = distance_km(np.asarray(lat1), np.asarray(lon1), np.asarray(lat2), np.asarray(lon2))
    formula = minutes_for_km(km, policy.travel_access_minutes, policy.travel_minutes_per_km)
    if policy.travel_model is TravelModel.CROW_FLY:
        return formula
    on_matrix = matrix_minutes(lat2, lon2, lat1, lon1)  # rows are homes: the unit's end
    return np.asarray(np.where(np.isnan(on_matrix), formula, on_matrix), np.float64)


def trip_minutes(policy: Policy, place: Location, unit: Unit) -> float:
    """Minutes from ``place`` to ``unit``."""
    return float(minutes(policy, *place_point(place), *unit_point(unit)))
