"""Months between dates, for waiting time: one length of month everywhere."""

from __future__ import annotations

from datetime import date

#: The mean Gregorian month, 365.25 / 12 days (rounded).
DAYS_PER_MONTH = 30.44


def months_between(start: date, end: date) -> float:
    """Months from ``start`` to ``end`` (negative if ``end`` is earlier)."""
    return (end - start).days / DAYS_PER_MONTH
