"""The words a household or an officer reads: every sentence of an explanation, built from data.

Codes (``too_small``, ``logis_own``) never reach a household as they are: they are named here. One
module, so that the text can be reviewed and translated in one place; :mod:`matcher.explain`
decides what to say, this module says it.
"""

from __future__ import annotations

from collections.abc import Mapping

from matcher.domain import Programme, Unit
from matcher.geo import communes

#: What each fit term of a proposal's cost means, for a household.
TERM_MEANING: dict[str, str] = {
    "travel_work": "time to get to work",
    "travel_school": "time for the children to get to school",
    "under_occupancy": "the home is larger than the household needs",
    "over_occupancy": "the home has fewer bedrooms than ideal",
    "rent_burden": "the share of income the rent takes",
    "preference": "it is not in a commune the household asked for",
    "anchor": "distance to the places the household wants to stay near",
}

#: Each eligibility rule (:class:`matcher.eligibility.Reason` label), as counted for an unhoused household.
EXCLUSION_MEANING: dict[str, str] = {
    "excluded_by_officer": "excluded by an officer",
    "reserved": "reserved for another commune",
    "too_small": "too small",
    "not_accessible": "not accessible",
    "over_budget": "over budget",
    "not_available_in_time": "not available in time",
    "too_far": "too far",
    "worse_than_current": "fits worse than the household's current home",
}

PROGRAMME_NAME: dict[Programme, str] = {
    Programme.GLS: "social rental management",
    Programme.LOGIS_OWN: "a Caritas LogIS home",
    Programme.COMMUNAL: "a communal home",
    Programme.AIS: "a social estate agency let",
    Programme.LISKO_PRIVATE: "a private let with a Red Cross guarantee",
}


def unit_summary(unit: Unit, paid: float | None = None) -> str:
    """``U1 in Esch-sur-Alzette (a communal home, 2 bedrooms, 720 EUR/month with charges).``

    ``paid`` is what this household would pay (an income-linked rent), else the unit's full rent."""
    rooms = "a studio" if unit.bedrooms == 0 else f"{unit.bedrooms} bedroom{'s' if unit.bedrooms > 1 else ''}"
    return (
        f"{unit.id} in {communes()[unit.commune].name} ({PROGRAMME_NAME[unit.programme]}, {rooms}, "
        f"{unit.total_rent if paid is None else paid:.0f} EUR/month with charges)."
    )


def proposal_text(
    unit: Unit,
    breakdown: Mapping[str, int],
    *,
    minutes_to_work: float | None,
    in_asked_commune: bool,
    rent_percent: float | None,
    paid: float | None = None,
    better_taken: int,
    next_free_extra: int | None,
    alternatives: int,
    shown_before: bool = False,
) -> str:
    """Why this unit: what it is, what mattered, and how it compares with the other options."""
    text = [unit_summary(unit, paid)]
    if minutes_to_work is not None:
        text.append(f"About {minutes_to_work:.0f} min to work.")
    if in_asked_commune:
        text.append("In a commune the household asked for.")
    if breakdown.get("under_occupancy"):
        text.append("Larger than needed.")
    if breakdown.get("over_occupancy"):
        text.append("Fewer bedrooms than ideal.")
    if rent_percent is not None:
        text.append(f"Rent is {rent_percent:.0f} % of income.")
    if better_taken:
        text.append(
            f"{better_taken} unit(s) that would fit better went to other households "
            "(housing more households, or those with higher priority, comes first)."
        )
    if next_free_extra is not None:
        text.append(_next_free(next_free_extra))
    elif not alternatives:
        text.append("No other eligible unit.")
    if shown_before:
        text.append(
            "The household was already shown this unit, and a shown proposal changes only when that"
            " gains enough."
        )
    return " ".join(text)


def _next_free(extra: int) -> str:
    if extra > 0:
        return f"The next best free option fits {extra} points worse."
    if extra < 0:
        return f"A free option fits {-extra} points better."
    return "The next best free option fits as well."


def no_eligible_unit(excluded: Mapping[str, int]) -> str:
    """``no eligible unit (3 too small, 1 over budget)``, largest count first."""
    parts = ", ".join(
        f"{n} {EXCLUSION_MEANING.get(r, r)}" for r, n in sorted(excluded.items(), key=lambda t: -t[1])
    )
    return f"no eligible unit ({parts})"


def lost_to_others(eligible: int, higher_priority: int) -> str:
    what = (
        "its only eligible unit went to another household"
        if eligible == 1
        else f"all {eligible} eligible units went to other households"
    )
    return f"{what} ({higher_priority} with higher priority)"


def limits_full(free: int, blocking: list[str]) -> str:
    return f"{free} free eligible unit(s), but {', '.join(blocking)} has no room left"


def trade_off(open_units: int) -> str:
    return (
        f"{open_units} free eligible units, but placing this household there would "
        "cost more than it gains (or displace a household with higher priority)"
    )


NO_SOLUTION = "the solver found no solution"


def exchange_step(step: int, moves: int, home: str | None, cycle: bool) -> str:
    """``This is move 2 of an exchange of 3: the household leaves U4 to another household.``"""
    kind = "a swap" if cycle else "an exchange"
    leaves = f" the household leaves {home} to another household," if home is not None else ""
    return (
        f"This is move {step} of {kind} of {moves} moves:{leaves} and no household in it gets a home "
        "that fits it worse than the one it has."
    )
