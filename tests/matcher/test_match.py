"""The housing pipeline end to end: hard rules hold, optimum is exact, answers explain themselves."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import Location, MatchProblem, Pair, Quota, SolveOptions, Status, SupportZone, match
from matcher.compile import compile_problem
from matcher.result import UnhousedReason
from matcher.validate import pair_problems, violations
from scenarios.generator import GeneratorParams, generate

from .builders import household, problem, unit
from .cost_oracle import cost_errors
from .oracle import brute_force


@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 60),
    ratio=st.floats(0.3, 1.5),
    capacity=st.floats(0.2, 1.2),
)
@settings(max_examples=30)
def test_every_hard_constraint_holds(seed: int, n: int, ratio: float, capacity: float) -> None:
    p = generate(
        GeneratorParams(households=n, units=max(1, int(n * ratio)), support_capacity_ratio=capacity), seed
    )
    result = match(p, SolveOptions(time_limit=60))
    assert result.status is Status.OPTIMAL
    assert violations(p, result) == []
    assert cost_errors(p, result) == []


@given(seed=st.integers(0, 10_000))
@settings(max_examples=25)
def test_eligibility_agrees_with_the_independent_rules(seed: int) -> None:
    p = generate(GeneratorParams(households=12, units=15), seed)
    compiled = compile_problem(p)
    eligible = set(
        zip(compiled.eligibility.household.tolist(), compiled.eligibility.unit.tolist(), strict=True)
    )
    for (i, h), (j, u) in itertools.product(enumerate(p.households), enumerate(p.units)):
        assert ((i, j) in eligible) == (pair_problems(p, h, u) == []), (h.id, u.id, pair_problems(p, h, u))
    # excluded pairs are each counted once, under one reason
    assert compiled.eligibility.excluded.sum() + len(eligible) == len(p.households) * len(p.units)


@given(seed=st.integers(0, 10_000), capacity=st.floats(0.1, 1.0))
@settings(max_examples=25)
def test_optimum_matches_brute_force_on_small_instances(seed: int, capacity: float) -> None:
    p = generate(GeneratorParams(households=5, units=5, support_capacity_ratio=capacity), seed)
    result = match(p)
    assert result.objective == brute_force(compile_problem(p).model)


@pytest.mark.slow
def test_same_input_same_result() -> None:
    p = generate(GeneratorParams(households=80, units=90, support_capacity_ratio=0.6), seed=3)
    a, b = match(p), match(p)
    assert a.objective == b.objective
    assert [(x.household, x.unit) for x in a.proposals] == [(x.household, x.unit) for x in b.proposals]


def test_a_household_that_fits_no_unit_gets_counts_per_reason() -> None:
    big = household("H1", adults=2, children_ages=[3, 5, 7, 9, 11])
    p = problem([big], [unit("U1"), unit("U2", rent=2000.0)])
    (why,) = match(p).unhoused
    assert why.reason is UnhousedReason.NO_ELIGIBLE_UNIT
    assert why.excluded == {"too_small": 2}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"needs": {"wheelchair"}}, "not_accessible"),
        ({"monthly_income": 1000.0}, "over_budget"),
        ({"max_rent": 400.0, "monthly_income": 9000.0}, "over_budget"),
        ({"excluded_units": {"U1"}}, "excluded_by_officer"),
        ({"excluded_communes": {"0204"}}, "excluded_by_officer"),
        ({"work": Location(commune="0802")}, "too_far"),  # Clervaux to Esch: far over 60 min
        ({"adults": 3}, "too_small"),  # three adults in one bedroom
    ],
)
def test_each_rule_excludes_with_its_reason(change: dict[str, Any], reason: str) -> None:
    (why,) = match(problem([household(**change)], [unit()])).unhoused
    assert why.excluded == {reason: 1}


def test_reserved_and_late_units_are_excluded_with_their_reasons() -> None:
    units = [unit("U1", reserved_for_commune="0304"), unit("U2", available_from="2027-03-01")]
    (why,) = match(problem([household(attached_commune="0204")], units)).unhoused
    assert why.excluded == {"reserved": 1, "not_available_in_time": 1}
    housed = match(problem([household(attached_commune="0304")], units[:1]))
    assert [p.unit for p in housed.proposals] == ["U1"]


def test_higher_priority_wins_the_only_unit_and_the_other_is_told_why() -> None:
    vulnerable = household("H1", vulnerabilities={"medical"})
    other = household("H2")
    result = match(problem([other, vulnerable], [unit()]))
    assert [(p.household, p.unit) for p in result.proposals] == [("H1", "U1")]
    (why,) = result.unhoused
    assert why.household == "H2" and why.reason is UnhousedReason.LOST_TO_OTHERS
    assert "(1 with higher priority)" in why.detail


def test_full_support_zone_is_named() -> None:
    zone = SupportZone(id="south", communes={"0204"}, capacity_points=2)
    intensive = household("H1", support="intensive")  # 3 points > 2
    result = match(problem([intensive], [unit()], support_zones=[zone]))
    (why,) = result.unhoused
    assert why.reason is UnhousedReason.SUPPORT_CAPACITY_FULL
    assert why.blocking == ["support zone south"]


def test_full_quota_is_named() -> None:
    quota = Quota(id="esch", scope="commune", key="0204", max_households=1)
    result = match(problem([household("H1"), household("H2")], [unit("U1"), unit("U2")], quotas=[quota]))
    assert len(result.proposals) == 1
    (why,) = result.unhoused
    assert why.reason is UnhousedReason.QUOTA_FULL and why.blocking == ["quota esch"]


def test_proposals_explain_cost_and_alternatives() -> None:
    units = [unit("U1"), unit("U2", rent=540.0), unit("U3", rent=520.0)]
    (p,) = match(problem([household()], units)).proposals
    assert p.unit == "U1"
    assert sum(p.breakdown.values()) == p.cost
    assert [a.unit for a in p.alternatives] == ["U3", "U2"]
    assert all(a.extra_cost >= 0 and not a.taken for a in p.alternatives)
    assert "Esch-sur-Alzette" in p.explanation and "next best free option" in p.explanation


def test_pins_are_kept_and_forbids_respected() -> None:
    hh = [household("H1"), household("H2")]
    units = [unit("U1"), unit("U2", rent=540.0)]
    free = match(problem(hh, units))
    pinned_pair = Pair(household="H1", unit="U2")
    result = match(problem(hh, units, pins=[pinned_pair], forbids=[Pair(household="H2", unit="U2")]))
    assert ("H1", "U2") in {(p.household, p.unit) for p in result.proposals}
    assert next(p for p in result.proposals if p.household == "H1").pinned
    assert violations(problem(hh, units, pins=[pinned_pair]), result) == []
    assert free.objective is not None and result.objective is not None and result.objective >= free.objective


def test_one_decline_does_not_reshuffle_everyone() -> None:
    """Re-run after H0 declines its unit: every other household keeps the unit it was shown."""
    p = generate(GeneratorParams(households=60, units=70), seed=11)
    first = match(p)
    shown = [Pair(household=x.household, unit=x.unit) for x in first.proposals]
    declined = shown[0]
    again = match(p.model_copy(update={"previous": shown, "forbids": [declined]}))
    before = {x.household: x.unit for x in first.proposals}
    after = {x.household: x.unit for x in again.proposals}
    assert after.get(declined.household) != declined.unit
    moved = [h for h in before if h != declined.household and after.get(h) != before[h]]
    assert len(moved) <= 2  # at most a short chain moves to make room; nobody else
    assert violations(p.model_copy(update={"previous": shown, "forbids": [declined]}), again) == []


def test_pins_beyond_a_zone_capacity_are_an_infeasible_answer() -> None:
    zone = SupportZone(id="south", communes={"0204"}, capacity_points=3)
    hh = [household("H1"), household("H2")]
    pins = [Pair(household="H1", unit="U1"), Pair(household="H2", unit="U2")]
    result = match(problem(hh, [unit("U1"), unit("U2")], support_zones=[zone], pins=pins))
    assert result.status is Status.INFEASIBLE
    assert "south" in (result.conflict or "")
    assert not result.proposals and all(u.reason is UnhousedReason.NO_SOLUTION for u in result.unhoused)


def test_model_round_trips_through_json() -> None:
    p = generate(GeneratorParams(households=10, units=10), seed=2)
    assert MatchProblem.from_json(p.model_dump_json()) == p
