"""Planners' scenario comparisons, run as background jobs. Results are aggregates only: the
scenarios are synthetic (``scenarios.generator``), and nothing per household is kept."""

from __future__ import annotations

import logging
from collections import Counter
from statistics import mean
from typing import Any

from sqlalchemy.orm import Session

from api.db import Database
from api.models import RunStatus, ScenarioJob, utcnow
from api.schemas import ComparisonCreate, ScenarioSpec
from api.security import Principal
from api.services import audit
from matcher import MatchResult, SolveOptions, match
from scenarios.generator import GeneratorParams, generate

log = logging.getLogger("wunneng.scenarios")


def create_comparison(session: Session, who: Principal, body: ComparisonCreate) -> ScenarioJob:
    job = ScenarioJob(
        organisation_id=who.organisation_id,
        request=body.model_dump(mode="json", exclude={"wait_seconds"}),
        created_by=who.key_id,
    )
    session.add(job)
    session.flush()
    audit.record(
        session, who, "comparison.created", "scenario_job", str(job.id), scenarios=len(body.scenarios)
    )
    session.commit()
    return job


def kpis(spec: ScenarioSpec, result: MatchResult) -> dict[str, Any]:
    n = spec.households
    terms = Counter[str]()
    for p in result.proposals:
        terms.update(p.breakdown)
    housed = len(result.proposals)
    return {
        "name": spec.name,
        "households": n,
        "units": spec.units,
        "status": result.status.value,
        "housed": housed,
        "housed_share": housed / n if n else 0.0,
        "unhoused_by_reason": dict(Counter(u.reason.value for u in result.unhoused)),
        "mean_cost": mean(p.cost for p in result.proposals) if housed else None,
        "mean_cost_by_term": {k: v / housed for k, v in terms.items()} if housed else {},
        "objective": result.objective,
        "gap": result.gap,
        "seconds": result.seconds,
        "policy_version": result.policy_version,
    }


def execute_comparison(db: Database, job_id: int, solver_workers: int) -> None:
    with db.session() as session:
        job = session.get(ScenarioJob, job_id)
        if job is None or job.status != RunStatus.QUEUED:
            return
        job.status = RunStatus.RUNNING
        request = ComparisonCreate.model_validate(job.request)
    rows = []
    try:
        for i, spec in enumerate(request.scenarios):
            problem = generate(
                GeneratorParams(households=spec.households, units=spec.units), spec.seed, spec.policy
            )
            result = match(
                problem, SolveOptions(time_limit=request.time_limit, workers=solver_workers, seed=0)
            )
            rows.append(kpis(spec, result))
            with db.session() as session:
                session.get_one(ScenarioJob, job_id).progress = (i + 1) / len(request.scenarios)
    except Exception as exc:
        log.exception("comparison %s failed", job_id)
        with db.session() as session:
            job = session.get_one(ScenarioJob, job_id)
            job.status, job.error, job.finished_at = (
                RunStatus.FAILED,
                f"{type(exc).__name__}: {exc}",
                utcnow(),
            )
        return
    with db.session() as session:
        job = session.get_one(ScenarioJob, job_id)
        job.status, job.progress, job.finished_at = RunStatus.SUCCEEDED, 1.0, utcnow()
        job.result = {"scenarios": rows}
