"""Movable households and the exchanges a run proposes them (:mod:`matcher.transfers`).

An officer marks a housed household *movable* with the unit it lives in (a unit of the same
organisation): later runs may propose moving it to a unit that fits it no worse and offer its home
to another household. A run stores such moves as proposals numbered by exchange and step. Each is
accepted or declined on its own; accepting the last open move of an exchange carries out all of
them at once (every household to its new unit, homes nobody takes are free again), so no one
moves out before the whole exchange holds. Declining a move ends its exchange: its other moves are
superseded and everyone stays.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.errors import Conflict, Invalid
from api.models import (
    HouseholdRow,
    HouseholdStatus,
    MatchRun,
    ProposalRow,
    ProposalStatus,
    UnitRow,
    UnitStatus,
    utcnow,
)
from api.repositories import lock_organisation, record_by_ref
from api.security import Principal
from api.services import audit


def mark_movable(session: Session, who: Principal, household: str, unit: str) -> HouseholdRow:
    """Record that ``household`` lives in ``unit`` and may be moved by later runs."""
    lock_organisation(session, who.organisation_id)
    h = record_by_ref(session, HouseholdRow, who.organisation_id, household)
    u = session.scalar(
        select(UnitRow).where(UnitRow.organisation_id == who.organisation_id, UnitRow.ref == unit)
    )
    if u is None:
        raise Invalid(["body", "unit"], f"no unit {unit!r} in this organisation")
    if h.data is None or h.status not in (HouseholdStatus.WAITING, HouseholdStatus.HOUSED):
        raise Conflict(f"household {household!r} is {h.status}; only waiting or housed households move")
    home = session.scalar(
        select(UnitRow).where(UnitRow.household_id == h.id, UnitRow.status == UnitStatus.TAKEN)
    )
    if home is not None and home.id != u.id:
        raise Invalid(["body", "unit"], f"household {household!r} lives in unit {home.ref!r}")
    if home is None and u.status != UnitStatus.FREE:
        raise Invalid(["body", "unit"], f"unit {unit!r} is {u.status}")
    u.status, u.household_id = UnitStatus.TAKEN, h.id
    h.status, h.movable = HouseholdStatus.HOUSED, True
    _close_open(session, h.id, u.id)
    audit.record(session, who, "household.movable", "household", household, unit=unit)
    session.commit()
    return h


def unmark_movable(session: Session, who: Principal, household: str) -> HouseholdRow:
    """The household stays where it lives and takes part in no more runs."""
    lock_organisation(session, who.organisation_id)
    h = record_by_ref(session, HouseholdRow, who.organisation_id, household)
    if not h.movable:
        raise Conflict(f"household {household!r} is not movable")
    h.movable = False
    live = (ProposalStatus.OPEN, ProposalStatus.ACCEPTED)
    for p in session.scalars(
        select(ProposalRow).where(
            ProposalRow.household_id == h.id, ProposalRow.status.in_(live), ProposalRow.exchange.is_not(None)
        )
    ).all():
        break_exchange(session, who, p)  # its exchanges cannot happen without it
        p.status = ProposalStatus.SUPERSEDED
    audit.record(session, who, "household.not_movable", "household", household)
    session.commit()
    return h


def _close_open(session: Session, household_id: int, unit_id: int) -> None:
    """Open proposals of this household, or of its unit, no longer hold."""
    for where in (ProposalRow.household_id == household_id, ProposalRow.unit_id == unit_id):
        session.execute(
            update(ProposalRow)
            .where(where, ProposalRow.status == ProposalStatus.OPEN)
            .values(status=ProposalStatus.SUPERSEDED)
        )


def members(session: Session, p: ProposalRow) -> list[ProposalRow]:
    """The moves of ``p``'s exchange, in order."""
    return list(
        session.scalars(
            select(ProposalRow)
            .where(ProposalRow.run_id == p.run_id, ProposalRow.exchange == p.exchange)
            .order_by(ProposalRow.exchange_step)
        )
    )


def accept_move(session: Session, who: Principal, p: ProposalRow) -> ProposalRow:
    """Accept one move (the caller holds the organisation's lock); the last one carries out all."""
    run = session.get_one(MatchRun, p.run_id)
    h = session.get_one(HouseholdRow, p.household_id)
    u = session.get_one(UnitRow, p.unit_id)
    if p.status != ProposalStatus.OPEN:
        session.rollback()
        raise Conflict(f"proposal {p.id} can no longer be accepted: it is {p.status}")
    p.status, p.decided_by, p.decided_at = ProposalStatus.ACCEPTED, who.key_id, utcnow()
    moves = members(session, p)
    pending = [m.id for m in moves if m.status == ProposalStatus.OPEN]
    audit.record(
        session,
        who,
        "proposal.accepted",
        "household",
        h.ref,
        run_id=run.id,
        policy_version=run.policy_version,
        proposal=p.id,
        unit=u.ref,
        exchange=p.exchange,
        waiting_for=pending,
    )
    if not pending:
        _carry_out(session, who, run, moves)
    session.commit()
    session.refresh(p)
    return p


def _carry_out(session: Session, who: Principal, run: MatchRun, moves: list[ProposalRow]) -> None:
    """Every move of an accepted exchange at once, if every household and unit is still as the run
    saw it; otherwise nothing is written (409)."""
    movers = {m.household_id for m in moves}
    homes = {m.from_unit_id for m in moves if m.from_unit_id is not None}
    for m in moves:
        h = session.get_one(HouseholdRow, m.household_id)
        u = session.get_one(UnitRow, m.unit_id)
        moved_out = u.id in homes and u.household_id in movers
        if h.data is None or not (
            u.status == UnitStatus.FREE or (u.status == UnitStatus.TAKEN and moved_out)
        ):
            session.rollback()
            raise Conflict(
                f"the exchange can no longer be carried out: unit {u.ref} or household {h.ref} changed"
            )
        mine = m.from_unit_id is not None
        if mine and not (h.status == HouseholdStatus.HOUSED and h.movable):
            session.rollback()
            raise Conflict(f"the exchange can no longer be carried out: household {h.ref} is {h.status}")
        if not mine and h.status != HouseholdStatus.WAITING:
            session.rollback()
            raise Conflict(f"the exchange can no longer be carried out: household {h.ref} is {h.status}")
    now = utcnow()
    taken = {m.unit_id for m in moves}
    for unit_id in homes - taken:
        session.execute(
            update(UnitRow)
            .where(UnitRow.id == unit_id)
            .values(status=UnitStatus.FREE, household_id=None, updated_at=now)
        )
    for m in moves:
        session.execute(
            update(UnitRow)
            .where(UnitRow.id == m.unit_id)
            .values(status=UnitStatus.TAKEN, household_id=m.household_id, updated_at=now)
        )
        session.execute(
            update(HouseholdRow)
            .where(HouseholdRow.id == m.household_id)
            .values(status=HouseholdStatus.HOUSED, movable=False, updated_at=now)
        )
    session.execute(
        update(ProposalRow)
        .where(
            ProposalRow.organisation_id == run.organisation_id,
            ProposalRow.status == ProposalStatus.OPEN,
            ProposalRow.unit_id.in_(taken) | ProposalRow.household_id.in_(movers),
        )
        .values(status=ProposalStatus.SUPERSEDED)
    )
    refs = dict(
        session.execute(select(HouseholdRow.id, HouseholdRow.ref).where(HouseholdRow.id.in_(movers))).all()
    )
    audit.record(
        session,
        who,
        "exchange.carried_out",
        "match_run",
        str(run.id),
        run_id=run.id,
        policy_version=run.policy_version,
        exchange=moves[0].exchange,
        households=[refs[m.household_id] for m in moves],
        proposals=[m.id for m in moves],
    )


def break_exchange(session: Session, who: Principal, p: ProposalRow) -> None:
    """A declined move (or a household no longer movable) ends its exchange: its other moves,
    decided or not, are superseded."""
    others = [
        m
        for m in members(session, p)
        if m.id != p.id and m.status in (ProposalStatus.OPEN, ProposalStatus.ACCEPTED)
    ]
    for m in others:
        m.status = ProposalStatus.SUPERSEDED
    run = session.get_one(MatchRun, p.run_id)
    audit.record(
        session,
        who,
        "exchange.broken",
        "match_run",
        str(run.id),
        run_id=run.id,
        policy_version=run.policy_version,
        exchange=p.exchange,
        declined=p.id,
        superseded=[m.id for m in others],
    )
