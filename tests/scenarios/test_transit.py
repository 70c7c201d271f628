"""The shipped public-transport matrix: complete, up to date, sane, and close to the reference journeys."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.geo import communes, distance_km
from matcher.transit import matrix_minutes, minutes_between, place_nodes, transit_matrix
from scenarios import transit_build
from scenarios.transit_build import TRANSFER_MIN, Network

LUX, DIEKIRCH, ECHTERNACH, REDANGE, WILTZ = "0304", "0603", "1005", "0706", "0807"


def formula(a: str, b: str) -> float:
    ca, cb = communes()[a], communes()[b]
    return 10.0 + 2.2 * float(distance_km(ca.lat, ca.lon, cb.lat, cb.lon))


def test_the_shipped_files_are_what_the_build_script_writes() -> None:
    places, matrix = transit_build.build()
    from importlib import resources

    data = resources.files("matcher").joinpath("data")
    assert data.joinpath("lu_transit_places.csv").read_text("utf-8") == transit_build.places_csv(places)
    assert data.joinpath("lu_transit_minutes.csv").read_text("utf-8") == transit_build.minutes_csv(matrix)


def test_every_commune_hub_and_centre_pair_is_there_and_positive() -> None:
    m = transit_matrix()
    assert set(communes()) <= set(m.ids)
    assert sum(i.startswith("hub:") for i in m.ids) == 20
    assert sum(i.startswith("centre:") for i in m.ids) == 19
    assert np.isfinite(m.minutes).all()
    assert (m.minutes > 0).all()


def test_nearly_symmetric_the_difference_is_only_which_wait_comes_first() -> None:
    m = transit_matrix().minutes
    assert np.abs(m - m.T).max() <= TRANSFER_MIN


def test_no_detour_beats_the_direct_journey_by_more_than_a_transfer() -> None:
    """Chaining two journeys swaps the second's first wait for a transfer: at most TRANSFER_MIN gained."""
    m = transit_matrix().minutes
    off = m.copy()
    np.fill_diagonal(off, np.inf)
    via = (off[:, :, None] + off[None, :, :]).min(axis=1)
    assert (m <= via + TRANSFER_MIN + 1e-9).all()


def test_diekirch_to_luxembourg_city_is_within_ten_minutes_of_the_cited_45() -> None:
    assert abs(minutes_between(DIEKIRCH, LUX) - 45) <= 10
    assert minutes_between(DIEKIRCH, LUX) < formula(DIEKIRCH, LUX) - 10  # the formula ignored the train


def test_rural_cross_country_trips_take_longer_than_the_formula_said() -> None:
    for a, b in [(REDANGE, ECHTERNACH), (WILTZ, ECHTERNACH)]:
        assert minutes_between(a, b) > formula(a, b) + 10


@pytest.mark.parametrize(
    ("a", "b", "timetable"),
    [
        ("Luxembourg", "Esch-sur-Alzette", 18),
        ("Luxembourg", "Ettelbruck", 24),
        ("Luxembourg", "Clervaux", 52),
        ("Luxembourg", "Wasserbillig", 27),
        ("Luxembourg", "Kleinbettingen", 19),
        ("Luxembourg", "Rodange", 27),
    ],
)
def test_station_to_station_is_the_timetable_plus_one_wait(a: str, b: str, timetable: float) -> None:
    net = Network()
    got = net.from_node(net.node(a))[net.node(b)]
    assert timetable < got <= timetable + 10


def test_points_off_the_matrix_have_no_minutes_and_places_snap() -> None:
    c = communes()
    assert place_nodes(np.array([c[LUX].lat]), np.array([c[LUX].lon]))[0] == transit_matrix().index(LUX)
    got = matrix_minutes(
        c[DIEKIRCH].lat, c[DIEKIRCH].lon, np.array([c[LUX].lat, 49.9]), np.array([c[LUX].lon, 6.0])
    )
    assert got[0] == minutes_between(DIEKIRCH, LUX)
    assert np.isnan(got[1])
    assert np.isnan(matrix_minutes(np.nan, np.nan, c[LUX].lat, c[LUX].lon))


def test_the_matcher_reads_the_matrix_and_a_rail_town_is_no_longer_too_far() -> None:
    """A job in the capital, a unit in Diekirch: 73 min by the formula (too far), 54 on the matrix."""
    from datetime import date

    from matcher import Location, Policy, Programme, Unit
    from matcher.travel import trip_minutes

    job = Location(commune=LUX)
    home = Unit(
        id="u",
        programme=Programme.GLS,
        commune=DIEKIRCH,
        bedrooms=1,
        surface_m2=50,
        max_occupancy=2,
        rent=500,
        available_from=date(2026, 1, 1),
    )
    matrix, formula_only = Policy(), Policy(travel_model="crow_fly")
    assert trip_minutes(matrix, job, home) == minutes_between(DIEKIRCH, LUX) <= matrix.max_travel_minutes
    assert trip_minutes(formula_only, job, home) > formula_only.max_travel_minutes
    off = Location(lat=49.9, lon=6.0)  # a point off the matrix: the formula
    assert trip_minutes(matrix, off, home) == trip_minutes(formula_only, off, home)


def test_a_places_own_commune_takes_the_matchers_formula_at_half_the_root_of_its_area() -> None:
    """One home for the formula: the diagonal follows matcher.travel, not constants of its own."""
    from matcher.domain import Policy
    from matcher.travel import minutes_for_km
    from scenarios.data import commune_shapes

    place = next(p for p in transit_build.places() if p.commune == LUX)
    area = sum(transit_build._ring_area_km2(r) for r in commune_shapes()[LUX])
    policy = Policy()
    expected = minutes_for_km(0.5 * area**0.5, policy.travel_access_minutes, policy.travel_minutes_per_km)
    assert transit_build.diagonal_minutes(place) == pytest.approx(float(expected))
