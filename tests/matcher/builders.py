"""Tiny named fixtures for crafted cases: one household, one unit, tweaked per test."""

from __future__ import annotations

from datetime import date
from typing import Any

from matcher import Household, MatchProblem, Unit

DAY = date(2026, 12, 1)


def household(id: str = "H1", **kw: Any) -> Household:
    """A single adult on REVIS (budget 0.33 x 1,900 = 627 EUR), registered a year ago."""
    base: dict[str, Any] = {
        "id": id,
        "adults": 1,
        "monthly_income": 1900.0,
        "registered_on": date(2025, 12, 1),
    }
    return Household(**(base | kw))


def unit(id: str = "U1", **kw: Any) -> Unit:
    """A GLS one-bedroom flat in Esch-sur-Alzette at 500 + 80 EUR, free now."""
    base: dict[str, Any] = {
        "id": id,
        "programme": "gls",
        "commune": "0204",
        "bedrooms": 1,
        "surface_m2": 48.0,
        "max_occupancy": 3,
        "rent": 500.0,
        "charges": 80.0,
        "available_from": DAY,
    }
    return Unit(**(base | kw))


def problem(households: list[Household], units: list[Unit], **kw: Any) -> MatchProblem:
    return MatchProblem(match_date=DAY, households=households, units=units, **kw)
