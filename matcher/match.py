"""The one entry point of the housing matcher: :func:`match`."""

from __future__ import annotations

from matcher.assignment import SolveOptions, solve
from matcher.compile import compile_problem
from matcher.explain import explain
from matcher.instance import MatchProblem
from matcher.result import MatchResult


def match(problem: MatchProblem, options: SolveOptions | None = None) -> MatchResult:
    """Propose a unit to as many households as possible, at the lowest cost, with explanations.

    Raises :class:`matcher.errors.InvalidProblemError` for malformed input (unknown ids or commune
    codes, a pin to an ineligible pair). An infeasible problem is not an error: the result's status
    says so and ``conflict`` names the constraints involved.
    """
    compiled = compile_problem(problem)
    return explain(compiled, solve(compiled.model, options))
