"""Movable households: transfers within the stock that leave no one worse off than at home.

A housed household whose needs changed enters a run as *movable*: it is listed with its current unit
(``Household.current_unit``), and that unit is among the run's units. The run may move it, and offer
its home to someone else, only if the move is individually rational:

- its home stays eligible for it, at its fit cost, whatever the hard rules say of it now (it lives
  there): staying is always possible;
- any other unit must pass the hard rules and fit it no worse than its home (fit as in
  :mod:`matcher.costs`; the stability price is not fit);
- leaving it without a unit is priced above every answer in which all movable households stay
  (:func:`matcher.costs.unhoused_costs`), so the optimum never does while staying is feasible.

Moves whose units pass from one household to the next form one :class:`Exchange` (a chain ends
with a household taking the last home left, a cycle is a swap); each move is still a proposal an
officer accepts or declines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matcher import wording
from matcher.arrays import HouseholdArrays, UnitArrays
from matcher.costs import fit_costs
from matcher.domain import Policy
from matcher.instance import MatchProblem
from matcher.result import MatchResult


def home_of(hh: HouseholdArrays, rows: NDArray[np.int64], n_units: int) -> NDArray[np.bool_]:
    """(rows x units): True at each movable household's current unit."""
    out = np.zeros((rows.size, n_units), bool)
    home = hh.current_unit[rows]
    k = np.flatnonzero(home >= 0)
    out[k, home[k]] = True
    return out


def worse_than_home(
    hh: HouseholdArrays,
    units: UnitArrays,
    policy: Policy,
    rows: NDArray[np.int64],
    candidates: NDArray[np.bool_],
) -> NDArray[np.bool_]:
    """(rows x units): the ``candidates`` of movable households that fit worse than their home."""
    out = np.zeros(candidates.shape, bool)
    for k in np.flatnonzero(hh.current_unit[rows] >= 0).tolist():
        h = int(rows[k])
        u = np.flatnonzero(candidates[k])
        if u.size == 0:
            continue
        fit = fit_costs(hh, units, policy, np.full(u.size, h, np.int64), u)
        here = fit_costs(hh, units, policy, np.array([h]), np.array([hh.current_unit[h]]))[0]
        out[k, u[fit > here]] = True
    return out


@dataclass(frozen=True)
class Move:
    """One step of an exchange: ``household`` takes ``unit``, leaving ``home`` (None: it had none)."""

    household: str
    unit: str
    home: str | None


@dataclass(frozen=True)
class Exchange:
    """Moves that hang together: each one's unit is the home the previous one left (or, in a
    cycle, the last one's unit is the first one's home)."""

    moves: tuple[Move, ...]

    @property
    def cycle(self) -> bool:
        return self.moves[-1].home is not None and self.moves[-1].home == self.moves[0].unit

    @property
    def households(self) -> list[str]:
        return [m.household for m in self.moves]


def exchanges(problem: MatchProblem, result: MatchResult) -> list[Exchange]:
    """The result's moves of movable households, grouped into exchanges (ordered as a household
    would read them: the first takes a unit free before the run, each next one the home just left).
    A movable household proposed its own home stays and is in none."""
    home = {h.id: h.current_unit for h in problem.households if h.current_unit is not None}
    moves = [
        Move(p.household, p.unit, home.get(p.household))
        for p in result.proposals
        if home.get(p.household) != p.unit
    ]
    taker = {m.unit: m for m in moves}  # who takes each unit
    left_by = {m.home: m for m in moves if m.home is not None}  # who leaves each home
    out: list[Exchange] = []
    done: set[str] = set()
    for m in moves:
        if m.household in done or (m.home is None and m.unit not in left_by):
            continue  # a waiting household taking a free unit is no exchange
        first = m
        seen = {first.household}
        while first.unit in left_by and left_by[first.unit].household not in seen:
            first = left_by[first.unit]  # walk back to the move that takes a unit free before
            seen.add(first.household)
        chain = [first]
        while chain[-1].home is not None and chain[-1].home in taker:
            nxt = taker[chain[-1].home]
            if nxt.household == first.household:
                break  # a cycle is closed
            chain.append(nxt)
        done.update(x.household for x in chain)
        out.append(Exchange(tuple(chain)))
    return out


def with_exchanges(problem: MatchProblem, result: MatchResult) -> tuple[MatchResult, list[Exchange]]:
    """The result with each exchange move's explanation saying it is one, and the exchanges."""
    found = exchanges(problem, result)
    notes = {
        m.household: wording.exchange_step(k + 1, len(x.moves), m.home, x.cycle)
        for x in found
        for k, m in enumerate(x.moves)
    }
    proposals = [
        p.model_copy(update={"explanation": f"{p.explanation} {notes[p.household]}"})
        if p.household in notes
        else p
        for p in result.proposals
    ]
    return result.model_copy(update={"proposals": proposals}), found


def new_load(
    hh: HouseholdArrays, units: UnitArrays, h: NDArray[np.int64], u: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """Whether placing ``h[k]`` in ``u[k]`` adds to a support zone's caseload: not when a movable
    household stays in its home's zone (it is counted there already), else yes."""
    home = hh.current_unit[h]
    movable = home >= 0
    same_zone = np.zeros(h.size, bool)
    same_zone[movable] = (units.zone[home[movable]] == units.zone[u[movable]]) & (units.zone[u[movable]] >= 0)
    out: NDArray[np.bool_] = ~same_zone
    return out


def new_placement(hh: HouseholdArrays, h: NDArray[np.int64], u: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Whether pair ``k`` is a new placement for a quota: a movable household staying home is not."""
    out: NDArray[np.bool_] = hh.current_unit[h] != u
    return out
