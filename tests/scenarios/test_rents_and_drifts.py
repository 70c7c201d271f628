"""Income-linked rents are never over budget; the drawn jobs, ages and centres follow the cited figures."""

from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np
import pytest
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
    got = rent_paid(arrays, np.array([0]), np.array([income]), np.array([1]), Policy().rent_subsidy)[0]
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


def test_a_base_from_real_stock_takes_its_sizes_and_mixes_and_nothing_else() -> None:
    from scenarios.from_stock import MIN_RECORDS, stock_base

    pop = generate_population(GeneratorParams(households=60, units=40), seed=5)
    base = validate_spec({"name": "d"})
    spec = stock_base(base, pop.problem.households, pop.problem.units)
    assert spec.population.waiting_households == 60 and spec.stock.units == 40
    gls = sum(u.programme is Programme.GLS for u in pop.problem.units) / 40
    assert spec.generator.programme_shares[Programme.GLS] == pytest.approx(gls)
    text = spec.model_dump_json()
    assert all(h.id not in text for h in pop.problem.households)
    with pytest.raises(ValueError, match=str(MIN_RECORDS)):
        stock_base(base, pop.problem.households[: MIN_RECORDS - 1], pop.problem.units)


# --- one home per rule: the scenario package calls the core's rule and never restates it ---------

#: What a copy of a core rule looks like in source, and the rule's one home.
RESTATED = {
    r"\b30\.44\b": "days per month: matcher.months.DAYS_PER_MONTH",
    r"max\(10(\.0)?, round\(": "rent rounding: matcher.rent.round_rent",
    r"\.canton in ": "communes of cantons: matcher.geo.communes_in_cantons",
    r"""\[["']loc["']\]""": "a pydantic error as one line: matcher.input_errors",
    r"\+ 1\) // 2": "bedrooms needed: matcher.rooms",
}


def test_no_scenario_module_restates_a_core_rule() -> None:
    import re
    from pathlib import Path

    import scenarios

    found = [
        f"{path.name}:{n}: {rule}"
        for path in sorted(Path(scenarios.__file__).parent.glob("*.py"))
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        for pattern, rule in RESTATED.items()
        if re.search(pattern, line)
    ]
    assert found == []


def test_a_single_persons_spare_bedrooms_in_the_kpi_are_the_objectives_term() -> None:
    """The KPI counted no spare bedroom for a single person where the objective counts one."""
    from matcher import match
    from scenarios.kpi import fit
    from tests.matcher.builders import household, problem
    from tests.matcher.builders import unit as flat

    policy = Policy()
    for adults, children, bedrooms in [(1, [], 2), (1, [], 3), (2, [4], 3), (1, [], 0)]:
        h = household(adults=adults, children_ages=children, monthly_income=4000.0)
        u = flat(bedrooms=bedrooms, surface_m2=30.0 + 20 * bedrooms, max_occupancy=6)
        (proposal,) = match(problem([h], [u], policy=policy)).proposals
        term = proposal.breakdown.get("under_occupancy", 0)
        assert fit(h, u, policy).spare * policy.weights.under_occupancy == term


@given(rent=st.floats(0, 5_000), factor=st.floats(0.01, 5))
def test_scaled_rents_are_quoted_as_the_core_rounds_them(rent: float, factor: float) -> None:
    from matcher.rent import round_rent
    from scenarios.spec import ScaleRents
    from scenarios.world import RentRules

    rules = RentRules([(ScaleRents(kind="scale_rents", factor=factor), None)])
    u = unit(RentRule.FIXED, rent, 0.33, 0.0)
    assert rules.apply(u).rent == (rent if factor == 1.0 else round_rent(rent * factor))


def test_drawn_rents_are_quoted_as_the_core_rounds_them() -> None:
    from matcher.rent import round_rent
    from scenarios.generator import draw_unit, stream

    for k in range(200):
        u = draw_unit(PARAMS, stream(1, "unit", k), "U", available_from=date(2026, 1, 1), rent_factor=0.01)
        assert u.rent == round_rent(u.rent) and u.rent >= 10.0


def test_zones_and_change_targets_are_the_cores_communes_of_their_cantons() -> None:
    from matcher.geo import communes_in_cantons
    from scenarios.params import ZONES, zone_communes
    from scenarios.spec import RemoveUnits
    from scenarios.world import _where_communes

    zones = zone_communes()
    assert zones == {name: communes_in_cantons(cantons) for name, cantons in ZONES.items()}
    change = RemoveUnits(kind="remove_units", count=1, cantons=["Remich", "Wiltz"])
    assert set(_where_communes(change, zones) or ()) == communes_in_cantons(["Remich", "Wiltz"])


def test_the_simulation_months_are_the_cores_months() -> None:
    from matcher.months import DAYS_PER_MONTH
    from scenarios import generator, params
    from scenarios.world import build_world

    assert "DAYS_PER_MONTH" not in generator.__all__ and not hasattr(params, "DAYS_PER_MONTH")
    spec = validate_spec({"name": "d", "run": {"months": 7, "scale": 0.01}})
    assert build_world(spec, 0).days == round(7 * DAYS_PER_MONTH)
