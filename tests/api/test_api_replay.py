"""Replaying a stored run: the same answer bit for bit, or the differences with their reasons."""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import Keys, finished_run, load, small_problem
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.config import Settings
from api.db import Database
from api.models import MatchRun, ProposalRow
from wunneng.cli import main


def stored_run(client: TestClient, keys: Keys) -> dict[str, Any]:
    load(client, keys.officer, small_problem(households=10, units=12))
    return finished_run(client, keys.officer)


def replay(client: TestClient, keys: Keys, run_id: int) -> dict[str, Any]:
    r = client.post(f"/v1/admin/match-runs/{run_id}/replay", headers=keys.admin)
    assert r.status_code == 200, r.text
    report: dict[str, Any] = r.json()
    return report


def change(settings: Settings, run_id: int, **values: Any) -> None:
    db = Database(settings.database_url)
    with db.sessions() as s:
        run = s.get_one(MatchRun, run_id)
        for k, v in values.items():
            setattr(run, k, v(getattr(run, k)) if callable(v) else v)
        s.commit()
    db.dispose()


def test_a_stored_run_replays_to_the_same_proposals(
    client: TestClient, keys: Keys, settings: Settings
) -> None:
    run = stored_run(client, keys)
    report = replay(client, keys, run["id"])
    assert report["identical"] is True, report
    assert report["differences"] == [] and report["hash_matches"] is True
    assert report["objective_then"] == report["objective_now"] == run["objective"]
    db = Database(settings.database_url)
    with db.reader() as s:
        stored = s.get_one(MatchRun, run["id"])
        pairs = s.execute(
            select(ProposalRow.household_id, ProposalRow.unit_id).where(ProposalRow.run_id == run["id"])
        )
        assert report["proposals"] == len(pairs.all()) > 0
        assert stored.input_hash == report["input_hash"]
        assert stored.input_hash is not None and len(stored.input_hash) == 64
        assert stored.solver_settings is not None and stored.solver_settings["seed"] == 0
        assert stored.versions is not None and set(stored.versions) >= {
            "wunneng",
            "ortools",
            "highspy",
            "numpy",
        }
    db.dispose()
    audit = client.get("/v1/audit", params={"action": "run.replayed"}, headers=keys.admin).json()["items"]
    assert [e["action"] for e in audit if e["action"] == "run.replayed"] == ["run.replayed"]


def test_the_command_line_replays_a_run(
    client: TestClient, keys: Keys, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    run = stored_run(client, keys)
    assert main(["replay", str(run["id"]), "--db", settings.database_url]) == 0
    assert f"run {run['id']}: identical" in capsys.readouterr().out
    assert main(["replay", "999999", "--db", settings.database_url]) == 2
    assert "run 999999 not found" in capsys.readouterr().err


def test_an_answer_from_another_version_is_explained(
    client: TestClient, keys: Keys, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    run = stored_run(client, keys)

    def older(solution: dict[str, Any]) -> dict[str, Any]:  # the first pair went elsewhere then
        h, _, c = solution["proposals"][0]
        return {**solution, "proposals": [[h, "U-ELSEWHERE", c + 5], *solution["proposals"][1:]]}

    change(settings, run["id"], solution=older, versions=lambda v: {**v, "ortools": "9.0.0"})
    report = replay(client, keys, run["id"])
    assert report["identical"] is False
    assert any("U-ELSEWHERE" in d for d in report["differences"])
    assert any(r.startswith("ortools was 9.0.0") for r in report["likely_reasons"]), report
    assert main(["replay", str(run["id"]), "--db", settings.database_url]) == 1
    assert "likely: ortools was 9.0.0" in capsys.readouterr().out


def test_a_run_stopped_by_its_time_limit_is_named_as_the_likely_reason(
    client: TestClient, keys: Keys, settings: Settings
) -> None:
    run = stored_run(client, keys)
    change(
        settings,
        run["id"],
        solution=lambda s: {**s, "objective": s["objective"] + 40, "status": "feasible", "seconds": 10.0},
        solver_settings=lambda s: {**s, "time_limit": 10.0},
    )
    report = replay(client, keys, run["id"])
    assert report["identical"] is False
    assert any("time limit (10 s)" in r for r in report["likely_reasons"]), report
    assert not any(" was " in r and " now" in r for r in report["likely_reasons"])  # same versions


def test_an_altered_input_does_not_match_its_hash(client: TestClient, keys: Keys, settings: Settings) -> None:
    run = stored_run(client, keys)
    change(
        settings, run["id"], solver_input=lambda text: text.replace('"alternatives":3', '"alternatives":2', 1)
    )
    report = replay(client, keys, run["id"])
    assert report["hash_matches"] is False and report["identical"] is False
    assert any("content hash" in r for r in report["likely_reasons"])


def test_a_run_whose_household_was_erased_cannot_be_replayed(
    client: TestClient, keys: Keys, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    run = stored_run(client, keys)
    household = client.get("/v1/households", headers=keys.officer).json()["items"][0]["id"]
    assert client.delete(f"/v1/households/{household}", headers=keys.officer).status_code in (200, 204)
    r = client.post(f"/v1/admin/match-runs/{run['id']}/replay", headers=keys.admin)
    assert r.status_code == 409
    assert "erased" in r.json()["detail"]
    db = Database(settings.database_url)
    with db.reader() as s:
        assert s.get_one(MatchRun, run["id"]).solver_input is None  # the personal data is gone
    db.dispose()
    assert main(["replay", str(run["id"]), "--db", settings.database_url]) == 2
    assert "erased" in capsys.readouterr().err


def test_only_the_runs_own_organisation_admin_replays_it(client: TestClient, keys: Keys) -> None:
    run = stored_run(client, keys)
    assert (
        client.post(f"/v1/admin/match-runs/{run['id']}/replay", headers=keys.other_admin).status_code == 404
    )
    assert client.post(f"/v1/admin/match-runs/{run['id']}/replay", headers=keys.officer).status_code == 403
