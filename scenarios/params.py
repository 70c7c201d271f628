"""Every distribution of the synthetic Luxembourg generator, with its source (the drawing is in
:mod:`scenarios.generator`).

Each field's description gives its source (FACTS / FACTS-2 = the project's cited research notes,
summarised in ``scenarios/README.md``), says *derived* and how, or says *assumption* and why.
``wunneng scenario params`` prints them all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from enum import StrEnum
from typing import Annotated

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from matcher.domain import Programme, SupportIntensity
from matcher.geo import communes_in_cantons

#: The five support zones: cantons grouped into social-work regions (assumption).
ZONES: dict[str, tuple[str, ...]] = {
    "centre": ("Luxembourg", "Capellen"),
    "south": ("Esch-sur-Alzette",),
    "east": ("Grevenmacher", "Remich", "Echternach"),
    "north": ("Clervaux", "Wiltz", "Vianden", "Diekirch"),
    "centre-north": ("Mersch", "Redange"),
}


def zone_communes(zones: Mapping[str, Sequence[str]] | None = None) -> dict[str, frozenset[str]]:
    """LAU2 codes of each zone's communes (default: :data:`ZONES`)."""
    zones = ZONES if zones is None else zones
    return {name: communes_in_cantons(cantons) for name, cantons in zones.items()}


class HouseholdType(StrEnum):
    """Composition of a household (planner-only; the matcher sees adults and children's ages)."""

    SINGLE = "single"
    COUPLE = "couple"
    COUPLE_CHILDREN = "couple_children"
    SINGLE_PARENT = "single_parent"
    MULTI_ADULT = "multi_adult"


HOUSEHOLD_TYPES = list(HouseholdType)
#: Where earners work (``GeneratorParams.job_region_shares``).
JOB_REGIONS = ("luxembourg_city", "centre", "south", "nordstad", "other_hubs", "local")
#: The capital (LAU2 code): its jobs are the ``luxembourg_city`` region, never ``local`` ones.
CAPITAL = "0304"
#: The job region of an employment hub by its canton, after LISER/DATer 2023's employment basins
#: (FACTS-2 §6); a hub in another canton is in ``other_hubs``.
HUB_REGION_BY_CANTON = {
    "Luxembourg": "centre",
    "Capellen": "centre",
    "Esch-sur-Alzette": "south",
    "Diekirch": "nordstad",
}
#: Communes of the capital's agglomeration outside its cantons: Leudelange (LISER/DATer 2023).
CENTRE_AGGLOMERATION_EXTRA = frozenset({"0207"})
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
    preference_weight_range: tuple[Share, Share] = Field(
        (0.3, 1.0), description="weight of that preference (1 = as strong as any), uniform; assumption"
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
    surface_per_occupant_m2: Positive = Field(
        12.0,
        description="a unit's legal maximum occupancy: its surface / this, at most two per bedroom (a studio "
        "counts as one) plus one; assumption (above the law of 15 Jul 1993's minimum of 9 m² for one "
        "person + 6 m² per extra person, so that drawn units keep a margin)",
    )
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
        if not 0 < self.preference_weight_range[0] <= self.preference_weight_range[1]:
            raise ValueError("preference_weight_range must be ordered and above 0")
        return self

    def revis(self, adults: int, children: int, single_parent: bool) -> float:
        """REVIS maximum for a household, EUR/month (before deducting own income)."""
        c = self.revis_components
        scale = self.revis_single / (c["adult"] + c["household"])
        child = c["child_single_parent"] if single_parent else c["child"]
        common = c["household_with_children"] if children else c["household"]
        return scale * (adults * c["adult"] + children * child + common)
