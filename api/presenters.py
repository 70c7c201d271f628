"""Every response body is built here, from rows: one place decides what a client sees of a record,
so nothing personal or internal leaks through a route written later."""

from __future__ import annotations

import typing
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import (
    ApiKey,
    AuditEntry,
    HouseholdRow,
    MatchRun,
    PairRule,
    PolicyVersion,
    ProposalRow,
    RecordMixin,
    ReviewRequest,
    ScenarioJob,
    UnitRow,
)
from api.repositories import key_names, refs
from api.schemas import (
    AuditPublic,
    ComparisonPublic,
    KeyPublic,
    PairRulePublic,
    PolicyDocument,
    PolicyPublic,
    ProposalPublic,
    RecordPublic,
    ReviewPublic,
    RunPublic,
)

if typing.TYPE_CHECKING:
    from api.services.records import RecordKind


def key_public(k: ApiKey) -> KeyPublic:
    return KeyPublic(
        id=k.id,
        name=k.name,
        role=k.role,
        organisation=k.organisation_id,
        created_at=k.created_at,
        revoked=k.revoked_at is not None,
    )


def audit_public(e: AuditEntry) -> AuditPublic:
    return AuditPublic(
        id=e.id,
        at=e.at,
        organisation=e.organisation_id,
        actor=e.actor,
        role=e.role,
        action=e.action,
        target_type=e.target_type,
        target_ref=e.target_ref,
        run_id=e.run_id,
        policy_version=e.policy_version,
        details=e.details,
    )


def pair_rules_public(session: Session, rows: list[PairRule]) -> list[PairRulePublic]:
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


def policy_public(row: PolicyVersion, active_id: int) -> PolicyPublic:
    return PolicyPublic(
        id=row.id,
        version=row.version,
        document=PolicyDocument.model_validate(row.document),
        created_at=row.created_at,
        active=row.id == active_id,
    )


def proposals_public(session: Session, rows: Sequence[ProposalRow]) -> list[ProposalPublic]:
    households = refs(session, HouseholdRow, {r.household_id for r in rows})
    units = refs(session, UnitRow, {r.unit_id for r in rows})
    names = key_names(session, {r.decided_by for r in rows})
    return [
        ProposalPublic(
            id=r.id,
            run_id=r.run_id,
            household=households[r.household_id],
            unit=units[r.unit_id],
            cost=r.cost,
            breakdown=r.breakdown,
            alternatives=r.alternatives,
            pinned=r.pinned,
            explanation=r.explanation,
            status=r.status,
            reason=r.reason,
            decided_by=names.get(r.decided_by) if r.decided_by else None,
            decided_at=r.decided_at,
        )
        for r in rows
    ]


def reviews_public(session: Session, rows: Sequence[ReviewRequest]) -> list[ReviewPublic]:
    proposals = {
        p.id: p
        for p in session.scalars(select(ProposalRow).where(ProposalRow.id.in_({r.proposal_id for r in rows})))
    }
    households = refs(session, HouseholdRow, {p.household_id for p in proposals.values()})
    names = key_names(session, {r.requested_by for r in rows} | {r.resolved_by for r in rows})
    return [
        ReviewPublic(
            id=r.id,
            proposal=r.proposal_id,
            household=households[proposals[r.proposal_id].household_id],
            reason=r.reason,
            status=r.status,
            outcome=r.outcome,
            requested_by=names.get(r.requested_by) if r.requested_by else None,
            resolved_by=names.get(r.resolved_by) if r.resolved_by else None,
            created_at=r.created_at,
            resolved_at=r.resolved_at,
        )
        for r in rows
    ]


def run_public(run: MatchRun) -> RunPublic:
    return RunPublic.model_validate(run, from_attributes=True)


def comparison_public(job: ScenarioJob) -> ComparisonPublic:
    return ComparisonPublic(
        id=job.id,
        status=job.status,
        progress=job.progress,
        request=job.request,
        result=job.result,
        error=job.error,
        has_report=job.report is not None,
        created_at=job.created_at,
        finished_at=job.finished_at,
    )


def records_public(
    session: Session, kind: RecordKind, rows: typing.Sequence[RecordMixin]
) -> list[RecordPublic[Any]]:
    housed = refs(
        session, HouseholdRow, {r.household_id for r in rows if isinstance(r, UnitRow) and r.household_id}
    )
    out = []
    for row in rows:
        record = kind.model.model_validate({**row.data, "id": row.ref}) if row.data is not None else None
        out.append(
            RecordPublic[Any](
                id=row.ref,
                status=getattr(row, "status", None),
                refusals=getattr(row, "refusals", None),
                housed_household=housed.get(row.household_id)
                if isinstance(row, UnitRow) and row.household_id
                else None,
                created_at=row.created_at,
                updated_at=row.updated_at,
                record=record,
            )
        )
    return out
