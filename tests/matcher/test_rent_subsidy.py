"""The rent subsidy on private-market (LISKO) lets: counted in the budget check, the rent burden, the
validator and the cost oracle alike, and nowhere else."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from matcher import Policy, Unit, match
from matcher.arrays import household_arrays, rent_paid, unit_arrays
from matcher.compile import compile_problem
from matcher.domain import Programme, RentRule, RentSubsidy
from matcher.rent import rent_subsidy
from matcher.validate import pair_problems, violations

from . import cost_oracle
from .builders import household, problem, unit

RULE = RentSubsidy()
OFF = Policy(rent_subsidy=RentSubsidy(programmes=frozenset()))


def test_the_cited_examples_and_bounds() -> None:
    """FACTS-2 §4: above 25 % of income, caps 200 (one person) and 360 (four), EUR 10-520."""
    assert float(rent_subsidy(RULE, 780.0, 1900.0, 1)) == 200.0  # 305 above 475, capped at 200
    assert float(rent_subsidy(RULE, 1500.0, 2600.0, 4)) == 360.0
    assert float(rent_subsidy(RULE, 700.0, 2000.0, 2)) == 200.0  # 200 above 500, cap 253.33
    assert float(rent_subsidy(RULE, 1200.0, 2000.0, 2)) == pytest.approx(200 + 160 / 3)
    assert float(rent_subsidy(RULE, 1500.0, 2000.0, 10)) == 520.0  # the line gives 680: the bound
    assert float(rent_subsidy(RULE, 484.0, 1900.0, 1)) == 0.0  # 9 EUR is below the minimum
    assert float(rent_subsidy(RULE, 485.0, 1900.0, 1)) == 10.0
    assert float(rent_subsidy(RULE, 400.0, 1900.0, 1)) == 0.0
    assert float(rent_subsidy(RULE, 780.0, math.nan, 1)) == 0.0  # unknown income


def lisko(programme: str = "lisko_private") -> Unit:
    """A LISKO let at 700 + 80 EUR: over the builder household's 627 EUR budget before the subsidy,
    580 after it (780 - 200)."""
    return unit(programme=programme, rent=700.0)


def test_a_lisko_let_over_budget_only_before_the_subsidy_is_proposed() -> None:
    p = problem([household()], [lisko()])
    result = match(p)
    (proposal,) = result.proposals
    assert proposal.unit == "U1"
    # the burden is of the 580 EUR paid: 30.53 % of 1,900, 5.53 points above 25 %, x 4
    assert proposal.breakdown["rent_burden"] == round(4 * (100 * 580 / 1900 - 25))
    assert violations(p, result) == [] and cost_errors(p, result) == []
    without = match(p.model_copy(update={"policy": OFF}))
    assert without.proposals == [] and without.unhoused[0].excluded == {"over_budget": 1}


def test_the_same_let_outside_a_subsidised_programme_stays_over_budget() -> None:
    for programme in ("gls", "ais", "communal", "logis_own"):
        p = problem([household()], [lisko(programme=programme)])
        result = match(p)
        assert result.proposals == [] and result.unhoused[0].excluded == {"over_budget": 1}
        assert pair_problems(p, p.households[0], p.units[0]) == ["over_budget"]


def test_an_unknown_income_gets_no_subsidy() -> None:
    h = household(monthly_income=None, max_rent=627.0)
    p = problem([h], [lisko()])
    assert match(p).unhoused[0].excluded == {"over_budget": 1}


def test_persons_and_the_rule_go_together() -> None:
    with pytest.raises(TypeError):
        lisko().paid_by(1900.0, persons=1)


def test_a_minimum_above_the_maximum_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError, match="min_eur"):
        Policy.model_validate({"rent_subsidy": {"min_eur": 600}})


def cost_errors(p: Any, result: Any) -> list[str]:
    return cost_oracle.cost_errors(p, result)


programmes = st.sampled_from(list(Programme))


@st.composite
def pairs(draw: st.DrawFn) -> tuple[Any, Any]:
    """A household and a unit near the budget line, of any programme and rent rule."""
    h = household(
        adults=draw(st.integers(1, 3)),
        children_ages=draw(st.lists(st.integers(0, 17), max_size=4)),
        monthly_income=draw(st.none() | st.floats(300, 6000)),
    )
    rule = draw(st.sampled_from(list(RentRule)))
    u = unit(
        programme=draw(programmes),
        rent=draw(st.floats(100, 2500)),
        charges=draw(st.floats(0, 300)),
        rent_rule=rule,
        rent_floor=draw(st.floats(0, 300)),
        bedrooms=4,
        surface_m2=200.0,
        max_occupancy=12,
    )
    return h, u


@given(pair=pairs())
def test_the_scalar_vectorised_and_oracle_rents_agree(pair: tuple[Any, Any]) -> None:
    h, u = pair
    p = problem([h], [u])
    scalar = u.paid_by(h.monthly_income, h.persons, p.policy.rent_subsidy)
    hh, ua = household_arrays(p), unit_arrays(p)
    vector = float(rent_paid(ua, np.array([0]), hh.income[:1], hh.persons[:1], p.policy.rent_subsidy)[0])
    oracle = cost_oracle.rent_paid(p, h, u)
    assert scalar == pytest.approx(oracle, abs=1e-9) and vector == pytest.approx(oracle, abs=1e-9)
    assert oracle <= u.paid_by(h.monthly_income)


@given(pair=pairs())
def test_compile_and_the_validator_agree_on_the_budget(pair: tuple[Any, Any]) -> None:
    h, u = pair
    p = problem([h], [u])
    eligible = compile_problem(p).eligibility.unit.size == 1
    assert eligible == (pair_problems(p, h, u) == [])
    result = match(p)
    assert violations(p, result) == [] and cost_errors(p, result) == []
