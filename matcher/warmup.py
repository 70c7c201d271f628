"""Compile the solver's kernels once, so that a fresh install's first match is quick.

The kernels are compiled with numba on first call and cached next to their modules (or in the
user's cache when that folder is read-only). Solving a small built-in problem on each solver path
triggers every compilation: ``wunneng warmup`` runs it after installing.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from matcher.assignment import SolveOptions
from matcher.domain import Household, Location, Programme, SupportZone, Unit
from matcher.geo import communes
from matcher.instance import MatchProblem
from matcher.match import match

DAY = date(2026, 1, 1)


def warm_problem(n: int = 40) -> MatchProblem:
    """``n`` households and ``n + 10`` units in six communes, with caseload zones that bind."""
    rng = np.random.default_rng(0)
    codes = sorted(communes())[:6]
    programmes = list(Programme)
    households = [
        Household(
            id=f"H{k}",
            adults=int(rng.integers(1, 3)),
            children_ages=[int(a) for a in rng.integers(0, 18, int(rng.integers(0, 3)))],
            monthly_income=float(rng.integers(1500, 3500)),
            registered_on=DAY - timedelta(days=int(rng.integers(0, 700))),
            work=Location(commune=codes[k % 6]) if k % 3 == 0 else None,
        )
        for k in range(n)
    ]
    units = [
        Unit(
            id=f"U{k}",
            programme=programmes[k % len(programmes)],
            commune=codes[k % 6],
            bedrooms=int(rng.integers(0, 4)),
            surface_m2=float(rng.integers(30, 110)),
            max_occupancy=6,
            rent=float(rng.integers(40, 90) * 10),
            available_from=DAY,
        )
        for k in range(n + 10)
    ]
    zones = [
        SupportZone(id="a", communes=frozenset(codes[:3]), capacity_points=n // 2),
        SupportZone(id="b", communes=frozenset(codes[3:]), capacity_points=n // 3),
    ]
    return MatchProblem(match_date=DAY, households=households, units=units, support_zones=zones)


def warm_up() -> None:
    """Solve the built-in problem with binding zones (the relaxation path) and without (the
    exact network path)."""
    problem = warm_problem()
    match(problem, SolveOptions(time_limit=30, workers=1))
    match(problem.model_copy(update={"support_zones": []}), SolveOptions(time_limit=30, workers=1))
