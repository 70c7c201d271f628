"""Planners' scenario comparisons, run as background jobs (aggregates only)."""

from __future__ import annotations

import contextlib
from concurrent.futures import TimeoutError as FutureTimeout
from functools import partial

from fastapi import APIRouter, status
from sqlalchemy import select

from api.deps import ContextDep, PlannerDep, SessionDep
from api.errors import NotFound
from api.models import ScenarioJob
from api.routes.common import ERRORS, IntId
from api.schemas import ComparisonCreate, ComparisonPublic
from api.services import scenarios

router = APIRouter(prefix="/scenario-comparisons", tags=["planner"], responses=ERRORS)


def _public(job: ScenarioJob) -> ComparisonPublic:
    return ComparisonPublic.model_validate(job, from_attributes=True)


@router.post("", status_code=status.HTTP_202_ACCEPTED)
def start(body: ComparisonCreate, ctx: ContextDep, session: SessionDep, who: PlannerDep) -> ComparisonPublic:
    """Generate each scenario (seeded synthetic Luxembourg data), solve it, and compare KPIs."""
    job = scenarios.create_comparison(session, who, body)
    future = ctx.jobs.submit(
        partial(scenarios.execute_comparison, ctx.db, job.id, ctx.settings.solver_workers)
    )
    if body.wait_seconds > 0:
        with contextlib.suppress(FutureTimeout):
            future.result(timeout=body.wait_seconds)
    session.refresh(job)
    out = _public(job)
    session.rollback()
    return out


@router.get("")
def list_jobs(session: SessionDep, who: PlannerDep) -> list[ComparisonPublic]:
    rows = session.scalars(
        select(ScenarioJob)
        .where(ScenarioJob.organisation_id == who.organisation_id)
        .order_by(ScenarioJob.id.desc())
        .limit(100)
    )
    return [_public(j) for j in rows]


@router.get("/{job_id}")
def get_job(job_id: IntId, session: SessionDep, who: PlannerDep) -> ComparisonPublic:
    job = session.get(ScenarioJob, job_id)
    if job is None or job.organisation_id != who.organisation_id:
        raise NotFound(f"comparison {job_id} not found")
    return _public(job)
