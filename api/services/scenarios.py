"""Planners' scenario comparisons through ``scenarios/``: spec files, the seeded simulation runner
and its HTML report, run as background jobs. Everything stored is aggregate (the simulated
households are synthetic, and only indicators over them are kept)."""

from __future__ import annotations

import logging
import math
from typing import Any

from sqlalchemy.orm import Session

from api.db import Database
from api.errors import Invalid
from api.models import HouseholdRow, HouseholdStatus, RunStatus, ScenarioJob, UnitRow, UnitStatus, utcnow
from api.repositories import records_with_status
from api.schemas import ComparisonCreate, SpecInfo, StockWhatIf
from api.security import Principal
from api.services import audit
from matcher import Household, Unit
from scenarios.from_stock import stock_base
from scenarios.report import render_report, table_rows
from scenarios.runner import Task, by_spec, estimate, run_tasks, values
from scenarios.spec import Spec, SpecError, load_spec, shipped_specs, validate_spec

log = logging.getLogger("wunneng.scenarios")


def shipped() -> dict[str, Spec]:
    specs = (load_spec(path) for path in shipped_specs())
    return {s.name: s for s in specs}


def spec_infos() -> list[SpecInfo]:
    return [
        SpecInfo(name=s.name, title=s.title, description=s.description.strip()) for s in shipped().values()
    ]


def resolve_specs(body: ComparisonCreate) -> list[Spec]:
    """The specs of a request, with its overrides applied; 422 names the bad entry."""
    known = shipped()
    out: list[Spec] = []
    for i, entry in enumerate(body.specs):
        if isinstance(entry, str):
            if entry.removesuffix(".toml") not in known:
                raise Invalid(
                    ["body", "specs", i], f"unknown spec {entry!r}; one of {', '.join(sorted(known))}"
                )
            spec = known[entry.removesuffix(".toml")]
        else:
            if "base" in entry:
                raise Invalid(
                    ["body", "specs", i, "base"], "inline specs cannot have a base; send the merged spec"
                )
            try:
                spec = validate_spec(entry, f"specs[{i}]")
            except SpecError as exc:
                raise Invalid(["body", "specs", i, *exc.field.split(".")], exc.reason) from None
        run = {
            k: v
            for k, v in (("scale", body.scale), ("months", body.months), ("time_limit", body.time_limit))
            if v is not None
        }
        out.append(spec.model_copy(update={"run": spec.run.model_copy(update=run)}) if run else spec)
    names = [s.name for s in out]
    if len(set(names)) != len(names):
        raise Invalid(["body", "specs"], f"spec names must differ: {names}")
    return out


def create_comparison(session: Session, who: Principal, body: ComparisonCreate) -> ScenarioJob:
    resolve_specs(body)
    job = ScenarioJob(
        organisation_id=who.organisation_id,
        request=body.model_dump(mode="json", exclude={"wait_seconds"}),
        created_by=who.key_id,
    )
    session.add(job)
    session.flush()
    audit.record(
        session,
        who,
        "comparison.created",
        "scenario_job",
        str(job.id),
        specs=len(body.specs),
        seeds=len(body.seeds),
    )
    session.commit()
    return job


def stock_comparison(session: Session, who: Principal, body: StockWhatIf) -> ScenarioJob:
    """A comparison job of one spec: ``body.base`` sized and mixed like the organisation's waiting
    households and free units. Only counts and shares enter the spec (``scenarios.from_stock``), so
    the stored request is as aggregate as any other."""
    known = shipped()
    if body.base.removesuffix(".toml") not in known:
        raise Invalid(["body", "base"], f"unknown spec; one of {', '.join(sorted(known))}")
    org = who.organisation_id
    households = [
        Household.model_validate({**row.data, "id": row.ref})
        for row in records_with_status(session, HouseholdRow, org, HouseholdStatus.WAITING)
        if row.data is not None
    ]
    units = [
        Unit.model_validate({**row.data, "id": row.ref})
        for row in records_with_status(session, UnitRow, org, UnitStatus.FREE)
        if row.data is not None
    ]
    try:
        spec = stock_base(known[body.base.removesuffix(".toml")], households, units)
    except ValueError as exc:  # too few records: the shares would describe individuals
        raise Invalid(["body"], str(exc)) from None
    whole = spec.model_copy(update={"run": spec.run.model_copy(update={"scale": 1.0})})  # real sizes
    request = ComparisonCreate(
        specs=[whole.model_dump(mode="json", exclude={"base"})],
        seeds=body.seeds,
        months=body.months,
        time_limit=body.time_limit,
        wait_seconds=body.wait_seconds,
    )
    return create_comparison(session, who, request)


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def execute_comparison(db: Database, job_id: int) -> None:
    """Simulate every (spec, seed) in this thread (one solver worker each), then store the table,
    per-KPI estimates over seeds and the self-contained HTML report."""
    with db.session() as session:
        job = session.get(ScenarioJob, job_id)
        if job is None or job.status != RunStatus.QUEUED:
            return
        job.status = RunStatus.RUNNING
        request = ComparisonCreate.model_validate(job.request)

    def progress(done: int, total: int) -> None:
        with db.session() as s:
            s.get_one(ScenarioJob, job_id).progress = 0.95 * done / total

    try:
        specs = resolve_specs(request)
        outcomes = run_tasks(
            [Task(s, seed) for seed in request.seeds for s in specs], jobs=1, progress=progress
        )
        runs = by_spec(outcomes)
        kpis: dict[str, Any] = {}
        for name, outs in runs.items():
            kpis[name] = {}
            for k in outs[0].kpis:
                e = estimate(values(outs, k))
                kpis[name][k] = {"mean": _finite(e.mean), "half": _finite(e.half), "n": e.n}
        report = render_report(specs, outcomes, title=f"Scenario comparison {job_id}")
        result = {"seeds": request.seeds, "table": table_rows(runs), "kpis": kpis}
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
        job.result, job.report = result, report
