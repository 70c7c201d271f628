"""Fairness targets in the simulator: every run priced, infeasible targets named, the report's table."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from matcher import match
from matcher.domain import FairnessTarget
from scenarios.kpi import fairness_summary, outcome
from scenarios.report import fairness_rows, render_report, write_report
from scenarios.runner import by_spec
from scenarios.simulate import simulate
from scenarios.spec import Spec
from scenarios.tidy import tidy_rows


def with_target(spec: Spec, name: str, group: str, value: str, share: float) -> Spec:
    target = FairnessTarget(id=name, group=group, value=value, min_housed_share=share)
    return spec.model_copy(
        update={"name": name, "policy": spec.policy.model_copy(update={"fairness": [target]})}
    )


@pytest.mark.slow
def test_every_run_is_priced_with_and_without_its_targets(baseline: Spec) -> None:
    # at this size one couple per run is more than the optimum without targets proposes
    spec = with_target(baseline, "couples", "household_type", "couple", 0.01)
    state = simulate(spec, 0)
    prices = state.log.fairness
    assert len(prices) == len(state.log.day)  # every matching run
    assert all(p.feasible for p in prices)
    for p in prices:  # the run without targets is a relaxation of the run with them
        assert p.objective_with is not None and p.objective_without is not None
        assert p.objective_with >= p.objective_without
    summary = fairness_summary(state)
    assert summary["objective_with"] == sum(p.objective_with or 0 for p in prices)
    assert summary["objective_without"] == sum(p.objective_without or 0 for p in prices)
    assert summary["price_pct"] > 0  # it binds here
    assert summary["moved.household_type=couple"] > 0  # the group the target is about gains
    assert summary["runs_infeasible"] == 0
    # the last run, solved again without its targets, is what the price says
    assert state.log.last_problem is not None
    plain = state.log.last_problem.model_copy(
        update={"policy": state.log.last_problem.policy.model_copy(update={"fairness": []})}
    )
    assert match(plain).objective == prices[-1].objective_without
    assert outcome(simulate(baseline, 0)).fairness == {}  # no targets, no price


@pytest.mark.slow
def test_a_target_that_cannot_be_met_is_named_and_the_runs_go_on_without_it(baseline: Spec) -> None:
    # every single adult in every run: far more than the units free
    spec = with_target(baseline, "all-singles", "household_type", "single", 1.0)
    state = simulate(spec, 1)
    summary = fairness_summary(state)
    runs = len(state.log.day)
    assert summary["runs_infeasible"] == runs == summary["infeasible.all-singles"]
    assert math.isnan(summary["price_pct"])
    plain = simulate(baseline, 1)  # matched without the target: the same run as the base, seed by seed
    assert [t.movein_day for t in state.tenures] == [t.movein_day for t in plain.tenures]


@pytest.mark.slow
def test_the_report_shows_the_price_paired_by_seed(baseline: Spec, tmp_path: Path) -> None:
    spec = with_target(baseline, "couples", "household_type", "couple", 0.01)
    outs = [outcome(simulate(s, seed)) for seed in (0, 1) for s in (baseline, spec)]
    rows = fairness_rows(by_spec(outs))
    assert rows[0] == ["spec", "indicator", "with targets", "without", "with - without"]
    labels = [r[1] for r in rows[1:]]
    assert all(r[0] == "couples" for r in rows[1:])  # the base has no targets
    assert labels[0].startswith("objective") and labels[1].startswith("households")
    assert labels[2].startswith("travel")
    assert any(x.startswith("price") for x in labels)
    assert any(x == "housed share moved, points: household_type=couple" for x in labels)
    moved = next(r for r in rows if r[1].endswith("household_type=couple"))
    assert moved[4].startswith("+")
    html = render_report([baseline, spec], outs)
    assert "Fairness targets: what they cost" in html and "household_type=couple" in html
    write_report(tmp_path, [baseline, spec], outs)
    assert (tmp_path / "fairness.csv").read_text("utf-8").startswith("spec,indicator,with targets")
    tidy = tidy_rows(outs, {"couples": 4.0})
    assert {r.indicator for r in tidy if r.spec == "couples"} >= {
        "fairness.price_pct",
        "fairness.moved.household_type=couple",
    }
    assert not any(r.indicator.startswith("fairness.") for r in tidy if r.spec == baseline.name)
