"""What housing the households costs, and who pays: rent paid, programme top-ups, the rent subsidy,
social workers.

Rules, each with its source in :class:`scenarios.params.GeneratorParams` or the spec:

* a household pays :meth:`matcher.domain.Unit.paid_by` (a fixed rent, or a share of income);
* an income-linked unit's owner still gets its full rent: the programme tops up the difference;
* the *subvention de loyer* (rent subsidy) goes to private-market lets only (``lisko_private``):
  the rent above 25 % of net income, at most a cap that grows with the household, at least EUR 10
  (below that nothing is paid) (FACTS-2 §4);
* social workers cost ``support.cost_per_worker_year`` each.
"""

from __future__ import annotations

from dataclasses import dataclass

from matcher.domain import Household, Programme, Unit
from scenarios.params import GeneratorParams

#: Programmes whose lets are private-market lets, hence eligible for the rent subsidy (FACTS-2 §4:
#: excluded for Fonds du Logement, SNHBM, commune and AIS dwellings; GLS tenants rent from the
#: social manager).
SUBSIDISED_PROGRAMMES = frozenset({Programme.LISKO_PRIVATE})


def subsidy_cap(p: GeneratorParams, persons: int) -> float:
    """The rent subsidy's cap for a household of ``persons``: linear through the two cited examples
    (a single person, a couple with two children), never above the upper bound."""
    single, four = p.rent_subsidy_caps
    return min(p.rent_subsidy_bounds[1], single + (four - single) * (persons - 1) / 3)


def rent_subsidy(p: GeneratorParams, h: Household, u: Unit) -> float:
    """EUR/month of subvention de loyer for household ``h`` in unit ``u`` (0 when not eligible)."""
    if u.programme not in SUBSIDISED_PROGRAMMES or h.monthly_income is None:
        return 0.0
    above = u.paid_by(h.monthly_income) - p.rent_subsidy_income_share * h.monthly_income
    amount = min(subsidy_cap(p, h.persons), max(0.0, above))
    return amount if amount >= p.rent_subsidy_bounds[0] else 0.0


@dataclass(frozen=True)
class Costs:
    """Monthly money of one let: what the household pays, the programme's top-up, the state's subsidy."""

    paid: float
    top_up: float
    subsidy: float


def costs(p: GeneratorParams, h: Household, u: Unit) -> Costs:
    paid = u.paid_by(h.monthly_income)
    return Costs(paid=paid, top_up=max(0.0, u.total_rent - paid), subsidy=rent_subsidy(p, h, u))
