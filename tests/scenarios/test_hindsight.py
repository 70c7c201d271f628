"""The hindsight benchmark: its MIP against brute force, and no policy above it on a real world."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenarios.benchmark import WORLD_NOTE, policy_run, run_benchmark, summary
from scenarios.hindsight import Facts, benchmark_spec, benchmark_world, build_model, solve
from scenarios.simulate import simulate
from scenarios.spec import Spec
from tests.scenarios.conftest import small

MONTH = 30.44
TURNAROUND, HORIZON, SUPPORT = 3.0, 4.0, 15.0


@st.composite
def tiny(draw: st.DrawFn) -> tuple[Facts, np.ndarray, np.ndarray, float]:
    n_h = draw(st.integers(1, 3))
    n_u = draw(st.integers(1, 2))
    runs = np.array([0.0, 10.0, 20.0][: draw(st.integers(1, 3))])
    pairs = [(h, u) for h in range(n_h) for u in range(n_u) if draw(st.booleans())]
    offer = np.array([draw(st.sampled_from([0.0, 10.0])) for _ in range(n_u)])
    f = Facts(
        household_ids=[f"H{k}" for k in range(n_h)],
        unit_ids=[f"U{k}" for k in range(n_u)],
        joined=np.array([draw(st.sampled_from([0.0, 5.0, 15.0])) for _ in range(n_h)]),
        leaves=np.array([draw(st.sampled_from([math.inf, 12.0, 25.0])) for _ in range(n_h)]),
        tenancy=np.array([draw(st.sampled_from([5.0, 100.0])) for _ in range(n_h)]),
        points=np.array([draw(st.integers(1, 3)) for _ in range(n_h)], np.int64),
        month_cost=np.array([[draw(st.integers(10, 100)) for _ in range(2)] for _ in range(n_h)], np.float64),
        offer_from=offer,
        free_from=offer + np.array([draw(st.sampled_from([0.0, 5.0])) for _ in range(n_u)]),
        unit_zone=np.zeros(n_u, np.int64),
        pair_h=np.array([h for h, _ in pairs], np.int64),
        pair_u=np.array([u for _, u in pairs], np.int64),
        pair_fit=np.array([draw(st.integers(0, 500)) for _ in pairs], np.int64),
    )
    zone_free = np.array([[draw(st.integers(0, 6)) for _ in runs]], np.float64)
    end = draw(st.sampled_from([25.0, 40.0]))
    return f, runs, zone_free, end


def wait_cost(f: Facts, h: int, a: float, b: float) -> float:
    total = 0.0
    for m in range(60):
        lo, hi = m * MONTH, (m + 1) * MONTH if m < f.month_cost.shape[1] - 1 else math.inf
        total += max(0.0, min(b, hi) - max(a, lo)) * f.month_cost[h, min(m, f.month_cost.shape[1] - 1)]
        if hi == math.inf:
            break
    return total


def brute_force(f: Facts, runs: np.ndarray, zone_free: np.ndarray, end: float) -> float:
    """Every combination of one proposal or none per household, checked rule by rule."""
    fit = {(int(h), int(u)): int(c) for h, u, c in zip(f.pair_h, f.pair_u, f.pair_fit, strict=True)}
    choices = []
    for h in range(len(f.household_ids)):
        opts: list[tuple[int, int] | None] = [None]
        for (hh, u), _ in fit.items():
            if hh == h:
                opts += [(u, t) for t, d in enumerate(runs) if f.joined[h] <= d < min(f.leaves[h], end)]
        choices.append([o for o in opts if o is None or runs[o[1]] >= f.offer_from[o[0]]])
    best = 0.0
    for combo in itertools.product(*choices):
        placed = [(h, u, t) for h, c in enumerate(combo) if c is not None for u, t in [c]]
        ok = True
        for s, d in enumerate(runs):
            for u in range(len(f.unit_ids)):
                holding = 0
                for h, uu, t in placed:
                    movein = max(runs[t], f.free_from[uu])
                    gone = movein + f.tenancy[h]
                    if uu == u and t <= s and max(gone, gone + TURNAROUND - HORIZON) > d:
                        holding += 1
                ok &= holding <= 1
            used = sum(
                f.points[h] for h, uu, t in placed if t <= s and max(runs[t], f.free_from[uu]) + SUPPORT > d
            )
            ok &= used <= zone_free[0, s]
        if not ok:
            continue
        value = sum(wait_cost(f, h, runs[t], min(f.leaves[h], end)) - fit[(h, u)] for h, u, t in placed)
        best = max(best, value)
    return best


@settings(max_examples=60, deadline=None)
@given(tiny())
def test_the_hindsight_mip_finds_the_brute_force_optimum(
    case: tuple[Facts, np.ndarray, np.ndarray, float],
) -> None:
    f, runs, zone_free, end = case
    model = build_model(
        f,
        runs,
        end_day=end,
        zone_free=zone_free,
        turnaround=TURNAROUND,
        horizon_days=HORIZON,
        support_days=SUPPORT,
    )
    expected = brute_force(f, runs, zone_free, end)
    if model.value.size == 0:
        assert expected == pytest.approx(0.0)
        return
    res = solve(model, integral=True)
    assert -res.fun == pytest.approx(expected, rel=1e-6, abs=1e-6)
    lp = solve(model, integral=False)
    assert -lp.fun >= expected - 1e-6  # the relaxation bounds it


def test_benchmark_spec_accepts_every_proposal_at_once(baseline: Spec) -> None:
    b = benchmark_spec(baseline).behaviour
    assert (b.accept_base, b.accept_factor_long_commute, b.accept_factor_far, b.decision_days) == (
        1,
        1,
        1,
        (0, 0),
    )
    world = benchmark_world(baseline, 0)
    assert all(a.tenancy_days == math.inf for a in world.waiting)


@pytest.mark.slow
def test_no_policy_beats_hindsight_and_the_policies_are_scored_alike(baseline: Spec) -> None:
    spec = small(baseline, scale=0.05, months=4, time_limit=5.0)
    rows = run_benchmark(spec, [0, 1], ["myopic", "lookahead", "first_come"], ["monthly"])
    best = {r.seed: r for r in rows if r.policy == "hindsight"}
    assert len(best) == 2
    for r in rows:
        assert r.value <= best[r.seed].value * (1 + 1e-3) + 1e-6, r
        assert r.housed >= 0 and r.person_months >= 0
    # the hindsight optimum, scored by the policies' scorer, is its own value
    for r in best.values():
        assert r.share == pytest.approx(100.0)


@pytest.mark.slow
def test_the_policies_see_no_lease_end_the_hindsight_model_cannot(baseline: Spec) -> None:
    # one-month leases, never prolonged: the horizon is four leases long
    stock = baseline.stock.model_copy(
        update={"lease_months": 1.0, "ais_stay_months": 1.0, "gls_prolonged_share": 0.0}
    )
    spec = baseline.model_copy(update={"stock": stock})
    run = benchmark_spec(spec)
    with_leases = simulate(run, 0, world=benchmark_world(run, 0))
    assert any(t.reentry for t in with_leases.tenures)  # what the benchmark must not let a policy see
    state = policy_run(spec, 0, "myopic", "monthly")
    assert any(t.movein_day is not None for t in state.tenures)
    assert not any(t.reentry or t.lease_ends for t in state.tenures)
    rows = run_benchmark(spec, [0], ["myopic"], ["monthly"])
    assert WORLD_NOTE in summary(rows) and "no lease ends" in WORLD_NOTE
