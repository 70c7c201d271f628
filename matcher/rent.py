"""Rent rules: what a household can pay, what the rent subsidy takes off, and how rents are quoted."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:  # domain imports this module for Unit.paid_by
    from matcher.domain import Household, Policy, RentSubsidy


def budget(household: Household, policy: Policy) -> float:
    """The most rent + charges a household may pay, EUR/month: its explicit ceiling, else the
    policy's share of its income, else no limit."""
    if household.max_rent is not None:
        return household.max_rent
    if household.monthly_income is not None:
        return policy.max_rent_share * household.monthly_income
    return math.inf


def subsidy_cap(rule: RentSubsidy, persons: ArrayLike) -> NDArray[np.float64]:
    """The most subsidy a household of ``persons`` gets: linear through the two cited examples (one
    person, four persons), never above the rule's upper bound."""
    slope = (rule.cap_four_persons - rule.cap_single) / 3
    return np.minimum(rule.max_eur, rule.cap_single + slope * (np.asarray(persons, np.float64) - 1))


def rent_subsidy(
    rule: RentSubsidy, paid: ArrayLike, income: ArrayLike, persons: ArrayLike
) -> NDArray[np.float64]:
    """EUR/month of rent subsidy on a let the rule covers: the rent + charges ``paid`` above the
    rule's share of ``income``, at most :func:`subsidy_cap`; an amount below the rule's minimum is not
    paid, and an unknown income (NaN) gets none. Broadcasts like numpy, so that the budget check,
    the cost terms, the validator and the scenarios' money figures share one formula."""
    income = np.asarray(income, np.float64)
    above = np.asarray(paid, np.float64) - rule.income_share * np.nan_to_num(income)
    amount = np.minimum(subsidy_cap(rule, persons), np.maximum(0.0, above))
    return np.asarray(np.where(np.isfinite(income) & (amount >= rule.min_eur), amount, 0.0), np.float64)


def round_rent(eur: float) -> float:
    """A rent as landlords quote it: whole tens of euros, at least 10 EUR."""
    return max(10.0, round(eur, -1))
