"""Movable households and the exchanges runs propose them (:mod:`api.services.exchanges`)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from api.deps import OfficerDep, SessionDep
from api.inputs import CheckedRoute
from api.models import HouseholdRow, ProposalRow, ProposalStatus, UnitRow
from api.repositories import refs, run_in_org
from api.routes.common import ERRORS, IntId, Ref
from api.services import exchanges
from matcher.domain import ID_PATTERN

router = APIRouter(route_class=CheckedRoute, tags=["exchanges"], responses=ERRORS)


class MovableBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unit: str = Field(pattern=ID_PATTERN, description="the unit of this organisation it lives in now")


class MovablePublic(BaseModel):
    household: str
    unit: str | None = Field(description="where it lives")
    movable: bool


class MovePublic(BaseModel):
    proposal: int
    step: int
    household: str
    from_unit: str | None = Field(description="the home it leaves (none for a waiting household)")
    to_unit: str
    status: ProposalStatus


class ExchangePublic(BaseModel):
    """Moves that hang together: each takes the home the one before leaves."""

    run_id: int
    exchange: int
    moves: list[MovePublic]


def _home(session: SessionDep, h: HouseholdRow) -> str | None:
    return session.scalar(select(UnitRow.ref).where(UnitRow.household_id == h.id, UnitRow.status == "taken"))


@router.put("/households/{ref}/movable")
def mark_movable(ref: Ref, body: MovableBody, session: SessionDep, who: OfficerDep) -> MovablePublic:
    """The household lives in ``unit`` and may enter later runs as movable: a run may propose it a
    unit that fits it no worse, and offer its home to another household."""
    h = exchanges.mark_movable(session, who, ref, body.unit)
    return MovablePublic(household=h.ref, unit=_home(session, h), movable=h.movable)


@router.delete("/households/{ref}/movable")
def unmark_movable(ref: Ref, session: SessionDep, who: OfficerDep) -> MovablePublic:
    """The household stays where it lives and enters no more runs."""
    h = exchanges.unmark_movable(session, who, ref)
    return MovablePublic(household=h.ref, unit=_home(session, h), movable=h.movable)


@router.get("/match-runs/{run_id}/exchanges")
def run_exchanges(run_id: IntId, session: SessionDep, who: OfficerDep) -> list[ExchangePublic]:
    """The run's exchanges, each with its moves in order (each move is a proposal to decide)."""
    run_in_org(session, who.organisation_id, run_id)
    rows = session.scalars(
        select(ProposalRow)
        .where(ProposalRow.run_id == run_id, ProposalRow.exchange.is_not(None))
        .order_by(ProposalRow.exchange, ProposalRow.exchange_step)
    ).all()
    names = refs(session, HouseholdRow, {r.household_id for r in rows})
    units = refs(
        session, UnitRow, {r.unit_id for r in rows} | {r.from_unit_id for r in rows if r.from_unit_id}
    )
    out: dict[int, ExchangePublic] = {}
    for r in rows:
        assert r.exchange is not None and r.exchange_step is not None
        x = out.setdefault(r.exchange, ExchangePublic(run_id=run_id, exchange=r.exchange, moves=[]))
        x.moves.append(
            MovePublic(
                proposal=r.id,
                step=r.exchange_step,
                household=names[r.household_id],
                from_unit=units[r.from_unit_id] if r.from_unit_id is not None else None,
                to_unit=units[r.unit_id],
                status=ProposalStatus(r.status),
            )
        )
    return list(out.values())
