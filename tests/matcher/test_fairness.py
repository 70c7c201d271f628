"""Fairness targets: the matcher's optimum against brute force, their price, infeasible targets named."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from matcher import match
from matcher.domain import FairnessGroup, FairnessTarget, Location, Policy
from matcher.fairness import FairnessGap, fairness_price
from matcher.instance import MatchProblem
from matcher.travel import trip_minutes
from tests.matcher.builders import household, problem, unit
from tests.matcher.fairness_oracle import cheapest, kind


def brute_force(p: MatchProblem) -> float | None:
    """The lowest objective over every assignment meeting the targets, or None if none does."""

    def meets(housed: set[int]) -> bool:
        for t in p.policy.fairness:
            group = [k for k, h in enumerate(p.households) if kind(h) == t.value]
            if sum(k in housed for k in group) < math.ceil(t.min_housed_share * len(group) - 1e-9):
                return False
        return True

    return cheapest(p, meets)


@st.composite
def cases(draw: st.DrawFn) -> MatchProblem:
    hs = [
        household(f"H{k}", adults=draw(st.integers(1, 3)), children_ages=[5] * draw(st.integers(0, 2)))
        for k in range(draw(st.integers(1, 4)))
    ]
    us = [
        unit(f"U{k}", bedrooms=draw(st.integers(1, 3)), surface_m2=80.0, max_occupancy=6, rent=300.0)
        for k in range(draw(st.integers(1, 3)))
    ]
    kinds = sorted({kind(h) for h in hs} | {"single"})
    targets = [
        FairnessTarget(
            id=f"T{k}", group="household_type", value=v, min_housed_share=draw(st.sampled_from([0.5, 1.0]))
        )
        for k, v in enumerate(draw(st.lists(st.sampled_from(kinds), max_size=2, unique=True)))
    ]
    return problem(hs, us, policy=Policy(fairness=targets), alternatives=0)


@settings(max_examples=40, deadline=None)
@given(cases())
def test_targets_give_the_brute_force_optimum_or_are_named_infeasible(p: MatchProblem) -> None:
    expected = brute_force(p)
    price = fairness_price(p)
    if expected is None:
        assert not price.feasible
        assert price.infeasible_targets
        assert set(price.infeasible_targets) <= {t.id for t in p.policy.fairness}
        return
    assert price.feasible
    assert price.objective_with == expected
    assert price.objective_without is not None and price.objective_without <= expected
    result = match(p)
    for t in p.policy.fairness:
        group = [h.id for h in p.households if kind(h) == t.value]
        housed = {x.household for x in result.proposals}
        assert sum(h in housed for h in group) >= math.ceil(t.min_housed_share * len(group) - 1e-9)


def test_a_target_moves_a_group_and_shows_its_price() -> None:
    # one unit, a single adult and a couple with a higher income (less rent burden: the better fit);
    # the target houses the single adult instead
    hs = [household("H1"), household("H2", adults=2, monthly_income=2800.0)]
    us = [unit("U1", bedrooms=1, surface_m2=48.0, max_occupancy=3)]
    target = FairnessTarget(id="singles", group="household_type", value="single", min_housed_share=1.0)
    free = match(problem(hs, us))
    assert [x.household for x in free.proposals] == ["H2"]
    price = fairness_price(problem(hs, us, policy=Policy(fairness=[target])))
    assert price.feasible and price.housed_with == price.housed_without == 1
    assert price.moved == {"household_type=couple": -100.0, "household_type=single": 100.0}
    assert price.objective_with is not None and price.objective_without is not None
    assert price.objective_with >= price.objective_without


def test_an_impossible_target_is_named() -> None:
    hs = [household("H1"), household("H2")]
    us = [unit("U1")]
    targets = [
        FairnessTarget(id="all-singles", group="household_type", value="single", min_housed_share=1.0),
        FairnessTarget(id="half-intensive", group="support", value="intensive", min_housed_share=0.5),
    ]
    price = fairness_price(problem(hs, us, policy=Policy(fairness=targets)))
    assert not price.feasible
    assert price.infeasible_targets == ("all-singles",)


def test_the_price_counts_travel_to_work_of_the_proposals_both_ways() -> None:
    # the couple works next to the unit, the single adult 40 km away: the target trades a short
    # commute for a long one, and the price says by how many minutes
    near, far = Location(lat=49.61, lon=6.13), Location(lat=49.95, lon=6.05)
    hs = [household("H1", work=far), household("H2", adults=2, monthly_income=2800.0, work=near)]
    us = [unit("U1", bedrooms=1, surface_m2=48.0, max_occupancy=3, lat=49.61, lon=6.13)]
    target = FairnessTarget(id="singles", group="household_type", value="single", min_housed_share=1.0)
    p = problem(hs, us, policy=Policy(fairness=[target], max_travel_minutes=240.0))
    price = fairness_price(p)
    assert price.commuters_with == price.commuters_without == 1
    assert price.travel_with == trip_minutes(p.policy, far, us[0])
    assert price.travel_without == trip_minutes(p.policy, near, us[0])
    assert price.travel_with > price.travel_without


def test_a_policy_gap_is_honoured_by_match_and_priced() -> None:
    # the same single adult and couple for one unit: a gap of 0.5 in the policy leaves the unit empty
    # (housing either opens a 100-point gap), and the price says the couple lost its unit
    hs = [household("H1"), household("H2", adults=2, monthly_income=2800.0)]
    us = [unit("U1", bedrooms=1, surface_m2=48.0, max_occupancy=3)]
    gap = FairnessGap("half", FairnessGroup.HOUSEHOLD_TYPE, 0.5)
    p = problem(hs, us, policy=Policy(fairness_gaps=[gap]), alternatives=0)
    result = match(p)
    assert result.proposals == [] and {x.household for x in result.unhoused} == {"H1", "H2"}
    price = fairness_price(p)
    assert price.feasible and (price.housed_with, price.housed_without) == (0, 1)
    # every grouping's shares are compared: the couple's loss is also half of each of its two groups
    assert price.moved == {
        "household_type=couple": -100.0,
        "support=normal": -50.0,
        "vulnerability=not_vulnerable": -50.0,
    }
    # a gap of 1 constrains nothing: the same answer as no gap at all
    loose = problem(hs, us, policy=Policy(fairness_gaps=[FairnessGap("any", FairnessGroup.SUPPORT, 1.0)]))
    assert [x.household for x in match(loose).proposals] == [
        x.household for x in match(problem(hs, us)).proposals
    ]


def test_a_gap_and_a_target_that_cannot_both_hold_are_named() -> None:
    # the target wants the single adult housed, the zero gap then wants the couple housed too: one unit
    hs = [household("H1"), household("H2", adults=2, monthly_income=2800.0)]
    us = [unit("U1", bedrooms=1, surface_m2=48.0, max_occupancy=3)]
    target = FairnessTarget(id="singles", group="household_type", value="single", min_housed_share=1.0)
    gap = FairnessGap("equal", FairnessGroup.HOUSEHOLD_TYPE, 0.0)
    p = problem(hs, us, policy=Policy(fairness=[target], fairness_gaps=[gap]), alternatives=0)
    assert match(p).status.value == "infeasible"
    price = fairness_price(p)
    assert not price.feasible and set(price.infeasible_targets) == {"singles", "equal"}


def test_the_policy_refuses_a_bad_gap_naming_the_field() -> None:
    for bad, field in [
        ({"id": "g", "group": "support", "max_gap": 1.5}, "max_gap"),
        ({"id": "g", "group": "nationality", "max_gap": 0.2}, "group"),
        ({"id": "g", "group": "support", "max_gap": 0.2, "size": 3}, "size"),
    ]:
        with pytest.raises(ValidationError, match=rf"fairness_gaps\.0\.{field}"):
            Policy.model_validate({"fairness_gaps": [bad]})
    with pytest.raises(ValidationError, match="distinct ids"):
        Policy.model_validate(
            {
                "fairness": [{"id": "g", "group": "support", "value": "intensive", "min_housed_share": 0.5}],
                "fairness_gaps": [{"id": "g", "group": "support", "max_gap": 0.2}],
            }
        )
    assert Policy().fairness_gaps == []
