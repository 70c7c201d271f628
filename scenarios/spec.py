"""Scenario spec files: TOML, validated by pydantic, a base plus modifications.

A spec names a base spec (``base = "baseline-2026.toml"``, relative to the file), overrides any of
its sections (tables are merged key by key, other values replaced) and appends ``[[changes]]``: add
or remove units by commune, zone or programme, scale rents or inflow, change support workers.
``wunneng scenario schema`` prints the JSON schema; every number's meaning and source is in the
field descriptions and in ``scenarios/README.md``.

Bad input raises :class:`SpecError`, whose message is one line naming the file, the field and the
reason, for example ``specs/x.toml: changes[0].count: must be >= 0 (got -5)``.
"""

from __future__ import annotations

import difflib
import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from matcher.domain import Policy, Programme, SupportIntensity
from matcher.geo import cantons
from matcher.input_errors import describe, path_text
from scenarios.data import commune_code
from scenarios.generator import ZONES, GeneratorParams

SPEC_DIR = Path(__file__).parent / "specs"
#: Caseload points per support intensity: FACTS-2's proposal 3 / 1.5 / 1, doubled to whole points.
CASELOAD_POINTS = {SupportIntensity.INTENSIVE: 6, SupportIntensity.NORMAL: 3, SupportIntensity.LIGHT: 2}

Share = Annotated[float, Field(ge=0, le=1)]
CommuneRef = Annotated[str, AfterValidator(commune_code)]


def _canton(name: str) -> str:
    known = cantons()
    if name in known:
        return name
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; one of {', '.join(known)}"
    raise ValueError(f"unknown canton {name!r}{hint}")


Canton = Annotated[str, AfterValidator(_canton)]


class SpecError(ValueError):
    """A spec file is unreadable or invalid. ``str()`` is one line: file, field, reason."""

    def __init__(self, path: str | Path, field: str, reason: str) -> None:
        self.path, self.field, self.reason = str(path), field, reason
        where = f"{self.path}: {field}: " if field else f"{self.path}: "
        super().__init__(where + reason)


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# ---------------------------------------------------------------------------------------------------
# sections


class RunSection(Strict):
    """When and how the simulation runs."""

    start: date = Field(date(2026, 1, 1), description="first day of the simulation (first matching run)")
    months: int = Field(12, ge=1, le=120, description="simulated horizon, months")
    matching_interval_days: int = Field(
        30, ge=1, le=365, description="days between matching runs: 30 = monthly batches, 7 = weekly"
    )
    scale: float = Field(
        1.0,
        gt=0,
        le=10,
        description="multiplies every count (households, units, inflow, workers) for quick runs",
    )
    time_limit: float = Field(10.0, gt=0, description="solver time limit per matching run, seconds")
    gap_limit: float = Field(
        0.0,
        ge=0,
        lt=1,
        description="stop a matching run once its proven relative gap is this small: 0 proves optimality, "
        "0.001 (0.1 %) makes large what-ifs several times faster",
    )


class PopulationSection(Strict):
    """Who waits and who arrives."""

    waiting_households: int = Field(
        1050,
        ge=0,
        description="BPI households waiting in reception structures at the start; FACTS-2 §5: ~2,200 BPI "
        "persons in ONA structures (Sep 2024) ~ 1,000-1,100 households at ~2.05 persons each",
    )
    inflow_households_per_month: float = Field(
        41.0,
        ge=0,
        description="households granted protection per month (Poisson); derived: 1,018 grants in 2024 "
        "(FACTS) / 12 / ~2.05 persons per household",
    )
    leave_list_per_month: Share = Field(
        0.02,
        description="monthly chance that a waiting household leaves the list without an offer (finds a "
        "private let, joins family, moves abroad); assumption",
    )


class StockSection(Strict):
    """Units dedicated to BPI households and how they turn over."""

    units: int = Field(
        700,
        ge=0,
        description="units in the stock at the start; assumption (Caritas ~240, Croix-Rouge 100-200 "
        "dwellings, a share of ~1,300 GLS and ~530 AIS units: FACTS-2 §2)",
    )
    occupied_share: Share = Field(0.96, description="share of the stock let at the start; assumption")
    tenancy_months_mean: float = Field(
        36.0,
        gt=0,
        description="mean tenancy, months (exponential); GLS leases run 3 years, AIS stays at most 3 "
        "years (FACTS-2 §2)",
    )
    lease_months: float = Field(
        36.0,
        gt=0,
        description="months a GLS lease runs before the household must leave or have it prolonged; cited: "
        "3-year leases (FACTS-2 §2)",
    )
    gls_prolonged_share: Share = Field(
        0.5,
        description="chance that a GLS lease term is prolonged by another term; assumption: FACTS-2 §2 says "
        "leases are 'often prolonged' but gives no rate, so even odds until one is cited",
    )
    ais_stay_months: float = Field(
        36.0,
        gt=0,
        description="longest AIS stay, months, never prolonged; cited: capped at 3 years (FACTS-2 §2)",
    )
    turnaround_days: int = Field(
        30, ge=0, description="days between a tenant leaving and the next move-in; assumption"
    )
    new_units_per_month: float = Field(
        4.0,
        ge=0,
        description="units newly brought into the programmes per month (Poisson); assumption: GLS grew by "
        "~100 units a year 2021-2023 (FACTS-2 §2), half of them assumed to go to BPI households",
    )


class SupportSection(Strict):
    """Social-work capacity: zones of cantons, workers per zone, caseload points."""

    points_per_worker: float = Field(
        200.0,
        gt=0,
        description="caseload points one full-time social worker follows; FACTS-2 proposal (~100 weight "
        "units per FTE at weights 3 / 1.5 / 1; Leipzig 1:100, Berlin 1:48 high need), doubled with the "
        "weights (policy.intensity_points 6 / 3 / 2) because the matcher counts whole points",
    )
    cost_per_worker_year: float = Field(
        65_000.0,
        ge=0,
        description="EUR a year per full-time social worker; cited proxy: a Bavarian counselling post got up "
        "to EUR 65,000 a year (BIR 2022 special funding, FACTS-2 §7); Luxembourg salaries: assumption that "
        "they are similar",
    )
    support_months: float = Field(
        24.0, ge=0, description="months a household is followed after moving in; assumption"
    )
    workers: dict[str, Annotated[float, Field(ge=0)]] = Field(
        default_factory=lambda: {"centre": 4.0, "south": 2.6, "east": 1.0, "north": 0.8, "centre-north": 0.7},
        description="full-time social workers per zone (each zone must be listed); assumption",
    )
    zones: dict[str, list[Canton]] = Field(
        default_factory=lambda: {k: list(v) for k, v in ZONES.items()},
        description="support zones as lists of cantons (each canton in exactly one zone); assumption (no "
        "published map of social-work regions for BPI)",
    )


class BehaviourSection(Strict):
    """How households answer proposals, and the refusal rule. All assumptions."""

    accept_base: Share = Field(0.85, description="chance a household accepts a proposal; assumption")
    long_commute_minutes: float = Field(
        45.0, gt=0, description="travel to work above this lowers acceptance (FACTS-2 soft target 45 min)"
    )
    accept_factor_long_commute: Share = Field(
        0.6, description="acceptance multiplier for a long commute; assumption"
    )
    far_from_centre_km: float = Field(
        25.0,
        gt=0,
        description="a unit this far (crow-fly) from the reception centre lowers acceptance; assumption",
    )
    accept_factor_far: Share = Field(
        0.8, description="acceptance multiplier when far from the centre; assumption"
    )
    decision_days: tuple[int, int] = Field(
        (5, 40), description="days a household takes to answer (visit, reflection), uniform; assumption"
    )
    refusal_rule: Literal["none", "lose_waiting_credit", "remove"] = Field(
        "lose_waiting_credit",
        description="after a refusal: 'none'; 'lose_waiting_credit' = priority counts waiting time from the "
        "refusal on; 'remove' = after max_refusals refusals the household leaves the list (a policy choice)",
    )
    max_refusals: int = Field(
        2, ge=1, description="refusals before removal under refusal_rule = 'remove' (a policy choice)"
    )

    @model_validator(mode="after")
    def _ordered(self) -> BehaviourSection:
        lo, hi = self.decision_days
        if not 0 <= lo <= hi:
            raise ValueError("decision_days must be two ordered, non-negative numbers")
        return self


# ---------------------------------------------------------------------------------------------------
# changes


class Where(Strict):
    zone: str | None = Field(None, description="a support zone name")
    cantons: list[Canton] | None = Field(None, description="canton names")
    communes: list[CommuneRef] | None = Field(None, description="commune names or LAU2 codes")


class AddUnits(Where):
    """New units of one programme, in a zone, cantons or communes (population-weighted within)."""

    kind: Literal["add_units"]
    count: int = Field(ge=0, description="units to add (multiplied by run.scale)")
    programme: Programme = Field(Programme.GLS, description="programme of the new units")
    from_month: float = Field(0.0, ge=0, description="month the first units become available")
    over_months: float = Field(
        0.0, ge=0, description="spread the units evenly over this many months (0 = all at from_month)"
    )


class RemoveUnits(Where):
    """Take units out of the stock at the start (e.g. a landlord leaves GLS), chosen at random."""

    kind: Literal["remove_units"]
    count: int | None = Field(None, ge=0, description="units to remove (multiplied by run.scale)")
    share: Share | None = Field(None, description="or: share of the matching units to remove")
    programme: Programme | None = Field(None, description="only units of this programme")

    @model_validator(mode="after")
    def _one_amount(self) -> RemoveUnits:
        if (self.count is None) == (self.share is None):
            raise ValueError("give exactly one of count or share")
        return self


class ScaleRents(Where):
    """Multiply rents (of one programme and/or place, else all), including units added later."""

    kind: Literal["scale_rents"]
    factor: float = Field(gt=0, le=10, description="1.1 = rents up 10 %")
    programme: Programme | None = None


class ScaleInflow(Strict):
    """Multiply the monthly inflow of newly protected households."""

    kind: Literal["scale_inflow"]
    factor: float = Field(ge=0, le=20, description="1.5 = inflow up 50 %")


class SupportWorkers(Strict):
    """Add (or remove, if negative) social workers in a zone, or set their number."""

    kind: Literal["support_workers"]
    zone: str
    add: float | None = Field(None, description="workers to add (negative removes)")
    set: float | None = Field(None, ge=0, description="or: the new number of workers")

    @model_validator(mode="after")
    def _one_amount(self) -> SupportWorkers:
        if (self.add is None) == (self.set is None):
            raise ValueError("give exactly one of add or set")
        return self


Change = Annotated[
    AddUnits | RemoveUnits | ScaleRents | ScaleInflow | SupportWorkers, Field(discriminator="kind")
]


class AllocationSection(Strict):
    """How each matching run allocates: the optimiser (default) or first come first served, and
    whether the optimiser looks ahead (off by default until a planner has compared it)."""

    rule: Literal["optimise", "first_come"] = Field(
        "optimise",
        description="optimise: matcher.match; first_come: in order of registration, each household "
        "takes its best-fitting eligible unit with caseload left in the zone",
    )
    lookahead: bool = Field(
        False, description="price the future into each run (scenarios.lookahead: duals of sampled futures)"
    )
    lookahead_samples: int = Field(2, ge=1, le=50, description="sampled futures per run")
    lookahead_months: int = Field(3, ge=1, le=24, description="months each sampled future covers")


class Spec(Strict):
    """A scenario: the world (population, stock, support), the policy and the changes to apply."""

    name: str = Field(
        pattern=r"^[A-Za-z0-9_.\-]{1,64}$", description="short name, used in tables and file names"
    )
    title: str = Field("", max_length=200, description="one line for the report")
    description: str = Field("", max_length=4000)
    base: str | None = Field(None, description="spec file this one modifies, relative to this file")
    run: RunSection = Field(default_factory=RunSection)
    population: PopulationSection = Field(default_factory=PopulationSection)
    stock: StockSection = Field(default_factory=StockSection)
    support: SupportSection = Field(default_factory=SupportSection)
    behaviour: BehaviourSection = Field(default_factory=BehaviourSection)
    policy: Policy = Field(
        default_factory=lambda: Policy(intensity_points=CASELOAD_POINTS),
        description="the matcher's policy (weights, rules); caseload points 6 / 3 / 2 = FACTS-2's "
        "3 / 1.5 / 1 doubled (support.points_per_worker doubles with them)",
    )
    generator: GeneratorParams = Field(
        default_factory=GeneratorParams,
        description="distributions of the generator (households and units are set by population/stock)",
    )
    changes: list[Change] = Field(default_factory=list, description="modifications, applied in order")
    allocation: AllocationSection = Field(default_factory=AllocationSection)

    def zone_names(self) -> list[str]:
        return list(self.support.zones)


# ---------------------------------------------------------------------------------------------------
# loading


def load_spec(path: str | Path, *, _seen: tuple[Path, ...] = ()) -> Spec:
    """Read, merge with its base, validate and cross-check a spec file.

    Raises
    ------
    SpecError
        Unreadable file, invalid TOML, a misspelt key, a bad value, an unknown commune, canton or
        zone, or a cycle of bases; the message names the file and the field.
    """
    path = Path(path)
    raw = _raw(path, _seen)
    return validate_spec(raw, path)


def _raw(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    """The file's table merged over its base's (recursively), not yet validated."""
    resolved = path.resolve()
    if resolved in seen:
        raise SpecError(path, "base", "cycle of bases: " + " -> ".join(p.name for p in (*seen, resolved)))
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise SpecError(path, "", f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SpecError(path, "", "not UTF-8 text") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(path, "", f"invalid TOML: {exc}") from None
    base = raw.get("base")
    if base is None:
        return raw
    if not isinstance(base, str):
        raise SpecError(path, "base", "must be a file name (a string)")
    base_path = (path.parent / base) if not Path(base).is_absolute() else Path(base)
    if not base_path.exists():
        raise SpecError(path, "base", f"no such spec file {base_path}")
    parent = _raw(base_path, (*seen, resolved))
    validate_spec(parent, base_path)  # errors in the base name the base file
    merged = _merge(parent, raw)
    merged["changes"] = list(parent.get("changes", [])) + list(raw.get("changes", []))
    for key in ("title", "description"):
        if key not in raw:
            merged.pop(key, None)
    merged["base"] = base
    return merged


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def validate_spec(raw: dict[str, Any], path: str | Path = "<spec>") -> Spec:
    """Validate a parsed spec table (base already merged) and its cross-field rules."""
    raw = dict(raw)
    raw.setdefault("name", Path(path).stem if str(path) != "<spec>" else "spec")
    try:
        spec = Spec.model_validate(raw)
    except ValidationError as exc:
        loc, reason = describe(exc, Spec)
        raise SpecError(path, path_text(loc), reason) from None
    _cross_check(spec, path)
    return spec


def _cross_check(spec: Spec, path: str | Path) -> None:
    zones = spec.zone_names()
    owner: dict[str, str] = {}
    for zone, members in spec.support.zones.items():
        for c in members:
            if c in owner:
                raise SpecError(
                    path, f"support.zones.{zone}", f"canton {c!r} is already in zone {owner[c]!r}"
                )
            owner[c] = zone
    missing = sorted(set(cantons()) - set(owner))
    if missing:
        raise SpecError(path, "support.zones", f"cantons in no zone: {', '.join(missing)}")

    def zone_ok(name: str | None, field: str) -> None:
        if name is not None and name not in zones:
            close = difflib.get_close_matches(name, zones, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; zones are {', '.join(zones)}"
            raise SpecError(path, field, f"unknown zone {name!r}{hint}")

    for zone in spec.support.workers:
        zone_ok(zone, f"support.workers.{zone}")
    absent = [z for z in zones if z not in spec.support.workers]
    if absent:
        raise SpecError(path, "support.workers", f"no number of workers for zone(s) {', '.join(absent)}")
    for k, change in enumerate(spec.changes):
        zone_ok(getattr(change, "zone", None), f"changes[{k}].zone")
        if isinstance(change, AddUnits) and not (change.zone or change.cantons or change.communes):
            raise SpecError(path, f"changes[{k}]", "add_units needs a zone, cantons or communes")


def shipped_specs() -> list[Path]:
    """The example spec files shipped in ``scenarios/specs``."""
    return sorted(SPEC_DIR.glob("*.toml"))


def spec_schema() -> dict[str, Any]:
    """JSON schema of a (fully merged) spec file."""
    return Spec.model_json_schema()


#: Words that mark a parameter's description as cited, derived or assumed (tests check every one has one).
SOURCE_MARKERS = ("FACTS", "assumption", "derived", "cited", "law", "RGD", "policy choice")
#: Sections whose fields are facts or assumptions about the world (``run`` holds settings).
WORLD_SECTIONS = ("population", "stock", "support", "behaviour", "generator")


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{getattr(k, 'value', k)} {_shown(v)}" for k, v in value.items())
    if isinstance(value, tuple | list):
        return "(" + ", ".join(_shown(v) for v in value) + ")"
    return str(getattr(value, "value", value))


def parameter_rows(spec: Spec) -> list[tuple[str, str, str]]:
    """Every world parameter of ``spec``: ``section.name``, its value, and its source or "assumption"."""
    rows = []
    for section in WORLD_SECTIONS:
        model = getattr(spec, section)
        for name, f in type(model).model_fields.items():
            if section == "generator" and name in ("households", "units", "match_date"):
                continue  # sizes of one-shot problems, set by population and stock in a scenario
            rows.append((f"{section}.{name}", _shown(getattr(model, name)), f.description or ""))
    return rows
