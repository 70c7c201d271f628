"""Aggregate, non-personal views: counts per status and category, and the override rate."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import (
    HouseholdRow,
    HouseholdStatus,
    MatchRun,
    ProposalRow,
    ProposalStatus,
    UnitRow,
    UnitStatus,
)
from api.schemas import OverrideRate, Overview


def override_rate(session: Session, org: str) -> OverrideRate:
    rows = session.execute(
        select(ProposalRow.status, ProposalRow.reason, func.count())
        .where(
            ProposalRow.organisation_id == org,
            ProposalRow.status.in_((ProposalStatus.ACCEPTED, ProposalStatus.DECLINED)),
        )
        .group_by(ProposalRow.status, ProposalRow.reason)
    ).all()
    accepted = sum(n for s, _, n in rows if s == ProposalStatus.ACCEPTED)
    by_reason = {str(r): n for s, r, n in rows if s == ProposalStatus.DECLINED}
    declined = sum(by_reason.values())
    decided = accepted + declined
    return OverrideRate(
        organisation=org,
        decided=decided,
        accepted=accepted,
        declined=declined,
        override_rate=declined / decided if decided else None,
        declined_by_reason=by_reason,
    )


def overview(session: Session, org: str) -> Overview:
    households = session.execute(
        select(HouseholdRow.status, HouseholdRow.data).where(HouseholdRow.organisation_id == org)
    ).all()
    units = session.execute(select(UnitRow.status, UnitRow.data).where(UnitRow.organisation_id == org)).all()
    return Overview(
        organisation=org,
        households_by_status=dict(Counter(s for s, _ in households)),
        waiting_by_support=dict(
            Counter(
                str((d or {}).get("support", "normal")) for s, d in households if s == HouseholdStatus.WAITING
            )
        ),
        units_by_status=dict(Counter(s for s, _ in units)),
        free_units_by_programme=dict(
            Counter(str((d or {}).get("programme")) for s, d in units if s == UnitStatus.FREE)
        ),
        runs=session.scalar(select(func.count()).select_from(MatchRun).where(MatchRun.organisation_id == org))
        or 0,
        open_proposals=session.scalar(
            select(func.count())
            .select_from(ProposalRow)
            .where(ProposalRow.organisation_id == org, ProposalRow.status == ProposalStatus.OPEN)
        )
        or 0,
    )
