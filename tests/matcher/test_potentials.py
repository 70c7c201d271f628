"""Look-ahead potentials in the matcher: they price units, caseload points and waiting, apart from fit."""

from __future__ import annotations

from matcher import match
from matcher.domain import SupportZone
from matcher.potentials import Potentials
from tests.matcher.builders import household, problem, unit


def test_no_potentials_and_empty_potentials_give_the_same_run() -> None:
    hs = [household("H1"), household("H2")]
    us = [unit("U1"), unit("U2", bedrooms=2, surface_m2=60.0)]
    plain = match(problem(hs, us))
    empty = match(problem(hs, us, potentials=Potentials()))
    assert plain.objective == empty.objective
    assert {(p.household, p.unit) for p in plain.proposals} == {
        (p.household, p.unit) for p in empty.proposals
    }


def test_a_unit_reserve_above_the_unhoused_price_keeps_the_unit_free() -> None:
    hs = [household("H1")]
    us = [unit("U1")]
    assert [p.unit for p in match(problem(hs, us)).proposals] == ["U1"]
    kept = match(problem(hs, us, potentials=Potentials(unit_reserve={"U1": 10_000.0})))
    assert kept.proposals == []


def test_a_unit_reserve_moves_the_household_to_the_other_unit() -> None:
    hs = [household("H1")]
    us = [unit("U1"), unit("U2", commune="0304")]
    first = match(problem(hs, us)).proposals[0].unit
    other = "U2" if first == "U1" else "U1"
    moved = match(problem(hs, us, potentials=Potentials(unit_reserve={first: 5_000.0})))
    assert [p.unit for p in moved.proposals] == [other]


def test_zone_point_value_is_charged_per_caseload_point() -> None:
    zone = SupportZone(id="south", communes=frozenset({"0204"}), capacity_points=10)
    hs = [household("H1")]
    us = [unit("U1")]
    cheap = match(
        problem(hs, us, support_zones=[zone], potentials=Potentials(zone_point_value={"south": 1.0}))
    )
    dear = match(
        problem(hs, us, support_zones=[zone], potentials=Potentials(zone_point_value={"south": 5_000.0}))
    )
    assert [p.unit for p in cheap.proposals] == ["U1"]
    assert dear.proposals == []


def test_an_unhoused_value_replaces_the_policy_price() -> None:
    hs = [household("H1")]
    us = [unit("U1")]
    low = match(problem(hs, us, potentials=Potentials(unhoused={"H1": 0.0})))
    assert low.proposals == []  # housing costs its fit, staying costs nothing
