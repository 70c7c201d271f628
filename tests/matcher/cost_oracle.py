"""The cost of a pair, recomputed from the documented formulas in plain Python: the test oracle.

Written from the README and the docstrings of :mod:`matcher.costs` and :class:`matcher.domain.Policy`,
term by term, with its own distance and its own reading of the input models; it shares only the
policy's fields and documented constants (the commune table, the projection's latitude and earth
radius) with the code under test, so that a wrong term there cannot hide itself here.
"""

from __future__ import annotations

import csv
import math
from functools import cache
from pathlib import Path

import matcher
from matcher import Household, Location, MatchProblem, MatchResult, Unit
from matcher.geo import EARTH_RADIUS_KM, REFERENCE_LAT, communes
from matcher.months import DAYS_PER_MONTH

FIT_TERMS = (
    "travel_work",
    "travel_school",
    "under_occupancy",
    "over_occupancy",
    "rent_burden",
    "preference",
    "anchor",
)


def _latlon(lat: float | None, lon: float | None, commune: str | None) -> tuple[float, float]:
    if lat is not None and lon is not None:
        return lat, lon
    c = communes()[commune or ""]
    return c.lat, c.lon


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Crow-fly km: an equirectangular projection at the reference latitude (documented)."""
    per_deg = math.pi * EARTH_RADIUS_KM / 180
    north = (b[0] - a[0]) * per_deg
    east = (b[1] - a[1]) * per_deg * math.cos(math.radians(REFERENCE_LAT))
    return math.hypot(north, east)


#: The documented snapping distance of the shipped matrix: a point this close to one of its places is it.
MATRIX_SNAP_KM = 0.05
DATA = Path(matcher.__file__).parent / "data"


@cache
def _matrix() -> tuple[list[tuple[str, float, float]], dict[tuple[str, str], float]]:
    """The shipped public-transport matrix, read with the csv module from its documented files."""
    with (DATA / "lu_transit_places.csv").open(encoding="utf-8") as f:
        places = [(r["id"], float(r["lat"]), float(r["lon"])) for r in csv.DictReader(f)]
    with (DATA / "lu_transit_minutes.csv").open(encoding="utf-8") as f:
        table = {(r["from"], r["to"]): float(r["minutes"]) for r in csv.DictReader(f)}
    return places, table


def _place_on_matrix(point: tuple[float, float]) -> str | None:
    places, _ = _matrix()
    best = min(places, key=lambda p: _km(point, (p[1], p[2])))
    return best[0] if _km(point, (best[1], best[2])) <= MATRIX_SNAP_KM else None


def minutes(problem: MatchProblem, place: Location, u: Unit) -> float:
    """From the unit (the home, the matrix's row) to the place: the matrix when both ends are on it
    (``travel_model = transit_matrix``), else access time plus minutes per crow-fly km."""
    a = _latlon(place.lat, place.lon, place.commune)
    b = _latlon(u.lat, u.lon, u.commune)
    if problem.policy.travel_model.value == "transit_matrix":
        home, there = _place_on_matrix(b), _place_on_matrix(a)
        if home is not None and there is not None:
            return _matrix()[1][(home, there)]
    return problem.policy.travel_access_minutes + problem.policy.travel_minutes_per_km * _km(a, b)


def rent_paid(problem: MatchProblem, h: Household, u: Unit) -> float:
    """Fixed: rent + charges; a share of income: that share, at least the floor, at most rent + charges;
    less the rent subsidy (:class:`matcher.domain.RentSubsidy`) on a let of a programme it covers."""
    full = u.rent + u.charges
    income = h.monthly_income
    if u.rent_rule.value == "fixed" or income is None:
        paid = full
    else:
        paid = min(full, max(u.rent_floor, u.rent_share * income))
    rule = problem.policy.rent_subsidy
    if income is None or u.programme not in rule.programmes:
        return paid
    persons = h.adults + len(h.children_ages)
    # the cap runs in a straight line from one person to four persons, then stops at the upper bound
    cap = rule.cap_single + (persons - 1) * (rule.cap_four_persons - rule.cap_single) / 3
    cap = min(cap, rule.max_eur)
    amount = min(cap, max(0.0, paid - rule.income_share * income))
    return paid - amount if amount >= rule.min_eur else paid


def _points(x: float) -> int:
    """Each term is rounded to whole points on its own (half to even)."""
    return round(x)


def fit_terms(problem: MatchProblem, h: Household, u: Unit) -> dict[str, int]:
    """What the unit costs the household, term by term (everything but stability)."""
    w = problem.policy.weights
    children = len(h.children_ages)
    need = max(1, math.ceil(h.adults / 2) + math.ceil(children / 2))
    single = h.adults + children == 1
    rent = rent_paid(problem, h, u)
    burden = 0.0
    if h.monthly_income:
        burden = max(0.0, 100 * rent / h.monthly_income - 100 * problem.policy.rent_burden_target)
    wanted = {p.commune: p.weight for p in h.preferred_communes}
    strongest = max(wanted.values(), default=0.0)
    return {
        "travel_work": _points(w.travel_work * minutes(problem, h.work, u)) if h.work else 0,
        "travel_school": _points(w.travel_school * sum(minutes(problem, s, u) for s in h.schools)),
        "under_occupancy": _points(w.under_occupancy * max(0, u.bedrooms - need)),
        "over_occupancy": 0 if single else _points(w.over_occupancy * max(0, need - u.bedrooms)),
        "rent_burden": _points(w.rent_burden * burden),
        "preference": _points(w.preference * (strongest - wanted.get(u.commune, 0.0))),
        "anchor": _points(w.anchor * sum(a.weight * minutes(problem, a.location, u) for a in h.anchors)),
    }


def fit_cost(problem: MatchProblem, h: Household, u: Unit) -> int:
    return sum(fit_terms(problem, h, u).values())


def shown_unit(problem: MatchProblem, h: Household) -> str | None:
    return next((p.unit for p in problem.previous if p.household == h.id), None)


def stability(problem: MatchProblem, h: Household, unit: str | None) -> int:
    """Points for moving ``h`` away from the unit it was shown (``unit`` None: left unhoused)."""
    shown = shown_unit(problem, h)
    return _points(problem.policy.weights.stability) if shown is not None and shown != unit else 0


def unhoused_cost(problem: MatchProblem, h: Household) -> int:
    """2000 x priority (base + per flag + per month waited, capped), plus stability if shown."""
    rule, w = problem.policy.priority, problem.policy.weights
    months = min(
        max(0.0, (problem.match_date - h.registered_on).days / DAYS_PER_MONTH), rule.max_months_counted
    )
    priority = rule.base + rule.per_vulnerability * len(h.vulnerabilities) + rule.per_month_waiting * months
    shown = shown_unit(problem, h) is not None
    return round(w.unhoused * priority + (w.stability if shown else 0.0))


def cost_errors(problem: MatchProblem, result: MatchResult) -> list[str]:
    """Every term of every proposal and alternative, and the objective, that the oracle disagrees with."""
    hh = {h.id: h for h in problem.households}
    units = {u.id: u for u in problem.units}
    out: list[str] = []
    objective = 0
    for p in result.proposals:
        h, u = hh[p.household], units[p.unit]
        terms = fit_terms(problem, h, u)
        if p.breakdown != terms:
            out.append(f"{p.household}-{p.unit}: breakdown {p.breakdown} but the formulas give {terms}")
        if p.cost != sum(terms.values()):
            out.append(
                f"{p.household}-{p.unit}: fit cost {p.cost} but the formulas give {sum(terms.values())}"
            )
        for a in p.alternatives:
            alt = fit_cost(problem, h, units[a.unit])
            if a.cost != alt or a.extra_cost != alt - sum(terms.values()):
                out.append(f"{p.household}: alternative {a.unit} at {a.cost} ({a.extra_cost:+}) but {alt}")
        objective += sum(terms.values()) + stability(problem, h, p.unit)
    objective += sum(unhoused_cost(problem, hh[x.household]) for x in result.unhoused)
    if result.objective is not None and result.objective != objective:
        out.append(f"objective {result.objective} but the formulas give {objective}")
    return out
