"""Officers' pins (keep this pair in the next run) and forbids (never propose it)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from api.deps import OfficerDep, SessionDep
from api.inputs import CheckedRoute
from api.models import PairKind
from api.presenters import pair_rules_public
from api.repositories import page, pair_rules_query
from api.routes.common import ERRORS, IntId, Limit, Offset
from api.schemas import Page, PairRuleCreate, PairRulePublic
from api.services import decisions

router = APIRouter(route_class=CheckedRoute, prefix="/pair-rules", tags=["pair-rules"], responses=ERRORS)


@router.get("")
def list_rules(
    session: SessionDep, who: OfficerDep, limit: Limit = 100, offset: Offset = 0
) -> Page[PairRulePublic]:
    """The organisation's pins and forbids (officers' and those from declines)."""
    rows, total = page(session, pair_rules_query(who.organisation_id), limit, offset)
    return Page[PairRulePublic](
        items=pair_rules_public(session, list(rows)), total=total, limit=limit, offset=offset
    )


@router.post("", status_code=status.HTTP_201_CREATED)
def add_rule(body: PairRuleCreate, session: SessionDep, who: OfficerDep) -> PairRulePublic:
    """Pin a pair (the next run keeps it; the pair must be eligible, else 422 naming the rule) or forbid
    it (never proposed again)."""
    rule = decisions.add_pair_rule(session, who, body.household, body.unit, PairKind(body.kind))
    return pair_rules_public(session, [rule])[0]


@router.delete("/{rule_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_rule(rule_id: IntId, session: SessionDep, who: OfficerDep) -> Response:
    """Delete a pin or forbid."""
    decisions.remove_pair_rule(session, who, rule_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
