"""Planners' scenario comparisons, run as background jobs (aggregates only)."""

from __future__ import annotations

import contextlib
from concurrent.futures import TimeoutError as FutureTimeout
from functools import partial

from fastapi import APIRouter, status
from fastapi.responses import HTMLResponse

from api.deps import ContextDep, PlannerDep, SessionDep
from api.errors import NotFound
from api.inputs import CheckedRoute
from api.models import ScenarioJob
from api.presenters import comparison_public
from api.repositories import comparison_in_org, comparisons_query, page, page_of
from api.routes.common import ERRORS, IntId, Limit, Offset
from api.schemas import ComparisonCreate, ComparisonPublic, Page, SpecInfo, StockWhatIf
from api.services import scenarios

router = APIRouter(route_class=CheckedRoute, tags=["planner"], responses=ERRORS)
JOBS = "/scenario-comparisons"


def _job(session: SessionDep, who: PlannerDep, job_id: int) -> ScenarioJob:
    return comparison_in_org(session, who.organisation_id, job_id)


@router.get("/scenario-specs")
def list_specs(_: PlannerDep, limit: Limit = 100, offset: Offset = 0) -> Page[SpecInfo]:
    """The shipped scenario specs a comparison can name."""
    items, total = page_of(scenarios.spec_infos(), limit, offset)
    return Page[SpecInfo](items=list(items), total=total, limit=limit, offset=offset)


def _run(ctx: ContextDep, session: SessionDep, job: ScenarioJob, wait_seconds: float) -> ComparisonPublic:
    """Start the job; wait up to ``wait_seconds`` for it, so a quick look finishes in the request."""
    future = ctx.planner_jobs.submit(partial(scenarios.execute_comparison, ctx.db, job.id), lease=job.id)
    if wait_seconds > 0:
        with contextlib.suppress(FutureTimeout):
            future.result(timeout=wait_seconds)
    session.refresh(job)
    out = comparison_public(job)
    session.rollback()
    return out


@router.post(JOBS, status_code=status.HTTP_202_ACCEPTED)
def start(body: ComparisonCreate, ctx: ContextDep, session: SessionDep, who: PlannerDep) -> ComparisonPublic:
    """Simulate each spec over the same seeds (synthetic Luxembourg data) and compare the indicators."""
    return _run(ctx, session, scenarios.create_comparison(session, who, body), body.wait_seconds)


@router.post(JOBS + "/from-stock", status_code=status.HTTP_202_ACCEPTED)
def start_from_stock(
    body: StockWhatIf, ctx: ContextDep, session: SessionDep, who: PlannerDep
) -> ComparisonPublic:
    """A what-if on the organisation's own stock: the base spec sized and mixed like its waiting
    households and free units (counts and shares only; 422 with fewer than 10 of either). The
    report is at ``.../{id}/report`` like any comparison's."""
    return _run(ctx, session, scenarios.stock_comparison(session, who, body), body.wait_seconds)


@router.get(JOBS)
def list_jobs(
    session: SessionDep, who: PlannerDep, limit: Limit = 100, offset: Offset = 0
) -> Page[ComparisonPublic]:
    """The organisation's scenario comparisons, newest first."""
    rows, total = page(session, comparisons_query(who.organisation_id), limit, offset)
    return Page[ComparisonPublic](
        items=[comparison_public(j) for j in rows], total=total, limit=limit, offset=offset
    )


@router.get(JOBS + "/{job_id}")
def get_job(job_id: IntId, session: SessionDep, who: PlannerDep) -> ComparisonPublic:
    """A comparison's status, progress and, once finished, its KPI table."""
    return comparison_public(_job(session, who, job_id))


@router.get(JOBS + "/{job_id}/report", response_class=HTMLResponse)
def get_report(job_id: IntId, session: SessionDep, who: PlannerDep) -> HTMLResponse:
    """The self-contained HTML report: KPI table, plots and map (images inline, no external asset)."""
    job = _job(session, who, job_id)
    if job.report is None:
        raise NotFound(f"comparison {job_id} has no report (status {job.status})")
    return HTMLResponse(job.report)
