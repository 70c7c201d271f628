"""Generic capacitated assignment: items to options along sparse edges, with side constraints."""

from matcher.assignment.problem import UNBOUNDED, AssignmentProblem, SideConstraint
from matcher.assignment.result import AssignmentSolution, SolveStats, Status
from matcher.assignment.solve import SolveOptions, solve

__all__ = [
    "UNBOUNDED",
    "AssignmentProblem",
    "AssignmentSolution",
    "SideConstraint",
    "SolveOptions",
    "SolveStats",
    "Status",
    "solve",
]
