"""Request and response bodies (pydantic v2). Record payloads reuse the core's models unchanged."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from api.models import HouseholdStatus, PairKind, ProposalStatus, RunStatus, UnitStatus
from matcher import Policy
from matcher.result import Alternative

T = TypeVar("T")

Slug = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")


class Strict(BaseModel):
    """A request body: unknown fields and non-finite numbers are errors (and numbers its fields
    declare ``strict``: ``false`` or ``"2"`` is not a number of seconds)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class ReviewStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


_RECORDS = ("household", "unit", "support_zone", "quota")

#: Every action the audit log records (``GET /audit?action=`` takes one of these).
AuditAction = StrEnum(  # type: ignore[misc]
    "AuditAction",
    {
        a.replace(".", "_").upper(): a
        for a in (
            "organisation.created",
            "key.created",
            "key.revoked",
            "policy.created",
            *(f"{r}.{verb}" for r in _RECORDS for verb in ("created", "updated", "imported", "deleted")),
            "household.erased",
            "household.reinstated",
            "household.movable",
            "household.not_movable",
            "unit.withdrawn",
            "pair.pin",
            "pair.forbid",
            "pair.pin_removed",
            "pair.forbid_removed",
            "proposal.accepted",
            "proposal.declined",
            "exchange.carried_out",
            "exchange.broken",
            "review.requested",
            "review.resolved",
            "run.created",
            "run.retried",
            "run.cancel_requested",
            "run.failed",
            "run.finished",
            "run.lease_expired",
            "run.replayed",
            "comparison.created",
        )
    },
)


class DeclineReason(StrEnum):
    HOUSEHOLD_REFUSED = "household_refused"
    LANDLORD_REFUSED = "landlord_refused"
    OFFICER_OVERRIDE = "officer_override"
    UNIT_UNAVAILABLE = "unit_unavailable"
    HOUSEHOLD_UNREACHABLE = "household_unreachable"
    OTHER = "other"


class RefusalAction(StrEnum):
    NONE = "none"  #: count only
    REVIEW = "review"  #: open a review request for a second look
    SUSPEND = "suspend"  #: leave the household out of runs until an officer reinstates it


class RefusalRules(Strict):
    """What refusals change. The default counts household refusals and changes nothing else: the
    service is not punitive unless an organisation's policy says so."""

    counted_reasons: list[DeclineReason] = Field(default_factory=lambda: [DeclineReason.HOUSEHOLD_REFUSED])
    limit: int | None = Field(
        None, strict=True, ge=1, description="refusals after which `action` applies; none = never"
    )
    action: RefusalAction = RefusalAction.NONE


class PolicyDocument(Strict):
    """A versioned policy: the core's matching rules plus the service's refusal rules."""

    matching: Policy = Field(default_factory=Policy)
    refusals: RefusalRules = Field(default_factory=RefusalRules)


class PolicyPublic(BaseModel):
    id: int
    version: str
    document: PolicyDocument
    created_at: datetime
    active: bool


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class RecordPublic(BaseModel, Generic[T]):
    """A stored record: its pseudonymous ``id``, state, and the core's document (None once erased)."""

    id: str
    status: HouseholdStatus | UnitStatus | None = None
    refusals: int | None = None
    housed_household: str | None = None
    created_at: datetime
    updated_at: datetime
    record: T | None


class ImportResult(BaseModel):
    created: int
    updated: int


class OrganisationCreate(Strict):
    id: str = Slug
    name: str = Field(min_length=1, max_length=200)


class OrganisationPublic(BaseModel):
    id: str
    name: str
    created_at: datetime


class KeyCreate(Strict):
    name: str = Field(
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9_.@\- ]+$",
        description="who holds the key (an officer's handle)",
    )
    role: Literal["officer", "planner", "admin"]


class KeyPublic(BaseModel):
    id: int
    name: str
    role: str
    organisation: str | None = Field(description="none for a platform admin key")
    created_at: datetime
    revoked: bool


class KeyCreated(KeyPublic):
    key: str = Field(description="the bearer token; shown once, only its hash is stored")


class Me(BaseModel):
    key_id: int
    name: str
    role: str
    organisation: str | None = Field(description="none for a platform admin")


def _iso_text(value: object) -> object:
    if value is not None and not isinstance(value, str | date):
        raise ValueError("must be a date as text, YYYY-MM-DD")  # 0 is not 1970-01-01
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_text)]

#: The most solver seconds one run may take (a request's ``time_limit``, the default setting).
MAX_RUN_SECONDS = 300.0


class RunCreate(Strict):
    time_limit: float | None = Field(
        None, strict=True, gt=0, le=MAX_RUN_SECONDS, description="solver seconds (default 30)"
    )
    alternatives: int = Field(3, strict=True, ge=0, le=20)
    match_date: IsoDate | None = Field(None, description="the day the run plans for (default: today)")
    wait_seconds: float = Field(
        0, strict=True, ge=0, le=60, description="wait this long for the run in the request"
    )


class RunFairness(BaseModel):
    """What the policy's fairness targets cost the run: the run solved with and without them."""

    feasible: bool = Field(description="false: the targets cannot all be met; infeasible_targets says which")
    objective_with: float | None = Field(description="objective with the targets (None when infeasible)")
    objective_without: float | None
    cost_share: float | None = Field(description="objective increase as a share of the objective without")
    housed_with: int
    housed_without: int
    travel_minutes_with: float = Field(description="minutes to work summed over proposals to commuters")
    travel_minutes_without: float
    commuters_with: int
    commuters_without: int
    moved: dict[str, float] = Field(
        description='"group=value" -> points of housed share % it gained (or lost)'
    )
    infeasible_targets: list[str] = Field(description="ids of the targets that cannot be met")


class RunPublic(BaseModel):
    id: int
    status: RunStatus
    progress: float
    phase: str
    cancel_requested: bool
    policy_version: str
    options: dict[str, Any]
    retry_of: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    households: int | None
    units: int | None
    solver_status: str | None
    objective: int | None
    bound: float | None
    gap: float | None
    seconds: float | None
    method: str | None
    conflict: str | None
    error: str | None
    warnings: list[str] | None = Field(None, description="what the run left out and why (e.g. a pin)")
    fairness: RunFairness | None = Field(
        None, description="what the policy's fairness targets cost; null when it sets none"
    )
    input_hash: str | None = Field(None, description="sha256 of the run's canonical solver input")
    solver_settings: dict[str, Any] | None = Field(None, description="the settings a replay solves with")
    versions: dict[str, Any] | None = Field(None, description="of wunneng and its solver libraries")

    @model_validator(mode="before")
    @classmethod
    def _from_run(cls, run: Any) -> Any:
        """A stored run keeps its fairness price in its solution (``api.services.runs.fairness_of``)."""
        if isinstance(run, dict):
            return run
        solution = getattr(run, "solution", None) or {}
        fields = {name: getattr(run, name, None) for name in cls.model_fields if name != "fairness"}
        return fields | {"fairness": solution.get("fairness")}


class ProposalPublic(BaseModel):
    id: int
    run_id: int
    household: str
    unit: str
    cost: int
    breakdown: dict[str, int]
    alternatives: list[Alternative]
    pinned: bool
    explanation: str
    status: ProposalStatus
    reason: DeclineReason | None
    decided_by: str | None
    decided_at: datetime | None


class UnhousedPublic(BaseModel):
    household: str
    reason: str
    detail: str
    excluded: dict[str, int]
    eligible_units: int
    blocking: list[str]


class Factor(BaseModel):
    term: str
    points: int
    meaning: str


class ExplanationPublic(BaseModel):
    """For the household: why this unit, in plain words, and what weighed most."""

    proposal: int
    unit: str
    summary: str
    factors: list[Factor]
    other_options: int
    policy_version: str


class DeclineBody(Strict):
    reason: DeclineReason


class PairRuleCreate(Strict):
    household: str = Field(min_length=1, max_length=64)
    unit: str = Field(min_length=1, max_length=64)
    kind: Literal["pin", "forbid"]


class PairRulePublic(BaseModel):
    id: int
    household: str
    unit: str
    kind: PairKind
    source: str
    created_at: datetime
    status: str = Field("active", description="`ineligible`: the last run left this pin out")
    status_detail: str | None = Field(None, description="the hard rule the pair broke")


class ReviewReason(StrEnum):
    HOUSEHOLD_CONTESTS = "household_contests"
    SECOND_OPINION = "second_opinion"
    REFUSAL_LIMIT = "refusal_limit"
    OTHER = "other"


class ReviewCreate(Strict):
    reason: ReviewReason


class ReviewResolve(Strict):
    outcome: Literal["upheld", "overturned"]


class ReviewPublic(BaseModel):
    id: int
    proposal: int
    household: str
    reason: ReviewReason
    status: ReviewStatus
    outcome: Literal["upheld", "overturned"] | None
    requested_by: str | None
    resolved_by: str | None
    created_at: datetime
    resolved_at: datetime | None


class AuditPublic(BaseModel):
    id: int
    at: datetime
    organisation: str | None
    actor: str
    role: str
    action: str
    target_type: str
    target_ref: str | None
    run_id: int | None
    policy_version: str | None
    details: dict[str, Any]


class OverrideRate(BaseModel):
    """Proposals not followed: declined / decided. Per organisation, no personal data."""

    organisation: str
    decided: int
    accepted: int
    declined: int
    override_rate: float | None
    declined_by_reason: dict[str, int]


class Overview(BaseModel):
    organisation: str
    households_by_status: dict[str, int]
    waiting_by_support: dict[str, int]
    units_by_status: dict[str, int]
    free_units_by_programme: dict[str, int]
    runs: int
    open_proposals: int


class ComparisonCreate(Strict):
    """Scenarios to compare: shipped spec names or inline spec documents, run over the same seeds."""

    specs: list[str | dict[str, Any]] = Field(
        min_length=1,
        max_length=8,
        description="shipped spec names (see GET /v1/scenario-specs) or inline specs: the JSON form of a "
        "TOML spec file, without `base`",
    )
    seeds: list[Annotated[int, Field(ge=0, le=2**31 - 1, strict=True)]] = Field(
        default_factory=lambda: [0], min_length=1, max_length=10
    )
    scale: float | None = Field(
        None, strict=True, gt=0, le=1, description="override every spec's run.scale (quick looks)"
    )
    months: int | None = Field(None, strict=True, ge=1, le=60, description="override every spec's run.months")
    time_limit: float | None = Field(
        None, strict=True, gt=0, le=60, description="override the solver seconds per run"
    )
    wait_seconds: float = Field(0, strict=True, ge=0, le=60)


class StockWhatIf(Strict):
    """A what-if on the organisation's own stock: a shipped spec whose population, stock and mixes
    are replaced by those of the organisation's waiting households and free units (counts and
    shares only, from at least 10 of each)."""

    base: str = Field(
        "baseline-2026", min_length=1, max_length=64, description="the shipped spec to start from"
    )
    seeds: list[Annotated[int, Field(ge=0, le=2**31 - 1, strict=True)]] = Field(
        default_factory=lambda: [0], min_length=1, max_length=10
    )
    months: int = Field(
        3, strict=True, ge=1, le=24, description="simulated months (small: this is a quick look)"
    )
    time_limit: float = Field(2, strict=True, gt=0, le=60, description="solver seconds per matching run")
    wait_seconds: float = Field(0, strict=True, ge=0, le=60)


class SpecInfo(BaseModel):
    name: str
    title: str
    description: str


class ComparisonPublic(BaseModel):
    id: int
    status: RunStatus
    progress: float
    request: dict[str, Any]
    result: dict[str, Any] | None = Field(
        description="seeds, the KPI table (rows of strings) and each KPI's "
        "mean, 95 % half-width and n per spec"
    )
    error: str | None
    has_report: bool = Field(description="GET .../report returns the HTML report (table, plots, map)")
    created_at: datetime
    finished_at: datetime | None
