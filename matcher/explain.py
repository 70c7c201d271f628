"""Turn a solver answer into proposals that explain themselves and reasons for the unhoused."""

from __future__ import annotations

import numpy as np

from matcher.assignment import AssignmentSolution
from matcher.compile import Compiled
from matcher.costs import pair_terms
from matcher.domain import QuotaScope
from matcher.geo import communes
from matcher.result import Alternative, MatchResult, Proposal, Unhoused, UnhousedReason, ZoneUse


def explain(compiled: Compiled, solution: AssignmentSolution) -> MatchResult:
    problem, model = compiled.problem, compiled.model
    hh, units = compiled.households, compiled.units
    elig = compiled.eligibility
    edge_of = solution.edge_of_item if solution.has_solution else np.full(model.n_items, -1)
    holder = np.full(model.n_options, -1)
    housed = np.flatnonzero(edge_of >= 0)
    holder[model.edge_option[edge_of[housed]]] = housed
    # edges are sorted by household: bounds[h]:bounds[h+1] are household h's
    bounds = np.searchsorted(model.edge_item, np.arange(model.n_items + 1))
    pinned_items = set(model.edge_item[model.pinned].tolist())
    k_alt = problem.alternatives

    zone_used = np.zeros(len(problem.support_zones), np.int64)
    for h in housed.tolist():
        z = units.zone[model.edge_option[edge_of[h]]]
        if z >= 0:
            zone_used[z] += hh.points[h]
    zone_left = np.array([z.capacity_points for z in problem.support_zones], np.int64) - zone_used
    quota_full = _full_quotas(compiled, housed, edge_of)

    proposals: list[Proposal] = []
    if housed.size:
        chosen = edge_of[housed]
        terms = pair_terms(hh, units, problem.policy, model.edge_item[chosen], model.edge_option[chosen])
    for pos, h in enumerate(housed.tolist()):
        e = int(edge_of[h])
        u = int(model.edge_option[e])
        cost = int(model.edge_cost[e])
        mine = np.arange(bounds[h], bounds[h + 1])
        others = mine[mine != e]
        others = others[np.argsort(model.edge_cost[others], kind="stable")[:k_alt]]
        alts = [
            Alternative(
                unit=problem.units[int(model.edge_option[a])].id,
                cost=int(model.edge_cost[a]),
                extra_cost=int(model.edge_cost[a]) - cost,
                taken=bool(holder[model.edge_option[a]] >= 0),
            )
            for a in others.tolist()
        ]
        breakdown = {k: int(v[pos]) for k, v in terms.items()}
        proposals.append(
            Proposal(
                household=problem.households[h].id,
                unit=problem.units[u].id,
                cost=cost,
                breakdown=breakdown,
                alternatives=alts,
                pinned=h in pinned_items,
                explanation=_why(compiled, h, u, breakdown, alts),
            )
        )

    unhoused: list[Unhoused] = []
    for h in np.flatnonzero(edge_of < 0).tolist():
        mine = np.arange(bounds[h], bounds[h + 1])
        excluded = elig.reasons_of(h)
        hid = problem.households[h].id
        if not solution.has_solution:
            unhoused.append(
                Unhoused(
                    household=hid,
                    reason=UnhousedReason.NO_SOLUTION,
                    detail=solution.conflict or "the solver found no solution",
                    excluded=excluded,
                    eligible_units=int(mine.size),
                )
            )
            continue
        unhoused.append(_why_unhoused(compiled, h, mine, holder, zone_left, quota_full, excluded))

    zones = [
        ZoneUse(zone=z.id, capacity_points=z.capacity_points, used_points=int(zone_used[k]))
        for k, z in enumerate(problem.support_zones)
    ]
    return MatchResult(
        status=solution.status,
        objective=solution.objective,
        bound=solution.bound,
        gap=solution.gap,
        seconds=solution.seconds,
        method=solution.method,
        policy_version=problem.policy.version,
        proposals=proposals,
        unhoused=unhoused,
        zones=zones,
        conflict=solution.conflict,
        stats=solution.stats,
    )


def _full_quotas(compiled: Compiled, housed: np.ndarray, edge_of: np.ndarray) -> dict[str, str]:
    """Quota id -> what it covers, for quotas whose maximum is reached."""
    problem, model, units = compiled.problem, compiled.model, compiled.units
    full: dict[str, str] = {}
    placed = model.edge_option[edge_of[housed]]
    codes = list(communes())
    for q in problem.quotas:
        if q.max_households is None:
            continue
        if q.scope is QuotaScope.COMMUNE:
            count = int((units.commune[placed] == codes.index(q.key)).sum())
        else:
            count = int(sum(problem.units[u].programme.value == q.key for u in placed.tolist()))
        if count >= q.max_households:
            full[q.id] = q.key
    return full


def _why_unhoused(
    compiled: Compiled,
    h: int,
    mine: np.ndarray,
    holder: np.ndarray,
    zone_left: np.ndarray,
    quota_full: dict[str, str],
    excluded: dict[str, int],
) -> Unhoused:
    problem, model, hh, units = compiled.problem, compiled.model, compiled.households, compiled.units
    hid = problem.households[h].id
    if mine.size == 0:
        parts = ", ".join(
            f"{n} {r.replace('_', ' ')}" for r, n in sorted(excluded.items(), key=lambda t: -t[1])
        )
        return Unhoused(
            household=hid,
            reason=UnhousedReason.NO_ELIGIBLE_UNIT,
            detail=f"no eligible unit ({parts})",
            excluded=excluded,
            eligible_units=0,
        )
    opts = model.edge_option[mine]
    free = opts[holder[opts] < 0]
    if free.size == 0:
        takers = holder[opts]
        higher = int((hh.priority[takers] > hh.priority[h]).sum())
        what = (
            "its only eligible unit went to another household"
            if mine.size == 1
            else f"all {mine.size} eligible units went to other households"
        )
        return Unhoused(
            household=hid,
            reason=UnhousedReason.LOST_TO_OTHERS,
            excluded=excluded,
            eligible_units=int(mine.size),
            detail=f"{what} ({higher} with higher priority)",
        )
    codes = list(communes())
    blocking: set[str] = set()
    open_units = 0
    for u in free.tolist():
        z = units.zone[u]
        zone_full = z >= 0 and zone_left[z] < hh.points[h]
        quotas = [
            qid
            for qid, key in quota_full.items()
            if key in (codes[units.commune[u]], problem.units[u].programme.value)
        ]
        if zone_full:
            blocking.add(f"support zone {problem.support_zones[z].id}")
        blocking.update(f"quota {q}" for q in quotas)
        if not zone_full and not quotas:
            open_units += 1
    if open_units == 0:
        zone_block = any(b.startswith("support zone") for b in blocking)
        reason = UnhousedReason.SUPPORT_CAPACITY_FULL if zone_block else UnhousedReason.QUOTA_FULL
        return Unhoused(
            household=hid,
            reason=reason,
            excluded=excluded,
            eligible_units=int(mine.size),
            blocking=sorted(blocking),
            detail=f"{free.size} free eligible unit(s), but {', '.join(sorted(blocking))} has no room left",
        )
    return Unhoused(
        household=hid,
        reason=UnhousedReason.TRADE_OFF,
        excluded=excluded,
        eligible_units=int(mine.size),
        blocking=sorted(blocking),
        detail=f"{open_units} free eligible units, but placing this household there would "
        "cost more than it gains (or displace a household with higher priority)",
    )


def _why(compiled: Compiled, h: int, u: int, breakdown: dict[str, int], alts: list[Alternative]) -> str:
    """Plain words: what the unit is and what mattered, without personal data."""
    problem = compiled.problem
    unit = problem.units[u]
    place = communes()[unit.commune].name
    rooms = "a studio" if unit.bedrooms == 0 else f"{unit.bedrooms} bedroom{'s' if unit.bedrooms > 1 else ''}"
    text = [
        f"{unit.id} in {place} ({unit.programme.value}, {rooms}, "
        f"{unit.total_rent:.0f} EUR/month with charges)."
    ]
    hh = compiled.households
    policy = problem.policy
    if np.isfinite(hh.work[h]).all() and policy.weights.travel_work > 0:
        text.append(f"About {breakdown['travel_work'] / policy.weights.travel_work:.0f} min to work.")
    if breakdown["preference"] == 0 and hh.preference[h].max() > 0:
        text.append("In a commune the household asked for.")
    if breakdown["under_occupancy"]:
        text.append("Larger than needed.")
    if breakdown["over_occupancy"]:
        text.append("Fewer bedrooms than ideal.")
    if np.isfinite(hh.income[h]) and hh.income[h] > 0:
        text.append(f"Rent is {100 * unit.total_rent / hh.income[h]:.0f} % of income.")
    better_taken = [a for a in alts if a.extra_cost < 0 and a.taken]
    free_alts = [a for a in alts if not a.taken]
    if better_taken:
        text.append(
            f"{len(better_taken)} unit(s) that would fit better went to other households "
            "(housing more households, or those with higher priority, comes first)."
        )
    if free_alts:
        text.append(f"The next best free option costs {free_alts[0].extra_cost} points more.")
    elif not alts:
        text.append("No other eligible unit.")
    return " ".join(text)
