"""Turn a solver answer into proposals that explain themselves and reasons for the unhoused."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from matcher import wording
from matcher.assignment import AssignmentSolution
from matcher.compile import Compiled, LimitKind
from matcher.costs import pair_terms, stability_costs
from matcher.domain import Household, Policy, Unit
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
    used = np.zeros(model.n_edges, np.int64)
    used[edge_of[housed]] = 1
    room = model.constraint_upper - model.constraint_matrix @ used  # left in each side constraint

    proposals: list[Proposal] = []
    if housed.size:
        chosen = edge_of[housed]
        terms = pair_terms(hh, units, problem.policy, model.edge_item[chosen], model.edge_option[chosen])
    for pos, h in enumerate(housed.tolist()):
        e = int(edge_of[h])
        u = int(model.edge_option[e])
        mine = np.arange(bounds[h], bounds[h + 1])
        # fit: what a unit costs the household, without the price of changing a shown proposal
        fit = model.edge_cost[mine] - stability_costs(
            hh, problem.policy, model.edge_item[mine], model.edge_option[mine]
        )
        cost = int(fit[mine == e][0])
        others = np.flatnonzero(mine != e)
        others = others[np.argsort(fit[others], kind="stable")[:k_alt]]
        alts = [
            Alternative(
                unit=problem.units[int(model.edge_option[mine[a]])].id,
                cost=int(fit[a]),
                extra_cost=int(fit[a]) - cost,
                taken=bool(holder[model.edge_option[mine[a]]] >= 0),
            )
            for a in others.tolist()
        ]
        breakdown = {k: int(v[pos]) for k, v in terms.items()}
        shown = bool(hh.previous_unit[h] == u)
        proposals.append(
            Proposal(
                household=problem.households[h].id,
                unit=problem.units[u].id,
                cost=cost,
                breakdown=breakdown,
                alternatives=alts,
                pinned=h in pinned_items,
                shown_before=shown,
                explanation=_why(compiled, h, u, breakdown, alts, shown),
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
                    detail=solution.conflict or wording.NO_SOLUTION,
                    excluded=excluded,
                    eligible_units=int(mine.size),
                )
            )
            continue
        unhoused.append(_why_unhoused(compiled, h, mine, holder, room, excluded))

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
        stats=solution.stats.as_dict(),
    )


def _why_unhoused(
    compiled: Compiled,
    h: int,
    mine: np.ndarray,
    holder: np.ndarray,
    room: np.ndarray,
    excluded: dict[str, int],
) -> Unhoused:
    """The reason for household ``h`` (its eligible edges ``mine``), from the solution's data:
    who holds each unit and how much room each side constraint has left."""
    problem, model, hh = compiled.problem, compiled.model, compiled.households
    hid = problem.households[h].id
    if mine.size == 0:
        return Unhoused(
            household=hid,
            reason=UnhousedReason.NO_ELIGIBLE_UNIT,
            detail=wording.no_eligible_unit(excluded),
            excluded=excluded,
            eligible_units=0,
        )
    opts = model.edge_option[mine]
    free = mine[holder[opts] < 0]
    if free.size == 0:
        higher = int((hh.priority[holder[opts]] > hh.priority[h]).sum())
        return Unhoused(
            household=hid,
            reason=UnhousedReason.LOST_TO_OTHERS,
            excluded=excluded,
            eligible_units=int(mine.size),
            detail=wording.lost_to_others(int(mine.size), higher),
        )
    # a free edge is blocked by each side constraint it would overfill
    weight = model.constraint_matrix[:, free].toarray()  # (K, free)
    over = (weight > 0) & (weight > room[:, None])
    blocked_by = [compiled.limits[k] for k in np.flatnonzero(over.any(axis=1)).tolist()]
    blocking = sorted(limit.label for limit in blocked_by)
    open_units = int((~over.any(axis=0)).sum())
    if open_units == 0:
        zone_full = any(limit.kind is LimitKind.SUPPORT_ZONE for limit in blocked_by)
        return Unhoused(
            household=hid,
            reason=UnhousedReason.SUPPORT_CAPACITY_FULL if zone_full else UnhousedReason.QUOTA_FULL,
            excluded=excluded,
            eligible_units=int(mine.size),
            blocking=blocking,
            detail=wording.limits_full(int(free.size), blocking),
        )
    return Unhoused(
        household=hid,
        reason=UnhousedReason.TRADE_OFF,
        excluded=excluded,
        eligible_units=int(mine.size),
        blocking=blocking,
        detail=wording.trade_off(open_units),
    )


def _why(
    compiled: Compiled, h: int, u: int, breakdown: dict[str, int], alts: list[Alternative], shown: bool
) -> str:
    """The proposal's explanation for officers (English, stored with the run)."""
    problem = compiled.problem
    return proposal_explanation(
        problem.households[h], problem.units[u], breakdown, alts, problem.policy, shown_before=shown
    )


def proposal_explanation(
    household: Household,
    unit: Unit,
    breakdown: Mapping[str, int],
    alternatives: Sequence[Alternative],
    policy: Policy,
    *,
    shown_before: bool = False,
    lang: wording.Language = "en",
) -> str:
    """Why this unit, in ``lang``, from the household's data without personal details.

    Takes the records, not the compiled arrays, so that the service can say the same thing later
    in the household's language from what it stored (breakdown and alternatives)."""
    income = household.monthly_income
    known = income is not None and income > 0
    paid = unit.paid_by(income if known else None)  # an income-linked rent: what this household pays
    works = household.work is not None and policy.weights.travel_work > 0
    free_alts = [a for a in alternatives if not a.taken]
    return wording.proposal_text(
        unit,
        breakdown,
        minutes_to_work=breakdown.get("travel_work", 0) / policy.weights.travel_work if works else None,
        in_asked_commune=breakdown.get("preference", 0) == 0 and bool(household.preferred_communes),
        rent_percent=100 * paid / income if known and income else None,
        paid=paid,
        better_taken=sum(1 for a in alternatives if a.extra_cost < 0 and a.taken),
        next_free_extra=free_alts[0].extra_cost if free_alts else None,
        alternatives=len(alternatives),
        shown_before=shown_before,
        lang=lang,
    )
