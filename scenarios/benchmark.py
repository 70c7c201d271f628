"""Every allocation policy as a share of the hindsight optimum, paired by seed.

For each seed, the benchmark world (:func:`scenarios.hindsight.benchmark_world`: every proposal
accepted at once, households housed in the horizon stay, no lease ends) is solved in hindsight with
matching runs as often as the most frequent batch compared, and simulated under each policy (myopic
optimiser, look-ahead optimiser, first come first served) and batch interval. Each run is scored by
the hindsight model's value (waiting saved minus fit) and reported with households housed,
person-months in reception, mean fit and the housed share per group.

The policies are simulated with :data:`scenarios.simulate.OPEN_ENDED` leases (:func:`policy_run`):
the hindsight model has no re-entries, so over a horizon longer than a lease a policy would
otherwise see households come back on the list (and units free up) that the optimum it is scored
against never sees.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from scenarios.hindsight import (
    Facts,
    Housing,
    benchmark_spec,
    benchmark_world,
    hindsight,
    policy_value,
    world_facts,
)
from scenarios.kpi import DIMENSIONS, _group_of
from scenarios.simulate import OPEN_ENDED, SimState, Tenure, simulate
from scenarios.spec import Spec
from scenarios.world import World

#: Allocation settings of each policy (``Spec.allocation`` fields).
POLICIES: dict[str, dict[str, Any]] = {
    "myopic": {"rule": "optimise", "lookahead": False},
    "lookahead": {"rule": "optimise", "lookahead": True},
    "first_come": {"rule": "first_come", "lookahead": False},
}
BATCHES = {"monthly": 30, "weekly": 7}
HINDSIGHT = "hindsight"
#: What the benchmark world leaves out, said under every report.
WORLD_NOTE = (
    "Benchmark world: every proposal accepted on the day, households housed stay beyond the horizon "
    "and no lease ends (the hindsight model has no re-entries)."
)


@dataclass(frozen=True)
class Row:
    """One policy (or the hindsight optimum) on one seed."""

    policy: str
    batch: str
    seed: int
    value: float
    share: float  #: value / hindsight value, %
    housed: int
    person_months: float  #: BPI persons x months in reception over the horizon
    fit_mean: float  #: mean fit cost of the households housed, points
    seconds: float
    groups: dict[str, float] = field(default_factory=dict)  #: "type=single" -> housed share, %


def _groups(world: World, housed: set[str]) -> dict[str, float]:
    members: dict[str, list[bool]] = {}
    for a in [*world.waiting, *(a for _, a in world.arrivals)]:
        t = Tenure(a)
        for dim in DIMENSIONS:
            members.setdefault(f"{dim}={_group_of(t, dim)}", []).append(a.household.id in housed)
    return {g: 100 * sum(v) / len(v) for g, v in sorted(members.items()) if not g.startswith("nationality")}


def _person_months(world: World, housed: dict[str, float]) -> float:
    total = 0.0
    for a in [*world.waiting, *(a for _, a in world.arrivals)]:
        end = min(housed.get(a.household.id, math.inf), a.leave_day, float(world.days))
        total += max(0.0, end - max(0.0, float(a.joined_day))) * a.profile.persons
    return total / 30.0


def _fit_mean(f: Facts, housings: list[Housing]) -> float:
    n_u = len(f.unit_ids)
    fit = dict(zip((f.pair_h * n_u + f.pair_u).tolist(), f.pair_fit.tolist(), strict=True))
    h_idx = {h: k for k, h in enumerate(f.household_ids)}
    u_idx = {u: k for k, u in enumerate(f.unit_ids)}
    vals = [fit[h_idx[x.household] * n_u + u_idx[x.unit]] for x in housings]
    return float(np.mean(vals)) if vals else math.nan


def _row(
    policy: str,
    batch: str,
    seed: int,
    world: World,
    f: Facts,
    housings: list[Housing],
    best: float,
    secs: float,
) -> Row:
    value = policy_value(f, housings, float(world.days))
    return Row(
        policy=policy,
        batch=batch,
        seed=seed,
        value=value,
        share=100 * value / best if best > 0 else math.nan,
        housed=len(housings),
        person_months=_person_months(world, {x.household: x.day for x in housings}),
        fit_mean=_fit_mean(f, housings),
        seconds=secs,
        groups=_groups(world, {x.household for x in housings}),
    )


def policy_run(spec: Spec, seed: int, policy: str, batch: str) -> SimState:
    """``policy`` with ``batch`` intervals simulated on the benchmark world of ``spec`` and ``seed``,
    its leases open-ended like the hindsight model's."""
    run = benchmark_spec(spec)
    run = run.model_copy(
        update={
            "run": run.run.model_copy(update={"matching_interval_days": BATCHES[batch]}),
            "allocation": run.allocation.model_copy(update=POLICIES[policy]),
        }
    )
    return simulate(run, seed, world=benchmark_world(run, seed), leases=OPEN_ENDED)


def run_benchmark(
    spec: Spec,
    seeds: list[int],
    policies: list[str],
    batches: list[str],
    *,
    time_limit: float = 300.0,
    progress: Callable[[str], None] | None = None,
) -> list[Row]:
    """Hindsight and every ``policies`` x ``batches`` on every seed (one process, one after another)."""
    step = min(BATCHES[b] for b in batches)
    rows: list[Row] = []
    for seed in seeds:
        world = benchmark_world(spec, seed)
        f = world_facts(world)
        hs = hindsight(world, step, time_limit=time_limit)
        best = hs.value
        rows.append(_row(HINDSIGHT, f"every {step} d", seed, world, f, list(hs.housings), best, hs.seconds))
        if progress:
            progress(f"seed {seed}: hindsight {hs.value:,.0f} (bound {hs.bound:,.0f}) in {hs.seconds:.1f} s")
        for batch in batches:
            for policy in policies:
                started = time.perf_counter()
                state = policy_run(spec, seed, policy, batch)
                secs = time.perf_counter() - started
                housings = [
                    Housing(t.applicant.household.id, t.home.id, float(t.decided_day))
                    for t in state.tenures
                    if t.movein_day is not None and t.home is not None and t.decided_day is not None
                ]
                rows.append(_row(policy, batch, seed, world, f, housings, best, secs))
                if progress:
                    progress(f"seed {seed}: {policy} {batch}: {rows[-1].share:.1f} % in {secs:.1f} s")
    return rows


def _ci(values: list[float]) -> tuple[float, float]:
    arr = np.asarray(values, np.float64)
    if arr.size < 2:
        return float(arr.mean()), math.nan
    return float(arr.mean()), float(stats.t.ppf(0.975, arr.size - 1) * arr.std(ddof=1) / math.sqrt(arr.size))


def summary(rows: list[Row]) -> str:
    """A Markdown table: mean over seeds (± 95 % half-width) per policy and batch, then the paired
    difference look-ahead minus myopic per seed."""
    keys = list(dict.fromkeys((r.policy, r.batch) for r in rows))
    out = [
        "| policy | batches | share of hindsight % | households housed | person-months in reception "
        "| mean fit (points) | seconds a run |",
        "|---|---|---|---|---|---|---|",
    ]
    for p, b in keys:
        rs = [r for r in rows if (r.policy, r.batch) == (p, b)]
        cells = []
        for vals, fmt in (
            ([r.share for r in rs], "{:.1f}"),
            ([float(r.housed) for r in rs], "{:.1f}"),
            ([r.person_months for r in rs], "{:.0f}"),
            ([r.fit_mean for r in rs], "{:.0f}"),
        ):
            m, hw = _ci(vals)
            cells.append(fmt.format(m) + ("" if math.isnan(hw) else " ± " + fmt.format(hw)))
        secs = float(np.mean([r.seconds for r in rs]))
        out.append(f"| {p} | {b} | " + " | ".join(cells) + f" | {secs:.1f} |")
    out.append("")
    out.append("Paired by seed, look-ahead minus myopic (share of hindsight, points of %):")
    out.append("")
    for b in dict.fromkeys(r.batch for r in rows if r.policy != HINDSIGHT):
        la = {r.seed: r.share for r in rows if r.policy == "lookahead" and r.batch == b}
        my = {r.seed: r.share for r in rows if r.policy == "myopic" and r.batch == b}
        seeds = sorted(set(la) & set(my))
        if seeds:
            diffs = [la[s] - my[s] for s in seeds]
            m, hw = _ci(diffs)
            per = ", ".join(f"seed {s}: {d:+.2f}" for s, d in zip(seeds, diffs, strict=True))
            out.append(f"* {b}: {m:+.2f}" + ("" if math.isnan(hw) else f" ± {hw:.2f}") + f" ({per})")
    out.append("")
    groups = sorted({g for r in rows for g in r.groups})
    out.append("| policy | batches | " + " | ".join(groups) + " |")
    out.append("|---|---|" + "---|" * len(groups))
    for p, b in keys:
        rs = [r for r in rows if (r.policy, r.batch) == (p, b)]
        vals = [float(np.mean([r.groups.get(g, math.nan) for r in rs])) for g in groups]
        out.append(f"| {p} | {b} | " + " | ".join(f"{v:.0f}" for v in vals) + " |")
    out.append("")
    out.append("(per group: housed share %, mean over seeds)")
    out.append("")
    out.append(WORLD_NOTE)
    return "\n".join(out)
