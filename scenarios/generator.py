"""Seeded synthetic Luxembourg matching problems: the drawing code (the parameters and their sources
are :class:`scenarios.params.GeneratorParams`).

Reproducibility: every household and every unit draws from its own random stream, keyed by the seed
and its index (:func:`stream`). Household ``k`` is therefore the same whatever the number of units
or of other households, and the first ``M`` units are the same whether 50 or 500 are generated.

Planner-only attributes (household type, nationality group, family allowances, time in reception)
live in :class:`HouseholdProfile`, never in the :class:`~matcher.instance.MatchProblem`: the matcher
does not see nationality.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from matcher.domain import (
    Accessibility,
    Anchor,
    AnchorKind,
    CommunePreference,
    Household,
    Location,
    Policy,
    Programme,
    RentRule,
    SupportIntensity,
    SupportZone,
    Unit,
    Vulnerability,
)
from matcher.geo import communes
from matcher.instance import MatchProblem
from matcher.months import DAYS_PER_MONTH
from matcher.rent import round_rent
from scenarios.data import Place, employment_hubs, reception_centres, rent_per_m2
from scenarios.params import (
    CAPITAL,
    CENTRE_AGGLOMERATION_EXTRA,
    HOUSEHOLD_TYPES,
    HUB_REGION_BY_CANTON,
    INTENSITIES,
    JOB_REGIONS,
    PROGRAMMES,
    ZONES,
    GeneratorParams,
    HouseholdType,
    zone_communes,
)

__all__ = [
    "HOUSEHOLD_TYPES",
    "INTENSITIES",
    "JOB_REGIONS",
    "PROGRAMMES",
    "ZONES",
    "GeneratorParams",
    "HouseholdProfile",
    "HouseholdType",
    "Population",
    "draw_household",
    "draw_unit",
    "generate",
    "generate_population",
    "stream",
    "zone_communes",
]

# ---------------------------------------------------------------------------------------------------
# random streams


def _tag(name: str) -> int:
    return zlib.crc32(name.encode())


def stream(seed: int, name: str, *keys: int) -> np.random.Generator:
    """An independent random stream for ``(seed, name, *keys)``: one per household, unit, process."""
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, _tag(name), *(int(k) for k in keys)])


def _child_age(p: GeneratorParams, rng: np.random.Generator) -> int:
    lo, hi = p.child_age_range
    young = rng.random() < p.child_under4_share
    if young and lo < 4:
        return int(rng.integers(lo, min(4, hi + 1)))
    return int(rng.integers(max(lo, 4) if max(lo, 4) <= hi else lo, hi + 1))


# ---------------------------------------------------------------------------------------------------
# planner-only profile


@dataclass(frozen=True, slots=True)
class HouseholdProfile:
    """What a planner reports by, kept out of the matching problem (the matcher never sees it)."""

    id: str
    kind: HouseholdType
    nationality: str
    persons: int
    earner: bool
    vulnerable: bool
    support: SupportIntensity
    family_allowances: float  #: EUR/month, not part of the income the rent rule uses
    registered_on: date  #: protection granted / registered as looking for a home
    entered_reception: date
    centre: str  #: reception centre name


# ---------------------------------------------------------------------------------------------------
# households


def _ipf(seed: np.ndarray, rows: np.ndarray, cols: np.ndarray, rounds: int = 200) -> np.ndarray:
    """Iterative proportional fitting: scale ``seed`` until its margins are ``rows`` and ``cols``."""
    table = seed.copy()
    for _ in range(rounds):
        table *= (rows / np.maximum(table.sum(axis=1), 1e-300))[:, None]
        table *= (cols / np.maximum(table.sum(axis=0), 1e-300))[None, :]
    return table


def joint_type_nationality(p: GeneratorParams) -> tuple[tuple[str, ...], np.ndarray]:
    """Nationality group names and the fitted (type x nationality) probability table (cached on ``p``)."""
    if p._joint is None:
        p._joint = _fit_joint(p)
    return p._joint


def _fit_joint(p: GeneratorParams) -> tuple[tuple[str, ...], np.ndarray]:
    nats = tuple(p.nationality_shares)
    rows = np.array([p.type_shares[t] for t in HOUSEHOLD_TYPES])
    cols = np.array([p.nationality_shares[n] for n in nats])
    aff = np.array(
        [[p.nationality_type_affinity.get(n, {}).get(t, 1.0) for n in nats] for t in HOUSEHOLD_TYPES]
    )
    table = _ipf(rows[:, None] * cols[None, :] * aff, rows, cols)
    return nats, table / table.sum()


def draw_household(
    p: GeneratorParams,
    rng: np.random.Generator,
    hid: str,
    *,
    today: date,
    registered_on: date | None = None,
) -> tuple[Household, HouseholdProfile]:
    """One household on the waiting list on ``today``.

    ``registered_on`` (protection granted) is drawn from ``mean_months_since_status`` when not given.
    """
    nats, joint = joint_type_nationality(p)
    cell = int(rng.choice(joint.size, p=joint.ravel()))
    kind = HOUSEHOLD_TYPES[cell // len(nats)]
    nationality = nats[cell % len(nats)]
    if kind is HouseholdType.SINGLE:
        adults, n_children = 1, 0
    elif kind is HouseholdType.COUPLE:
        adults, n_children = 2, 0
    elif kind is HouseholdType.COUPLE_CHILDREN:
        adults, n_children = 2, 1 + int(rng.choice(4, p=p.couple_children_shares))
    elif kind is HouseholdType.SINGLE_PARENT:
        adults, n_children = 1, 1 + int(rng.choice(3, p=p.single_parent_children_shares))
    else:
        adults, n_children = (3 if rng.random() < p.multi_adult_three_share else 2), 0
    ages = sorted(_child_age(p, rng) for _ in range(n_children))
    single_parent = kind is HouseholdType.SINGLE_PARENT

    revis = p.revis(adults, n_children, single_parent)
    earner = bool(rng.random() < p.earner_share[kind])
    if earner:
        earned = p.earner_net_income
        income = earned + max(0.0, revis - (1 - p.revis_earnings_exempt) * earned)
    else:
        income = revis
    base, mid, teen = p.family_allowance
    allowances = sum(base + (mid if 6 <= a <= 11 else teen if a >= 12 else 0.0) for a in ages)

    centres = reception_centres()
    centre: Place = centres[int(rng.choice(len(centres), p=centre_weights()))]
    if registered_on is None:
        months = float(rng.exponential(p.mean_months_since_status))
        registered_on = today - timedelta(days=int(months * DAYS_PER_MONTH))
    procedure = float(rng.uniform(*p.procedure_months))
    entered = registered_on - timedelta(days=int(procedure * DAYS_PER_MONTH))

    work = None
    if earner:
        work = draw_job(p, rng)
    school_age = [a for a in ages if a >= p.school_start_age]
    keeps_school = bool(school_age) and rng.random() < p.keep_school_share
    schools = [Location(commune=centre.commune)] if keeps_school else []

    u = rng.random()
    needs: frozenset[Accessibility] = frozenset()
    if u < p.wheelchair_share:
        needs = frozenset({Accessibility.STEP_FREE, Accessibility.WHEELCHAIR})
    elif u < p.step_free_share:
        needs = frozenset({Accessibility.STEP_FREE})
    flags: set[Vulnerability] = set()
    if rng.random() < p.trauma_share:
        flags.add(Vulnerability.TRAUMA)
    if single_parent:
        flags.add(Vulnerability.SINGLE_PARENT)
    if n_children >= p.large_family_children:
        flags.add(Vulnerability.LARGE_FAMILY)
    if Accessibility.WHEELCHAIR in needs:
        flags.add(Vulnerability.DISABILITY)
    group = "complex" if flags else "employed" if earner else "standard"
    support = INTENSITIES[int(rng.choice(3, p=p.intensity_by_group[group]))]

    prefs = []
    if rng.random() < p.preference_share:
        weight = round(float(rng.uniform(*p.preference_weight_range)), 2)
        prefs.append(CommunePreference(commune=centre.commune, weight=weight))
    anchors = (
        [Anchor(kind=AnchorKind.JOB, location=work, weight=1.0)]
        if work is not None and rng.random() < p.job_anchor_share
        else []
    )
    household = Household(
        id=hid,
        adults=adults,
        children_ages=ages,
        monthly_income=round(income, 2),
        needs=needs,
        work=work,
        schools=schools,
        current_location=Location(commune=centre.commune),
        support=support,
        vulnerabilities=frozenset(flags),
        registered_on=registered_on,
        attached_commune=centre.commune,
        preferred_communes=prefs,
        anchors=anchors,
    )
    profile = HouseholdProfile(
        id=hid,
        kind=kind,
        nationality=nationality,
        persons=adults + n_children,
        earner=earner,
        vulnerable=bool(flags),
        support=support,
        family_allowances=round(allowances, 2),
        registered_on=registered_on,
        entered_reception=entered,
        centre=centre.name,
    )
    return household, profile


def hub_region(commune: str) -> str:
    """The job region of an employment hub in ``commune`` (see ``GeneratorParams.job_region_shares``)."""
    if commune == CAPITAL:
        return "luxembourg_city"
    if commune in CENTRE_AGGLOMERATION_EXTRA:
        return "centre"
    return HUB_REGION_BY_CANTON.get(communes()[commune].canton, "other_hubs")


def job_weights(p: GeneratorParams) -> np.ndarray:
    """Probability of each employment hub and, last, of a local job: regions' shares over all jobs,
    split evenly between a region's hubs (no per-hub job counts are shipped: assumption)."""
    regions = [hub_region(h.commune) for h in employment_hubs()]
    w = [p.job_region_shares[r] / regions.count(r) for r in regions] + [p.job_region_shares["local"]]
    arr = np.array(w, np.float64)
    return np.asarray(arr / arr.sum(), np.float64)


def draw_job(p: GeneratorParams, rng: np.random.Generator) -> Location:
    """Where an earner works: an employment hub, or a local job in a commune drawn by population
    (a commune's inner point: on the travel matrix)."""
    hubs = employment_hubs()
    k = int(rng.choice(len(hubs) + 1, p=job_weights(p)))
    if k < len(hubs):
        hub = hubs[k]
        return Location(commune=hub.commune, lat=hub.lat, lon=hub.lon)
    codes = [c for c in communes() if c != CAPITAL]  # the capital's jobs are all in its own region
    pop = np.array([communes()[c].population for c in codes], np.float64)
    return Location(commune=codes[int(rng.choice(len(codes), p=pop / pop.sum()))])


def centre_weights() -> np.ndarray:
    """Probability of each reception centre hosting BPI: its (assumed) beds."""
    beds = np.array([c.capacity for c in reception_centres()], np.float64)
    return np.asarray(beds / beds.sum(), np.float64)


# ---------------------------------------------------------------------------------------------------
# units


def commune_weights(
    p: GeneratorParams, programme: Programme, candidates: tuple[str, ...] | None = None
) -> np.ndarray:
    """Probability of each candidate commune (all 100 by default) for a unit of ``programme``."""
    codes = candidates or tuple(communes())
    pop = np.array([communes()[c].population for c in codes], np.float64)
    w = pop ** p.commune_weight_exponent[programme]
    return np.asarray(w / w.sum(), np.float64)


def draw_programme(p: GeneratorParams, rng: np.random.Generator) -> Programme:
    return PROGRAMMES[int(rng.choice(len(PROGRAMMES), p=[p.programme_shares[x] for x in PROGRAMMES]))]


def draw_unit(
    p: GeneratorParams,
    rng: np.random.Generator,
    uid: str,
    *,
    available_from: date,
    programme: Programme | None = None,
    candidates: tuple[str, ...] | None = None,
    rent_factor: float = 1.0,
) -> Unit:
    """One unit. ``candidates`` restricts its commune (e.g. to a zone); ``rent_factor`` scales its rent."""
    programme = programme or draw_programme(p, rng)
    codes = candidates or tuple(communes())
    code = codes[int(rng.choice(len(codes), p=commune_weights(p, programme, codes)))]
    kind = int(rng.choice(5, p=p.unit_type_shares))
    surface = round(
        p.unit_surfaces_m2[kind] * float(rng.uniform(1 - p.surface_spread, 1 + p.surface_spread)), 1
    )
    market = rent_per_m2()[code] * surface * p.rent_damping[kind]
    rent = market * p.programme_rent_factor[programme]
    if programme is not Programme.LISKO_PRIVATE:
        rent = min(rent, p.rent_cap_by_type[kind])
    rent = round_rent(rent * rent_factor)
    features: set[Accessibility] = set()
    if rng.random() < p.lift_share:
        features |= {Accessibility.LIFT, Accessibility.STEP_FREE}
    if rng.random() < p.ground_floor_share:
        features |= {Accessibility.GROUND_FLOOR, Accessibility.STEP_FREE}
    step_free = 1 - (1 - p.lift_share) * (1 - p.ground_floor_share)
    if Accessibility.STEP_FREE in features and rng.random() < min(1.0, p.wheelchair_unit_share / step_free):
        features.add(Accessibility.WHEELCHAIR)
    hosts = {c.commune for c in reception_centres()}
    rule = p.income_linked_rent.get(programme)
    reserved = (
        code
        if programme is Programme.COMMUNAL and rng.random() < p.communal_reserved_share and code in hosts
        else None
    )
    return Unit(
        id=uid,
        programme=programme,
        commune=code,
        bedrooms=kind,
        surface_m2=surface,
        max_occupancy=max(1, min(2 * max(kind, 1) + 1, int(surface // p.surface_per_occupant_m2))),
        rent=rent,
        charges=round(p.charges_per_m2 * surface, -1),
        rent_rule=RentRule.FIXED if rule is None else RentRule.INCOME_SHARE,
        rent_share=0.33 if rule is None else rule[0],
        rent_floor=0.0 if rule is None else rule[1],
        features=frozenset(features),
        available_from=available_from,
        reserved_for_commune=reserved,
    )


def draw_availability(p: GeneratorParams, rng: np.random.Generator, today: date) -> date:
    """When a free unit can be moved into: today, or within ``available_within_days``."""
    if rng.random() < p.available_now_share:
        return today
    return today + timedelta(days=int(rng.integers(1, p.available_within_days + 1)))


# ---------------------------------------------------------------------------------------------------
# one-shot problems


@dataclass(frozen=True)
class Population:
    """A one-shot problem and the planner-only profiles of its households (same order)."""

    problem: MatchProblem
    profiles: list[HouseholdProfile]


def generate_population(params: GeneratorParams, seed: int = 0, policy: Policy | None = None) -> Population:
    """:func:`generate` plus the planner-only household profiles."""
    policy = policy or Policy()
    today = params.match_date
    pairs = [
        draw_household(params, stream(seed, "household", k), f"H{k:05d}", today=today)
        for k in range(params.households)
    ]
    units = []
    for k in range(params.units):
        rng = stream(seed, "unit", k)
        units.append(
            draw_unit(params, rng, f"U{k:05d}", available_from=draw_availability(params, rng, today))
        )
    households = [h for h, _ in pairs]
    zones = _zones(params, households, policy)
    problem = MatchProblem(
        match_date=today, households=households, units=units, support_zones=zones, policy=policy
    )
    return Population(problem, [pr for _, pr in pairs])


def generate(params: GeneratorParams, seed: int = 0, policy: Policy | None = None) -> MatchProblem:
    """A reproducible one-shot problem: the same params and seed give the same problem.

    Households are drawn independently of units and zones do not depend on units, so adding units
    (a larger ``params.units``, same seed) keeps every household, unit and zone capacity.
    """
    return generate_population(params, seed, policy).problem


def _zones(p: GeneratorParams, households: list[Household], policy: Policy) -> list[SupportZone]:
    points = sum(policy.intensity_points[h.support] for h in households)
    total_pop = sum(c.population for c in communes().values())
    out = []
    for name, members in zone_communes().items():
        share = sum(communes()[c].population for c in members) / total_pop
        capacity = math.floor(p.support_capacity_ratio * share * points + 0.5)
        out.append(SupportZone(id=name, communes=members, capacity_points=capacity))
    return out
