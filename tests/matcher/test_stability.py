"""Fit and stability are different things: after a re-run, what households read is still fit."""

from __future__ import annotations

import pytest

from matcher import MatchProblem, Pair, match
from matcher.result import MatchResult
from scenarios.generator import GeneratorParams, generate

from .cost_oracle import fit_cost

Rerun = tuple[MatchProblem, MatchResult, MatchResult]


@pytest.fixture(scope="module")
def rerun() -> Rerun:
    """A first run, then a re-run with its proposals as shown and the first one declined."""
    p = generate(GeneratorParams(households=30, units=40), seed=5)
    first = match(p)
    shown = [Pair(household=x.household, unit=x.unit) for x in first.proposals]
    again = match(p.model_copy(update={"previous": shown, "forbids": shown[:1]}))
    return p, first, again


def test_every_alternative_differs_by_the_difference_of_fit_costs(rerun: Rerun) -> None:
    p, _, again = rerun
    hh = {h.id: h for h in p.households}
    units = {u.id: u for u in p.units}
    checked = 0
    for prop in again.proposals:
        assert "stability" not in prop.breakdown
        mine = fit_cost(p, hh[prop.household], units[prop.unit])
        assert prop.cost == mine == sum(prop.breakdown.values())
        for alt in prop.alternatives:
            assert alt.extra_cost == fit_cost(p, hh[prop.household], units[alt.unit]) - mine
            checked += 1
    assert checked > 20


def test_a_kept_proposal_reads_as_it_did_before_the_rerun(rerun: Rerun) -> None:
    """It read "+255 points" for an alternative that was "-45" before the re-run."""
    _, first, again = rerun
    before = {x.household: x for x in first.proposals}
    kept = [x for x in again.proposals if before.get(x.household) and before[x.household].unit == x.unit]
    assert kept and all(x.shown_before for x in kept)
    for x in kept:
        was = {a.unit: (a.cost, a.extra_cost) for a in before[x.household].alternatives}
        assert x.cost == before[x.household].cost
        assert all(was[a.unit] == (a.cost, a.extra_cost) for a in x.alternatives if a.unit in was)
    moved = [x for x in again.proposals if x.household in before and not x.shown_before]
    assert all(before[x.household].unit != x.unit for x in moved)


def test_an_explanation_never_calls_a_better_fit_dearer(rerun: Rerun) -> None:
    _, _, again = rerun
    for x in again.proposals:
        free = [a for a in x.alternatives if not a.taken]
        if free and free[0].extra_cost < 0:
            assert f"fits {-free[0].extra_cost} points better" in x.explanation
        assert "points more" not in x.explanation
        assert ("already shown this unit" in x.explanation) == x.shown_before
