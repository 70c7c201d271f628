"""Households and units as numpy arrays: what the vectorised eligibility and cost code reads.

Locations given as a commune code become that commune's inner point. Lists of varying length
(schools, anchors) are padded with NaN to the longest list.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matcher.domain import Accessibility, Location, Programme, RentRule, RentSubsidy
from matcher.geo import communes
from matcher.instance import MatchProblem
from matcher.months import months_between
from matcher.rent import budget, rent_subsidy
from matcher.rooms import bedrooms_needed
from matcher.travel import place_point, unit_point

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]

ACCESS_BITS = {a: 1 << k for k, a in enumerate(Accessibility)}
PROGRAMMES = list(Programme)


@dataclass(frozen=True, eq=False)
class HouseholdArrays:
    persons: Ints
    adults: Ints
    children: Ints
    needed_bedrooms: Ints  #: :func:`matcher.rooms.bedrooms_needed`
    budget: Floats  #: explicit max rent, else share x income, else inf; EUR/month of rent + charges
    income: Floats  #: NaN when unknown
    needs: Ints  #: accessibility bitmask
    attached: Ints  #: commune index or -1
    work: Floats  #: (H, 2) lat/lon, NaN when nobody works
    schools: Floats  #: (H, S, 2)
    anchors: Floats  #: (H, A, 2)
    anchor_weight: Floats  #: (H, A), 0 for padding
    preference: Floats  #: (H, C) weight of each commune, 0 when not preferred
    excluded_commune: Bools  #: (H, C)
    points: Ints  #: caseload points of the support intensity
    priority: Floats
    previous_unit: Ints  #: unit index shown last time, or -1
    current_unit: Ints  #: a movable household's unit index now (:mod:`matcher.transfers`), or -1


@dataclass(frozen=True, eq=False)
class UnitArrays:
    lat: Floats
    lon: Floats
    commune: Ints
    programme: Ints
    bedrooms: Ints
    surface: Floats
    max_occupancy: Ints
    total_rent: Floats
    income_share: Floats  #: share of income an income-linked unit charges; NaN for a fixed rent
    rent_floor: Floats  #: lowest payment of an income-linked unit
    features: Ints
    available_day: Ints  #: proleptic ordinal of available_from
    reserved_for: Ints  #: commune index or -1
    zone: Ints  #: support zone index or -1


def commune_index() -> dict[str, int]:
    return {code: k for k, code in enumerate(communes())}


def _point(loc: Location | None) -> tuple[float, float]:
    return (np.nan, np.nan) if loc is None else place_point(loc)


def _padded(points: list[list[tuple[float, float]]]) -> Floats:
    width = max((len(p) for p in points), default=0)
    out = np.full((len(points), width, 2), np.nan)
    for h, pts in enumerate(points):
        if pts:
            out[h, : len(pts)] = pts
    return out


def household_arrays(problem: MatchProblem) -> HouseholdArrays:
    hh = problem.households
    policy = problem.policy
    cidx = commune_index()
    unit_idx = {u.id: k for k, u in enumerate(problem.units)}
    n, n_c = len(hh), len(cidx)
    adults = np.array([h.adults for h in hh], np.int64)
    children = np.array([len(h.children_ages) for h in hh], np.int64)
    income = np.array([np.nan if h.monthly_income is None else h.monthly_income for h in hh])
    pref = np.zeros((n, n_c))
    excl = np.zeros((n, n_c), bool)
    for k, h in enumerate(hh):
        for p in h.preferred_communes:
            pref[k, cidx[p.commune]] = max(pref[k, cidx[p.commune]], p.weight)
        for c in h.excluded_communes:
            excl[k, cidx[c]] = True
    rules = policy.priority
    waited = np.array([months_between(h.registered_on, problem.match_date) for h in hh], np.float64)
    months = np.clip(waited, 0, rules.max_months_counted)
    flags = np.array([len(h.vulnerabilities) for h in hh], np.float64)
    previous = np.full(n, -1, np.int64)
    hh_idx = {h.id: k for k, h in enumerate(hh)}
    for pair in problem.previous:
        previous[hh_idx[pair.household]] = unit_idx[pair.unit]
    return HouseholdArrays(
        persons=adults + children,
        adults=adults,
        children=children,
        needed_bedrooms=bedrooms_needed(adults, children),
        budget=np.array([budget(h, policy) for h in hh], np.float64),
        income=income,
        needs=np.array([sum(ACCESS_BITS[a] for a in h.needs) for h in hh], np.int64),
        attached=np.array([cidx.get(h.attached_commune or "", -1) for h in hh], np.int64),
        work=np.array([_point(h.work) for h in hh], np.float64).reshape(n, 2),
        schools=_padded([[_point(s) for s in h.schools] for h in hh]),
        anchors=_padded([[_point(a.location) for a in h.anchors] for h in hh]),
        anchor_weight=np.nan_to_num(_padded([[(a.weight, 0.0) for a in h.anchors] for h in hh])[:, :, 0]),
        preference=pref,
        excluded_commune=excl,
        points=np.array([policy.intensity_points[h.support] for h in hh], np.int64),
        priority=rules.base + rules.per_vulnerability * flags + rules.per_month_waiting * months,
        previous_unit=previous,
        current_unit=np.array([unit_idx.get(h.current_unit or "", -1) for h in hh], np.int64),
    )


def unit_arrays(problem: MatchProblem) -> UnitArrays:
    units = problem.units
    cidx = commune_index()
    zone_of = {c: z for z, zone in enumerate(problem.support_zones) for c in zone.communes}
    latlon = np.array([unit_point(u) for u in units], np.float64).reshape(len(units), 2)
    return UnitArrays(
        lat=latlon[:, 0],
        lon=latlon[:, 1],
        commune=np.array([cidx[u.commune] for u in units], np.int64),
        programme=np.array([PROGRAMMES.index(u.programme) for u in units], np.int64),
        bedrooms=np.array([u.bedrooms for u in units], np.int64),
        surface=np.array([u.surface_m2 for u in units], np.float64),
        max_occupancy=np.array([u.max_occupancy for u in units], np.int64),
        total_rent=np.array([u.total_rent for u in units], np.float64),
        income_share=np.array(
            [u.rent_share if u.rent_rule is RentRule.INCOME_SHARE else np.nan for u in units], np.float64
        ),
        rent_floor=np.array([u.rent_floor for u in units], np.float64),
        features=np.array([sum(ACCESS_BITS[a] for a in u.features) for u in units], np.int64),
        available_day=np.array([u.available_from.toordinal() for u in units], np.int64),
        reserved_for=np.array([cidx.get(u.reserved_for_commune or "", -1) for u in units], np.int64),
        zone=np.array([zone_of.get(u.commune, -1) for u in units], np.int64),
    )


def rent_paid(units: UnitArrays, u: Ints, income: Floats, persons: Ints, subsidy: RentSubsidy) -> Floats:
    """Rent + charges paid for units ``u`` by households of ``income`` and ``persons`` (broadcast),
    less the rent subsidy on the lets ``subsidy`` covers: :meth:`Unit.paid_by`."""
    total, share = units.total_rent[u], units.income_share[u]
    linked = np.isfinite(share) & np.isfinite(income)
    by_income = np.maximum(units.rent_floor[u], np.nan_to_num(share) * np.nan_to_num(income))
    paid = np.where(linked, np.minimum(total, by_income), total)
    covered = np.isin(units.programme[u], [PROGRAMMES.index(p) for p in subsidy.programmes])
    return np.asarray(paid - np.where(covered, rent_subsidy(subsidy, paid, income, persons), 0.0), np.float64)
