"""Match runs: start (a background job), follow, cancel, retry, and read their results."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status
from sqlalchemy import select

from api.deps import ContextDep, OfficerDep, SessionDep
from api.errors import Problem
from api.inputs import CheckedRoute
from api.models import HouseholdRow, MatchRun, ProposalRow, UnhousedRow
from api.presenters import proposals_public, run_public
from api.repositories import page, refs, run_in_org
from api.routes.common import ERRORS, IntId, Limit, Offset
from api.schemas import Page, ProposalPublic, RunCreate, RunPublic, UnhousedPublic
from api.services import runs
from api.worker import RunDispatcher

router = APIRouter(route_class=CheckedRoute, prefix="/match-runs", tags=["match-runs"], responses=ERRORS)


def _start(
    ctx: ContextDep, jobs: RunDispatcher, session: SessionDep, run: MatchRun, wait: float
) -> RunPublic:
    jobs.wake()
    runs.wait_for(ctx.db, run.id, wait)
    session.refresh(run)
    out = run_public(run)
    session.rollback()
    return out


QUEUE_FULL: dict[int | str, dict[str, Any]] = {
    429: {"model": Problem, "description": "the organisation already has as many runs waiting as allowed"}
}


@router.post("", status_code=status.HTTP_202_ACCEPTED, responses=QUEUE_FULL)
def start_run(body: RunCreate, ctx: ContextDep, session: SessionDep, who: OfficerDep) -> RunPublic:
    """Queue a run on the organisation's waiting households and free units, under the active policy.
    With ``wait_seconds`` the response waits that long, so a small run comes back finished."""
    limit = ctx.settings.max_queued_runs_per_organisation
    run = runs.create_run(session, who, body, ctx.settings.run_time_limit, max_queued=limit)
    return _start(ctx, ctx.jobs, session, run, body.wait_seconds)


@router.get("")
def list_runs(session: SessionDep, who: OfficerDep, limit: Limit = 50, offset: Offset = 0) -> Page[RunPublic]:
    """The organisation's runs, newest first."""
    query = (
        select(MatchRun).where(MatchRun.organisation_id == who.organisation_id).order_by(MatchRun.id.desc())
    )
    rows, total = page(session, query, limit, offset)
    return Page[RunPublic](items=[run_public(r) for r in rows], total=total, limit=limit, offset=offset)


@router.get("/{run_id}")
def get_run(run_id: IntId, session: SessionDep, who: OfficerDep) -> RunPublic:
    """A run's status, progress, phase and, once finished, the solver's figures."""
    return run_public(run_in_org(session, who.organisation_id, run_id))


@router.post("/{run_id}/cancel")
def cancel_run(run_id: IntId, session: SessionDep, who: OfficerDep) -> RunPublic:
    """Cancel a queued run at once, or a running one when its solve returns (its result is discarded)."""
    return run_public(runs.cancel_run(session, who, run_id))


@router.post("/{run_id}/retry", status_code=status.HTTP_202_ACCEPTED, responses=QUEUE_FULL)
def retry_run(run_id: IntId, ctx: ContextDep, session: SessionDep, who: OfficerDep) -> RunPublic:
    """Start a new run like a failed or cancelled one (on today's data and policy)."""
    run = runs.retry_run(
        session, who, run_id, ctx.settings.run_time_limit, ctx.settings.max_queued_runs_per_organisation
    )
    return _start(ctx, ctx.jobs, session, run, 0)


@router.get("/{run_id}/proposals")
def run_proposals(
    run_id: IntId, session: SessionDep, who: OfficerDep, limit: Limit = 100, offset: Offset = 0
) -> Page[ProposalPublic]:
    """The proposals a run stored (some may since be decided or superseded)."""
    run_in_org(session, who.organisation_id, run_id)
    query = select(ProposalRow).where(ProposalRow.run_id == run_id).order_by(ProposalRow.id)
    rows, total = page(session, query, limit, offset)
    return Page[ProposalPublic](
        items=proposals_public(session, rows), total=total, limit=limit, offset=offset
    )


@router.get("/{run_id}/unhoused")
def run_unhoused(
    run_id: IntId, session: SessionDep, who: OfficerDep, limit: Limit = 100, offset: Offset = 0
) -> Page[UnhousedPublic]:
    """The households a run left unhoused, with the reason and what blocked them."""
    run_in_org(session, who.organisation_id, run_id)
    query = select(UnhousedRow).where(UnhousedRow.run_id == run_id).order_by(UnhousedRow.id)
    rows, total = page(session, query, limit, offset)
    names = refs(session, HouseholdRow, {r.household_id for r in rows})
    items = [
        UnhousedPublic(
            household=names[r.household_id],
            reason=r.reason,
            detail=r.detail,
            excluded=r.excluded,
            eligible_units=r.eligible_units,
            blocking=r.blocking,
        )
        for r in rows
    ]
    return Page[UnhousedPublic](items=items, total=total, limit=limit, offset=offset)
