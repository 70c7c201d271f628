"""Several officers accept proposals for the same unit at the same moment: exactly one wins."""

from __future__ import annotations

import threading

from api_helpers import Keys, finished_run, load, small_problem
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.models import HouseholdRow, ProposalRow, UnitRow

THREADS = 6


def test_concurrent_accepts_of_one_unit(client: TestClient, keys: Keys) -> None:
    load(client, keys.officer, small_problem(12, 15))
    run = finished_run(client, keys.officer)
    first = client.get("/v1/proposals", params={"status": "open"}, headers=keys.officer).json()["items"][0]
    db = client.app.state.ctx.db  # type: ignore[attr-defined]
    # Other waiting households get an open proposal of the very same unit (as from concurrent runs).
    with db.session() as s:
        template = s.get_one(ProposalRow, first["id"])
        others = s.scalars(
            select(HouseholdRow.id)
            .where(HouseholdRow.organisation_id == "alpha", HouseholdRow.id != template.household_id)
            .limit(THREADS - 1)
        ).all()
        for h in others:
            s.add(
                ProposalRow(
                    run_id=run["id"],
                    organisation_id="alpha",
                    household_id=h,
                    unit_id=template.unit_id,
                    cost=0,
                    breakdown={},
                    alternatives=[],
                    explanation="test",
                )
            )
        s.flush()
        ids = s.scalars(
            select(ProposalRow.id).where(
                ProposalRow.unit_id == template.unit_id, ProposalRow.status == "open"
            )
        ).all()
    assert len(ids) == THREADS

    barrier = threading.Barrier(THREADS)
    codes: dict[int, int] = {}
    officers = [keys.officer, keys.officer2, keys.admin]

    def accept(i: int, pid: int) -> None:
        barrier.wait()
        codes[pid] = client.post(f"/v1/proposals/{pid}/accept", headers=officers[i % 3]).status_code

    threads = [threading.Thread(target=accept, args=(i, pid)) for i, pid in enumerate(ids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(codes.values()) == [200] + [409] * (THREADS - 1)
    winner = next(pid for pid, code in codes.items() if code == 200)
    with db.session() as s:
        proposal = s.get_one(ProposalRow, winner)
        unit = s.get_one(UnitRow, proposal.unit_id)
        assert unit.status == "taken" and unit.household_id == proposal.household_id
        assert (
            s.scalar(
                select(func.count())
                .select_from(ProposalRow)
                .where(ProposalRow.unit_id == unit.id, ProposalRow.status == "accepted")
            )
            == 1
        )
        housed = s.scalars(select(HouseholdRow.id).where(HouseholdRow.status == "housed")).all()
        assert housed == [proposal.household_id]
        assert (
            s.scalar(
                select(func.count())
                .select_from(ProposalRow)
                .where(ProposalRow.unit_id == unit.id, ProposalRow.status == "open")
            )
            == 0
        )


def test_same_proposal_accepted_twice_at_once(client: TestClient, keys: Keys) -> None:
    load(client, keys.officer, small_problem(6, 8))
    finished_run(client, keys.officer)
    pid = client.get("/v1/proposals", headers=keys.officer).json()["items"][0]["id"]
    barrier = threading.Barrier(4)
    codes: list[int] = []

    def accept() -> None:
        barrier.wait()
        codes.append(client.post(f"/v1/proposals/{pid}/accept", headers=keys.officer).status_code)

    threads = [threading.Thread(target=accept) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409, 409, 409]
    audit = client.get("/v1/audit", params={"action": "proposal.accepted"}, headers=keys.admin).json()
    assert audit["total"] == 1
