"""Maximum gap between groups' housed shares: the level search against brute force."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.domain import FairnessGroup
from matcher.fairness import FairnessGap, gap_levels, match_within_gap
from matcher.instance import MatchProblem
from tests.matcher.builders import household, problem, unit
from tests.matcher.fairness_oracle import cheapest, kind


def shares(p: MatchProblem, housed: set[int]) -> dict[str, float]:
    groups: dict[str, list[int]] = {}
    for k, h in enumerate(p.households):
        groups.setdefault(kind(h), []).append(k)
    return {v: sum(k in housed for k in ks) / len(ks) for v, ks in groups.items()}


def brute_force(p: MatchProblem, ok: Callable[[dict[str, float]], bool]) -> float | None:
    """The lowest objective over every assignment whose group shares pass ``ok``."""
    return cheapest(p, lambda housed: ok(shares(p, housed)))


@st.composite
def cases(draw: st.DrawFn) -> tuple[MatchProblem, float]:
    hs = [
        household(
            f"H{k}",
            adults=draw(st.integers(1, 2)),
            children_ages=[5] * draw(st.integers(0, 1)),
            monthly_income=draw(st.sampled_from([1400.0, 2000.0, 2800.0])),
        )
        for k in range(draw(st.integers(1, 5)))
    ]
    us = [
        unit(f"U{k}", bedrooms=draw(st.integers(1, 3)), surface_m2=80.0, max_occupancy=6, rent=300.0)
        for k in range(draw(st.integers(0, 3)))
    ]
    return problem(hs, us, alternatives=0), draw(st.sampled_from([0.0, 0.25, 0.5, 1.0]))


@settings(max_examples=40, deadline=None)
@given(cases())
def test_the_gap_holds_and_the_objective_is_the_brute_force_optimum(case: tuple[MatchProblem, float]) -> None:
    p, g = case
    gap = FairnessGap("gap", FairnessGroup.HOUSEHOLD_TYPE, g)
    levels = gap_levels(p, gap)
    got = match_within_gap(p, gap)
    assert set(got.objectives) == set(levels)
    # every level tried, in the oracle's terms: each share within [s, s + g]
    within_tried = brute_force(
        p, lambda sh: any(all(s - 1e-9 <= x <= s + g + 1e-9 for x in sh.values()) for s in levels)
    )
    # and the true gap optimum (tiny instances: the candidate levels are complete)
    within_gap = brute_force(p, lambda sh: max(sh.values()) - min(sh.values()) <= g + 1e-9)
    assert within_tried == within_gap
    if within_gap is None:
        assert not got.feasible
        return
    assert got.result is not None and got.level is not None
    assert got.result.objective == within_gap
    index = {h.id: k for k, h in enumerate(p.households)}
    sh = shares(p, {index[x.household] for x in got.result.proposals})
    assert max(sh.values()) - min(sh.values()) <= g + 1e-9
    assert all(got.level - 1e-9 <= x <= got.level + g + 1e-9 for x in sh.values())


def test_a_gap_costs_fit_and_moves_the_group_left_behind() -> None:
    # one unit; the couple fits it better (more income, less rent burden), but with one single and
    # one couple any proposal leaves a 100-point gap: a gap of 0.5 can only be met by housing no one
    hs = [household("H1"), household("H2", adults=2, monthly_income=2800.0)]
    us = [unit("U1", bedrooms=1, surface_m2=48.0, max_occupancy=3)]
    p = problem(hs, us, alternatives=0)
    free = match_within_gap(p, FairnessGap("any", FairnessGroup.HOUSEHOLD_TYPE, 1.0))
    assert free.result is not None and [x.household for x in free.result.proposals] == ["H2"]
    tight = match_within_gap(p, FairnessGap("half", FairnessGroup.HOUSEHOLD_TYPE, 0.5))
    assert tight.result is not None and tight.result.proposals == [] and tight.level == 0.0
    assert tight.result.objective is not None and free.result.objective is not None
    assert tight.result.objective > free.result.objective
    # two units: both housed, gap 0
    two = problem(hs, [*us, unit("U2", bedrooms=1, surface_m2=48.0, max_occupancy=3)], alternatives=0)
    both = match_within_gap(two, FairnessGap("none", FairnessGroup.HOUSEHOLD_TYPE, 0.0))
    assert both.result is not None and len(both.result.proposals) == 2 and both.level == 1.0


def test_many_levels_are_thinned_and_a_bad_gap_is_refused() -> None:
    hs = [household(f"H{k}") for k in range(30)] + [household("C1", adults=2)]
    p = problem(hs, [unit("U1")], alternatives=0)
    levels = gap_levels(p, FairnessGap("g", FairnessGroup.HOUSEHOLD_TYPE, 0.1), max_levels=5)
    assert len(levels) == 5 and levels[0] == 0.0 and levels[-1] == 1.0
    with pytest.raises(ValueError, match="max_gap"):
        FairnessGap("g", FairnessGroup.HOUSEHOLD_TYPE, 1.5)
    assert math.isclose(
        gap_levels(problem(hs[:2], [unit("U1")]), FairnessGap("g", FairnessGroup.SUPPORT, 0))[1], 0.5
    )


def test_a_run_without_households_is_within_any_gap() -> None:
    got = match_within_gap(
        problem([], [unit("U1")], alternatives=0), FairnessGap("g", FairnessGroup.SUPPORT, 0)
    )
    assert got.feasible and got.result is not None and got.result.proposals == []


@settings(max_examples=30, deadline=None)
@given(cases(), st.data())
def test_with_fewer_levels_the_result_is_the_best_over_those_tried(
    case: tuple[MatchProblem, float], data: st.DataObject
) -> None:
    p, g = case
    gap = FairnessGap("gap", FairnessGroup.HOUSEHOLD_TYPE, g)
    levels = data.draw(st.lists(st.sampled_from(gap_levels(p, gap)), min_size=1, max_size=2, unique=True))
    got = match_within_gap(p, gap, levels=levels)
    assert set(got.objectives) == set(levels)
    expected = brute_force(
        p, lambda sh: any(all(s - 1e-9 <= x <= s + g + 1e-9 for x in sh.values()) for s in levels)
    )
    if expected is None:
        assert not got.feasible
        return
    assert got.result is not None and got.result.objective == expected and got.level in levels


def test_the_levels_share_the_runs_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each level was solved with the run's whole limit: a run with a gap took up to 12 times it."""
    import matcher.assignment as assignment
    from matcher.assignment import SolveOptions

    limits: list[float] = []
    real = assignment.solve

    def recording(model: object, options: SolveOptions | None = None) -> object:
        assert options is not None
        limits.append(options.time_limit)
        return real(model, options)  # type: ignore[arg-type]

    monkeypatch.setattr(assignment, "solve", recording)
    hs = [household("H1"), household("H2", adults=2, monthly_income=2800.0)]
    p = problem(hs, [unit("U1", bedrooms=1, surface_m2=48.0, max_occupancy=3)], alternatives=0)
    gap = FairnessGap("half", FairnessGroup.HOUSEHOLD_TYPE, 0.5)
    match_within_gap(p, gap, SolveOptions(time_limit=6.0))
    assert len(limits) >= 2
    assert sum(limits) <= 6.0 + 1e-9
