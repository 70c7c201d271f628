"""An independent check of a result against its problem: the test oracle, also useful to callers.

Written pair by pair in plain Python from the domain models, sharing no code with the vectorised
eligibility, costs or solver, so that a bug there cannot hide itself here.
"""

from __future__ import annotations

from collections import Counter

from matcher.domain import Household, QuotaScope, Unit
from matcher.instance import MatchProblem
from matcher.months import months_between
from matcher.rent import budget
from matcher.result import MatchResult
from matcher.travel import trip_minutes


def pair_problems(problem: MatchProblem, h: Household, u: Unit) -> list[str]:
    """Every hard rule the pair breaks (empty: the pair is eligible)."""
    policy = problem.policy
    out = []
    forbidden = {(p.household, p.unit) for p in problem.forbids}
    if u.id in h.excluded_units or u.commune in h.excluded_communes or (h.id, u.id) in forbidden:
        out.append("excluded_by_officer")
    if u.reserved_for_commune is not None and h.attached_commune != u.reserved_for_commune:
        out.append("reserved")
    persons = h.adults + len(h.children_ages)
    if (
        persons > u.max_occupancy
        or h.adults > policy.max_adults_per_bedroom * max(u.bedrooms, 1)
        or u.surface_m2 < policy.min_surface(persons)
    ):
        out.append("too_small")
    if not set(h.needs) <= set(u.features):
        out.append("not_accessible")
    if u.paid_by(h.monthly_income, h.persons, policy.rent_subsidy) > budget(h, policy) + 1e-9:
        out.append("over_budget")
    if (u.available_from - problem.match_date).days > policy.availability_horizon_days:
        out.append("not_available_in_time")
    places = ([h.work] if h.work else []) + list(h.schools)
    if any(trip_minutes(policy, loc, u) > policy.max_travel_minutes for loc in places):
        out.append("too_far")
    return out


def violations(problem: MatchProblem, result: MatchResult) -> list[str]:
    """Every way ``result`` breaks a hard constraint of ``problem``, or misreports its objective
    (the proposals' fit, plus stability for each household moved from the unit it was shown, plus
    the unhoused penalties)."""
    hh = {h.id: h for h in problem.households}
    units = {u.id: u for u in problem.units}
    out: list[str] = []
    unknown = [p.household for p in result.proposals if p.household not in hh]
    unknown += [u.household for u in result.unhoused if u.household not in hh]
    unknown += [p.unit for p in result.proposals if p.unit not in units]
    if unknown:
        return [f"unknown id {i} in the result" for i in unknown]
    counts = Counter(p.household for p in result.proposals)
    out += [f"household {h} proposed {n} units" for h, n in counts.items() if n > 1]
    counts = Counter(p.unit for p in result.proposals)
    out += [f"unit {u} proposed {n} times" for u, n in counts.items() if n > 1]
    counts = Counter(u.household for u in result.unhoused)
    out += [f"household {h} listed unhoused {n} times" for h, n in counts.items() if n > 1]
    proposed = {p.household for p in result.proposals}
    out += [
        f"household {u.household} both proposed and unhoused"
        for u in result.unhoused
        if u.household in proposed
    ]
    listed = proposed | {u.household for u in result.unhoused}
    if result.proposals or result.unhoused:
        out += [f"household {h} missing from the result" for h in hh if h not in listed]
    placed = {p.household: units[p.unit] for p in result.proposals}
    for p in result.proposals:
        out += [
            f"{p.household}-{p.unit}: {why}" for why in pair_problems(problem, hh[p.household], units[p.unit])
        ]
        if sum(p.breakdown.values()) != p.cost:
            out.append(f"{p.household}: breakdown does not add up to the cost")
    for pin in problem.pins:
        if placed.get(pin.household) is None or placed[pin.household].id != pin.unit:
            out.append(f"pin {pin.household}-{pin.unit} not kept")
    points = problem.policy.intensity_points
    for z in problem.support_zones:
        used = sum(points[hh[h].support] for h, u in placed.items() if u.commune in z.communes)
        if used > z.capacity_points:
            out.append(f"support zone {z.id}: {used} points > {z.capacity_points}")
    for q in problem.quotas:
        n = sum(
            (u.commune if q.scope is QuotaScope.COMMUNE else u.programme.value) == q.key
            for u in placed.values()
        )
        if n < q.min_households or (q.max_households is not None and n > q.max_households):
            out.append(f"quota {q.id}: {n} households outside [{q.min_households}, {q.max_households}]")
    if result.objective is not None:
        shown = {pair.household: pair.unit for pair in problem.previous}
        moves = sum(1 for p in result.proposals if shown.get(p.household, p.unit) != p.unit)
        expected = (
            sum(p.cost for p in result.proposals)
            + moves * round(problem.policy.weights.stability)
            + sum(unhoused_penalty(problem, hh[u.household]) for u in result.unhoused)
        )
        if expected != result.objective:
            out.append(f"objective {result.objective} but proposals and unhoused add up to {expected}")
        if result.bound > result.objective + 1e-6:
            out.append(f"bound {result.bound} above objective {result.objective}")
    return out


def unhoused_penalty(problem: MatchProblem, h: Household) -> int:
    """Leaving ``h`` unhoused: unhoused weight x priority, plus stability if it was shown a unit."""
    rules, w = problem.policy.priority, problem.policy.weights
    months = min(max(months_between(h.registered_on, problem.match_date), 0.0), rules.max_months_counted)
    priority = (
        rules.base + rules.per_vulnerability * len(h.vulnerabilities) + rules.per_month_waiting * months
    )
    shown = any(p.household == h.id for p in problem.previous)
    return round(w.unhoused * priority + (w.stability if shown else 0.0))
