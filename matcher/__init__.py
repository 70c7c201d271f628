"""wunneng's matching core: households to units, provably optimal, explained.

Pure: knows nothing of HTTP or storage. ``match(problem) -> result`` is the entry point.
"""

from matcher.assignment import SolveOptions, Status
from matcher.domain import (
    Accessibility,
    Household,
    Location,
    Pair,
    Policy,
    Programme,
    Quota,
    SupportIntensity,
    SupportZone,
    Unit,
    Vulnerability,
)
from matcher.errors import InvalidProblemError, MatcherError
from matcher.instance import MatchProblem
from matcher.match import match
from matcher.result import MatchResult

__all__ = [
    "Accessibility",
    "Household",
    "InvalidProblemError",
    "Location",
    "MatchProblem",
    "MatchResult",
    "MatcherError",
    "Pair",
    "Policy",
    "Programme",
    "Quota",
    "SolveOptions",
    "Status",
    "SupportIntensity",
    "SupportZone",
    "Unit",
    "Vulnerability",
    "match",
]
