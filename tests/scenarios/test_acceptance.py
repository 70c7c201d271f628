"""A household's answer to a proposal: a unit far from its reception centre lowers acceptance, and a
unit without coordinates is placed at its own commune's point, never at the household's centre."""

from __future__ import annotations

import math
from datetime import date

from matcher.domain import Unit
from matcher.geo import communes
from scenarios.simulate import SimState, Status, Tenure, _answer, _initial
from scenarios.world import StockUnit, build_world

from .conftest import small, spec_from

#: Certain acceptance, unless the unit is far from the centre: then certain refusal.
BEHAVIOUR = {"accept_base": 1.0, "accept_factor_far": 0.0, "accept_factor_long_commute": 1.0}


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle km (haversine): the test's own distance."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _state() -> SimState:
    spec = small(spec_from({"behaviour": BEHAVIOUR}), scale=0.02, months=1)
    return _initial(build_world(spec, seed=3))


def _answer_to(state: SimState, commune: str) -> Status:
    """The answer of the first waiting household to a unit without coordinates in ``commune``."""
    t = state.tenures[0]
    flat = Unit(
        id="far-or-near",
        programme="gls",
        commune=commune,
        bedrooms=3,
        surface_m2=90.0,
        max_occupancy=8,
        rent=800.0,
        available_from=date(2026, 1, 1),
    )
    proposal = Tenure(t.applicant, status=Status.PENDING, unit=StockUnit(flat, zone=0, free_from=0.0))
    proposal.offers, proposal.decide_day = 1, 0.0
    _answer(state, proposal)
    return proposal.status


def test_a_unit_without_coordinates_far_from_the_centre_is_declined_and_one_at_the_centre_accepted() -> None:
    state = _state()
    centre = state.tenures[0].applicant.household.current_location
    assert centre is not None and centre.commune is not None
    points = {code: (c.lat, c.lon) for code, c in communes().items()}
    farthest = max(points, key=lambda code: _km(points[centre.commune or ""], points[code]))
    far_km = _km(points[centre.commune], points[farthest])
    assert far_km > state.world.spec.behaviour.far_from_centre_km  # Luxembourg is ~80 km long
    assert _answer_to(state, farthest) is Status.WAITING
    assert state.log.declines == 1
    assert _answer_to(state, centre.commune) is Status.HOUSED
    assert state.log.declines == 1
