"""Officers' pins (keep this pair in the next run) and forbids (never propose it)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from sqlalchemy import select

from api.deps import OfficerDep, SessionDep
from api.models import HouseholdRow, PairKind, PairRule, UnitRow
from api.repositories import refs
from api.routes.common import ERRORS, IntId
from api.schemas import PairRuleCreate, PairRulePublic
from api.services import decisions

router = APIRouter(prefix="/pair-rules", tags=["pair-rules"], responses=ERRORS)


def _public(session: SessionDep, rows: list[PairRule]) -> list[PairRulePublic]:
    hh = refs(session, HouseholdRow, {r.household_id for r in rows})
    units = refs(session, UnitRow, {r.unit_id for r in rows})
    return [
        PairRulePublic(
            id=r.id,
            household=hh[r.household_id],
            unit=units[r.unit_id],
            kind=r.kind,
            source=r.source,
            created_at=r.created_at,
            status=r.status,
            status_detail=r.status_detail,
        )
        for r in rows
    ]


@router.get("")
def list_rules(session: SessionDep, who: OfficerDep) -> list[PairRulePublic]:
    rows = session.scalars(
        select(PairRule).where(PairRule.organisation_id == who.organisation_id).order_by(PairRule.id)
    ).all()
    return _public(session, list(rows))


@router.post("", status_code=status.HTTP_201_CREATED)
def add_rule(body: PairRuleCreate, session: SessionDep, who: OfficerDep) -> PairRulePublic:
    rule = decisions.add_pair_rule(session, who, body.household, body.unit, PairKind(body.kind))
    return _public(session, [rule])[0]


@router.delete("/{rule_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_rule(rule_id: IntId, session: SessionDep, who: OfficerDep) -> Response:
    decisions.remove_pair_rule(session, who, rule_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
