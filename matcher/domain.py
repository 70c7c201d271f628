"""What housing officers weigh, as validated pydantic models.

Every field documents its unit. Models are frozen and reject unknown keys, so a misspelt key in an
input file is an error rather than a silently ignored value. Cross-object checks (unknown ids, commune
codes, duplicates) live in :mod:`matcher.instance`.
"""

from __future__ import annotations

import itertools
import math
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.dataclasses import dataclass as pydantic_dataclass

from matcher.rent import rent_subsidy

#: Opaque identifiers: never names. Letters, digits and ``_ . : -`` only, 1 to 64 of them.
ID_PATTERN = r"^[A-Za-z0-9_.:\-]{1,64}$"
Identifier = Annotated[str, Field(pattern=ID_PATTERN)]
HouseholdId = Identifier
UnitId = Identifier
ZoneId = Identifier
#: A Luxembourg commune's 4-digit LAU2 code (STATEC), leading zero kept, e.g. ``"0304"``.
CommuneCode = Annotated[str, Field(pattern=r"^[0-9]{4}$")]

Euros = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Accessibility(StrEnum):
    """An accessibility feature of a unit, or a need of a household (a need requires the feature)."""

    STEP_FREE = "step_free"
    LIFT = "lift"
    GROUND_FLOOR = "ground_floor"
    WHEELCHAIR = "wheelchair"


class SupportIntensity(StrEnum):
    """How much social-work follow-up a household needs; it costs caseload points in its zone."""

    INTENSIVE = "intensive"
    NORMAL = "normal"
    LIGHT = "light"


class Vulnerability(StrEnum):
    """Flags that raise a household's priority (see :class:`PriorityRule`)."""

    MEDICAL = "medical"
    DISABILITY = "disability"
    PREGNANCY = "pregnancy"
    SINGLE_PARENT = "single_parent"
    ELDERLY = "elderly"
    TRAUMA = "trauma"
    LARGE_FAMILY = "large_family"
    EVICTION_DEADLINE = "eviction_deadline"


class Programme(StrEnum):
    """How a unit is provided.

    ``gls``: leased from a private landlord under *gestion locative sociale* (guaranteed rent);
    ``logis_own``: Caritas LogIS' own stock; ``communal``: managed for a commune;
    ``ais``: *Agence immobilière sociale*; ``lisko_private``: a private let backed by the Red Cross
    LISKO landlord guarantee.
    """

    GLS = "gls"
    LOGIS_OWN = "logis_own"
    COMMUNAL = "communal"
    AIS = "ais"
    LISKO_PRIVATE = "lisko_private"


class RentRule(StrEnum):
    """What a unit's occupant pays.

    ``fixed``: rent + charges. ``income_share``: ``rent_share`` of the household's income, at least
    ``rent_floor`` and at most rent + charges (AIS occupants pay at most a third of their income;
    communal and affordable-housing rents follow income too: FACTS-2 §2-3); the programme covers the rest.
    """

    FIXED = "fixed"
    INCOME_SHARE = "income_share"


class TravelModel(StrEnum):
    """How travel minutes are found (:mod:`matcher.travel`)."""

    TRANSIT_MATRIX = "transit_matrix"
    CROW_FLY = "crow_fly"


class AnchorKind(StrEnum):
    JOB = "job"
    SCHOOL = "school"
    DOCTOR = "doctor"
    FAMILY = "family"
    OTHER = "other"


class Location(Frozen):
    """A place: a commune (its inner point is used) or coordinates (WGS84 degrees), or both."""

    commune: CommuneCode | None = Field(None, description="LAU2 code of the commune")
    lat: float | None = Field(None, ge=49.0, le=50.5, description="latitude, degrees WGS84")
    lon: float | None = Field(None, ge=5.0, le=7.0, description="longitude, degrees WGS84")

    @model_validator(mode="after")
    def _one_way_to_place(self) -> Location:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither")
        if self.commune is None and self.lat is None:
            raise ValueError("give a commune code or coordinates")
        return self


class CommunePreference(Frozen):
    """The household would like to live in this commune (weight 0..1: how much it matters)."""

    commune: CommuneCode
    weight: float = Field(1.0, gt=0, le=1, description="importance, 0 (none) to 1 (strong)")


class Anchor(Frozen):
    """An existing job, school, doctor or family the household wants to stay near."""

    kind: AnchorKind
    location: Location
    weight: float = Field(1.0, gt=0, le=1, description="importance, 0 (none) to 1 (strong)")


class Household(Frozen):
    """A household waiting for a home. Pseudonymous: no names, no nationality, no free text."""

    id: HouseholdId
    adults: int = Field(ge=1, le=12, description="persons aged 18 or more")
    children_ages: list[Annotated[int, Field(ge=0, le=17)]] = Field(
        default_factory=list, description="age in years of each child"
    )
    monthly_income: Euros | None = Field(None, description="net household income, EUR/month")
    max_rent: Euros | None = Field(
        None, description="explicit ceiling on rent + charges, EUR/month (overrides the income rule)"
    )
    needs: frozenset[Accessibility] = Field(
        default_factory=frozenset, description="accessibility features the unit must have"
    )
    work: Location | None = Field(None, description="where an adult works, if anyone does")
    schools: list[Location] = Field(default_factory=list, description="children's schools")
    current_location: Location | None = Field(None, description="reception centre it lives in now")
    support: SupportIntensity = SupportIntensity.NORMAL
    vulnerabilities: frozenset[Vulnerability] = Field(default_factory=frozenset)
    registered_on: date = Field(description="date the household registered as looking for a home")
    attached_commune: CommuneCode | None = Field(
        None, description="commune the household is attached to (for units a commune reserves)"
    )
    excluded_units: frozenset[UnitId] = Field(
        default_factory=frozenset, description="units an officer excluded for this household"
    )
    excluded_communes: frozenset[CommuneCode] = Field(
        default_factory=frozenset, description="communes an officer excluded for this household"
    )
    preferred_communes: list[CommunePreference] = Field(default_factory=list)
    anchors: list[Anchor] = Field(default_factory=list)
    current_unit: UnitId | None = Field(
        None,
        description="movable: the unit the household lives in now (listed among the run's units); "
        "the run may move it only to a unit that fits it no worse (matcher.transfers)",
    )
    language: Literal["fr", "de", "en"] | None = Field(
        None, description="the language its letters and explanations are written in, if chosen"
    )

    @property
    def persons(self) -> int:
        return self.adults + len(self.children_ages)


class Unit(Frozen):
    """A free dwelling that can be offered."""

    id: UnitId
    programme: Programme
    commune: CommuneCode
    lat: float | None = Field(None, ge=49.0, le=50.5, description="latitude, degrees WGS84")
    lon: float | None = Field(None, ge=5.0, le=7.0, description="longitude, degrees WGS84")
    bedrooms: int = Field(ge=0, le=10, description="separate bedrooms; 0 is a studio")
    surface_m2: float = Field(gt=0, le=1000, allow_inf_nan=False, description="living surface, m²")
    max_occupancy: int = Field(ge=1, le=20, description="legal maximum number of occupants")
    rent: Euros = Field(description="monthly rent, EUR")
    charges: Euros = Field(0.0, description="monthly charges, EUR")
    rent_rule: RentRule = Field(RentRule.FIXED, description="fixed rent, or a share of income")
    rent_share: float = Field(
        0.33, gt=0, le=1, description="income_share: share of income the occupant pays (rent + charges)"
    )
    rent_floor: Euros = Field(0.0, description="income_share: lowest monthly payment, EUR")
    features: frozenset[Accessibility] = Field(default_factory=frozenset)
    available_from: date = Field(description="first day the unit can be moved into")
    reserved_for_commune: CommuneCode | None = Field(
        None, description="only households attached to this commune may get it"
    )

    @model_validator(mode="after")
    def _both_coordinates(self) -> Unit:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither")
        return self

    @property
    def total_rent(self) -> float:
        return self.rent + self.charges

    def paid_by(
        self, income: float | None, persons: int | None = None, subsidy: RentSubsidy | None = None
    ) -> float:
        """Rent + charges a household with ``income`` (EUR/month, None if unknown) pays here; given
        its ``persons`` and the policy's ``subsidy`` rule, less the rent subsidy it is entitled to
        (:func:`matcher.rent.rent_subsidy`): what the budget check and the rent burden count."""
        if (persons is None) != (subsidy is None):
            raise TypeError("give persons and subsidy together, or neither")
        if self.rent_rule is RentRule.FIXED or income is None:
            paid = self.total_rent
        else:
            paid = min(self.total_rent, max(self.rent_floor, self.rent_share * income))
        if subsidy is None or persons is None or income is None or self.programme not in subsidy.programmes:
            return paid
        return paid - float(rent_subsidy(subsidy, paid, income, persons))


class SupportZone(Frozen):
    """A social-work zone or service: the caseload it can still take, in points.

    A household placed in a unit of one of ``communes`` consumes the points of its support
    intensity (:attr:`Policy.intensity_points`).
    """

    id: ZoneId
    communes: frozenset[CommuneCode] = Field(min_length=1)
    capacity_points: int = Field(ge=0, description="free caseload capacity, points")


class QuotaScope(StrEnum):
    COMMUNE = "commune"
    PROGRAMME = "programme"


class Quota(Frozen):
    """Bounds on the number of households placed in one commune or one programme by this run."""

    id: Identifier
    scope: QuotaScope
    key: str = Field(description="commune LAU2 code or programme name")
    min_households: int = Field(0, ge=0)
    max_households: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Quota:
        if self.max_households is not None and self.max_households < self.min_households:
            raise ValueError("max_households is below min_households")
        return self


class Weights(Frozen):
    """Objective weights: cost points per unit of each term. One point ~ one minute of commute."""

    travel_work: float = Field(1.0, ge=0, description="points per minute of travel to work")
    travel_school: float = Field(1.0, ge=0, description="points per minute, per school")
    under_occupancy: float = Field(20.0, ge=0, description="points per spare bedroom")
    over_occupancy: float = Field(40.0, ge=0, description="points per missing bedroom")
    rent_burden: float = Field(4.0, ge=0, description="points per % of income above the target")
    preference: float = Field(60.0, ge=0, description="points per unit of unmet preference weight")
    anchor: float = Field(0.5, ge=0, description="points per minute to an anchor, times its weight")
    stability: float = Field(300.0, ge=0, description="points for changing a shown proposal")
    unhoused: float = Field(
        2000.0, gt=0, description="points for leaving a household unhoused, times its priority"
    )


class PriorityRule(Frozen):
    """priority = base + per flag + per month waited (capped); scales the unhoused penalty."""

    base: float = Field(1.0, gt=0)
    per_vulnerability: float = Field(0.5, ge=0)
    per_month_waiting: float = Field(0.05, ge=0)
    max_months_counted: int = Field(24, ge=0)


class FairnessGroup(StrEnum):
    """What a fairness target groups households by (never nationality: the matcher cannot see it)."""

    HOUSEHOLD_TYPE = "household_type"  #: single, couple, couple_children, single_parent, multi_adult
    SUPPORT = "support"  #: a :class:`SupportIntensity`
    VULNERABILITY = "vulnerability"  #: vulnerable (any flag) or not_vulnerable


class FairnessTarget(Frozen):
    """At least ``min_housed_share`` of the run's households of one group get a proposal
    (:mod:`matcher.fairness` makes it a side constraint and prices it)."""

    id: Identifier
    group: FairnessGroup
    value: str = Field(min_length=1, max_length=32, description="e.g. single_parent, intensive, vulnerable")
    min_housed_share: float = Field(ge=0, le=1, description="share of the group's households proposed a unit")


class RentSubsidy(Frozen):
    """The state rent subsidy (*subvention de loyer*, FACTS-2 §4) on a let of one of ``programmes``:
    the rent + charges above ``income_share`` of net income, at most a cap linear in persons through
    ``cap_single`` (one person) and ``cap_four_persons`` (a couple with two children) and never above
    ``max_eur``; less than ``min_eur`` is not paid. Private-market lets only: Fonds du Logement, SNHBM,
    commune and AIS dwellings are excluded. ``programmes = []`` turns it off."""

    programmes: frozenset[Programme] = Field(
        default_factory=lambda: frozenset({Programme.LISKO_PRIVATE}),
        description="programmes whose lets are private-market lets (guichet.public.lu)",
    )
    income_share: float = Field(
        0.25, ge=0, le=1, description="the subsidy covers rent + charges above this share of net income"
    )
    min_eur: Euros = Field(10.0, description="smallest amount paid, EUR/month (secondary: loyer.lu)")
    max_eur: Euros = Field(520.0, description="largest amount, EUR/month (secondary: loyer.lu)")
    cap_single: Euros = Field(200.0, description="cap for one person, EUR/month (Aug 2022 example)")
    cap_four_persons: Euros = Field(
        360.0, description="cap for a couple with two children, EUR/month (Aug 2022 example)"
    )

    @model_validator(mode="after")
    def _ordered(self) -> RentSubsidy:
        if self.min_eur > self.max_eur:
            raise ValueError("min_eur is above max_eur")
        return self


@pydantic_dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class FairnessGap:
    """No two groups of ``group`` (among those with households in the run) may have housed shares
    more than ``max_gap`` apart (0.2 = 20 points of %); :func:`matcher.fairness.match_within_gap`
    solves it. A dataclass so the solver layer's callers can write ``FairnessGap(id, group, gap)``."""

    id: Identifier
    group: FairnessGroup
    max_gap: float = Field(description="largest difference in housed share, 0..1")

    @field_validator("max_gap")
    @classmethod
    def _a_share(cls, v: float) -> float:
        if not 0 <= v <= 1:  # named in the message: the solver layer's callers pass it positionally
            raise ValueError(f"max_gap: must lie in 0..1 (got {v})")
        return v


class Policy(Frozen):
    """The rules and weights of a run. Serialisable and versioned: every result records ``version``."""

    version: str = Field("2026.1", min_length=1, max_length=64)
    weights: Weights = Field(default_factory=Weights)
    priority: PriorityRule = Field(default_factory=PriorityRule)
    max_rent_share: float = Field(
        0.33, gt=0, le=1, description="rent + charges may be at most this share of income"
    )
    rent_burden_target: float = Field(
        0.25, ge=0, le=1, description="share of income above which rent burden costs points"
    )
    rent_subsidy: RentSubsidy = Field(
        default_factory=RentSubsidy,
        description="the state rent subsidy, taken off what a household pays on a private-market let",
    )
    min_surface_m2: list[float] = Field(
        default_factory=lambda: [9.0, 18.0, 24.0, 30.0],
        description="minimum surface for 1, 2, 3, 4 occupants (law of 15 Jul 1993), m²",
    )
    surface_per_extra_person_m2: float = Field(6.0, ge=0, description="m² per occupant beyond 4")
    max_adults_per_bedroom: int = Field(2, ge=1, description="RGD 20 Dec 2019, art. 3(2)")
    max_travel_minutes: float = Field(60.0, gt=0, description="hard cap on travel to work/school")
    availability_horizon_days: int = Field(
        30, ge=0, description="a unit free within this many days of the match date may be offered"
    )
    intensity_points: dict[SupportIntensity, int] = Field(
        default_factory=lambda: {
            SupportIntensity.INTENSIVE: 3,
            SupportIntensity.NORMAL: 2,
            SupportIntensity.LIGHT: 1,
        },
        description="caseload points a household of each intensity consumes",
    )
    travel_access_minutes: float = Field(
        10.0, ge=0, description="fixed walk/wait time added to every trip, minutes"
    )
    travel_minutes_per_km: float = Field(
        2.2, gt=0, description="minutes per crow-fly km (public transport, incl. detours)"
    )
    fairness: list[FairnessTarget] = Field(
        default_factory=list,
        description="minimum housed shares per group (matcher.fairness); none by default",
    )
    fairness_gaps: list[FairnessGap] = Field(
        default_factory=list,
        max_length=1,
        description="a maximum gap in housed share between the groups of one grouping, met by a level "
        "search (matcher.fairness.match_within_gap); at most one, none by default",
    )
    travel_model: TravelModel = Field(
        TravelModel.TRANSIT_MATRIX,
        description="transit_matrix: the shipped public-transport minutes between communes, hubs and "
        "reception centres, the crow-fly formula for points off it; crow_fly: the formula everywhere",
    )

    @field_validator("min_surface_m2")
    @classmethod
    def _nondecreasing(cls, v: list[float]) -> list[float]:
        if not v or any(x < 0 or not math.isfinite(x) for x in v):
            raise ValueError("needs at least one finite, non-negative surface")
        if any(b < a for a, b in itertools.pairwise(v)):
            raise ValueError("surfaces must not decrease with occupants")
        return v

    @model_validator(mode="after")
    def _unique_fairness_ids(self) -> Policy:
        ids = [t.id for t in self.fairness] + [g.id for g in self.fairness_gaps]
        if len(ids) != len(set(ids)):
            raise ValueError("fairness targets and gaps need distinct ids")
        return self

    @field_validator("intensity_points")
    @classmethod
    def _all_intensities(cls, v: dict[SupportIntensity, int]) -> dict[SupportIntensity, int]:
        missing = set(SupportIntensity) - set(v)
        if missing:
            raise ValueError(f"missing points for {sorted(missing)}")
        if any(p < 0 for p in v.values()):
            raise ValueError("points must be non-negative")
        return v

    def min_surface(self, persons: int) -> float:
        """Minimum living surface in m² for ``persons`` occupants."""
        table = self.min_surface_m2
        if persons <= len(table):
            return table[max(persons, 1) - 1]
        return table[-1] + (persons - len(table)) * self.surface_per_extra_person_m2


class Pair(Frozen):
    """A (household, unit) pair, used for pins, forbids and previous proposals."""

    household: HouseholdId
    unit: UnitId
