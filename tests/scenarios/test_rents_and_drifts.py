"""Income-linked rents are never over budget; the drawn jobs, ages and centres follow the cited figures."""

from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from matcher.arrays import household_arrays, rent_paid, unit_arrays
from matcher.domain import Policy, Programme, RentRule, SupportIntensity, Unit
from matcher.eligibility import Reason, eligible_pairs
from matcher.instance import MatchProblem
from scenarios.data import reception_centres
from scenarios.generator import GeneratorParams, generate_population
from scenarios.spec import SOURCE_MARKERS, parameter_rows, validate_spec

PARAMS = GeneratorParams(households=3000, units=600)


def unit(rule: RentRule, rent: float, share: float, floor: float) -> Unit:
    return Unit(
        id="u",
        programme=Programme.AIS,
        commune="0304",
        bedrooms=1,
        surface_m2=50,
        max_occupancy=3,
        rent=rent,
        charges=0,
        rent_rule=rule,
        rent_share=share,
        rent_floor=floor,
        available_from=date(2026, 1, 1),
    )


@given(
    income=st.floats(0, 20_000),
    rent=st.floats(0, 5_000),
    share=st.floats(0.01, 1),
    floor=st.floats(0, 1_000),
    rule=st.sampled_from(list(RentRule)),
)
def test_the_vectorised_rule_is_the_scalar_rule(
    income: float, rent: float, share: float, floor: float, rule: RentRule
) -> None:
    u = unit(rule, rent, share, floor)
    expected = rent if rule is RentRule.FIXED else min(rent, max(floor, share * income))
    assert u.paid_by(income) == expected
    arrays = unit_arrays(_problem([u]))
    got = rent_paid(arrays, np.array([0]), np.array([income]))[0]
    assert abs(got - expected) <= 1e-9 * max(1.0, expected)


@given(income=st.floats(400, 20_000), rent=st.floats(0, 5_000))
def test_an_income_share_unit_at_the_policy_share_is_never_over_budget(income: float, rent: float) -> None:
    policy = Policy()
    u = unit(RentRule.INCOME_SHARE, rent, policy.max_rent_share, 100.0)
    assert u.paid_by(income) <= policy.max_rent_share * income + 1e-9


def _problem(units: list[Unit], households: list | None = None) -> MatchProblem:  # type: ignore[type-arg]
    return MatchProblem(match_date=date(2026, 1, 1), households=households or [], units=units)


def test_generated_ais_and_communal_units_are_never_over_budget() -> None:
    pop = generate_population(GeneratorParams(households=400, units=300), seed=1)
    problem = pop.problem
    linked = [u for u in problem.units if u.programme in (Programme.AIS, Programme.COMMUNAL)]
    assert linked and all(u.rent_rule is RentRule.INCOME_SHARE for u in linked)
    sub = problem.model_copy(update={"units": linked})
    hh, ua = household_arrays(sub), unit_arrays(sub)
    elig = eligible_pairs(hh, ua, sub.policy, sub.match_date.toordinal(), {})
    assert elig.excluded[:, Reason.OVER_BUDGET].sum() == 0
    fixed = [u for u in problem.units if u.programme is Programme.GLS]
    sub = problem.model_copy(update={"units": fixed})
    elig = eligible_pairs(household_arrays(sub), unit_arrays(sub), sub.policy, sub.match_date.toordinal(), {})
    assert elig.excluded[:, Reason.OVER_BUDGET].sum() > 0  # fixed rents still can be


def test_children_under_four_follow_the_cited_proxy() -> None:
    pop = generate_population(PARAMS.model_copy(update={"units": 0}), seed=2)
    ages = [a for h in pop.problem.households for a in h.children_ages]
    share = sum(a < 4 for a in ages) / len(ages)
    assert abs(share - 0.38) < 0.04


def test_a_third_of_jobs_are_in_luxembourg_city() -> None:
    pop = generate_population(PARAMS.model_copy(update={"units": 0}), seed=3)
    jobs = [h.work.commune for h in pop.problem.households if h.work is not None]
    assert abs(Counter(jobs)["0304"] / len(jobs) - 0.35) < 0.05


def test_reception_centres_are_drawn_by_their_beds() -> None:
    pop = generate_population(PARAMS.model_copy(update={"units": 0}), seed=4)
    got = Counter(p.centre for p in pop.profiles)
    beds = {c.name: c.capacity for c in reception_centres()}
    total = sum(beds.values())
    for name in ("Centre Kirchberg", "Centre Wahl"):
        assert abs(got[name] / len(pop.profiles) - beds[name] / total) < 0.02


def test_every_world_parameter_cites_a_figure_or_says_assumption() -> None:
    rows = parameter_rows(validate_spec({"name": "d"}))
    assert len(rows) > 50
    unmarked = [name for name, _, text in rows if not any(m in text for m in SOURCE_MARKERS)]
    assert unmarked == []


def test_caseload_points_are_the_facts_proposal_doubled() -> None:
    spec = validate_spec({"name": "d"})
    pts = spec.policy.intensity_points
    ratios = [pts[s] / pts[SupportIntensity.LIGHT] for s in SupportIntensity]
    assert ratios == [3.0, 1.5, 1.0]
    assert spec.support.points_per_worker / pts[SupportIntensity.LIGHT] == 100
