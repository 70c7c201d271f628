"""Time-limited stock: leases end, households go back on the list with their history, and are counted."""

from __future__ import annotations

import math

import pytest

from matcher.domain import Programme
from matcher.months import DAYS_PER_MONTH
from scenarios.kpi import outcome
from scenarios.simulate import OPEN_ENDED, Status, simulate
from scenarios.spec import Spec


def with_leases(spec: Spec, **stock: float) -> Spec:
    """``spec`` with other lease settings (``stock`` fields)."""
    return spec.model_copy(update={"stock": spec.stock.model_copy(update=stock)})


def reentries(spec: Spec, seed: int = 0) -> list[str]:
    state = simulate(spec, seed)
    return [t.applicant.household.id for t in state.tenures if t.reentry]


@pytest.mark.slow
def test_leases_come_from_the_spec(baseline: Spec) -> None:
    # short GLS leases with AIS stays out of reach of the horizon: only GLS prolongation decides
    short = with_leases(baseline, lease_months=1.0, ais_stay_months=120.0)
    assert reentries(with_leases(short, gls_prolonged_share=0.0))
    assert not reentries(with_leases(short, gls_prolonged_share=1.0))
    # the same world with the leases switched off by the caller: nobody comes back
    state = simulate(with_leases(short, gls_prolonged_share=0.0), 0, leases=OPEN_ENDED)
    assert not [t for t in state.tenures if t.reentry or t.lease_ends]


@pytest.mark.slow
def test_households_whose_lease_ends_go_back_on_the_list_and_are_counted(baseline: Spec) -> None:
    # one-month GLS leases never prolonged and one-month AIS stays: the first households housed come back
    state = simulate(with_leases(baseline, lease_months=1.0, ais_stay_months=1.0, gls_prolonged_share=0.0), 0)
    back = [t for t in state.tenures if t.reentry]
    assert back, "no lease ended within the horizon"
    ended = [t for t in state.tenures if t.lease_ends and t.status is Status.MOVED_ON]
    assert len(ended) == len(back)
    for new in back:  # each comes from the tenure whose lease ended on the day it came back
        (old,) = [
            t
            for t in ended
            if t.applicant.household.id == new.applicant.household.id
            and math.ceil(t.end_day or 0) == new.applicant.joined_day
        ]
        assert old.movein_day is not None and old.end_day is not None and old.home is not None
        assert math.isclose(old.end_day - old.movein_day, DAYS_PER_MONTH)
        assert new.applicant.household == old.applicant.household  # registration date and all kept
        assert math.isclose(new.applicant.tenancy_days, max(0.0, old.applicant.tenancy_days - DAYS_PER_MONTH))
    kpis = outcome(state).kpis
    assert kpis["lease_reentries"] == len(back)
    assert kpis["lease_reentries_housed"] == sum(t.movein_day is not None for t in back)
    on_list = [t.applicant.household.id for t in state.tenures if t.status.on_list]
    assert len(on_list) == len(set(on_list))  # never twice on the list


@pytest.mark.slow
def test_default_leases_cap_ais_and_gls_but_not_the_others(baseline: Spec) -> None:
    state = simulate(baseline, 2)
    housed = [t for t in state.tenures if t.home is not None]
    assert housed
    term = baseline.stock.lease_months * DAYS_PER_MONTH
    for t in housed:
        assert t.movein_day is not None and t.end_day is not None and t.home is not None
        stay = t.end_day - t.movein_day
        if t.home.programme is Programme.AIS:
            assert stay <= baseline.stock.ais_stay_months * DAYS_PER_MONTH + 1e-6
        elif t.home.programme is Programme.GLS:  # its own stay, or whole prolonged terms
            assert math.isclose(stay, t.applicant.tenancy_days) or math.isclose(
                stay / term, round(stay / term)
            )
        else:
            assert math.isclose(stay, t.applicant.tenancy_days)
        assert t.lease_ends == (stay < t.applicant.tenancy_days)
    assert outcome(state).kpis["lease_reentries"] == 0  # 3 years do not end in 4 months
