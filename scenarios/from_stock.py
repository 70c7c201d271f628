"""A scenario base from an organisation's real stock: aggregated counts and shares, nothing personal.

The planner endpoint passes the service's current households and units; what comes back is a spec
whose population and stock sizes and whose household-type, programme and unit-size mixes are those
of the real stock. No household or unit leaves this function: only counts and shares do, and only
when there are at least :data:`MIN_RECORDS` of each, so that no share describes one person.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from matcher.domain import Household, Programme, Unit
from scenarios.params import HouseholdType
from scenarios.spec import Spec, validate_spec

#: Fewer households or units than this and the shares would describe individuals.
MIN_RECORDS = 10


def household_type(h: Household) -> HouseholdType:
    """The planner's household type from the matcher's view (adults and children)."""
    kids = len(h.children_ages)
    if h.adults == 1:
        return HouseholdType.SINGLE_PARENT if kids else HouseholdType.SINGLE
    if h.adults == 2:
        return HouseholdType.COUPLE_CHILDREN if kids else HouseholdType.COUPLE
    return HouseholdType.MULTI_ADULT if not kids else HouseholdType.COUPLE_CHILDREN


def _shares(counts: Counter[Any], keys: Sequence[Any]) -> list[float]:
    total = sum(counts[k] for k in keys)
    return [counts[k] / total for k in keys]


def stock_base(
    base: Spec, households: Sequence[Household], units: Sequence[Unit], name: str = "organisation-stock"
) -> Spec:
    """``base`` with the sizes and mixes of the given households (waiting) and units (the stock).

    Raises
    ------
    ValueError
        With fewer than :data:`MIN_RECORDS` households or units.
    """
    if len(households) < MIN_RECORDS or len(units) < MIN_RECORDS:
        raise ValueError(
            f"a what-if from real stock needs at least {MIN_RECORDS} households and {MIN_RECORDS} units "
            f"(got {len(households)} and {len(units)}), so that no share describes one household"
        )
    raw = base.model_dump(mode="json", exclude={"base"})
    types = list(HouseholdType)
    raw["name"] = name
    raw["title"] = f"{base.title or base.name}, from the organisation's stock"
    raw["population"]["waiting_households"] = len(households)
    raw["stock"]["units"] = len(units)
    gen = raw["generator"]
    kinds = _shares(Counter(household_type(h) for h in households), types)
    gen["type_shares"] = dict(zip([t.value for t in types], kinds, strict=True))
    programmes = list(Programme)
    mix = _shares(Counter(u.programme for u in units), programmes)
    gen["programme_shares"] = dict(zip([p.value for p in programmes], mix, strict=True))
    gen["unit_type_shares"] = _shares(Counter(min(u.bedrooms, 4) for u in units), range(5))
    return validate_spec(raw, "<organisation stock>")
