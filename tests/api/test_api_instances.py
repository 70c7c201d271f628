"""Two instances on one database (SQLite file, and PostgreSQL when configured), with runs in flight:
starting a second instance, a rolling restart and a kill -9 lose no run, duplicate none and flip no
status. Real uvicorn processes on 127.0.0.1; leases of 3 s so take-overs happen within the test."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from ops_helpers import Instance, alive, seed_organisation
from sqlalchemy import func, select

from api.db import Database
from api.models import AuditEntry, MatchRun, ProposalRow, Role

ORDER = {"queued": 0, "running": 1, "succeeded": 2, "failed": 2, "cancelled": 2}


class StatusLog:
    """Polls every run's status through the database and keeps each run's sequence of statuses."""

    def __init__(self, db: Database) -> None:
        self.db, self.seen = db, dict[int, list[str]]()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._stop.is_set():
            with self.db.reader() as s:
                for run_id, status in s.execute(select(MatchRun.id, MatchRun.status)).all():
                    statuses = self.seen.setdefault(run_id, [])
                    if not statuses or statuses[-1] != status:
                        statuses.append(status)
            time.sleep(0.05)

    def stop(self) -> dict[int, list[str]]:
        self._stop.set()
        self._thread.join()
        return self.seen


def run_row(db: Database, run_id: int) -> Any:
    with db.reader() as s:
        return s.execute(
            select(
                MatchRun.status, MatchRun.phase, MatchRun.lease_owner, MatchRun.attempts, MatchRun.error
            ).where(MatchRun.id == run_id)
        ).one()


def wait_until(what: str, check: object, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def solving(db: Database, run_id: int) -> bool:
    run = run_row(db, run_id)
    return run.status == "running" and run.phase in ("building", "solving")


@pytest.fixture
def instances(tmp_path: Path) -> Iterator[list[Instance]]:
    started: list[Instance] = []
    yield started
    for instance in started:
        instance.kill()


def test_two_instances_lose_no_run_duplicate_none_and_flip_no_status(
    database_url: str, tmp_path: Path, instances: list[Instance]
) -> None:
    db = Database(database_url)
    alpha = seed_organisation(db, "alpha", 3000, 3300, seed=1)[Role.OFFICER]
    beta = seed_organisation(db, "beta", 3000, 3300, seed=2)[Role.OFFICER]
    statuses = StatusLog(db)

    a = Instance("inst-a", database_url, tmp_path).start()
    instances.append(a)
    r1 = httpx.post(f"{a.base}/v1/match-runs", json={"time_limit": 60}, headers=alpha).json()["id"]
    wait_until("run 1 solving", lambda: solving(db, r1))
    assert run_row(db, r1).lease_owner == "inst-a:1"

    # a second instance starts while the first solves: the run stays the first's
    b = Instance("inst-b", database_url, tmp_path).start()
    instances.append(b)
    time.sleep(1.0)
    assert (run_row(db, r1).status, run_row(db, r1).lease_owner) == ("running", "inst-a:1")

    # rolling restart of the first: its run passes to the second, whose claim is the second attempt
    a.stop()
    wait_until("run 1 taken over", lambda: run_row(db, r1).lease_owner == "inst-b:2")
    a2 = Instance("inst-a2", database_url, tmp_path).start()
    instances.append(a2)

    # kill -9 whichever instance solves run 2: its worker dies with it, the other takes the run over
    r2 = httpx.post(f"{a2.base}/v1/match-runs", json={"time_limit": 60}, headers=beta).json()["id"]
    wait_until("run 2 solving", lambda: solving(db, r2))
    owner = run_row(db, r2).lease_owner
    assert owner is not None
    victim, survivor = (a2, b) if owner.startswith("inst-a2:") else (b, a2)
    workers = victim.children()
    assert workers, "the solving instance has a worker process"
    victim.kill()
    wait_until("the killed instance's workers to exit", lambda: not any(alive(p) for p in workers), 10)
    wait_until("run 2 taken over", lambda: run_row(db, r2).lease_owner == f"{survivor.name}:2")

    wait_until("both runs to finish", lambda: all(run_row(db, r).status != "running" for r in (r1, r2)), 180)
    seen = statuses.stop()
    for r in (r1, r2):
        run = run_row(db, r)
        assert run.status == "succeeded", (r, run.error)
        assert run.attempts == 2
        assert seen[r] == sorted(seen[r], key=ORDER.__getitem__) and "failed" not in seen[r], seen[r]
    with db.reader() as s:
        actions = s.execute(
            select(AuditEntry.run_id, AuditEntry.action, func.count())
            .where(AuditEntry.run_id.in_((r1, r2)))
            .group_by(AuditEntry.run_id, AuditEntry.action)
        ).all()
        counts = {(run_id, action): n for run_id, action, n in actions}
        finished = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "run.finished", AuditEntry.run_id.in_((r1, r2)))
        ).all()
        for r in (r1, r2):
            assert counts[(r, "run.finished")] == 1 and counts[(r, "run.lease_expired")] == 1
            assert (r, "run.failed") not in counts
            stored = s.scalar(select(func.count()).where(ProposalRow.run_id == r))
            assert stored == next(e.details["proposals"] for e in finished if e.run_id == r) > 0
            per_household = s.execute(
                select(ProposalRow.household_id, func.count())
                .where(ProposalRow.run_id == r)
                .group_by(ProposalRow.household_id)
                .having(func.count() > 1)
            ).all()
            assert per_household == []
    # the survivor serves on
    assert httpx.get(f"{survivor.base}/readyz").status_code == 200
    db.dispose()
