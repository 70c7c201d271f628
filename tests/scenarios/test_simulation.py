"""The simulation: reproducible, consistent, and adding units never houses fewer in a one-shot run."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.domain import Policy, PriorityRule, Weights
from scenarios.kpi import KPIS, kaplan_meier, outcome
from scenarios.runner import Task, run_task, run_tasks
from scenarios.simulate import Status, free_points, one_shot, simulate
from scenarios.spec import Spec, validate_spec
from scenarios.world import build_world
from tests.scenarios.conftest import small
from tests.scenarios.test_generator import UNHOUSED, proves_the_count


def with_changes(spec: Spec, *changes: dict[str, object], **sections: object) -> Spec:
    table = spec.model_dump(mode="json", exclude={"changes"})
    table.update(sections)
    table["changes"] = [c.model_dump(mode="json") for c in spec.changes] + list(changes)
    return validate_spec(table)


def test_same_seed_same_outcome(baseline: Spec) -> None:
    a, b = run_task(Task(baseline, 3)), run_task(Task(baseline, 3))
    assert a.kpis.keys() == b.kpis.keys()
    assert _nan_equal(a.kpis, b.kpis, {"match_seconds_mean"})
    assert a.series == b.series and a.placements == b.placements and a.km_waiting == b.km_waiting
    assert a.groups.keys() == b.groups.keys()
    for g in a.groups:
        assert _nan_equal(a.groups[g], b.groups[g], set())


def _nan_equal(a: dict[str, float], b: dict[str, float], skip: set[str]) -> bool:
    keys = (set(a) | set(b)) - skip
    return all((math.isnan(a[k]) and math.isnan(b[k])) or a[k] == b[k] for k in keys)


def test_parallel_runs_equal_serial_runs(baseline: Spec) -> None:
    tasks = [Task(baseline, 0), Task(baseline, 1)]
    serial, parallel = run_tasks(tasks, jobs=1), run_tasks(tasks, jobs=2)
    for s, p in zip(serial, parallel, strict=True):
        assert (s.spec, s.seed) == (p.spec, p.seed)
        assert _nan_equal(s.kpis, p.kpis, {"match_seconds_mean"})


def test_every_kpi_is_reported(baseline: Spec) -> None:
    out = run_task(Task(baseline, 0))
    for k in KPIS:
        assert k.name in out.kpis
    for z in out.zones:
        assert f"caseload_use.{z}" in out.kpis and f"oneshot_caseload_use.{z}" in out.kpis
    dims = Counter(g.split("=")[0] for g in out.groups)
    assert set(dims) == {"type", "support", "vulnerability", "nationality"}


def test_the_state_stays_consistent(baseline: Spec) -> None:
    state = simulate(small(baseline, scale=0.1, months=6), 1)
    housed = [t for t in state.tenures if t.status is Status.HOUSED]
    assert len({id(t.unit) for t in housed}) == len(housed)  # one household per let unit
    pending = [t for t in state.tenures if t.status is Status.PENDING]
    assert all(t.unit is not None and t.unit.state == "held" for t in pending)
    assert sum(s.state == "held" for s in state.units) == len(pending)
    assert all(t.home is not None for t in state.tenures if t.movein_day is not None)
    assert all(t.refusals == len(t.forbidden) for t in state.tenures)
    out = outcome(state)
    k = out.kpis
    assert (
        k["housed"] + k["waiting_at_end"] + k["left_on_own"] + k["removed_after_refusals"] <= k["households"]
    )
    assert 0 <= k["housed_share"] <= 100
    assert all(p >= 0 for p in free_points(state, state.world.days))
    assert set(state.log.status) <= {"optimal", "feasible"}  # every run found a solution
    assert k["offers"] >= k["housed"]


def test_declines_forbid_the_unit_and_the_remove_rule_removes(baseline: Spec) -> None:
    spec = with_changes(
        small(baseline, scale=0.1, months=8),
        behaviour={"accept_base": 0.3, "refusal_rule": "remove", "max_refusals": 1, "decision_days": [1, 3]},
    )
    state = simulate(spec, 0)
    removed = [t for t in state.tenures if t.status is Status.REMOVED]
    assert state.log.declines > 0 and removed
    assert all(t.refusals >= 1 for t in removed)
    assert outcome(state).kpis["removed_after_refusals"] == len(removed)


def test_pending_proposals_are_passed_as_previous(baseline: Spec) -> None:
    """Weekly runs with answers taking 20-30 days: later runs see earlier proposals as ``previous``."""
    spec = with_changes(
        small(baseline, scale=0.1, months=3, matching_interval_days=7), behaviour={"decision_days": [20, 30]}
    )
    state = simulate(spec, 0)
    assert sum(state.log.previous) > 0
    assert state.log.previous[0] == 0  # nothing is pending at the first run


def test_higher_inflow_keeps_every_baseline_arrival(baseline: Spec) -> None:
    base = build_world(baseline, 2)
    more = build_world(with_changes(baseline, {"kind": "scale_inflow", "factor": 1.5}), 2)
    ids = {p.household.id for _, p in base.arrivals}
    assert ids < {p.household.id for _, p in more.arrivals}
    assert [p.household for p in base.waiting] == [p.household for p in more.waiting]


def test_support_workers_change_capacity(baseline: Spec) -> None:
    world = build_world(with_changes(baseline, {"kind": "support_workers", "zone": "north", "add": 2}), 0)
    base = build_world(baseline, 0)
    north = base.zone_names.index("north")
    per_worker = baseline.support.points_per_worker
    assert world.capacity[north] - base.capacity[north] == round(2 * per_worker * baseline.run.scale)


def test_scaled_rents_change_rents_only(baseline: Spec) -> None:
    base = build_world(baseline, 0)
    dear = build_world(with_changes(baseline, {"kind": "scale_rents", "factor": 1.5, "programme": "gls"}), 0)
    for a, b in zip(base.units, dear.units, strict=True):
        assert a.unit.model_copy(update={"rent": 0}) == b.unit.model_copy(update={"rent": 0})
        assert b.unit.rent == (a.unit.rent if a.unit.programme.value != "gls" else b.unit.rent)
    assert sum(b.unit.rent for b in dear.units) > sum(a.unit.rent for a in base.units)


def test_removing_units_shrinks_the_stock(baseline: Spec) -> None:
    base = build_world(baseline, 0)
    fewer = build_world(with_changes(baseline, {"kind": "remove_units", "share": 0.5, "programme": "gls"}), 0)
    gls = [s for s in base.units if s.unit.programme.value == "gls"]
    assert len(fewer.units) == len(base.units) - round(len(gls) * 0.5)


COUNT_FIRST = {
    "priority": PriorityRule(per_vulnerability=0.0, per_month_waiting=0.0).model_dump(),
    "weights": Weights(unhoused=UNHOUSED).model_dump(),
}


@settings(max_examples=12)
@given(
    seed=st.integers(0, 10_000),
    count=st.integers(1, 60),
    zone=st.sampled_from(["centre", "south", "east", "north", "centre-north"]),
    programme=st.sampled_from(["gls", "ais", "communal", "logis_own", "lisko_private"]),
)
def test_adding_units_never_houses_fewer_in_a_one_shot_run(
    baseline: Spec, seed: int, count: int, zone: str, programme: str
) -> None:
    """With the count first (equal priorities, a huge unhoused cost) every assignment of the smaller
    problem stays feasible in the larger one, so a proven optimum can only house as many or more."""
    policy = Policy.model_validate({**baseline.policy.model_dump(), **COUNT_FIRST})
    base = with_changes(baseline, policy=policy.model_dump(mode="json"))
    more = with_changes(base, {"kind": "add_units", "count": count, "zone": zone, "programme": programme})
    pa, ra = one_shot(base, seed)
    pb, rb = one_shot(more, seed)
    assert pa.households == pb.households and pa.support_zones == pb.support_zones
    assert set(pa.units) <= set(pb.units)
    assert proves_the_count(ra) and proves_the_count(rb)
    assert len(rb.proposals) >= len(ra.proposals)


def test_kaplan_meier_with_delayed_entry() -> None:
    # two households from 0: one housed at 2, one censored at 5; one enters at 3, housed at 4
    entry = np.array([0.0, 0.0, 3.0]) - 1e-9
    exit_ = np.array([2.0, 5.0, 4.0])
    event = np.array([True, False, True])
    s = kaplan_meier(entry, exit_, event, np.array([0.0, 2.0, 3.0, 4.0, 5.0]))
    assert np.allclose(s, [1.0, 0.5, 0.5, 0.25, 0.25])


def test_a_gap_limit_trades_proof_for_speed_within_the_gap(baseline: Spec) -> None:
    """A planner's quick what-if (``gap_limit``) solves the same problem, proves a gap at most that
    large, and costs at most that much more than the proven optimum."""
    limit = 0.05
    exact_problem, exact = one_shot(small(baseline, scale=0.5), 3)
    quick_problem, quick = one_shot(small(baseline, scale=0.5, gap_limit=limit), 3)
    assert quick_problem == exact_problem
    assert exact.status == "optimal" and exact.objective is not None and exact.gap == 0
    assert quick.objective is not None and quick.gap is not None and quick.gap <= limit
    assert exact.objective <= quick.objective <= exact.objective + limit * abs(quick.objective)
    assert quick.bound <= exact.objective
