"""The one entry point of the housing matcher: :func:`match`."""

from __future__ import annotations

from matcher.assignment import SolveOptions, solve
from matcher.compile import compile_problem
from matcher.explain import explain
from matcher.fairness import match_within_gap
from matcher.instance import MatchProblem
from matcher.result import MatchResult


def match(problem: MatchProblem, options: SolveOptions | None = None) -> MatchResult:
    """Propose a unit to as many households as possible, at the lowest cost, with explanations.

    Raises :class:`matcher.errors.InvalidProblemError` for malformed input (unknown ids or commune
    codes, a pin to an ineligible pair). An infeasible problem is not an error: the result's status
    says so and ``conflict`` names the constraints involved.

    A policy's minimum housed shares are side constraints of the compiled run; its maximum gap
    (:attr:`Policy.fairness_gaps`) is met by a level search (:func:`matcher.fairness.match_within_gap`,
    one solve per level tried, the minimum shares kept), so such a run solves several times.
    """
    if problem.policy.fairness_gaps:
        (gap,) = problem.policy.fairness_gaps
        got = match_within_gap(problem, gap, options)
        result = got.result or got.failed
        assert result is not None, "level 0 is always among the levels tried, so something was solved"
        return result
    compiled = compile_problem(problem)
    return explain(compiled, solve(compiled.model, options))
