"""Seeded synthetic Luxembourg matching problems with documented, sourced distributions.

Every number is a field of :class:`GeneratorParams` whose description gives its source (FACTS /
FACTS-2 = the project's cited research notes, summarised in ``scenarios/README.md``) or says
*assumption*. ``wunneng scenario params`` prints them all.

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
from enum import StrEnum
from typing import Annotated

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

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
from scenarios.data import Place, employment_hubs, reception_centres, rent_per_m2

DAYS_PER_MONTH = 30.44

#: The five support zones: cantons grouped into social-work regions (assumption).
ZONES: dict[str, tuple[str, ...]] = {
    "centre": ("Luxembourg", "Capellen"),
    "south": ("Esch-sur-Alzette",),
    "east": ("Grevenmacher", "Remich", "Echternach"),
    "north": ("Clervaux", "Wiltz", "Vianden", "Diekirch"),
    "centre-north": ("Mersch", "Redange"),
}


def zone_communes(zones: dict[str, tuple[str, ...]] | None = None) -> dict[str, frozenset[str]]:
    """LAU2 codes of each zone's communes."""
    zones = ZONES if zones is None else zones
    return {
        name: frozenset(code for code, c in communes().items() if c.canton in cantons)
        for name, cantons in zones.items()
    }


class HouseholdType(StrEnum):
    """Composition of a household (planner-only; the matcher sees adults and children's ages)."""

    SINGLE = "single"
    COUPLE = "couple"
    COUPLE_CHILDREN = "couple_children"
    SINGLE_PARENT = "single_parent"
    MULTI_ADULT = "multi_adult"


HOUSEHOLD_TYPES = list(HouseholdType)
INTENSITIES = list(SupportIntensity)  # intensive, normal, light
PROGRAMMES = list(Programme)

Share = Annotated[float, Field(ge=0, le=1)]
Positive = Annotated[float, Field(gt=0)]


def _sums_to_one(name: str, values: list[float] | tuple[float, ...]) -> None:
    if abs(sum(values) - 1.0) > 1e-6:
        raise ValueError(f"{name} must sum to 1 (they sum to {sum(values):.6g})")


class GeneratorParams(BaseModel):
    """Every distribution of the generator, with its source. Frozen; unknown keys are rejected.

    Shares are probabilities (0..1); money is EUR per month; ``(a, b)`` pairs are uniform ranges.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    _joint: tuple[tuple[str, ...], np.ndarray] | None = PrivateAttr(None)

    households: int = Field(40, ge=0, description="households to generate (one-shot problems)")
    units: int = Field(50, ge=0, description="units to generate (one-shot problems)")
    match_date: date = Field(date(2026, 12, 1), description="date of the one-shot problem")

    # --- households -----------------------------------------------------------------------------
    type_shares: dict[HouseholdType, Share] = Field(
        default_factory=lambda: {
            HouseholdType.SINGLE: 0.55,
            HouseholdType.COUPLE: 0.09,
            HouseholdType.COUPLE_CHILDREN: 0.22,
            HouseholdType.SINGLE_PARENT: 0.10,
            HouseholdType.MULTI_ADULT: 0.04,
        },
        description="household types; FACTS-2 proposal (no LU split published), calibrated to ~33 % "
        "minors among persons (DE 31.4 %) and a mean size ~2.0",
    )
    couple_children_shares: tuple[Share, Share, Share, Share] = Field(
        (0.30, 0.30, 0.22, 0.18),
        description="children of couples: 1, 2, 3, 4 ('4+' drawn as 4); FACTS-2 proposal",
    )
    single_parent_children_shares: tuple[Share, Share, Share] = Field(
        (0.45, 0.35, 0.20), description="children of single parents: 1, 2, 3; FACTS-2 proposal"
    )
    multi_adult_three_share: Share = Field(
        0.3, description="share of 'other multi-adult' households with 3 adults (else 2); assumption"
    )
    child_age_range: tuple[int, int] = Field(
        (0, 17), description="children's ages in years; assumption (minors are 0-17 by definition)"
    )
    child_under4_share: Share = Field(
        0.38,
        description="share of children aged under 4 (the rest uniform from 4 to the top of the range); "
        "derived from the DE proxy (BAMF 2023: ~12 % of first applicants under 4 of 31.4 % under 18, "
        "FACTS-2 §1)",
    )
    nationality_shares: dict[str, Share] = Field(
        default_factory=lambda: {
            "eritrea": 0.35,
            "syria": 0.29,
            "afghanistan": 0.04,
            "turkey": 0.045,
            "latin_america": 0.05,
            "other": 0.225,
        },
        description="nationality group of new BPI households (planner-only, never given to the matcher); "
        "derived: 2024 applications by nationality (FACTS) x assumed recognition rates "
        "(Eritrea/Syria 0.9, Afghanistan 0.8, Turkey 0.4, Venezuela 0.3, Colombia 0.1, Maghreb 0.02, "
        "others 0.3), which sums to ~960 grants against 1,018 observed",
    )
    nationality_type_affinity: dict[str, dict[HouseholdType, Positive]] = Field(
        default_factory=lambda: {
            "eritrea": {
                HouseholdType.SINGLE: 1.4,
                HouseholdType.COUPLE_CHILDREN: 0.5,
                HouseholdType.MULTI_ADULT: 1.2,
            },
            "syria": {
                HouseholdType.SINGLE: 0.7,
                HouseholdType.COUPLE_CHILDREN: 1.6,
                HouseholdType.SINGLE_PARENT: 1.2,
            },
            "afghanistan": {
                HouseholdType.SINGLE: 0.7,
                HouseholdType.COUPLE_CHILDREN: 1.6,
                HouseholdType.SINGLE_PARENT: 1.2,
            },
        },
        description="how much more often a nationality group has a household type (1 where absent); "
        "the joint table is fitted (IPF) so that both type and nationality shares hold exactly; "
        "assumption (young single men dominate Eritrean arrivals, families Syrian and Afghan ones)",
    )

    # --- income ------------------------------------------------------------------------------------
    revis_single: Positive = Field(
        1896.0,
        description="REVIS maximum for a single adult, May 2025 (FACTS-2 §4, derived from cited components)",
    )
    revis_components: dict[str, Positive] = Field(
        default_factory=lambda: {
            "adult": 751.46,
            "child": 233.32,
            "child_single_parent": 302.27,
            "household": 751.46,
            "household_with_children": 864.23,
        },
        description="REVIS allocation d'inclusion components (revis.public.lu, FACTS-2 §4); only their "
        "ratios matter: they are scaled so that adult + household = revis_single",
    )
    earner_share: dict[HouseholdType, Share] = Field(
        default_factory=lambda: {t: 0.30 for t in HouseholdType},
        description="share of households with one earner at the social minimum wage; FACTS-2 proposal "
        "(31.6 % of REVIS households have no other income)",
    )
    earner_net_income: Positive = Field(
        2300.0,
        description="net monthly pay at the unqualified minimum wage (EUR 2,704 gross); FACTS (secondary)",
    )
    revis_earnings_exempt: Share = Field(
        0.25, description="share of earned income REVIS ignores (immunised); FACTS (guichet.public.lu)"
    )
    family_allowance: tuple[Positive, Positive, Positive] = Field(
        (299.86, 22.67, 56.57),
        description="family allowance per child, + supplement aged 6-11, + supplement aged 12+ (Jan 2025, "
        "FACTS-2 §4); planner-only: REVIS and the rent rule ignore it",
    )

    # --- situation -------------------------------------------------------------------------------
    mean_months_since_status: Positive = Field(
        10.0,
        description="months a household on the list has waited since protection, exponential mean; "
        "assumption (FACTS-2 §5: ~70 % of BPI in ONA for > 1 year, stays ~600 days in 2022)",
    )
    procedure_months: tuple[float, float] = Field(
        (3.0, 15.0),
        description="months in reception before protection was granted, uniform; assumption "
        "(DE procedure 8.7 months, FACTS-2 §8)",
    )
    school_start_age: int = Field(
        4, ge=0, le=17, description="compulsory schooling starts at 4 (Luxembourg law on schooling)"
    )
    keep_school_share: Share = Field(
        0.5,
        description="share of families with school-age children who want to keep the current school "
        "(near the reception centre); assumption",
    )
    preference_share: Share = Field(
        0.3, description="share with a preferred commune (the reception centre's); assumption"
    )
    job_region_shares: dict[str, Share] = Field(
        default_factory=lambda: {
            "luxembourg_city": 0.35,
            "centre": 0.18,
            "south": 0.18,
            "nordstad": 0.05,
            "other_hubs": 0.04,
            "local": 0.20,
        },
        description="where earners work, over all jobs: Luxembourg City 35 % (STATEC: 35 % of residents work "
        "for an employer there, FACTS-2 §6); derived from LISER/DATer 2023 (~500k jobs): rest of the Centre "
        "agglomeration 18 % (251k = 50 %, less the capital's ~32 % of all jobs), South 18 % (91k), Nordstad "
        "5 % (24k); assumption: the Colmar-Berg, Wiltz and Grevenmacher hubs 4 %, and 20 % local jobs in a "
        "commune other than the capital drawn by population (jobs outside the main basins)",
    )
    job_anchor_share: Share = Field(
        0.3, description="share of earners who also name their job as a place to stay near; assumption"
    )

    # --- needs -------------------------------------------------------------------------------------
    step_free_share: Share = Field(
        0.06,
        description="households needing step-free access, wheelchair users included; FACTS-2 §9 proposal "
        "(8.3 % of refugees report a mobility limitation)",
    )
    wheelchair_share: Share = Field(
        0.015, description="households needing a wheelchair-adapted unit; FACTS-2 proposal"
    )
    trauma_share: Share = Field(
        0.18, description="psycho-social vulnerability flag; FACTS-2 proposal (15-20 %)"
    )
    large_family_children: int = Field(
        4, ge=1, description="children from which a family is flagged 'large'; assumption"
    )
    intensity_by_group: dict[str, tuple[Share, Share, Share]] = Field(
        default_factory=lambda: {
            "complex": (0.45, 0.45, 0.10),
            "employed": (0.03, 0.32, 0.65),
            "standard": (0.116, 0.608, 0.276),
        },
        description="support intensity (intensive, normal, light) by need group: 'complex' = any "
        "vulnerability flag, 'employed' = an earner and no flag, 'standard' = the rest; calibrated so that "
        "the overall mix is the FACTS-2 proposal 20 / 50 / 30 %",
    )

    # --- units -------------------------------------------------------------------------------------
    programme_shares: dict[Programme, Share] = Field(
        default_factory=lambda: {
            Programme.GLS: 0.45,
            Programme.LOGIS_OWN: 0.15,
            Programme.COMMUNAL: 0.20,
            Programme.AIS: 0.15,
            Programme.LISKO_PRIVATE: 0.05,
        },
        description="programme mix of units for BPI households; assumption (GLS ~1,300 units nationally, "
        "Caritas ~240 and Croix-Rouge 100-200 dwellings, AIS ~530 in 2018: FACTS-2 §2; "
        "shares for BPI unknown)",
    )
    commune_weight_exponent: dict[Programme, Positive] = Field(
        default_factory=lambda: {
            Programme.GLS: 1.0,
            Programme.LOGIS_OWN: 1.0,
            Programme.COMMUNAL: 1.5,
            Programme.AIS: 1.0,
            Programme.LISKO_PRIVATE: 1.0,
        },
        description="a unit's commune is drawn with weight population^exponent: 1 = in proportion to "
        "population (proxy for the housing stock); communal/public stock concentrates in large towns: 1.5 "
        "puts ~64 % in the four largest (Fonds du Logement: ~2/3, FACTS-2 §2)",
    )
    unit_type_shares: tuple[Share, Share, Share, Share, Share] = Field(
        (0.15, 0.30, 0.30, 0.18, 0.07), description="studio, 1, 2, 3, 4 bedrooms; FACTS-2 proposal"
    )
    unit_surfaces_m2: tuple[Positive, Positive, Positive, Positive, Positive] = Field(
        (32.0, 50.0, 70.0, 90.0, 110.0), description="typical surface per unit type, m²; assumption"
    )
    surface_spread: Share = Field(0.15, description="surface drawn uniformly within ± this share; assumption")
    rent_damping: tuple[Positive, Positive, Positive, Positive, Positive] = Field(
        (1.0, 0.85, 0.75, 0.70, 0.65),
        description="advertised EUR/m² is inflated by studios: factor per unit type; FACTS-2 proposal",
    )
    programme_rent_factor: dict[Programme, Positive] = Field(
        default_factory=lambda: {
            Programme.GLS: 0.65,
            Programme.LOGIS_OWN: 0.60,
            Programme.COMMUNAL: 0.55,
            Programme.AIS: 0.65,
            Programme.LISKO_PRIVATE: 0.90,
        },
        description="rent as a share of market rent: GLS 30-40 % below market (FACTS-2 §2); the others "
        "are assumptions. For income-linked units (income_linked_rent) this is what the programme pays "
        "the owner; the occupant pays the income share",
    )
    rent_cap_by_type: tuple[Positive, Positive, Positive, Positive, Positive] = Field(
        (650.0, 850.0, 1100.0, 1350.0, 1600.0),
        description="highest rent of a studio .. 4-bed unit in a social programme (every programme but "
        "lisko_private): the midpoints of FACTS-2's indicative GLS/AIS rents (studio 550-750 .. 4-bed "
        "1,300-1,900); without it, discounted Luxembourg City rents would exceed what the programmes charge",
    )
    income_linked_rent: dict[Programme, tuple[Share, Annotated[float, Field(ge=0)]]] = Field(
        default_factory=lambda: {Programme.AIS: (0.33, 100.0), Programme.COMMUNAL: (0.33, 100.0)},
        description="programmes whose occupants pay a share of income (rent + charges) with a floor in EUR, "
        "never more than the unit's rent + charges: AIS occupants pay at most one third of income (FACTS-2 "
        "§2); communal and affordable rents follow income (loi du 7 aout 2023, FACTS-2 §3: ~35 % in the "
        "vote's examples, 21.3 % for Fonds du Logement tenants), taken as one third too; the share is the "
        "policy's 0.33 so that such units are never over budget; the EUR 100 floor is an assumption",
    )
    rent_subsidy_income_share: Share = Field(
        0.25,
        description="subvention de loyer: paid on private-market lets (lisko_private only) for the rent "
        "above this share of net income (FACTS-2 §4, guichet.public.lu)",
    )
    rent_subsidy_bounds: tuple[Positive, Positive] = Field(
        (10.0, 520.0), description="subvention de loyer: EUR 10-520 a month (FACTS-2 §4, secondary: loyer.lu)"
    )
    rent_subsidy_caps: tuple[Positive, Positive] = Field(
        (200.0, 360.0),
        description="subvention de loyer for a single person and for a couple with two children (Aug 2022 "
        "examples, FACTS-2 §4); derived: linear in persons, at most the upper bound",
    )
    charges_per_m2: float = Field(2.5, ge=0, description="monthly charges per m²; assumption")
    communal_reserved_share: Share = Field(
        0.5,
        description="share of communal units, in communes hosting a reception centre, reserved for the "
        "households of that centre (attached to the commune); assumption",
    )
    available_now_share: Share = Field(
        0.7, description="share of free units available at once; the others within 1-90 days; assumption"
    )
    available_within_days: int = Field(
        90, ge=1, description="latest availability of a free unit, days; assumption"
    )
    lift_share: Share = Field(0.30, description="units with a lift (hence step-free); assumption")
    ground_floor_share: Share = Field(0.20, description="ground-floor units (hence step-free); assumption")
    wheelchair_unit_share: Share = Field(
        0.03, description="wheelchair-adapted units (all step-free); assumption"
    )
    support_capacity_ratio: float = Field(
        0.8,
        ge=0,
        description="one-shot problems: a zone's free caseload points = ratio x its population share x the "
        "points all households would bring; below 1 the zones bind (assumption). Independent of the units, "
        "so adding units never removes capacity",
    )

    @model_validator(mode="after")
    def _consistent(self) -> GeneratorParams:
        _sums_to_one("type_shares", list(self.type_shares.values()))
        if set(self.type_shares) != set(HouseholdType):
            raise ValueError(f"type_shares needs every type: {[t.value for t in HouseholdType]}")
        _sums_to_one("couple_children_shares", self.couple_children_shares)
        _sums_to_one("single_parent_children_shares", self.single_parent_children_shares)
        _sums_to_one("nationality_shares", list(self.nationality_shares.values()))
        unknown = set(self.nationality_type_affinity) - set(self.nationality_shares)
        if unknown:
            raise ValueError(f"nationality_type_affinity names unknown groups {sorted(unknown)}")
        if set(self.intensity_by_group) != {"complex", "employed", "standard"}:
            raise ValueError("intensity_by_group needs the groups complex, employed and standard")
        for group, shares in self.intensity_by_group.items():
            _sums_to_one(f"intensity_by_group.{group}", shares)
        _sums_to_one("programme_shares", list(self.programme_shares.values()))
        _sums_to_one("job_region_shares", list(self.job_region_shares.values()))
        if set(self.job_region_shares) != set(JOB_REGIONS):
            raise ValueError(f"job_region_shares needs the regions {list(JOB_REGIONS)}")
        for name in ("commune_weight_exponent", "programme_rent_factor"):
            if set(getattr(self, name)) != set(Programme):
                raise ValueError(f"{name} needs every programme: {[p.value for p in Programme]}")
        _sums_to_one("unit_type_shares", self.unit_type_shares)
        if self.wheelchair_share > self.step_free_share:
            raise ValueError(
                "wheelchair_share cannot exceed step_free_share (wheelchair users need step-free access)"
            )
        if not self.child_age_range[0] <= self.child_age_range[1] <= 17 or self.child_age_range[0] < 0:
            raise ValueError("child_age_range must be within 0..17 and ordered")
        if not 0 <= self.procedure_months[0] <= self.procedure_months[1]:
            raise ValueError("procedure_months must be ordered and non-negative")
        return self

    def revis(self, adults: int, children: int, single_parent: bool) -> float:
        """REVIS maximum for a household, EUR/month (before deducting own income)."""
        c = self.revis_components
        scale = self.revis_single / (c["adult"] + c["household"])
        child = c["child_single_parent"] if single_parent else c["child"]
        common = c["household_with_children"] if children else c["household"]
        return scale * (adults * c["adult"] + children * child + common)


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
        prefs.append(CommunePreference(commune=centre.commune, weight=round(float(rng.uniform(0.3, 1.0)), 2)))
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


JOB_REGIONS = ("luxembourg_city", "centre", "south", "nordstad", "other_hubs", "local")


def hub_region(commune: str) -> str:
    """The job region of an employment hub in ``commune`` (see ``GeneratorParams.job_region_shares``)."""
    canton = communes()[commune].canton
    if commune == "0304":
        return "luxembourg_city"
    if canton in ("Luxembourg", "Capellen") or commune == "0207":  # Leudelange: the capital's agglomeration
        return "centre"
    if canton == "Esch-sur-Alzette":
        return "south"
    return "nordstad" if canton == "Diekirch" else "other_hubs"


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
    codes = [c for c in communes() if c != "0304"]  # the capital's jobs are all in its 35 %
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
    rent = max(10.0, round(rent * rent_factor, -1))
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
        max_occupancy=max(1, min(2 * max(kind, 1) + 1, int(surface // 12))),
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
