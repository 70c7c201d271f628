"""Costs recomputed by the oracle on re-runs, the validator's result checks, and every unhoused reason."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import MatchProblem, Pair, Policy, Quota, SolveOptions, Status, SupportZone, match
from matcher.domain import Weights
from matcher.result import Unhoused, UnhousedReason
from matcher.validate import violations
from scenarios.generator import GeneratorParams, generate

from .builders import household, problem, unit
from .cost_oracle import cost_errors


@given(seed=st.integers(0, 10_000), keep=st.floats(0.0, 1.0), capacity=st.floats(0.2, 1.2))
@settings(max_examples=10)
def test_every_term_holds_on_a_rerun_with_shown_proposals(seed: int, keep: float, capacity: float) -> None:
    """Stability enters the objective, never a proposal's fit: the oracle checks both."""
    p = generate(GeneratorParams(households=25, units=30, support_capacity_ratio=capacity), seed)
    first = match(p)
    shown = [Pair(household=x.household, unit=x.unit) for x in first.proposals]
    shown = shown[: round(keep * len(shown))]
    again_problem = p.model_copy(update={"previous": shown, "forbids": shown[:1]})
    again = match(again_problem, SolveOptions(time_limit=60))
    assert again.status is Status.OPTIMAL
    assert cost_errors(again_problem, again) == []
    assert violations(again_problem, again) == []


def test_the_validator_flags_a_household_both_proposed_and_unhoused() -> None:
    p = problem([household("H1"), household("H2")], [unit("U1")])
    result = match(p)
    housed = result.proposals[0].household
    twice = Unhoused(
        household=housed, reason=UnhousedReason.TRADE_OFF, detail="", excluded={}, eligible_units=1
    )
    broken = result.model_copy(update={"unhoused": [*result.unhoused, twice]})
    assert f"household {housed} both proposed and unhoused" in violations(p, broken)


def test_the_validator_counts_stability_for_a_moved_household() -> None:
    shown = [Pair(household="H1", unit="U1")]
    p = problem([household()], [unit("U1"), unit("U2", rent=400.0)], previous=shown, forbids=shown)
    result = match(p)
    assert [(x.unit, x.shown_before) for x in result.proposals] == [("U2", False)]
    assert violations(p, result) == [] and cost_errors(p, result) == []
    assert result.objective == result.proposals[0].cost + 300
    unshown = p.model_copy(update={"previous": []})
    assert [v for v in violations(unshown, result) if v.startswith("objective")]


def test_each_unhoused_reason_is_produced() -> None:
    """One small problem per reason; together they cover every :class:`UnhousedReason`."""
    seen: dict[UnhousedReason, str] = {}

    def run(p: MatchProblem) -> None:
        result = match(p)
        assert cost_errors(p, result) == []
        for u in result.unhoused:
            seen.setdefault(u.reason, u.detail)

    run(problem([household(adults=2, children_ages=[3, 5, 7, 9, 11])], [unit()]))  # no_eligible_unit
    run(problem([household("H1"), household("H2", vulnerabilities={"medical"})], [unit()]))  # lost
    zone = SupportZone(id="south", communes={"0204"}, capacity_points=2)
    run(problem([household(support="intensive")], [unit()], support_zones=[zone]))  # zone full
    quota = Quota(id="esch", scope="commune", key="0204", max_households=1)
    run(problem([household("H1"), household("H2")], [unit("U1"), unit("U2")], quotas=[quota]))
    # leaving the household out costs less than its only unit's fit: a trade-off
    cheap = Policy(weights=Weights(unhoused=1.0))
    run(problem([household(monthly_income=1800.0)], [unit()], policy=cheap))
    # pins beyond a zone's capacity: no solution at all
    pins = [Pair(household="H1", unit="U1"), Pair(household="H2", unit="U2")]
    zone3 = SupportZone(id="south", communes={"0204"}, capacity_points=3)
    run(
        problem(
            [household("H1"), household("H2")], [unit("U1"), unit("U2")], support_zones=[zone3], pins=pins
        )
    )
    assert set(seen) == set(UnhousedReason), set(UnhousedReason) - set(seen)
    assert seen[UnhousedReason.NO_ELIGIBLE_UNIT] == "no eligible unit (1 too small)"
    assert "support zone south" in seen[UnhousedReason.SUPPORT_CAPACITY_FULL]
    assert "quota esch" in seen[UnhousedReason.QUOTA_FULL]
