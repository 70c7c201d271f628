"""The scenario indicators against plain-Python counts of a simulated run, the catalogue, and the money
of a let (the rent subsidy as the matcher counts it)."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from datetime import date

import pytest

from matcher.domain import Policy, Programme, RentRule, Unit
from matcher.months import DAYS_PER_MONTH
from scenarios.kpi import DIMENSIONS, GROUP_KPIS, KPIS, fit, outcome
from scenarios.simulate import SimState, Status, Tenure, simulate
from scenarios.spec import load_spec
from tests.matcher.builders import household

from .conftest import BASELINE, small


@pytest.fixture(scope="module")
def run() -> SimState:
    return simulate(small(load_spec(BASELINE), scale=0.1, months=6), seed=1)


def _group(t: Tenure, dim: str) -> str:
    p = t.applicant.profile
    return {
        "type": p.kind.value,
        "support": p.support.value,
        "vulnerability": "vulnerable" if p.vulnerable else "not_vulnerable",
        "nationality": p.nationality,
    }[dim]


def test_the_counts_are_those_of_the_run(run: SimState) -> None:
    days = run.world.days
    k = outcome(run).kpis
    housed = [t for t in run.tenures if t.movein_day is not None and t.movein_day <= days]
    statuses = Counter(t.status for t in run.tenures)
    assert housed, "the scenario must house someone for this test to mean anything"
    assert k["households"] == len(run.tenures)
    assert k["housed"] == len(housed)
    assert k["housed_share"] == pytest.approx(100 * len(housed) / len(run.tenures))
    assert k["waiting_at_end"] == statuses[Status.WAITING] + statuses[Status.PENDING]
    assert k["left_on_own"] == statuses[Status.LEFT]
    assert k["removed_after_refusals"] == statuses[Status.REMOVED]
    assert k["offers"] == sum(t.offers for t in run.tenures)
    moved_in = sum(1 for t in run.tenures if t.movein_day is not None)
    answered = run.log.declines + moved_in
    assert k["decline_rate"] == pytest.approx(100 * run.log.declines / answered)
    waits = [(run.world.date(t.movein_day or 0) - t.applicant.profile.registered_on).days for t in housed]
    assert k["wait_median_months"] == pytest.approx(statistics.median(waits) / DAYS_PER_MONTH)


def test_each_group_holds_its_members(run: SimState) -> None:
    days = run.world.days
    groups = outcome(run).groups
    expected = []
    for dim in DIMENSIONS:
        for value in sorted({_group(t, dim) for t in run.tenures}):
            members = [t for t in run.tenures if _group(t, dim) == value]
            housed = [t for t in members if t.movein_day is not None and t.movein_day <= days]
            expected.append(f"{dim}={value}")
            got = groups[f"{dim}={value}"]
            assert got["households"] == len(members)
            assert got["housed_share"] == pytest.approx(100 * len(housed) / len(members))
            if not housed:
                assert math.isnan(got["wait_median_months"])
    assert list(groups) == expected
    assert all(set(g) == {k.name for k in GROUP_KPIS} for g in groups.values())


def test_the_catalogue_names_every_indicator_once(run: SimState) -> None:
    names = [k.name for k in KPIS]
    assert len(names) == len(set(names))
    computed = {n for n in outcome(run).kpis if not n.split(".")[0].endswith("caseload_use")}
    assert computed == set(names)


def _let(programme: Programme, rent: float) -> Unit:
    rule = RentRule.INCOME_SHARE if programme is Programme.AIS else RentRule.FIXED
    return Unit(
        id="u",
        programme=programme,
        commune="0304",
        bedrooms=2,
        surface_m2=70,
        max_occupancy=5,
        rent=rent,
        charges=100.0,
        rent_rule=rule,
        available_from=date(2026, 1, 1),
    )


def test_a_lisko_let_counts_the_subsidy_in_the_money_and_the_burden() -> None:
    """A couple with two children on 2,600 EUR in a 1,000 + 100 EUR LISKO let: 1,100 - 650 = 450 above
    a quarter of the income, capped at 360 for four persons (FACTS-2 §4)."""
    h = household(adults=2, children_ages=[4, 7], monthly_income=2600.0)
    f = fit(h, _let(Programme.LISKO_PRIVATE, 1000.0), Policy())
    assert (f.money.paid, f.money.subsidy, f.money.top_up) == (1100.0, 360.0, 0.0)
    assert f.burden == pytest.approx(100 * (1100 - 360) / 2600)
    ais = fit(h, _let(Programme.AIS, 1000.0), Policy())
    assert ais.money.subsidy == 0.0
    assert ais.money.paid == pytest.approx(0.33 * 2600) and ais.money.top_up == pytest.approx(1100 - 858)
