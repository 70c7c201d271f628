"""What a matching run returns: proposals that explain themselves, unhoused households with reasons,
and the solver's proof (status, objective, bound, gap)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from matcher.assignment import Status
from matcher.domain import Frozen, HouseholdId, UnitId


class Alternative(Frozen):
    unit: UnitId
    cost: int = Field(description="fit points of this pair (what the unit costs the household)")
    extra_cost: int = Field(description="fit points above the proposed unit's (negative: fits better)")
    taken: bool = Field(description="proposed to another household in this run")


class Proposal(Frozen):
    household: HouseholdId
    unit: UnitId
    cost: int = Field(description="fit points, the sum of the breakdown")
    breakdown: dict[str, int] = Field(description="fit points per cost term")
    alternatives: list[Alternative]
    pinned: bool = False
    shown_before: bool = Field(
        False, description="the household was shown this unit last time; moving it would cost stability"
    )
    explanation: str


class UnhousedReason(StrEnum):
    NO_ELIGIBLE_UNIT = "no_eligible_unit"  #: every unit breaks a hard rule (counts in ``excluded``)
    LOST_TO_OTHERS = "lost_to_others"  #: every eligible unit went to another household
    SUPPORT_CAPACITY_FULL = "support_capacity_full"  #: free eligible units lie in full zones
    QUOTA_FULL = "quota_full"  #: free eligible units lie under a full quota
    TRADE_OFF = "trade_off"  #: a free unit exists, but the optimum leaves this household out
    NO_SOLUTION = "no_solution"  #: the run found no solution at all (see the run's conflict)


class Unhoused(Frozen):
    household: HouseholdId
    reason: UnhousedReason
    detail: str
    excluded: dict[str, int] = Field(description="units excluded per eligibility rule")
    eligible_units: int
    blocking: list[str] = Field(default_factory=list, description="full zones or quotas")


class ZoneUse(Frozen):
    zone: str
    capacity_points: int
    used_points: int


class MatchResult(Frozen):
    status: Status
    objective: int | None
    bound: float
    gap: float | None
    seconds: float
    method: str
    policy_version: str
    proposals: list[Proposal]
    unhoused: list[Unhoused]
    zones: list[ZoneUse]
    conflict: str | None = None
    stats: dict[str, float] = Field(default_factory=dict)

    def summary(self) -> str:
        """A readable table for the terminal."""
        gap = "-" if self.gap is None else f"{100 * self.gap:.3f} %"
        lines = [
            f"status {self.status.value} | objective {self.objective} | bound {self.bound:.0f} | "
            f"gap {gap} | {self.seconds:.2f} s | policy {self.policy_version}",
            f"housed {len(self.proposals)} | unhoused {len(self.unhoused)}",
        ]
        if self.conflict:
            lines.append(f"conflict: {self.conflict}")
        if self.proposals:
            lines += ["", f"{'household':<14}{'unit':<14}{'cost':>6}  main terms"]
            for p in self.proposals:
                top = sorted(((v, k) for k, v in p.breakdown.items() if v), reverse=True)[:3]
                terms = ", ".join(f"{k} {v}" for v, k in top)
                lines.append(f"{p.household:<14}{p.unit:<14}{p.cost:>6}  {terms}")
        if self.unhoused:
            lines += ["", f"{'unhoused':<14}{'reason':<24}detail"]
            lines += [f"{u.household:<14}{u.reason.value:<24}{u.detail}" for u in self.unhoused]
        if self.zones:
            lines += ["", f"{'zone':<18}{'used':>6}{'capacity':>10}"]
            lines += [f"{z.zone:<18}{z.used_points:>6}{z.capacity_points:>10}" for z in self.zones]
        return "\n".join(lines)
