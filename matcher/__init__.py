"""wunneng's matching core: households to units, provably optimal, explained.

Pure: knows nothing of HTTP or storage. ``match(problem) -> result`` is the entry point.

Names are imported on first use, so that ``import matcher.domain`` (or a command line's ``--help``)
does not load the solver's numerical stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOME = {
    "SolveOptions": "matcher.assignment",
    "Status": "matcher.assignment",
    "Accessibility": "matcher.domain",
    "Household": "matcher.domain",
    "Location": "matcher.domain",
    "Pair": "matcher.domain",
    "Policy": "matcher.domain",
    "Programme": "matcher.domain",
    "Quota": "matcher.domain",
    "SupportIntensity": "matcher.domain",
    "SupportZone": "matcher.domain",
    "Unit": "matcher.domain",
    "Vulnerability": "matcher.domain",
    "InvalidProblemError": "matcher.errors",
    "MatcherError": "matcher.errors",
    "MatchProblem": "matcher.instance",
    "match": "matcher.match",
    "MatchResult": "matcher.result",
}

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


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME])
