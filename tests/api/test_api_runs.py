"""Runs as jobs: infeasible runs are stored with reasons, an ineligible pin is left out and reported;
cancel; a server killed mid-run loses no decision and its runs pass to another instance when their
lease expires (retried, or failed after the last attempt)."""

from __future__ import annotations

from datetime import timedelta

from api_helpers import Keys, finished_run, load, small_problem
from fastapi.testclient import TestClient

from api.config import Settings
from api.main import create_app
from api.models import MatchRun, RunStatus, utcnow
from api.services import runs

HOUSEHOLD = {"id": "H-1", "adults": 1, "monthly_income": 2000, "registered_on": "2025-05-01"}
UNIT = {
    "programme": "gls",
    "commune": "0304",
    "bedrooms": 1,
    "surface_m2": 40,
    "max_occupancy": 2,
    "available_from": "2026-01-01",
}


def test_infeasible_run_is_a_stored_run_with_reasons(client: TestClient, keys: Keys) -> None:
    h = keys.officer
    client.post("/v1/households", json=HOUSEHOLD, headers=h)
    client.post("/v1/units", json={**UNIT, "id": "U-1", "rent": 500}, headers=h)
    client.post(
        "/v1/quotas", json={"id": "Q", "scope": "programme", "key": "gls", "min_households": 3}, headers=h
    )
    run = finished_run(client, h)
    assert run["solver_status"] == "infeasible" and "Q" in str(run["conflict"])
    unhoused = client.get(f"/v1/match-runs/{run['id']}/unhoused", headers=h).json()["items"]
    assert [u["reason"] for u in unhoused] == ["no_solution"]


def test_an_ineligible_pin_is_left_out_and_reported(client: TestClient, keys: Keys) -> None:
    h = keys.officer
    client.post("/v1/households", json=HOUSEHOLD, headers=h)
    client.post("/v1/units", json={**UNIT, "id": "U-1", "rent": 500}, headers=h)
    r = client.post("/v1/pair-rules", json={"household": "H-1", "unit": "U-1", "kind": "pin"}, headers=h)
    assert r.status_code == 201
    client.patch("/v1/units/U-1", json={"rent": 5000}, headers=h)  # the pinned pair becomes ineligible
    r = client.post("/v1/match-runs", json={"wait_seconds": 60}, headers=h)
    run = r.json()
    assert r.status_code == 202 and run["status"] == "succeeded", run
    assert run["warnings"] == ["pin H-1 -> U-1 left out: the pair is not eligible: over_budget"]
    (rule,) = client.get("/v1/pair-rules", headers=h).json()["items"]
    assert rule["status"] == "ineligible" and "over_budget" in rule["status_detail"]
    audit = client.get("/v1/audit", params={"run_id": run["id"]}, headers=keys.admin).json()["items"]
    assert [e["action"] for e in audit] == ["run.created", "run.finished"]
    assert client.post(f"/v1/match-runs/{run['id']}/cancel", headers=h).status_code == 409


def test_run_progress_and_listing(client: TestClient, keys: Keys) -> None:
    load(client, keys.officer, small_problem(5, 6))
    run = finished_run(client, keys.officer, time_limit=5, alternatives=1)
    assert run["progress"] == 1.0 and run["options"]["time_limit"] == 5 and run["gap"] is not None
    got = client.get(f"/v1/match-runs/{run['id']}", headers=keys.officer).json()
    assert got["finished_at"] is not None and got["started_at"] is not None
    assert all(
        len(p["alternatives"]) <= 1
        for p in client.get(f"/v1/match-runs/{run['id']}/proposals", headers=keys.officer).json()["items"]
    )
    assert client.get("/v1/match-runs", headers=keys.officer).json()["items"][0]["id"] == run["id"]


def test_killed_server_loses_no_decision_and_its_runs_pass_on(
    client: TestClient, keys: Keys, settings: Settings
) -> None:
    load(client, keys.officer, small_problem(8, 10))
    finished_run(client, keys.officer)
    accepted = client.get("/v1/proposals", headers=keys.officer).json()["items"][0]
    client.post(f"/v1/proposals/{accepted['id']}/accept", headers=keys.officer)
    db = client.app.state.ctx.db  # type: ignore[attr-defined]
    past = utcnow() - timedelta(minutes=5)
    # as a killed server leaves them: a run mid-solve on its first attempt, one on its last, a queued one
    with db.session() as s:
        last = s.get_one(MatchRun, 1)
        for status, attempts in ((RunStatus.RUNNING, 1), (RunStatus.RUNNING, 2), (RunStatus.QUEUED, 0)):
            s.add(
                MatchRun(
                    organisation_id="alpha",
                    status=status,
                    policy_id=last.policy_id,
                    policy_version=last.policy_version,
                    options=last.options,
                    created_by=last.created_by,
                    attempts=attempts,
                    lease_owner="killed:1" if attempts else None,
                    lease_expires_at=past if attempts else None,
                )
            )

    with TestClient(create_app(settings)) as restarted:
        for run_id in (2, 3, 4):
            runs.wait_for(db, run_id, 60)
        got = {r["id"]: r for r in restarted.get("/v1/match-runs", headers=keys.officer).json()["items"]}
        assert [got[i]["status"] for i in (2, 3, 4)] == ["succeeded", "failed", "succeeded"]
        assert "lease expired" in got[3]["error"] and "retry" in got[3]["error"]
        audit = restarted.get("/v1/audit", params={"action": "run.lease_expired"}, headers=keys.admin).json()
        outcomes = {e["run_id"]: e["details"]["outcome"] for e in audit["items"]}
        assert outcomes == {2: "retried", 3: "failed"}
        assert (
            restarted.get(f"/v1/proposals/{accepted['id']}", headers=keys.officer).json()["status"]
            == "accepted"
        )
        r = restarted.post("/v1/match-runs/3/retry", headers=keys.officer)
        assert r.status_code == 202 and r.json()["retry_of"] == 3
        assert restarted.post("/v1/match-runs/2/retry", headers=keys.officer).status_code == 409


def test_cancel_a_queued_run(client: TestClient, keys: Keys) -> None:
    from api.models import Role
    from api.schemas import RunCreate
    from api.security import Principal

    db = client.app.state.ctx.db  # type: ignore[attr-defined]
    me = client.get("/v1/me", headers=keys.officer).json()
    with db.sessions() as s:  # queued but not handed to the worker, as when the worker is busy
        run = runs.create_run(s, Principal(me["key_id"], me["name"], Role.OFFICER, "alpha"), RunCreate(), 5)
    r = client.post(f"/v1/match-runs/{run.id}/cancel", headers=keys.officer)
    assert r.json()["status"] == "cancelled" and r.json()["cancel_requested"] is True
    runs.execute_run(db, run.id, 1)  # the worker reaching it later does nothing
    assert client.get(f"/v1/match-runs/{run.id}", headers=keys.officer).json()["status"] == "cancelled"


def test_run_options_are_numbers_not_booleans_or_text(client: TestClient, keys: Keys) -> None:
    for body in ({"wait_seconds": False}, {"time_limit": "5"}, {"alternatives": True}):
        r = client.post("/v1/match-runs", json=body, headers=keys.officer)
        assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", next(iter(body))], r.text
    r = client.post("/v1/match-runs", json={"match_date": 0}, headers=keys.officer)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "match_date"]
