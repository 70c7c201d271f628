"""Rent rules: what a household can pay, and how rents are quoted."""

from __future__ import annotations

import math

from matcher.domain import Household, Policy


def budget(household: Household, policy: Policy) -> float:
    """The most rent + charges a household may pay, EUR/month: its explicit ceiling, else the
    policy's share of its income, else no limit."""
    if household.max_rent is not None:
        return household.max_rent
    if household.monthly_income is not None:
        return policy.max_rent_share * household.monthly_income
    return math.inf


def round_rent(eur: float) -> float:
    """A rent as landlords quote it: whole tens of euros, at least 10 EUR."""
    return max(10.0, round(eur, -1))
