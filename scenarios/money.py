"""What housing the households costs, and who pays: rent paid, programme top-ups, the rent subsidy,
social workers.

Rules, each with its home in the matcher or its source in the spec:

* a household pays :meth:`matcher.domain.Unit.paid_by` (a fixed rent, or a share of income) to the
  landlord;
* an income-linked unit's owner still gets its full rent: the programme tops up the difference;
* the *subvention de loyer* (rent subsidy) on private-market lets is the policy's rule
  (:class:`matcher.domain.RentSubsidy`, :func:`matcher.rent.rent_subsidy`): the same amount the
  budget check took off the rent;
* social workers cost ``support.cost_per_worker_year`` each.
"""

from __future__ import annotations

from dataclasses import dataclass

from matcher.domain import Household, Policy, Unit


@dataclass(frozen=True)
class Costs:
    """Monthly money of one let: what the household pays the landlord, the programme's top-up, the
    state's subsidy to the household."""

    paid: float
    top_up: float
    subsidy: float


def costs(policy: Policy, h: Household, u: Unit) -> Costs:
    """The money of household ``h`` in unit ``u`` under ``policy``'s rent subsidy rule."""
    paid = u.paid_by(h.monthly_income)
    net = u.paid_by(h.monthly_income, h.persons, policy.rent_subsidy)
    return Costs(paid=paid, top_up=max(0.0, u.total_rent - paid), subsidy=paid - net)
