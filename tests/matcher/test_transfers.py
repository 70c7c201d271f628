"""Movable households: they stay or move to a unit no worse than home, and moves form exchanges."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import InvalidProblemError, MatchProblem, match
from matcher.transfers import exchanges, with_exchanges
from matcher.validate import pair_problems
from scenarios.generator import GeneratorParams, generate

from .builders import household, problem, unit
from .cost_oracle import fit_cost


def crowded_and_empty() -> MatchProblem:
    """A family of four in a one-bedroom flat, a single adult in a three-bedroom house: each
    fits the other's home better, and the family no longer fits its own (too many persons)."""
    return problem(
        [
            household("FAMILY", adults=2, children_ages=[4, 7], monthly_income=4000.0, current_unit="SMALL"),
            household("SINGLE", current_unit="BIG", monthly_income=3000.0),
        ],
        [
            unit("SMALL", bedrooms=1, max_occupancy=3, surface_m2=45.0),
            unit("BIG", bedrooms=3, max_occupancy=6, surface_m2=95.0),
        ],
    )


def test_a_swap_that_improves_both_is_proposed_as_one_exchange() -> None:
    p = crowded_and_empty()
    result, found = with_exchanges(p, match(p))
    got = {x.household: x.unit for x in result.proposals}
    assert got == {"FAMILY": "BIG", "SINGLE": "SMALL"}
    assert len(found) == 1 and found[0].cycle
    assert sorted(found[0].households) == ["FAMILY", "SINGLE"]
    assert all("swap" in x.explanation for x in result.proposals)


def test_a_move_that_would_leave_one_worse_off_is_not_made() -> None:
    # the single adult pays far more in the big house, so swapping would cost it: both stay
    p = crowded_and_empty()
    big = p.units[1].model_copy(update={"rent": 1500.0})
    p = p.model_copy(update={"units": [p.units[0], big]})
    result = match(p)
    assert {x.household: x.unit for x in result.proposals} == {"FAMILY": "SMALL", "SINGLE": "BIG"}
    assert result.unhoused == []
    assert exchanges(p, result) == []


def test_a_chain_frees_a_home_for_a_waiting_household() -> None:
    p = problem(
        [
            household("FAMILY", adults=2, children_ages=[4, 7], monthly_income=4000.0, current_unit="SMALL"),
            household("WAITING"),
        ],
        [
            unit("SMALL", bedrooms=1, max_occupancy=3, surface_m2=45.0),
            unit("BIG", bedrooms=3, max_occupancy=6, surface_m2=95.0),
        ],
    )
    result, found = with_exchanges(p, match(p))
    assert {x.household: x.unit for x in result.proposals} == {"FAMILY": "BIG", "WAITING": "SMALL"}
    assert [m.household for m in found[0].moves] == ["FAMILY", "WAITING"]
    assert not found[0].cycle


def test_a_current_unit_must_be_among_the_units_and_be_one_households_home() -> None:
    with pytest.raises(InvalidProblemError, match="current_unit"):
        problem([household(current_unit="NOPE")], [unit()]).check()
    with pytest.raises(InvalidProblemError, match="home"):
        problem([household("A", current_unit="U1"), household("B", current_unit="U1")], [unit()]).check()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), movable=st.integers(1, 6))
def test_movable_households_are_housed_no_worse_than_at_home(seed: int, movable: int) -> None:
    """Oracles: the cost oracle's fit and the validator's hard rules, both written apart."""
    base = generate(GeneratorParams(households=14, units=16), seed)
    homes = {h.id: u.id for h, u in zip(base.households[:movable], base.units[:movable], strict=True)}
    p = base.model_copy(
        update={
            "households": [h.model_copy(update={"current_unit": homes.get(h.id)}) for h in base.households]
        }
    ).check()
    result = match(p)
    got = {x.household: x.unit for x in result.proposals}
    hh, units = {h.id: h for h in p.households}, {u.id: u for u in p.units}
    for h, home in homes.items():
        assert h in got, f"{h} was left without a home"
        if got[h] != home:
            assert fit_cost(p, hh[h], units[got[h]]) <= fit_cost(p, hh[h], units[home])
            assert pair_problems(p, hh[h], units[got[h]]) == []
    for h, u in got.items():
        if h not in homes:
            assert pair_problems(p, hh[h], units[u]) == []
    # every household that moves out is in exactly one exchange, whose moves pass units along
    found = exchanges(p, result)
    members = [m.household for x in found for m in x.moves]
    assert sorted(members) == sorted(set(members))
    assert {h for h, home in homes.items() if got[h] != home} <= set(members)
    for x in found:
        for before, after in zip(x.moves, x.moves[1:], strict=False):
            assert after.unit == before.home
        assert x.moves[0].home is not None or x.moves[0].unit not in homes.values()
