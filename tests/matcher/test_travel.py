"""The travel model's one home: places and units without coordinates stand at their commune."""

from __future__ import annotations

import math

from matcher import Location, Policy
from matcher.geo import communes
from matcher.travel import place_point, trip_minutes, unit_point

from .builders import unit


def test_a_unit_without_coordinates_stands_at_its_commune_inner_point() -> None:
    esch = communes()["0204"]
    assert unit_point(unit(commune="0204")) == (esch.lat, esch.lon)
    assert place_point(Location(commune="0204")) == (esch.lat, esch.lon)


def test_a_trip_to_a_unit_in_the_same_commune_takes_only_the_access_time() -> None:
    """A unit without coordinates used to stand at (0, 0), some 5,500 km away."""
    policy = Policy(travel_model="crow_fly")
    minutes = trip_minutes(policy, Location(commune="0204"), unit(commune="0204"))
    assert math.isclose(minutes, policy.travel_access_minutes)


def test_minutes_grow_with_distance_at_the_policy_rate() -> None:
    policy = Policy(travel_access_minutes=5.0, travel_minutes_per_km=3.0)  # points off the matrix
    # 0.1 degree of latitude is 11.12 km anywhere
    near = unit(lat=49.5, lon=6.0)
    from_point = Location(lat=49.6, lon=6.0)
    assert math.isclose(trip_minutes(policy, from_point, near), 5.0 + 3.0 * 11.1195, rel_tol=1e-4)
