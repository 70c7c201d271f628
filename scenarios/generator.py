"""Seeded synthetic Luxembourg matching problems with documented, sourced distributions.

Every number is a named field of :class:`GeneratorParams` with its source (FACTS = the project's cited
research notes, see ``scenarios/data/ATTRIBUTION.md``) or marked *assumption*.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    SupportIntensity,
    SupportZone,
    Unit,
    Vulnerability,
)
from matcher.geo import communes
from matcher.instance import MatchProblem
from scenarios.data import employment_hubs, reception_centres, rent_per_m2

#: The five support zones (cantons grouped like Düren's five integration zones; assumption).
ZONES: dict[str, tuple[str, ...]] = {
    "centre": ("Luxembourg", "Capellen"),
    "south": ("Esch-sur-Alzette",),
    "east": ("Grevenmacher", "Remich", "Echternach"),
    "north": ("Clervaux", "Wiltz", "Vianden", "Diekirch"),
    "centre-north": ("Mersch", "Redange"),
}
#: Employment-hub regions and their share of jobs (LISER/DATer 2023: 251k / 91k / 24k; FACTS-2 §6).
HUB_REGION_SHARE = {"centre": 0.68, "south": 0.25, "other": 0.07}


@dataclass(frozen=True)
class GeneratorParams:
    households: int = 40
    units: int = 50
    match_date: date = date(2026, 12, 1)
    #: household types: single, couple, couple+children, single parent, other multi-adult (FACTS-2 proposal)
    type_shares: tuple[float, ...] = (0.55, 0.09, 0.22, 0.10, 0.04)
    #: children in couple families: 1, 2, 3, 4 (FACTS-2 proposal; "4+" drawn as 4)
    couple_children_shares: tuple[float, ...] = (0.30, 0.30, 0.22, 0.18)
    #: children of single parents: 1, 2, 3 (FACTS-2 proposal)
    single_parent_children_shares: tuple[float, ...] = (0.45, 0.35, 0.20)
    #: REVIS maximum, EUR/month, May 2025 (FACTS-2 §4, derived from cited components)
    revis_single: float = 1896.0
    revis_couple: float = 2843.0
    revis_per_child_couple: float = 287.0
    revis_single_parent_base: float = 2419.0
    revis_per_child_single_parent: float = 381.0
    #: share of households with one earner at the social minimum wage, ~2,300 EUR net (FACTS-2 proposal)
    earner_share: float = 0.30
    earner_net_income: float = 2300.0
    #: support intensity shares intensive / normal / light (FACTS-2 proposal)
    intensity_shares: tuple[float, float, float] = (0.20, 0.50, 0.30)
    #: accessibility needs: step-free 6 %, wheelchair 1.5 % of households (FACTS-2 §9 proposal)
    step_free_share: float = 0.06
    wheelchair_share: float = 0.015
    #: psycho-social vulnerability flag share (FACTS-2 proposal 15-20 %)
    vulnerability_share: float = 0.18
    #: months already waited: exponential, mean 10 (assumption; ~70 % of BPI in ONA > 1 year, FACTS-2 §5)
    mean_months_waiting: float = 10.0
    #: share of families whose children's school is known (near the reception centre; assumption)
    school_known_share: float = 0.5
    #: share with a preferred commune (assumption)
    preference_share: float = 0.3
    #: unit types studio .. 4-bed shares and typical surfaces (FACTS-2 proposal; surfaces assumption)
    unit_type_shares: tuple[float, ...] = (0.15, 0.30, 0.30, 0.18, 0.07)
    unit_surfaces_m2: tuple[float, ...] = (32.0, 50.0, 70.0, 90.0, 110.0)
    #: advertised EUR/m² is inflated by studios: damping per unit type (FACTS-2 proposal)
    rent_damping: tuple[float, ...] = (1.0, 0.85, 0.75, 0.70, 0.65)
    #: programme mix (assumption) and rent as a share of market (GLS 30-40 % below market, FACTS-2 §2)
    programme_shares: dict[Programme, float] = field(
        default_factory=lambda: {
            Programme.GLS: 0.45,
            Programme.LOGIS_OWN: 0.15,
            Programme.COMMUNAL: 0.20,
            Programme.AIS: 0.15,
            Programme.LISKO_PRIVATE: 0.05,
        }
    )
    programme_rent_factor: dict[Programme, float] = field(
        default_factory=lambda: {
            Programme.GLS: 0.65,
            Programme.LOGIS_OWN: 0.60,
            Programme.COMMUNAL: 0.55,
            Programme.AIS: 0.65,
            Programme.LISKO_PRIVATE: 0.90,
        }
    )
    #: monthly charges per m² (assumption)
    charges_per_m2: float = 2.5
    #: share of communal units reserved for households attached to the commune (assumption)
    communal_reserved_share: float = 0.5
    #: share of units free now; others free within 0-90 days (assumption)
    available_now_share: float = 0.7
    #: unit features (assumption): lift, ground floor, wheelchair-adapted
    lift_share: float = 0.30
    ground_floor_share: float = 0.20
    wheelchair_unit_share: float = 0.03
    #: caseload capacity of each zone as a share of the points its units would bring (assumption):
    #: below 1 the zones bind, which is what makes the problem hard
    support_capacity_ratio: float = 0.8
    intensity_points: tuple[int, int, int] = (3, 2, 1)


def generate(params: GeneratorParams, seed: int = 0, policy: Policy | None = None) -> MatchProblem:
    """A reproducible problem: the same params and seed give the same problem."""
    rng = np.random.default_rng(seed)
    codes = list(communes())
    pop = np.array([communes()[c].population for c in codes], np.float64)
    households = [_household(params, rng, k, codes, pop) for k in range(params.households)]
    units = [_unit(params, rng, k, codes, pop) for k in range(params.units)]
    zones = _zones(params, households, units)
    return MatchProblem(
        match_date=params.match_date,
        households=households,
        units=units,
        support_zones=zones,
        policy=policy or Policy(),
    )


def _household(p: GeneratorParams, rng: np.random.Generator, k: int, codes: list[str], pop: np.ndarray) -> Household:
    kind = int(rng.choice(5, p=p.type_shares))
    if kind == 0:
        adults, n_children = 1, 0
    elif kind == 1:
        adults, n_children = 2, 0
    elif kind == 2:
        adults, n_children = 2, 1 + int(rng.choice(4, p=p.couple_children_shares))
    elif kind == 3:
        adults, n_children = 1, 1 + int(rng.choice(3, p=p.single_parent_children_shares))
    else:
        adults, n_children = int(rng.choice([2, 3])), 0
    ages = sorted(int(a) for a in rng.integers(0, 18, n_children))
    if kind == 3:
        revis = p.revis_single_parent_base + p.revis_per_child_single_parent * (n_children - 1)
    elif adults == 1:
        revis = p.revis_single
    else:
        revis = p.revis_couple + p.revis_per_child_couple * n_children + p.revis_single * (adults - 2) * 0.5
    works = rng.random() < p.earner_share
    income = round(max(revis, p.earner_net_income + (revis - p.revis_single) * 0.5) if works else revis, 2)
    centre = reception_centres()[int(rng.integers(len(reception_centres())))]
    work = None
    if works:
        hubs = employment_hubs()
        weights = np.array([_hub_weight(h.commune) for h in hubs])
        hub = hubs[int(rng.choice(len(hubs), p=weights / weights.sum()))]
        work = Location(commune=hub.commune, lat=hub.lat, lon=hub.lon)
    school_age = [a for a in ages if a >= 4]
    schools = [Location(commune=centre.commune)] if school_age and rng.random() < p.school_known_share else []
    needs: set[Accessibility] = set()
    if rng.random() < p.step_free_share:
        needs.add(Accessibility.STEP_FREE)
    if rng.random() < p.wheelchair_share:
        needs |= {Accessibility.STEP_FREE, Accessibility.WHEELCHAIR}
    flags: set[Vulnerability] = set()
    if rng.random() < p.vulnerability_share:
        flags.add(Vulnerability.TRAUMA)
    if kind == 3:
        flags.add(Vulnerability.SINGLE_PARENT)
    if n_children >= 4:
        flags.add(Vulnerability.LARGE_FAMILY)
    if Accessibility.WHEELCHAIR in needs:
        flags.add(Vulnerability.DISABILITY)
    shares = np.array(p.intensity_shares)
    if flags:
        shares = shares * np.array([2.0, 1.0, 0.5])
    support = list(SupportIntensity)[int(rng.choice(3, p=shares / shares.sum()))]
    months = float(rng.exponential(p.mean_months_waiting))
    prefs = []
    if rng.random() < p.preference_share:
        prefs.append(CommunePreference(commune=centre.commune, weight=round(float(rng.uniform(0.3, 1.0)), 2)))
    anchors = [Anchor(kind=AnchorKind.JOB, location=work, weight=1.0)] if work and rng.random() < 0.3 else []
    return Household(
        id=f"H{k:05d}",
        adults=adults,
        children_ages=ages,
        monthly_income=income,
        needs=frozenset(needs),
        work=work,
        schools=schools,
        current_location=Location(commune=centre.commune),
        support=support,
        vulnerabilities=frozenset(flags),
        registered_on=p.match_date - timedelta(days=int(months * 30.44)),
        attached_commune=centre.commune,
        preferred_communes=prefs,
        anchors=anchors,
    )


def _hub_weight(commune: str) -> float:
    canton = communes()[commune].canton
    if canton in ("Luxembourg", "Capellen"):
        return HUB_REGION_SHARE["centre"] / 11
    if canton == "Esch-sur-Alzette":
        return HUB_REGION_SHARE["south"] / 5
    return HUB_REGION_SHARE["other"] / 4


def _unit(p: GeneratorParams, rng: np.random.Generator, k: int, codes: list[str], pop: np.ndarray) -> Unit:
    code = codes[int(rng.choice(len(codes), p=pop / pop.sum()))]
    c = communes()[code]
    kind = int(rng.choice(5, p=p.unit_type_shares))
    surface = round(p.unit_surfaces_m2[kind] * float(rng.uniform(0.85, 1.15)), 1)
    programmes = list(p.programme_shares)
    programme = programmes[int(rng.choice(len(programmes), p=np.array(list(p.programme_shares.values()))))]
    market = rent_per_m2()[code] * surface * p.rent_damping[kind]
    rent = round(market * p.programme_rent_factor[programme], -1)
    features: set[Accessibility] = set()
    if rng.random() < p.lift_share:
        features |= {Accessibility.LIFT, Accessibility.STEP_FREE}
    if rng.random() < p.ground_floor_share:
        features |= {Accessibility.GROUND_FLOOR, Accessibility.STEP_FREE}
    if Accessibility.STEP_FREE in features and rng.random() < p.wheelchair_unit_share / 0.44:
        features.add(Accessibility.WHEELCHAIR)
    free_in = 0 if rng.random() < p.available_now_share else int(rng.integers(1, 91))
    reserved = code if programme is Programme.COMMUNAL and rng.random() < p.communal_reserved_share else None
    return Unit(
        id=f"U{k:05d}",
        programme=programme,
        commune=code,
        lat=round(c.lat + float(rng.normal(0, 0.01)), 5),
        lon=round(c.lon + float(rng.normal(0, 0.015)), 5),
        bedrooms=kind,
        surface_m2=surface,
        max_occupancy=max(1, min(2 * max(kind, 1) + 1, int(surface // 12))),
        rent=rent,
        charges=round(p.charges_per_m2 * surface, -1),
        features=frozenset(features),
        available_from=p.match_date + timedelta(days=free_in),
        reserved_for_commune=reserved,
    )


def _zones(p: GeneratorParams, households: list[Household], units: list[Unit]) -> list[SupportZone]:
    points = dict(zip(SupportIntensity, p.intensity_points, strict=True))
    mean_points = sum(points[h.support] for h in households) / max(1, len(households))
    housed = min(len(households), len(units))
    out = []
    for name, cantons in ZONES.items():
        members = frozenset(c for c, v in communes().items() if v.canton in cantons)
        share = sum(u.commune in members for u in units) / max(1, len(units))
        capacity = int(round(p.support_capacity_ratio * share * housed * mean_points))
        out.append(SupportZone(id=name, communes=members, capacity_points=capacity))
    return out
