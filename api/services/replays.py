"""Solve a stored run again and say whether it gives the same answer (for an appeal).

The run's stored input is personal data: it is erased with any of its households
(:func:`forget_household`), and a replay of such a run is refused with a clear reason. A replay
solves in the calling process, with the run's own settings; it changes no record, and leaves an
audit entry with its verdict.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api import replay
from api.errors import Conflict
from api.models import MatchRun, RunMember, utcnow
from api.repositories import run_in_org
from api.security import Principal
from api.services import audit
from matcher import MatchProblem, match


class ReplayReport(BaseModel):
    """The verdict of a replay: identical, or what differs and its likely reasons."""

    run_id: int
    identical: bool
    input_hash: str
    hash_matches: bool = Field(description="the stored input still hashes to the run's content hash")
    objective_then: int | None
    objective_now: int | None
    proposals: int = Field(description="proposals of the first solve")
    differences: list[str]
    likely_reasons: list[str]
    versions_then: dict[str, str]
    versions_now: dict[str, str]
    settings: dict[str, float | int | str]


def forget_household(session: Session, household_id: int) -> int:
    """Erase the stored inputs of every run that held this household; returns how many."""
    runs = select(RunMember.run_id).where(RunMember.household_id == household_id)
    done = session.execute(
        update(MatchRun)
        .where(MatchRun.id.in_(runs), MatchRun.solver_input.is_not(None))
        .values(solver_input=None, input_erased_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(done.rowcount)  # type: ignore[attr-defined]


def replay_run(session: Session, who: Principal, run_id: int) -> ReplayReport:
    """Solve the run's stored input again with its settings and compare with its stored answer."""
    run = run_in_org(session, who.organisation_id, run_id)
    report = replay_stored(run)
    audit.record(
        session,
        who,
        "run.replayed",
        "match_run",
        str(run.id),
        run_id=run.id,
        policy_version=run.policy_version,
        identical=report.identical,
        differences=len(report.differences),
    )
    session.commit()
    return report


def replay_stored(run: MatchRun) -> ReplayReport:
    """The replay itself, on a loaded run (the command line calls this too)."""
    if run.input_hash is None or run.solution is None or run.solver_settings is None:
        raise Conflict(f"run {run.id} kept no input to replay (it did not finish, or predates replays)")
    if run.solver_input is None:
        raise Conflict(
            f"run {run.id} cannot be replayed: its input was erased on {run.input_erased_at:%Y-%m-%d} "
            "with the personal data of one of its households"
        )
    hash_matches = replay.content_hash(run.solver_input) == run.input_hash
    problem = MatchProblem.model_validate_json(run.solver_input)
    again = replay.solution_of(match(problem, replay.options_of(run.solver_settings)))
    versions = run.versions or {}
    verdict = replay.compare(
        run.solution,
        again,
        stored_versions=versions,
        stored_settings=run.solver_settings,
        hash_matches=hash_matches,
    )
    if not hash_matches and verdict.identical:  # the same answer from another input is no replay
        verdict = replay.Comparison(
            False,
            ["the stored input is not the one the run hashed"],
            replay.likely_reasons(run.solution, versions, run.solver_settings, hash_matches),
        )
    return ReplayReport(
        run_id=run.id,
        identical=verdict.identical,
        input_hash=run.input_hash,
        hash_matches=hash_matches,
        objective_then=run.solution.get("objective"),
        objective_now=again["objective"],
        proposals=len(run.solution["proposals"]),
        differences=verdict.differences,
        likely_reasons=verdict.reasons,
        versions_then={k: str(v) for k, v in versions.items()},
        versions_now=replay.versions(),
        settings=run.solver_settings,
    )
